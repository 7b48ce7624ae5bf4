#include "carrier/plivosignature.h"
#include "dialer/engine.h"
#include "dialer/enginethread.h"
#include "faultproxy.h"
#include "relay/relayclient.h"
#include "relayprocess.h"
#include "relaystatuslabel.h"
#include "simulatorprocess.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray PlivoToken = "relay-status-test-plivo-token";
const QString Channel = u"desk"_s;

} // namespace

// Drives the status bar's relay field with a real RelayClient that talks to a
// dialdeck-relay process on 127.0.0.1 and commits into a real engine's store.
// The cases are the countdown while the relay is down, the connected state, a
// rejected token, and the last-event time and backlog count after a reconnect.
class TestRelayStatusLabel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void unusedRelayIsHidden();
    void relayDownCountsDownThenConnects();
    void wrongTokenShowsFailure();
    void backlogCountedAfterReconnect();

private:
    std::unique_ptr<RelayClient> makeClient(const QString &url, const QByteArray &token);
    bool postHangup(qint64 attemptId);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RelayProcess> m_relay;
    std::unique_ptr<EngineThread> m_engine;
    QByteArray m_clientToken;
    QString m_storePath;
};

void TestRelayStatusLabel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestRelayStatusLabel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QString plivoTokenFile = m_dir->filePath(u"plivo-token"_s);
    QVERIFY(SimulatorProcess::writeTokenFile(plivoTokenFile, PlivoToken));

    m_relay = std::make_unique<RelayProcess>(m_dir->filePath(u"relay.sqlite"_s),
                                             m_dir->filePath(u"relay.log"_s));
    const QString added = m_relay->addChannel(Channel, plivoTokenFile, m_clientToken);
    QVERIFY2(added.isEmpty(), qPrintable(added));

    // The client commits each event with its cursor through an engine, so
    // the events of these tests land in a real store.
    m_storePath = m_dir->filePath(u"store.sqlite"_s);
    EngineSettings settings;
    settings.storePath = m_storePath;
    settings.ownerName = u"tst_relaystatuslabel"_s;
    m_engine = std::make_unique<EngineThread>(settings);
    QSignalSpy opened(m_engine->engine(), &Engine::opened);
    m_engine->start();
    QVERIFY(opened.wait(10000));
}

void TestRelayStatusLabel::cleanup()
{
    m_engine.reset();
    m_relay.reset();
}

std::unique_ptr<RelayClient> TestRelayStatusLabel::makeClient(const QString &url,
                                                              const QByteArray &token)
{
    RelayClient::Settings settings;
    settings.url = QUrl(url);
    settings.token = token;
    settings.storePath = m_storePath;
    // Every retry waits a random 0 to 4 s, so some waits are long enough to count down.
    settings.minBackoffMs = 4000;
    settings.maxBackoffMs = 4000;
    return std::make_unique<RelayClient>(settings, m_engine->engine());
}

// Posts a signed hangup callback of `attemptId` to the relay, as Plivo would.
// The engine runs no batch, so it commits only the channel's cursor.
bool TestRelayStatusLabel::postHangup(qint64 attemptId)
{
    const QString path = u"plivo/%1/hangup?attempt=%2"_s.arg(Channel).arg(attemptId);
    const QString url = m_relay->publicUrl() + path;
    const PlivoSignature::Params params = {
        {u"CallUUID"_s, QUuid::createUuid().toString(QUuid::WithoutBraces)},
        {u"Event"_s, u"Hangup"_s},
        {u"CallStatus"_s, u"completed"_s}};
    QByteArray body;
    for (const auto &[key, value] : params)
        body += (body.isEmpty() ? "" : "&") + key.toUtf8() + '=' + QUrl::toPercentEncoding(value);
    const QString nonce =
        QString::number(QDateTime::currentMSecsSinceEpoch()) + QString::number(attemptId);

    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArray("application/x-www-form-urlencoded"));
    request.setRawHeader("X-Plivo-Signature-V3",
                         PlivoSignature::computeV3(PlivoToken, "POST", url, params, nonce));
    request.setRawHeader("X-Plivo-Signature-V3-Nonce", nonce.toLatin1());
    QNetworkReply *reply = network.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    const bool answered = finished.wait(10000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    if (status != 200)
        qWarning() << "The relay answered" << status << "to" << url;
    return answered && status == 200;
}

void TestRelayStatusLabel::unusedRelayIsHidden()
{
    RelayStatusLabel label;
    QCOMPARE(label.objectName(), u"relayStatus"_s);
    QVERIFY(!label.accessibleName().isEmpty());
    QCOMPARE(label.text(), u"Relay: not configured"_s);
    QVERIFY(label.isHidden());
}

void TestRelayStatusLabel::relayDownCountsDownThenConnects()
{
    std::unique_ptr<RelayClient> client = makeClient(m_relay->webSocketUrl(Channel), m_clientToken);
    RelayStatusLabel label;
    label.track(client.get(), QUrl(m_relay->webSocketUrl(Channel)));
    label.show();
    QVERIFY(label.isVisible());
    QCOMPARE(label.text(), u"Relay: connecting"_s);

    // Nothing listens yet, so each try fails and the client reports its next one.
    QSignalSpy shown(&label, &RelayStatusLabel::textShown);
    QSignalSpy reconnecting(client.get(), &RelayClient::reconnecting);
    client->start();
    int retryInMs = 0;
    while (retryInMs < 2500) {
        QVERIFY(reconnecting.wait(10000));
        retryInMs = reconnecting.last().at(0).toInt();
    }
    const QRegularExpression countdown(u"^Relay: reconnecting in (\\d) s$"_s);
    const QRegularExpressionMatch first = countdown.match(label.text());
    QVERIFY2(first.hasMatch(), qPrintable(label.text()));
    const int seconds = first.captured(1).toInt();
    QCOMPARE(seconds, (retryInMs + 999) / 1000);

    // One second later the label shows one second less.
    const QString oneLess = u"Relay: reconnecting in %1 s"_s.arg(seconds - 1);
    QTRY_COMPARE_WITH_TIMEOUT(label.text(), oneLess, 1500);

    const QString started = m_relay->start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QTRY_COMPARE_WITH_TIMEOUT(label.text(), u"Relay: connected"_s, 10000);
    QVERIFY(client->isConnected());
    QVERIFY(!label.toolTip().isEmpty());
    QVERIFY2(label.toolTip().contains(m_relay->webSocketUrl(Channel)), qPrintable(label.toolTip()));
}

void TestRelayStatusLabel::wrongTokenShowsFailure()
{
    const QString started = m_relay->start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    std::unique_ptr<RelayClient> client =
        makeClient(m_relay->webSocketUrl(Channel), "not-the-client-token");
    RelayStatusLabel label;
    label.track(client.get(), QUrl(m_relay->webSocketUrl(Channel)));
    label.show();

    QSignalSpy failed(client.get(), &RelayClient::failed);
    client->start();
    QVERIFY(failed.wait(10000));
    const QString message = failed.first().at(0).toString();
    QVERIFY2(message.contains(Channel), qPrintable(message));
    QCOMPARE(label.text(), u"Relay: failed. "_s + message);
    QVERIFY(label.isVisible());

    // A rejected token is not retried, so the failure stays on show.
    QSignalSpy reconnecting(client.get(), &RelayClient::reconnecting);
    QTest::qWait(1500);
    QVERIFY(label.text().startsWith(u"Relay: failed. "_s));
    QVERIFY(!client->isConnected());
    QCOMPARE(reconnecting.count(), 0);
}

void TestRelayStatusLabel::backlogCountedAfterReconnect()
{
    const QString started = m_relay->start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    FaultProxy proxy(m_relay->port());
    QVERIFY(proxy.port() != 0);

    // Two callbacks wait in the relay before the client first connects.
    QVERIFY(postHangup(1));
    QVERIFY(postHangup(2));
    const QString url = m_relay->webSocketUrl(Channel, proxy.port());
    std::unique_ptr<RelayClient> client = makeClient(url, m_clientToken);
    RelayStatusLabel label;
    label.track(client.get(), QUrl(url));
    label.show();

    QSignalSpy applied(client.get(), &RelayClient::eventApplied);
    client->start();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 2, 10000);
    QTRY_VERIFY2(label.text().startsWith(u"Relay: connected, last event at "_s),
                 qPrintable(label.text()));
    QVERIFY2(label.text().endsWith(u", 2 backlog event(s) replayed"_s), qPrintable(label.text()));
    QCOMPARE(client->backlogReplayed(), 2);

    // A callback that arrives while connected is live, not backlog.
    QVERIFY(postHangup(3));
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 3, 10000);
    QVERIFY2(label.text().endsWith(u", 2 backlog event(s) replayed"_s), qPrintable(label.text()));

    // Three callbacks reach the relay while the link is held, so none is
    // delivered; after the cut the next connection replays them.
    proxy.holdAll();
    QVERIFY(postHangup(4));
    QVERIFY(postHangup(5));
    QVERIFY(postHangup(6));
    QSignalSpy shown(&label, &RelayStatusLabel::textShown);
    proxy.cutAll();
    QTRY_COMPARE_WITH_TIMEOUT(applied.count(), 6, 15000);
    QTRY_VERIFY2(label.text().endsWith(u", 3 backlog event(s) replayed"_s),
                 qPrintable(label.text()));
    QVERIFY2(label.text().startsWith(u"Relay: connected, last event at "_s),
             qPrintable(label.text()));
    QCOMPARE(client->backlogReplayed(), 3);

    // The cut showed as a countdown (or, for a retry under a millisecond, as
    // a new try) before the label went back to connected.
    QStringList texts;
    for (const QList<QVariant> &signal : std::as_const(shown))
        texts.append(signal.at(0).toString());
    const qsizetype down =
        texts.indexOf(QRegularExpression(u"^Relay: (reconnecting in \\d s|connecting),.*"_s));
    QVERIFY2(down >= 0, qPrintable(texts.join(u'\n')));
    const qsizetype up = texts.indexOf(QRegularExpression(u"^Relay: connected,.*"_s), down);
    QVERIFY2(up > down, qPrintable(texts.join(u'\n')));
}

QTEST_MAIN(TestRelayStatusLabel)
#include "tst_relaystatuslabel.moc"
