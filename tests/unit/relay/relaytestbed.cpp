#include "relaytestbed.h"

#include "core/answeraction.h"
#include "relay/relayserver.h"
#include "relay/relaystore.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTest>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// A request without a response within this time gets status 0.
constexpr int ReplyTimeoutMs = 10'000;

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// The Event field that PlivoCallback::toEvent expects at each callback URL.
QString plivoEventName(const QString &kind)
{
    if (kind == u"ring")
        return u"Ring"_s;
    if (kind == u"answer" || kind == u"fallback")
        return u"StartApp"_s;
    if (kind == u"machine")
        return u"MachineDetection"_s;
    return u"Hangup"_s;
}

} // namespace

QByteArray formBody(const PlivoSignature::Params &params)
{
    QByteArray body;
    for (const auto &[key, value] : params) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

RelayTestBed::RelayTestBed() = default;

RelayTestBed::~RelayTestBed()
{
    // The server's sessions refer to the store, so the server goes first.
    m_server.reset();
    m_store.reset();
}

QString RelayTestBed::setUp()
{
    if (!m_dir.isValid())
        return u"cannot create a temporary folder: %1"_s.arg(m_dir.errorString());

    Result<std::unique_ptr<RelayStore>> opened =
        RelayStore::open(m_dir.filePath(u"relay.sqlite"_s));
    if (!opened)
        return opened.error().message;
    m_store = std::move(opened).value();

    const QString tokenFile = m_dir.filePath(u"plivo-auth-token"_s);
    QFile file(tokenFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(PlivoAuthToken.toByteArray() + '\n') < 0)
        return u"cannot write %1"_s.arg(tokenFile);
    file.close();
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return u"cannot make %1 readable only by its owner"_s.arg(tokenFile);

    Result<QString> token = m_store->addChannel(Channel.toString(), tokenFile, AnswerAction{},
                                                QDateTime::currentMSecsSinceEpoch());
    if (!token)
        return token.error().message;
    m_clientToken = token->toLatin1();
    return {};
}

RelayConfig RelayTestBed::config(bool tls) const
{
    RelayConfig config;
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    // The public URL is fixed before the server listens, so the port is
    // chosen here. If another process takes it in between, start() fails.
    config.port = freeLoopbackPort();
    config.publicUrl = u"%1://127.0.0.1:%2/"_s.arg(tls ? u"https"_s : u"http"_s).arg(config.port);
    config.databasePath = m_dir.filePath(u"relay.sqlite"_s);
    return config;
}

QString RelayTestBed::startServer(const RelayConfig &config)
{
    m_server = std::make_unique<RelayServer>(config, *m_store);
    m_config = config;
    Result<quint16> port = m_server->start();
    if (!port) {
        m_server.reset();
        return port.error().message;
    }
    return {};
}

void RelayTestBed::stopServer()
{
    m_server.reset();
}

QUrl RelayTestBed::webSocketUrl() const
{
    const bool tls = !m_config.tlsCertificateFile.isEmpty();
    return QUrl(
        u"%1://127.0.0.1:%2/ws/%3"_s.arg(tls ? u"wss"_s : u"ws"_s).arg(m_config.port).arg(Channel));
}

void RelayTestBed::trustCertificate(const QSslCertificate &certificate)
{
    m_trusted.append(certificate);
}

QUrl RelayTestBed::serverUrl(const QString &pathAndQuery) const
{
    // The public URL is the server's own address in these tests.
    return QUrl(m_config.publicUrl + pathAndQuery.mid(1));
}

SignedCallback RelayTestBed::signCallback(const QString &kind, qint64 attemptId,
                                          const QString &callUuid,
                                          const PlivoSignature::Params &extra) const
{
    PlivoSignature::Params params = {{u"CallUUID"_s, callUuid},
                                     {u"RequestUUID"_s, callUuid},
                                     {u"Event"_s, plivoEventName(kind)}};
    params.append(extra);

    SignedCallback callback;
    callback.pathAndQuery = u"/plivo/%1/%2?attempt=%3"_s.arg(Channel, kind).arg(attemptId);
    callback.body = formBody(params);

    const QString nonce = PlivoSignature::makeNonce();
    const QString url = serverUrl(callback.pathAndQuery).toString();
    callback.headers = {
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"X-Plivo-Signature-V3",
         PlivoSignature::computeV3(PlivoAuthToken, "POST", url, params, nonce)},
        {"X-Plivo-Signature-V3-Nonce", nonce.toLatin1()},
    };
    return callback;
}

HttpReply RelayTestBed::post(const SignedCallback &callback)
{
    QNetworkRequest request(serverUrl(callback.pathAndQuery));
    for (const auto &[name, value] : callback.headers)
        request.setRawHeader(name, value);
    if (!m_trusted.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_trusted);
        request.setSslConfiguration(ssl);
    }
    return await(m_network.post(request, callback.body));
}

QString RelayTestBed::callUuid(int index)
{
    return u"c0ffee00-0000-4000-8000-%1"_s.arg(index, 12, 10, QLatin1Char('0'));
}

bool RelayTestBed::postRings(int count)
{
    const int before = storedEventCount();
    for (int i = 0; i < count; ++i) {
        const int status = postRing(1, callUuid(before + i + 1));
        if (status != 200) {
            qWarning() << "Callback" << before + i + 1 << "got HTTP status" << status;
            return false;
        }
    }
    return true;
}

int RelayTestBed::postRing(qint64 attemptId, const QString &callUuid)
{
    return post(signCallback(u"ring"_s, attemptId, callUuid)).status;
}

HttpReply RelayTestBed::get(const QString &path)
{
    QNetworkRequest request(serverUrl(path));
    if (!m_trusted.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_trusted);
        request.setSslConfiguration(ssl);
    }
    return await(m_network.get(request));
}

HttpReply RelayTestBed::await(QNetworkReply *reply)
{
    // Waits with the event loop running, because the server runs in this thread.
    const bool finished = QTest::qWaitFor([reply] { return reply->isFinished(); }, ReplyTimeoutMs);
    HttpReply result;
    if (finished) {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = reply->readAll();
    }
    result.error = finished ? reply->errorString() : u"no answer in %1 ms"_s.arg(ReplyTimeoutMs);
    reply->abort();
    reply->deleteLater();
    return result;
}

int RelayTestBed::storedEventCount() const
{
    Result<QList<RelayEvent>> events = m_store->eventsAfter(Channel.toString(), 0, 1'000'000);
    return events ? int(events->size()) : -1;
}

QStringList RelayTestBed::storedCallUuids() const
{
    Result<QList<RelayEvent>> events = m_store->eventsAfter(Channel.toString(), 0, 1'000'000);
    if (!events) {
        qWarning().noquote() << "Cannot read the relay's events:" << events.error().message;
        return {};
    }
    QStringList uuids;
    for (const RelayEvent &event : std::as_const(*events))
        uuids.append(event.callUuid);
    return uuids;
}

} // namespace Dialdeck
