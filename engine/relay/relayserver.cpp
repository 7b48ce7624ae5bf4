#include "relayserver.h"

#include "carrier/answerdocument.h"
#include "carrier/callbacksignature.h"
#include "carrier/formparams.h"
#include "carrier/plivocallback.h"
#include "carrier/plivosettings.h"
#include "core/logging.h"
#include "relaysession.h"
#include "relaystore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpSocket>
#include <QUrlQuery>
#include <QWebSocket>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr int PruneIntervalMs = 60'000;

void respond(QHttpServerResponder &&responder, QByteArrayView text,
             QHttpServerResponder::StatusCode status)
{
    responder.write(text.toByteArray() + '\n', "text/plain", status);
}

bool isCallbackKind(const QString &kind)
{
    return kind == u"ring" || kind == u"answer" || kind == u"hangup" || kind == u"machine" ||
           kind == u"fallback";
}

// The headers kept with an event: the signature set and what identifies the sender.
QByteArray keptHeaders(const QHttpServerRequest &request)
{
    QJsonObject headers;
    for (const char *name : {"X-Plivo-Signature-V3", "X-Plivo-Signature-Ma-V3",
                             "X-Plivo-Signature-V3-Nonce", "User-Agent", "Content-Type"}) {
        const QByteArray value = request.value(name);
        if (!value.isEmpty())
            headers.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    }
    return QJsonDocument(headers).toJson(QJsonDocument::Compact);
}

// Peer address and port of a connection, to find the upgrade request of a WebSocket.
QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'|' + QString::number(port);
}

} // namespace

RelayServer::RelayServer(RelayConfig config, RelayStore &store, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_config(std::move(config))
    , m_store(store)
    , m_rateLimiter(m_config.intakeRatePerSecond, m_config.intakeBurst)
{
    connect(this, &QAbstractHttpServer::newWebSocketConnection, this,
            &RelayServer::acceptWebSockets);
    if (!m_config.publicUrl.endsWith(u'/'))
        m_config.publicUrl += u'/';
    m_pruneTimer.setInterval(PruneIntervalMs);
    connect(&m_pruneTimer, &QTimer::timeout, this, &RelayServer::pruneLog);
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(0);
    connect(&m_commitTimer, &QTimer::timeout, this, &RelayServer::commitPending);
}

RelayServer::~RelayServer() = default;

Result<quint16> RelayServer::start()
{
    if (!m_config.tlsCertificateFile.isEmpty()) {
        if (Result<void> tls = setUpTls(); !tls)
            return tls.error();
    }

    const quint16 port = listen(m_config.listenAddress, m_config.port);
    if (port == 0) {
        return Error{u"invalid_argument"_s,
                     tr("Cannot listen at %1; the port may be in use.").arg(m_config.listenText())};
    }
    pruneLog();
    m_pruneTimer.start();
    return port;
}

Result<void> RelayServer::setUpTls()
{
    QFile certificateFile(m_config.tlsCertificateFile);
    QFile keyFile(m_config.tlsKeyFile);
    for (const auto &[file, what] :
         {std::pair{&certificateFile, tr("certificate")}, std::pair{&keyFile, tr("key")}}) {
        if (!file->open(QIODevice::ReadOnly)) {
            return Error{u"invalid_argument"_s,
                         tr("Cannot read the TLS %1 file %2: %3. Check the path and its "
                            "permissions.")
                             .arg(what, file->fileName(), file->errorString())};
        }
    }

    const QSslCertificate certificate(&certificateFile, QSsl::Pem);
    if (certificate.isNull()) {
        return Error{u"invalid_argument"_s,
                     tr("The TLS certificate file %1 contains no PEM certificate; give the "
                        "certificate in PEM form (\"-----BEGIN CERTIFICATE-----\").")
                         .arg(m_config.tlsCertificateFile)};
    }
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        return Error{u"invalid_argument"_s,
                     tr("The TLS key file %1 contains no unencrypted PEM RSA or EC key; remove "
                        "its pass phrase or convert it to PEM.")
                         .arg(m_config.tlsKeyFile)};
    }

    sslSetup(certificate, key);
    return {};
}

int RelayServer::sessionCount() const
{
    int count = 0;
    for (const auto &[channel, sessions] : m_sessions)
        count += int(sessions.size());
    return count;
}

bool RelayServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QStringList parts = request.url().path().split(u'/', Qt::SkipEmptyParts);
    if (parts.size() == 1 && parts.at(0) == u"healthz") {
        handleHealth(request, socket);
        return true;
    }
    if (parts.size() == 3 && parts.at(0) == u"plivo") {
        handleIntake(parts.at(1), parts.at(2), request, socket);
        return true;
    }
    if (parts.size() == 2 && parts.at(0) == u"ws")
        return handleUpgrade(parts.at(1), request, socket);
    return false;
}

void RelayServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    respond(makeResponder(request, socket), "Not found",
            QHttpServerResponder::StatusCode::NotFound);
}

void RelayServer::handleHealth(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const bool healthy = m_store.isHealthy();
    const QJsonObject body{{u"status"_s, healthy ? u"ok"_s : u"store_failed"_s},
                           {u"connections"_s, sessionCount()}};
    makeResponder(request, socket)
        .write(QJsonDocument(body), healthy ? QHttpServerResponder::StatusCode::Ok
                                            : QHttpServerResponder::StatusCode::ServiceUnavailable);
}

bool RelayServer::checkIntakeLimits(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString address = request.remoteAddress().toString();
    if (!m_rateLimiter.allow(address, QDateTime::currentMSecsSinceEpoch())) {
        respond(makeResponder(request, socket), "Too many requests",
                QHttpServerResponder::StatusCode::TooManyRequests);
        return false;
    }
    const bool isGet = request.method() == QHttpServerRequest::Method::Get;
    if (!isGet && request.method() != QHttpServerRequest::Method::Post) {
        respond(makeResponder(request, socket), "Use GET or POST",
                QHttpServerResponder::StatusCode::MethodNotAllowed);
        return false;
    }
    if (request.body().size() > MaxBodyBytes) {
        qCWarning(lcRelayServer).noquote()
            << "Rejected a callback of" << request.body().size() << "bytes from" << address;
        respond(makeResponder(request, socket), "Callback too large",
                QHttpServerResponder::StatusCode::PayloadTooLarge);
        return false;
    }
    return true;
}

std::optional<QByteArray> RelayServer::authToken(const RelayChannel &channel)
{
    // Read on each callback, so a rotated token takes effect without a restart.
    Result<QByteArray> token = PlivoSettings::readTokenFile(channel.authTokenFile);
    if (!token) {
        qCCritical(lcRelayServer).noquote()
            << "Channel" << channel.name << "has no usable Auth Token:" << token.error().message;
        return std::nullopt;
    }
    return *token;
}

void RelayServer::handleIntake(const QString &channelName, const QString &kind,
                               const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!isCallbackKind(kind)) {
        respond(makeResponder(request, socket), "Unknown callback",
                QHttpServerResponder::StatusCode::NotFound);
        return;
    }
    if (!checkIntakeLimits(request, socket))
        return;

    Result<std::optional<RelayChannel>> found = m_store.channel(channelName);
    if (!found) {
        qCCritical(lcRelayServer).noquote() << found.error().message;
        socket->abort();
        return;
    }
    if (!found->has_value()) {
        respond(makeResponder(request, socket), "Unknown channel",
                QHttpServerResponder::StatusCode::NotFound);
        return;
    }
    const RelayChannel &channel = **found;

    const bool isGet = request.method() == QHttpServerRequest::Method::Get;
    PlivoSignature::Params bodyParams;
    if (!isGet && !request.body().isEmpty()) {
        Result<PlivoSignature::Params> parsed = FormParams::parse(request.body());
        if (!parsed) {
            qCWarning(lcRelayServer).noquote() << "Rejected a" << kind << "callback of channel"
                                               << channel.name << "with an unreadable body";
            respond(makeResponder(request, socket), "Unreadable form body",
                    QHttpServerResponder::StatusCode::BadRequest);
            return;
        }
        bodyParams = *parsed;
    }

    const std::optional<QByteArray> token = authToken(channel);
    if (!token) {
        socket->abort();
        return;
    }
    const QString url = CallbackSignature::signedUrl(
        m_config.publicUrl, u"plivo/%1/%2"_s.arg(channel.name, kind), request);
    if (!CallbackSignature::matches(request, url, {*token}, bodyParams)) {
        qCWarning(lcRelayServer).noquote()
            << "Rejected a" << kind << "callback of channel" << channel.name
            << "whose Plivo signature does not match" << url
            << "(check publicUrl and the channel's Auth Token)";
        respond(makeResponder(request, socket), "Signature does not match",
                QHttpServerResponder::StatusCode::Forbidden);
        return;
    }

    PlivoSignature::Params params = bodyParams;
    for (const auto &[key, value] : QUrlQuery(request.url()).queryItems(QUrl::FullyDecoded))
        params.append({key, value});

    RelayAppend append;
    RelayEvent &event = append.event;
    event.channel = channel.name;
    event.kind = kind;
    event.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    event.method = isGet ? u"GET"_s : u"POST"_s;
    event.url = url;
    event.headers = keptHeaders(request);
    event.body = request.body();
    event.contentType = QString::fromLatin1(request.value("Content-Type"));
    event.callUuid = FormParams::value(params, u"CallUUID");
    append.signature = request.value("X-Plivo-Signature-V3").isEmpty()
                           ? request.value("X-Plivo-Signature-Ma-V3")
                           : request.value("X-Plivo-Signature-V3");
    append.nonce = QString::fromUtf8(request.value("X-Plivo-Signature-V3-Nonce"));

    const bool isAnswer = kind == u"answer" || kind == u"fallback";
    m_pendingAppends.append(std::move(append));
    m_pending.push_back(
        PendingCallback{makeResponder(request, socket), QPointer<QTcpSocket>(socket),
                        isAnswer ? AnswerDocument::render(channel.answer) : QByteArray()});
    m_commitTimer.start();
}

void RelayServer::commitPending()
{
    if (m_pending.empty())
        return;
    std::vector<PendingCallback> batch = std::exchange(m_pending, {});
    QList<RelayAppend> appends = std::exchange(m_pendingAppends, {});
    Result<QList<Result<qint64>>> committed = m_store.appendAll(appends);

    if (!committed) {
        // No reply at all, because Plivo retries a failed connection but not a 5xx.
        qCCritical(lcRelayServer).noquote()
            << "Closing" << batch.size()
            << "callback connection(s) unanswered:" << committed.error().message;
        for (PendingCallback &callback : batch) {
            if (callback.socket)
                callback.socket->abort();
        }
        return;
    }

    QSet<QString> channels;
    for (qsizetype i = 0; i < appends.size(); ++i) {
        const RelayEvent &event = appends.at(i).event;
        replyCommitted(batch[size_t(i)], event, committed->at(i));
        if (committed->at(i))
            channels.insert(event.channel);
    }
    for (const QString &channel : std::as_const(channels)) {
        for (RelaySession *session : m_sessions[channel])
            session->onEventAppended();
    }
}

void RelayServer::replyCommitted(PendingCallback &callback, const RelayEvent &event,
                                 const Result<qint64> &seq)
{
    if (!seq && seq.error().code == u"replayed") {
        qCWarning(lcRelayServer).noquote()
            << "Rejected a replayed" << event.kind << "callback of channel" << event.channel
            << "call" << event.callUuid;
    } else if (!seq) {
        qCWarning(lcRelayServer).noquote() << seq.error().message;
    } else {
        qCDebug(lcRelayServer).noquote() << "Stored" << event.kind << "of channel" << event.channel
                                         << "seq" << *seq << "call" << event.callUuid;
    }

    // The sender may have left while the commit ran; its event is stored all the same.
    if (!callback.socket || !callback.socket->isOpen())
        return;
    if (!seq && seq.error().code == u"replayed") {
        respond(std::move(callback.responder), "Replayed callback",
                QHttpServerResponder::StatusCode::Forbidden);
    } else if (!seq) {
        respond(std::move(callback.responder), "Unknown channel",
                QHttpServerResponder::StatusCode::NotFound);
    } else if (!callback.answerDocument.isEmpty()) {
        callback.responder.write(callback.answerDocument, "application/xml");
    } else {
        respond(std::move(callback.responder), "OK", QHttpServerResponder::StatusCode::Ok);
    }
}

bool RelayServer::handleUpgrade(const QString &channelName, const QHttpServerRequest &request,
                                QTcpSocket *socket)
{
    const bool upgrade = request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
    if (!upgrade) {
        respond(makeResponder(request, socket), "Connect with a WebSocket",
                QHttpServerResponder::StatusCode::BadRequest);
        return true;
    }

    const QByteArray authorization = request.value("Authorization");
    const QByteArray prefix = "Bearer ";
    const bool authorized =
        authorization.startsWith(prefix) &&
        m_store.tokenMatches(channelName, authorization.mid(prefix.size()).trimmed());
    // Qt 6.4 upgrades every request this function accepts, and an answer
    // written here would corrupt the handshake. So the verdict waits for the
    // WebSocket, which a rejected client receives as an error frame.
    m_pendingUpgrades.insert(peerKey(socket->peerAddress(), socket->peerPort()),
                             PendingUpgrade{channelName, authorized});
    return true;
}

void RelayServer::acceptWebSockets()
{
    while (hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = nextPendingWebSocketConnection();
        const PendingUpgrade upgrade =
            m_pendingUpgrades.take(peerKey(socket->peerAddress(), socket->peerPort()));

        auto *session =
            new RelaySession(std::move(socket), upgrade.channel, m_store, m_config.window, this);
        connect(session, &RelaySession::closed, this, &RelayServer::onSessionClosed);
        if (!upgrade.authorized) {
            qCWarning(lcRelayServer).noquote()
                << "Rejected a WebSocket for channel" << upgrade.channel
                << "with a missing or wrong token";
            session->reject(u"unauthorized"_s,
                            tr("The channel or its token is wrong; use the token that "
                               "\"dialdeck-relay channel add\" printed."));
            continue;
        }

        std::vector<RelaySession *> &open = m_sessions[upgrade.channel];
        if (int(open.size()) >= m_config.maxConnectionsPerToken) {
            qCWarning(lcRelayServer).noquote()
                << "Rejected a WebSocket for channel" << upgrade.channel << "beyond"
                << m_config.maxConnectionsPerToken << "connections";
            session->reject(u"too_many_connections"_s,
                            tr("This channel already has %1 connections; close one first.")
                                .arg(m_config.maxConnectionsPerToken));
            continue;
        }
        open.push_back(session);
        qCInfo(lcRelayServer).noquote() << "Client connected to channel" << upgrade.channel;
    }
}

void RelayServer::onSessionClosed(RelaySession *session)
{
    std::vector<RelaySession *> &open = m_sessions[session->channel()];
    std::erase(open, session);
    qCInfo(lcRelayServer).noquote() << "Client of channel" << session->channel() << "left";
    session->deleteLater();
}

void RelayServer::pruneLog()
{
    Result<int> deleted = m_store.prune(QDateTime::currentMSecsSinceEpoch(),
                                        m_config.retentionMaxAgeMs, m_config.retentionMaxEvents);
    if (!deleted) {
        qCCritical(lcRelayServer).noquote() << deleted.error().message;
        return;
    }
    if (*deleted > 0)
        qCInfo(lcRelayServer) << "Deleted" << *deleted << "events past retention";
}

} // namespace Dialdeck
