#include "relay/relayframe.h"
#include "relay/relayserver.h"
#include "relay/relaystore.h"
#include "relaytestbed.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Time for a frame or a connection to arrive on loopback.
constexpr int FrameWaitMs = 5000;
// Time in which an unexpected extra frame would have arrived.
constexpr int QuietMs = 200;

// A WebSocket client of the relay that keeps every frame it receives.
class FrameRecorder final
{
public:
    FrameRecorder()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &text) {
                             Result<RelayFrame> frame = RelayFrame::parse(text.toUtf8());
                             if (frame)
                                 frames.append(*frame);
                             else
                                 badFrames.append(text);
                         });
        QObject::connect(&m_socket, &QWebSocket::connected, &m_socket,
                         [this] { m_handshakeDone = true; });
    }

    // Opens `url` with `token` as the bearer token and waits for the
    // handshake. True also when the relay closed the connection right after
    // it, as it does after a rejection.
    bool open(const QUrl &url, const QByteArray &token, const QList<QSslCertificate> &trusted = {})
    {
        if (!trusted.isEmpty()) {
            QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
            ssl.addCaCertificates(trusted);
            m_socket.setSslConfiguration(ssl);
        }
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        m_socket.open(request);
        return QTest::qWaitFor([this] { return m_handshakeDone; }, FrameWaitMs);
    }

    void send(const RelayFrame &frame)
    {
        m_socket.sendTextMessage(QString::fromUtf8(frame.toJson()));
    }
    void close() { m_socket.close(); }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QString errorString() const { return m_socket.errorString(); }

    QList<qint64> eventSeqs() const
    {
        QList<qint64> seqs;
        for (const RelayFrame &frame : frames) {
            if (frame.type == RelayFrame::Type::Event)
                seqs.append(frame.seq);
        }
        return seqs;
    }

    QList<RelayFrame> frames;
    QStringList badFrames;

private:
    QWebSocket m_socket;
    bool m_handshakeDone = false;
};

QList<qint64> seqRange(qint64 first, qint64 last)
{
    QList<qint64> seqs;
    for (qint64 seq = first; seq <= last; ++seq)
        seqs.append(seq);
    return seqs;
}

// Runs openssl to write a self-signed certificate for 127.0.0.1 and its
// unencrypted key. Returns an empty string, or the reason it failed.
QString generateCertificate(const QString &openssl, const QString &certificateFile,
                            const QString &keyFile)
{
    QProcess process;
    process.start(openssl, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s,
                            u"-days"_s, u"1"_s, u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                            u"subjectAltName=IP:127.0.0.1"_s, u"-keyout"_s, keyFile, u"-out"_s,
                            certificateFile});
    if (!process.waitForFinished(60'000))
        return u"openssl did not finish in 60 s: %1"_s.arg(process.errorString());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        return u"openssl failed with code %1: %2"_s.arg(process.exitCode())
            .arg(QString::fromLocal8Bit(process.readAllStandardError()));
    }
    return {};
}

} // namespace

// A RelayServer on loopback with real HTTP and WebSocket clients in the same
// process: resume and reset by seq, TLS, the intake rate limit, the
// per-token connection limit, the body size limit and /healthz. Forged,
// replayed and oversized callbacks through the dialdeck-relay process are
// covered by tst_relayendtoend.
class TestRelayServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void helloResumesOrResets_data();
    void helloResumesOrResets();
    void intakeRateLimitRejectsBeyondBurst();
    void connectionLimitRejectsExtraWebSocket();
    void webSocketWithWrongTokenIsRejected_data();
    void webSocketWithWrongTokenIsRejected();
    void bodySizeLimitIsExact();
    void healthReportsConnectionsAndStore();
    void tlsCallbackAndWebSocket();
    void tlsStartRejectsBadFiles_data();
    void tlsStartRejectsBadFiles();

private:
    std::unique_ptr<RelayTestBed> m_bed;
};

void TestRelayServer::init()
{
    m_bed = std::make_unique<RelayTestBed>();
    const QString error = m_bed->setUp();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestRelayServer::cleanup()
{
    m_bed.reset();
}

void TestRelayServer::helloResumesOrResets_data()
{
    // Ten events were stored, and retention kept the newest `kept` of them.
    QTest::addColumn<int>("kept");
    QTest::addColumn<qint64>("lastSeq");
    QTest::addColumn<bool>("expectReset");
    QTest::addColumn<qint64>("firstDelivered");

    QTest::newRow("cursor behind retention") << 4 << qint64(3) << true << qint64(7);
    QTest::newRow("cursor at 0 behind retention") << 4 << qint64(0) << true << qint64(7);
    QTest::newRow("cursor right before first held") << 4 << qint64(6) << false << qint64(7);
    QTest::newRow("cursor inside held range") << 4 << qint64(8) << false << qint64(9);
    QTest::newRow("cursor at newest") << 4 << qint64(10) << false << qint64(11);
    QTest::newRow("cursor ahead of log") << 4 << qint64(25) << true << qint64(7);
    QTest::newRow("cursor behind emptied log") << 0 << qint64(3) << true << qint64(11);
    QTest::newRow("cursor at newest of emptied log") << 0 << qint64(10) << false << qint64(11);
}

void TestRelayServer::helloResumesOrResets()
{
    QFETCH(int, kept);
    QFETCH(qint64, lastSeq);
    QFETCH(bool, expectReset);
    QFETCH(qint64, firstDelivered);

    const QString error = m_bed->startServer(m_bed->config());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_bed->postRings(10));
    QCOMPARE(m_bed->storedEventCount(), 10);

    Result<int> pruned =
        m_bed->store().prune(QDateTime::currentMSecsSinceEpoch(), 7LL * 24 * 3600 * 1000, kept);
    QVERIFY(pruned.ok());
    QCOMPARE(*pruned, 10 - kept);
    const qint64 firstHeld = 11 - kept;

    FrameRecorder client;
    QVERIFY2(client.open(m_bed->webSocketUrl(), m_bed->clientToken()),
             qPrintable(client.errorString()));
    client.send(RelayFrame::hello(lastSeq));

    const QList<qint64> backlog = seqRange(firstDelivered, 10);
    const int expectedFrames = int(backlog.size()) + (expectReset ? 1 : 0);
    QTRY_COMPARE_WITH_TIMEOUT(client.frames.size(), expectedFrames, FrameWaitMs);
    QTest::qWait(QuietMs);
    QCOMPARE(client.frames.size(), expectedFrames);
    QVERIFY(client.badFrames.isEmpty());

    if (expectReset) {
        QCOMPARE(client.frames.first().type, RelayFrame::Type::Reset);
        QCOMPARE(client.frames.first().seq, firstHeld);
    }
    QCOMPARE(client.eventSeqs(), backlog);

    // A live callback continues the same stream, exactly once.
    QVERIFY(m_bed->postRings(1));
    QTRY_COMPARE_WITH_TIMEOUT(client.eventSeqs().size(), backlog.size() + 1, FrameWaitMs);
    QTest::qWait(QuietMs);
    QCOMPARE(client.eventSeqs(), backlog + QList<qint64>{11});
    QCOMPARE(client.frames.last().kind, u"ring"_s);
    QVERIFY(client.isConnected());
}

void TestRelayServer::intakeRateLimitRejectsBeyondBurst()
{
    RelayConfig config = m_bed->config();
    // One token per 100 s: none comes back while the test runs.
    config.intakeRatePerSecond = 0.01;
    config.intakeBurst = 3;
    const QString error = m_bed->startServer(config);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    QList<int> statuses;
    for (int i = 1; i <= 5; ++i)
        statuses.append(m_bed->postRing(1, RelayTestBed::callUuid(i)));

    QCOMPARE(statuses, (QList<int>{200, 200, 200, 429, 429}));
    QCOMPARE(m_bed->storedCallUuids(),
             (QStringList{RelayTestBed::callUuid(1), RelayTestBed::callUuid(2),
                          RelayTestBed::callUuid(3)}));

    // The limit covers callbacks only.
    QCOMPARE(m_bed->get(u"/healthz"_s).status, 200);
}

void TestRelayServer::connectionLimitRejectsExtraWebSocket()
{
    RelayConfig config = m_bed->config();
    config.maxConnectionsPerToken = 2;
    const QString error = m_bed->startServer(config);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    FrameRecorder first;
    FrameRecorder second;
    for (FrameRecorder *client : {&first, &second}) {
        QVERIFY2(client->open(m_bed->webSocketUrl(), m_bed->clientToken()),
                 qPrintable(client->errorString()));
        client->send(RelayFrame::hello(0));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_bed->server()->sessionCount(), 2, FrameWaitMs);

    FrameRecorder third;
    QVERIFY2(third.open(m_bed->webSocketUrl(), m_bed->clientToken()),
             qPrintable(third.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(third.frames.size(), 1, FrameWaitMs);
    QCOMPARE(third.frames.first().type, RelayFrame::Type::Error);
    QCOMPARE(third.frames.first().code, u"too_many_connections"_s);
    QVERIFY2(third.frames.first().message.contains(u'2'), qPrintable(third.frames.first().message));
    QTRY_VERIFY_WITH_TIMEOUT(!third.isConnected(), FrameWaitMs);
    QCOMPARE(m_bed->server()->sessionCount(), 2);

    // The two admitted connections keep receiving events.
    QVERIFY(m_bed->postRings(1));
    QTRY_COMPARE_WITH_TIMEOUT(first.eventSeqs(), QList<qint64>{1}, FrameWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(second.eventSeqs(), QList<qint64>{1}, FrameWaitMs);
    QCOMPARE(third.eventSeqs(), QList<qint64>{});

    // A closed connection frees its place.
    first.close();
    QTRY_COMPARE_WITH_TIMEOUT(m_bed->server()->sessionCount(), 1, FrameWaitMs);
    FrameRecorder fourth;
    QVERIFY2(fourth.open(m_bed->webSocketUrl(), m_bed->clientToken()),
             qPrintable(fourth.errorString()));
    fourth.send(RelayFrame::hello(0));
    QTRY_COMPARE_WITH_TIMEOUT(fourth.eventSeqs(), QList<qint64>{1}, FrameWaitMs);
    QCOMPARE(m_bed->server()->sessionCount(), 2);
}

void TestRelayServer::webSocketWithWrongTokenIsRejected_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<bool>("rightToken");

    QTest::newRow("wrong token") << RelayTestBed::Channel.toString() << false;
    QTest::newRow("unknown channel") << u"elsewhere"_s << true;
}

void TestRelayServer::webSocketWithWrongTokenIsRejected()
{
    QFETCH(QString, channel);
    QFETCH(bool, rightToken);

    const QString error = m_bed->startServer(m_bed->config());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(m_bed->postRings(1));

    QUrl url = m_bed->webSocketUrl();
    url.setPath(u"/ws/"_s + channel);
    const QByteArray token = rightToken ? m_bed->clientToken() : m_bed->clientToken() + 'x';
    FrameRecorder client;
    QVERIFY2(client.open(url, token), qPrintable(client.errorString()));
    client.send(RelayFrame::hello(0));

    QTRY_VERIFY_WITH_TIMEOUT(!client.isConnected(), FrameWaitMs);
    QCOMPARE(client.frames.size(), 1);
    QCOMPARE(client.frames.first().type, RelayFrame::Type::Error);
    QCOMPARE(client.frames.first().code, u"unauthorized"_s);
    QCOMPARE(client.eventSeqs(), QList<qint64>{});
    QCOMPARE(m_bed->server()->sessionCount(), 0);
}

void TestRelayServer::bodySizeLimitIsExact()
{
    const QString error = m_bed->startServer(m_bed->config());
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // A signed form body of exactly MaxBodyBytes is accepted, one byte more is not.
    const auto paddedTo = [this](int index, qsizetype bytes) {
        const SignedCallback bare =
            m_bed->signCallback(u"hangup"_s, 1, RelayTestBed::callUuid(index));
        const qsizetype padding = bytes - bare.body.size() - qsizetype(sizeof("&Padding=") - 1);
        return m_bed->signCallback(u"hangup"_s, 1, RelayTestBed::callUuid(index),
                                   {{u"Padding"_s, QString(padding, u'a')}});
    };

    const SignedCallback atLimit = paddedTo(1, RelayServer::MaxBodyBytes);
    QCOMPARE(atLimit.body.size(), RelayServer::MaxBodyBytes);
    QCOMPARE(m_bed->post(atLimit).status, 200);

    const SignedCallback overLimit = paddedTo(2, RelayServer::MaxBodyBytes + 1);
    QCOMPARE(overLimit.body.size(), RelayServer::MaxBodyBytes + 1);
    QCOMPARE(m_bed->post(overLimit).status, 413);

    QCOMPARE(m_bed->storedCallUuids(), QStringList{RelayTestBed::callUuid(1)});
}

void TestRelayServer::healthReportsConnectionsAndStore()
{
    const QString error = m_bed->startServer(m_bed->config());
    QVERIFY2(error.isEmpty(), qPrintable(error));

    HttpReply health = m_bed->get(u"/healthz"_s);
    QCOMPARE(health.status, 200);
    QJsonObject body = QJsonDocument::fromJson(health.body).object();
    QCOMPARE(body.value(u"status"_s).toString(), u"ok"_s);
    QCOMPARE(body.value(u"connections"_s).toInt(-1), 0);

    FrameRecorder client;
    QVERIFY2(client.open(m_bed->webSocketUrl(), m_bed->clientToken()),
             qPrintable(client.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_bed->server()->sessionCount(), 1, FrameWaitMs);
    health = m_bed->get(u"/healthz"_s);
    QCOMPARE(health.status, 200);
    QCOMPARE(QJsonDocument::fromJson(health.body).object().value(u"connections"_s).toInt(-1), 1);

    // A log whose channels table is gone cannot be read: the relay reports 503.
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"damage"_s);
        other.setDatabaseName(m_bed->dir().filePath(u"relay.sqlite"_s));
        QVERIFY(other.open());
        QSqlQuery query(other);
        QVERIFY2(query.exec(u"ALTER TABLE channels RENAME TO channels_moved"_s),
                 qPrintable(query.lastError().text()));
        other.close();
    }
    QSqlDatabase::removeDatabase(u"damage"_s);

    health = m_bed->get(u"/healthz"_s);
    QCOMPARE(health.status, 503);
    body = QJsonDocument::fromJson(health.body).object();
    QCOMPARE(body.value(u"status"_s).toString(), u"store_failed"_s);
}

void TestRelayServer::tlsCallbackAndWebSocket()
{
    const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
    if (openssl.isEmpty())
        QSKIP("openssl is not installed, so no test certificate can be made; install it "
              "(packaging/install-deps.sh lists it) to run this test.");

    const QString certificateFile = m_bed->dir().filePath(u"relay-cert.pem"_s);
    const QString keyFile = m_bed->dir().filePath(u"relay-key.pem"_s);
    const QString generated = generateCertificate(openssl, certificateFile, keyFile);
    QVERIFY2(generated.isEmpty(), qPrintable(generated));
    const QList<QSslCertificate> certificates = QSslCertificate::fromPath(certificateFile);
    QCOMPARE(certificates.size(), 1);

    RelayConfig config = m_bed->config(true);
    config.tlsCertificateFile = certificateFile;
    config.tlsKeyFile = keyFile;
    const QString error = m_bed->startServer(config);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_bed->trustCertificate(certificates.first());

    FrameRecorder client;
    QCOMPARE(m_bed->webSocketUrl().scheme(), u"wss"_s);
    QVERIFY2(client.open(m_bed->webSocketUrl(), m_bed->clientToken(), m_bed->trustedCertificates()),
             qPrintable(client.errorString()));
    client.send(RelayFrame::hello(0));
    QTRY_COMPARE_WITH_TIMEOUT(m_bed->server()->sessionCount(), 1, FrameWaitMs);

    const HttpReply reply =
        m_bed->post(m_bed->signCallback(u"hangup"_s, 1, RelayTestBed::callUuid(1)));
    QVERIFY2(reply.status == 200,
             qPrintable(u"status %1: %2"_s.arg(reply.status).arg(reply.error)));
    QCOMPARE(m_bed->storedCallUuids(), QStringList{RelayTestBed::callUuid(1)});

    QTRY_COMPARE_WITH_TIMEOUT(client.eventSeqs(), QList<qint64>{1}, FrameWaitMs);
    const RelayFrame &event = client.frames.last();
    QCOMPARE(event.kind, u"hangup"_s);
    QVERIFY2(event.url.startsWith(u"https://127.0.0.1:"_s), qPrintable(event.url));
    QVERIFY(event.body.contains(QUrl::toPercentEncoding(RelayTestBed::callUuid(1))));
}

void TestRelayServer::tlsStartRejectsBadFiles_data()
{
    QTest::addColumn<bool>("certificateExists");
    QTest::addColumn<bool>("keyExists");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("namedFile");

    QTest::newRow("certificate missing")
        << false << true << u"Cannot read the TLS certificate file"_s << u"cert.pem"_s;
    QTest::newRow("key missing") << true << false << u"Cannot read the TLS key file"_s
                                 << u"key.pem"_s;
    QTest::newRow("neither is PEM")
        << true << true << u"contains no PEM certificate"_s << u"cert.pem"_s;
}

void TestRelayServer::tlsStartRejectsBadFiles()
{
    QFETCH(bool, certificateExists);
    QFETCH(bool, keyExists);
    QFETCH(QString, expected);
    QFETCH(QString, namedFile);

    const QString certificateFile = m_bed->dir().filePath(u"cert.pem"_s);
    const QString keyFile = m_bed->dir().filePath(u"key.pem"_s);
    for (const auto &[path, exists] :
         {std::pair{certificateFile, certificateExists}, std::pair{keyFile, keyExists}}) {
        if (!exists)
            continue;
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a PEM file\n");
    }

    RelayConfig config = m_bed->config(true);
    config.tlsCertificateFile = certificateFile;
    config.tlsKeyFile = keyFile;
    RelayServer server(config, m_bed->store());
    Result<quint16> started = server.start();

    QVERIFY(!started.ok());
    QCOMPARE(started.error().code, u"invalid_argument"_s);
    QVERIFY2(started.error().message.contains(expected), qPrintable(started.error().message));
    QVERIFY2(started.error().message.contains(m_bed->dir().filePath(namedFile)),
             qPrintable(started.error().message));
    QVERIFY(server.servers().isEmpty());
}

QTEST_GUILESS_MAIN(TestRelayServer)
#include "tst_relayserver.moc"
