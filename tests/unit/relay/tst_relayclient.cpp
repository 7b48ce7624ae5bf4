#include "dialer/engine.h"
#include "relay/relayclient.h"
#include "relay/relayserver.h"
#include "relay/relaystore.h"
#include "relaytestbed.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Time for the relay, the client and the engine's commit to pass an event on.
constexpr int DeliveryWaitMs = 10'000;
// Time in which a repeated delivery would have been applied.
constexpr int QuietMs = 300;

const QString CheckConnection = u"relayclient-check"_s;

QList<qint64> seqRange(qint64 first, qint64 last)
{
    QList<qint64> seqs;
    for (qint64 seq = first; seq <= last; ++seq)
        seqs.append(seq);
    return seqs;
}

// The seqs of every eventApplied() signal recorded so far, in order.
QList<qint64> appliedSeqs(const QSignalSpy &spy)
{
    QList<qint64> seqs;
    for (const QList<QVariant> &arguments : spy)
        seqs.append(arguments.at(0).toLongLong());
    return seqs;
}

} // namespace

// RelayClient against a RelayServer on loopback in the same process, applying
// events through a real Engine on a temporary store. The events name attempts
// that no batch runs, so the engine commits only the channel's cursor with
// them. eventApplied() and the stored cursor show what the client applied.
class TestRelayClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void resetContinuesFromFirstHeldSeq();
    void resetMovesCursorBackToReplacedLog();
    void reconnectResumesWithoutResetOrRepeat();
    void wrongTokenStopsClient();

private:
    bool writeCursor(qint64 seq);
    qint64 storedCursor();
    // Creates a client of the channel with `token`, or with the channel's token when it is empty.
    std::unique_ptr<RelayClient> makeClient(const QByteArray &token = {});

    std::unique_ptr<QTemporaryDir> m_storeDir;
    QString m_storePath;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<RelayTestBed> m_bed;
    RelayConfig m_relayConfig;
};

void TestRelayClient::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_storeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_storeDir->isValid());
    m_storePath = m_storeDir->filePath(u"store.sqlite"_s);

    EngineSettings settings;
    settings.storePath = m_storePath;
    m_engine = std::make_unique<Engine>(settings);
    QSignalSpy opened(m_engine.get(), &Engine::opened);
    m_engine->open();
    QCOMPARE(opened.size(), 1);

    QSqlDatabase check = QSqlDatabase::addDatabase(u"QSQLITE"_s, CheckConnection);
    check.setDatabaseName(m_storePath);
    QVERIFY(check.open());

    m_bed = std::make_unique<RelayTestBed>();
    const QString error = m_bed->setUp();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_relayConfig = m_bed->config();
    const QString started = m_bed->startServer(m_relayConfig);
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestRelayClient::cleanup()
{
    m_bed.reset();
    m_engine.reset();
    QSqlDatabase::database(CheckConnection).close();
    QSqlDatabase::removeDatabase(CheckConnection);
    m_storeDir.reset();
}

// Stores the channel's cursor as an engine that applied up to `seq` left it.
bool TestRelayClient::writeCursor(qint64 seq)
{
    QSqlQuery query(QSqlDatabase::database(CheckConnection));
    query.prepare(u"INSERT INTO relay_cursors (channel, seq, updated_at) VALUES (?, ?, ?)"_s);
    query.addBindValue(RelayTestBed::Channel.toString());
    query.addBindValue(seq);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!query.exec()) {
        qWarning().noquote() << "Cannot write the relay cursor:" << query.lastError().text();
        return false;
    }
    return true;
}

// The channel's cursor in the engine's store; -1 when there is none.
qint64 TestRelayClient::storedCursor()
{
    QSqlQuery query(QSqlDatabase::database(CheckConnection));
    query.prepare(u"SELECT seq FROM relay_cursors WHERE channel = ?"_s);
    query.addBindValue(RelayTestBed::Channel.toString());
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

std::unique_ptr<RelayClient> TestRelayClient::makeClient(const QByteArray &token)
{
    RelayClient::Settings settings;
    settings.url = m_bed->webSocketUrl();
    settings.token = token.isEmpty() ? m_bed->clientToken() : token;
    settings.storePath = m_storePath;
    // Short reconnect delays, so that a restarted relay is reached within the waits.
    settings.minBackoffMs = 20;
    settings.maxBackoffMs = 200;
    return std::make_unique<RelayClient>(settings, m_engine.get());
}

void TestRelayClient::resetContinuesFromFirstHeldSeq()
{
    QVERIFY(writeCursor(3));
    QVERIFY(m_bed->postRings(10));
    Result<int> pruned =
        m_bed->store().prune(QDateTime::currentMSecsSinceEpoch(), 7LL * 24 * 3600 * 1000, 4);
    QVERIFY(pruned.ok());
    QCOMPARE(*pruned, 6);

    std::unique_ptr<RelayClient> client = makeClient();
    QSignalSpy resets(client.get(), &RelayClient::resetReceived);
    QSignalSpy applied(client.get(), &RelayClient::eventApplied);
    QSignalSpy failed(client.get(), &RelayClient::failed);
    client->start();

    QTRY_COMPARE_WITH_TIMEOUT(appliedSeqs(applied), seqRange(7, 10), DeliveryWaitMs);
    QCOMPARE(resets.size(), 1);
    QCOMPARE(resets.first().at(0).toLongLong(), qint64(7));
    QTRY_COMPARE_WITH_TIMEOUT(storedCursor(), qint64(10), DeliveryWaitMs);
    QCOMPARE(client->appliedSeq(), qint64(10));

    // Live events follow the backlog, each applied once.
    QVERIFY(m_bed->postRings(2));
    QTRY_COMPARE_WITH_TIMEOUT(appliedSeqs(applied), seqRange(7, 12), DeliveryWaitMs);
    QTest::qWait(QuietMs);
    QCOMPARE(appliedSeqs(applied), seqRange(7, 12));
    QCOMPARE(resets.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(storedCursor(), qint64(12), DeliveryWaitMs);
    QCOMPARE(client->appliedSeq(), qint64(12));
    QVERIFY(failed.isEmpty());
    QVERIFY(client->isConnected());

    client->stop();
}

void TestRelayClient::resetMovesCursorBackToReplacedLog()
{
    // The engine had applied seq 50 of a relay log that was since replaced
    // by one that contains seq 1 to 3.
    QVERIFY(writeCursor(50));
    QVERIFY(m_bed->postRings(3));

    std::unique_ptr<RelayClient> client = makeClient();
    QSignalSpy resets(client.get(), &RelayClient::resetReceived);
    QSignalSpy applied(client.get(), &RelayClient::eventApplied);
    client->start();

    QTRY_COMPARE_WITH_TIMEOUT(appliedSeqs(applied), seqRange(1, 3), DeliveryWaitMs);
    QCOMPARE(resets.size(), 1);
    QCOMPARE(resets.first().at(0).toLongLong(), qint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(storedCursor(), qint64(3), DeliveryWaitMs);

    QVERIFY(m_bed->postRings(1));
    QTRY_COMPARE_WITH_TIMEOUT(appliedSeqs(applied), seqRange(1, 4), DeliveryWaitMs);
    QTest::qWait(QuietMs);
    QCOMPARE(appliedSeqs(applied), seqRange(1, 4));
    QTRY_COMPARE_WITH_TIMEOUT(storedCursor(), qint64(4), DeliveryWaitMs);
    QCOMPARE(resets.size(), 1);

    client->stop();
}

void TestRelayClient::reconnectResumesWithoutResetOrRepeat()
{
    QVERIFY(m_bed->postRings(3));

    std::unique_ptr<RelayClient> client = makeClient();
    QSignalSpy resets(client.get(), &RelayClient::resetReceived);
    QSignalSpy applied(client.get(), &RelayClient::eventApplied);
    QSignalSpy connected(client.get(), &RelayClient::connected);
    QSignalSpy reconnecting(client.get(), &RelayClient::reconnecting);
    client->start();
    QTRY_COMPARE_WITH_TIMEOUT(appliedSeqs(applied), seqRange(1, 3), DeliveryWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(storedCursor(), qint64(3), DeliveryWaitMs);

    // The relay restarts on the same port and log; the client comes back
    // after seq 3 and receives only what is new.
    m_bed->stopServer();
    QTRY_VERIFY_WITH_TIMEOUT(!reconnecting.isEmpty(), DeliveryWaitMs);
    const QString restarted = m_bed->startServer(m_relayConfig);
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 2, DeliveryWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_bed->server()->sessionCount(), 1, DeliveryWaitMs);

    QVERIFY(m_bed->postRings(2));
    QTRY_COMPARE_WITH_TIMEOUT(appliedSeqs(applied), seqRange(1, 5), DeliveryWaitMs);
    QTest::qWait(QuietMs);
    QCOMPARE(appliedSeqs(applied), seqRange(1, 5));
    QVERIFY(resets.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(storedCursor(), qint64(5), DeliveryWaitMs);

    client->stop();
}

void TestRelayClient::wrongTokenStopsClient()
{
    QVERIFY(m_bed->postRings(1));

    std::unique_ptr<RelayClient> client = makeClient(m_bed->clientToken() + 'x');
    QSignalSpy failed(client.get(), &RelayClient::failed);
    QSignalSpy reconnecting(client.get(), &RelayClient::reconnecting);
    QSignalSpy applied(client.get(), &RelayClient::eventApplied);
    client->start();

    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, DeliveryWaitMs);
    const QString message = failed.first().at(0).toString();
    QVERIFY2(message.contains(RelayTestBed::Channel), qPrintable(message));

    // A wrong token is not retried, because reconnecting cannot fix it. The
    // wait is ten times the longest reconnect delay of makeClient().
    QTest::qWait(2000);
    QVERIFY(reconnecting.isEmpty());
    QVERIFY(applied.isEmpty());
    QVERIFY(!client->isConnected());
    QCOMPARE(storedCursor(), qint64(-1));
}

QTEST_GUILESS_MAIN(TestRelayClient)
#include "tst_relayclient.moc"
