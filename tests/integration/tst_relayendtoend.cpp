#include "carrier/plivosignature.h"
#include "faultproxy.h"
#include "relayprocess.h"
#include "simulatorprocess.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;
const QByteArray SimToken = "dialdeck-sim-test-token";
const QString Channel = u"office"_s;

} // namespace

// Runs batches through real processes on loopback: dialdeck-sim places the
// calls and sends signed callbacks to dialdeck-relay, and dialdeck-service
// receives them from the relay through a proxy the test cuts, holds and
// delays. Afterwards every event in the relay's log must be in the store once,
// in the relay's order, and the store's relay cursor must be the relay's last seq.
class TestRelayEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void cleanCutLosesNothing();
    void halfOpenConnectionIsDetected();
    void serviceKilledAndRestarted();
    void relayKilledAndRestarted();
    void forgedReplayedAndOversizedAreRejected();
    void relayDownAtStartDialsNothing();

private:
    bool startSimulator();
    QString prepareBatch();
    std::unique_ptr<QProcess> startService(const QString &batchId);
    bool waitForRelayEvents(int count, int timeoutMs);
    int relayEventCount();
    void checkExactlyOnceInOrder();
    int runService(const QStringList &arguments);
    int post(const QString &path, const QByteArray &body, const QList<std::pair<QByteArray,
             QByteArray>> &headers);

    QString m_serviceBinary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    QString m_relayLog;
    QString m_plivoTokenFile;
    QString m_clientTokenFile;
    quint16 m_relayPort = 0;
    QString m_phoneIds;
    std::unique_ptr<RelayProcess> m_relay;
    std::unique_ptr<SimulatorProcess> m_sim;
    std::unique_ptr<FaultProxy> m_proxy;
};

void TestRelayEndToEnd::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QDir bin(qEnvironmentVariable("DIALDECK_BIN_DIR"));
    m_serviceBinary = bin.filePath(u"dialdeck-service"_s);
    QVERIFY2(QFile::exists(m_serviceBinary), qPrintable(m_serviceBinary));
}

void TestRelayEndToEnd::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_relayLog = m_dir->filePath(u"relay.sqlite"_s);
    m_plivoTokenFile = m_dir->filePath(u"plivo-token"_s);
    m_clientTokenFile = m_dir->filePath(u"relay-token"_s);
    QVERIFY(SimulatorProcess::writeTokenFile(m_plivoTokenFile, SimToken));

    m_relay = std::make_unique<RelayProcess>(m_relayLog, m_dir->filePath(u"relay.log"_s));
    m_relayPort = m_relay->port();
    QByteArray clientToken;
    const QString added = m_relay->addChannel(Channel, m_plivoTokenFile, clientToken);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QVERIFY(SimulatorProcess::writeTokenFile(m_clientTokenFile, clientToken));

    const QString started = m_relay->start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    m_proxy = std::make_unique<FaultProxy>(m_relayPort);
    QVERIFY(m_proxy->port() != 0);
}

void TestRelayEndToEnd::cleanup()
{
    m_sim.reset();
    m_relay.reset();
    m_proxy.reset();
    QSqlDatabase::removeDatabase(u"relaycheck"_s);
    QSqlDatabase::removeDatabase(u"storecheck"_s);
}

bool TestRelayEndToEnd::startSimulator()
{
    // Every call is answered, so the batch needs no retries; callbacks that
    // cannot connect (relay down) are tried up to five more times.
    m_sim = std::make_unique<SimulatorProcess>();
    const QString started = m_sim->start(
        m_plivoTokenFile, m_dir->filePath(u"sim.log"_s),
        {u"--speed"_s, u"60"_s, u"--cps"_s, u"20"_s, u"--seed"_s, u"7"_s, u"--mix"_s,
         u"answered=100"_s, u"--talk-time"_s, u"5-60"_s, u"--callback-retries"_s, u"5"_s});
    if (!started.isEmpty())
        qWarning().noquote() << started;
    return started.isEmpty();
}

int TestRelayEndToEnd::runService(const QStringList &arguments)
{
    QProcess process;
    process.start(m_serviceBinary, QStringList{u"--db"_s, m_store} + arguments);
    if (!process.waitForFinished(30000))
        return -1;
    return process.exitCode();
}

QString TestRelayEndToEnd::prepareBatch()
{
    const QString contacts = QDir(qEnvironmentVariable("DIALDECK_TEST_DATA"))
                                 .filePath(u"google-contacts.csv"_s);
    QProcess import;
    import.start(m_serviceBinary, {u"--db"_s, m_store, u"import"_s, contacts, u"--name"_s,
                                   u"Relay rehearsal"_s, u"--window"_s, u"00:00-23:59"_s,
                                   u"--days"_s, u"mon,tue,wed,thu,fri,sat,sun"_s});
    import.waitForFinished(30000);
    const QRegularExpression id(u"\\b([0-9a-f]{24})\\b"_s);
    const QRegularExpressionMatch batch = id.match(QString::fromUtf8(import.readAllStandardOutput()));
    if (!batch.hasMatch())
        return {};

    QStringList phoneIds;
    for (int i = 0; i < 4; ++i) {
        QProcess phone;
        phone.start(m_serviceBinary,
                    {u"--db"_s, m_store, u"phones"_s, u"add"_s, u"+1415555010%1"_s.arg(i)});
        phone.waitForFinished(30000);
        const QRegularExpressionMatch phoneId =
            id.match(QString::fromUtf8(phone.readAllStandardOutput()));
        if (!phoneId.hasMatch())
            return {};
        phoneIds.append(phoneId.captured(1));
    }
    m_phoneIds = phoneIds.join(u',');
    return batch.captured(1);
}

std::unique_ptr<QProcess> TestRelayEndToEnd::startService(const QString &batchId)
{
    auto service = std::make_unique<QProcess>();
    service->setStandardErrorFile(m_dir->filePath(u"service.log"_s), QIODevice::Append);
    service->setStandardOutputFile(m_dir->filePath(u"service.out"_s), QIODevice::Append);
    service->start(m_serviceBinary,
                   {u"--db"_s, m_store, u"start"_s, batchId, u"--follow"_s, u"--phones"_s,
                    m_phoneIds, u"--carrier"_s, u"plivo"_s, u"--plivo-url"_s,
                    m_sim->baseUrl(), u"--plivo-auth-id"_s, SimAuthId,
                    u"--plivo-token-file"_s, m_plivoTokenFile, u"--public-url"_s,
                    m_relay->publicUrl(), u"--relay-url"_s,
                    m_relay->webSocketUrl(Channel, m_proxy->port()),
                    u"--relay-token-file"_s, m_clientTokenFile, u"--speed"_s, u"120"_s});
    return service;
}

int TestRelayEndToEnd::relayEventCount()
{
    QSqlDatabase db = QSqlDatabase::contains(u"relaycheck"_s)
                          ? QSqlDatabase::database(u"relaycheck"_s)
                          : QSqlDatabase::addDatabase(u"QSQLITE"_s, u"relaycheck"_s);
    db.setDatabaseName(m_relayLog);
    if (!db.isOpen() && !db.open())
        return -1;
    QSqlQuery query(db);
    if (!query.exec(u"SELECT count(*) FROM events"_s) || !query.next())
        return -1;
    return query.value(0).toInt();
}

bool TestRelayEndToEnd::waitForRelayEvents(int count, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (relayEventCount() >= count)
            return true;
        QTest::qWait(50);
    }
    return false;
}

// Every event of the relay's log that names a call of this batch is in the
// store's events table once (the table keeps one row per call and kind), the
// rows were inserted in the relay's order, and the store's cursor is the
// relay's last seq.
void TestRelayEndToEnd::checkExactlyOnceInOrder()
{
    QSqlDatabase relay = QSqlDatabase::contains(u"relaycheck"_s)
                             ? QSqlDatabase::database(u"relaycheck"_s)
                             : QSqlDatabase::addDatabase(u"QSQLITE"_s, u"relaycheck"_s);
    relay.setDatabaseName(m_relayLog);
    QVERIFY(relay.isOpen() || relay.open());
    QSqlDatabase store = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"storecheck"_s);
    store.setDatabaseName(m_store);
    QVERIFY(store.open());

    QSqlQuery query(relay);
    QVERIFY(query.exec(u"SELECT seq, call_uuid, kind FROM events WHERE channel = 'office' "
                       "ORDER BY seq"_s));
    QList<std::pair<QString, QString>> relayed;
    qint64 lastSeq = 0;
    while (query.next()) {
        QVERIFY2(query.value(0).toLongLong() == lastSeq + 1, "relay seq has a gap");
        lastSeq = query.value(0).toLongLong();
        QString kind = query.value(2).toString();
        if (kind == u"fallback")
            kind = u"answer"_s;
        relayed.append({query.value(1).toString(), kind});
    }
    QVERIFY(lastSeq > 0);

    QHash<std::pair<QString, QString>, std::pair<qint64, int>> stored;
    QSqlQuery rows(store);
    QVERIFY(rows.exec(u"SELECT id, call_uuid, kind FROM events"_s));
    while (rows.next()) {
        auto &entry = stored[{rows.value(1).toString(), rows.value(2).toString()}];
        entry.first = rows.value(0).toLongLong();
        ++entry.second;
    }

    qint64 previousId = 0;
    QSet<std::pair<QString, QString>> seen;
    for (const auto &event : std::as_const(relayed)) {
        const QString label = event.first + u' ' + event.second;
        QVERIFY2(stored.contains(event), qPrintable(u"not applied: "_s + label));
        QCOMPARE(stored.value(event).second, 1);
        if (seen.contains(event))
            continue; // a duplicate callback from Plivo; applied once
        seen.insert(event);
        QVERIFY2(stored.value(event).first > previousId,
                 qPrintable(u"applied out of order: "_s + label));
        previousId = stored.value(event).first;
    }

    QVERIFY(rows.exec(u"SELECT seq FROM relay_cursors WHERE channel = 'office'"_s));
    QVERIFY(rows.next());
    QCOMPARE(rows.value(0).toLongLong(), lastSeq);
}

void TestRelayEndToEnd::cleanCutLosesNothing()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator());
    m_proxy->setDelayMs(20);
    std::unique_ptr<QProcess> service = startService(batchId);

    QVERIFY(waitForRelayEvents(5, 30000));
    m_proxy->cutAll();
    QVERIFY(waitForRelayEvents(20, 30000));
    m_proxy->cutAll();

    QTRY_VERIFY_WITH_TIMEOUT(service->state() == QProcess::NotRunning, 60000);
    QCOMPARE(service->exitCode(), 0);
    QVERIFY(m_proxy->connectionsAccepted() >= 3);
    checkExactlyOnceInOrder();
}

void TestRelayEndToEnd::halfOpenConnectionIsDetected()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator());
    std::unique_ptr<QProcess> service = startService(batchId);

    QVERIFY(waitForRelayEvents(3, 30000));
    QTRY_VERIFY_WITH_TIMEOUT(m_proxy->connectionsAccepted() >= 1, 10000);
    m_proxy->holdAll();
    // The client pings every 10 s and gives up after 20 s of silence.
    QElapsedTimer held;
    held.start();
    QTRY_VERIFY_WITH_TIMEOUT(m_proxy->connectionsAccepted() >= 2, 30000);
    QVERIFY2(held.elapsed() < 25000, qPrintable(QString::number(held.elapsed())));

    QTRY_VERIFY_WITH_TIMEOUT(service->state() == QProcess::NotRunning, 60000);
    QCOMPARE(service->exitCode(), 0);
    checkExactlyOnceInOrder();
}

void TestRelayEndToEnd::serviceKilledAndRestarted()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator());
    std::unique_ptr<QProcess> service = startService(batchId);

    QVERIFY(waitForRelayEvents(10, 30000));
    service->kill();
    QTRY_VERIFY(service->state() == QProcess::NotRunning);

    service = startService(batchId);
    QTRY_VERIFY_WITH_TIMEOUT(service->state() == QProcess::NotRunning, 90000);
    QCOMPARE(service->exitCode(), 0);
    checkExactlyOnceInOrder();
}

void TestRelayEndToEnd::relayKilledAndRestarted()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator());
    std::unique_ptr<QProcess> service = startService(batchId);

    QVERIFY(waitForRelayEvents(10, 30000));
    m_relay->kill();
    QSqlDatabase::database(u"relaycheck"_s).close();
    QTest::qWait(500);
    const QString restarted = m_relay->start();
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));

    QTRY_VERIFY_WITH_TIMEOUT(service->state() == QProcess::NotRunning, 90000);
    QCOMPARE(service->exitCode(), 0);
    checkExactlyOnceInOrder();
}

int TestRelayEndToEnd::post(const QString &path, const QByteArray &body,
                            const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_relayPort).arg(path)));
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArray("application/x-www-form-urlencoded"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = network.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return -1;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

void TestRelayEndToEnd::forgedReplayedAndOversizedAreRejected()
{
    const QString path = u"/plivo/office/hangup?attempt=1"_s;
    const QString url = u"http://127.0.0.1:%1"_s.arg(m_relayPort) + path;
    const PlivoSignature::Params params = {{u"CallUUID"_s, u"c0ffee00-0000-4000-8000-000000000001"_s},
                                           {u"Event"_s, u"Hangup"_s},
                                           {u"CallStatus"_s, u"completed"_s}};
    QByteArray body;
    for (const auto &[key, value] : params)
        body += (body.isEmpty() ? "" : "&") + key.toUtf8() + '=' + QUrl::toPercentEncoding(value);
    const QString nonce = u"12345678901234567890"_s;
    const QByteArray good = PlivoSignature::computeV3(SimToken, "POST", url, params, nonce);
    const QByteArray forged = PlivoSignature::computeV3("wrong-token", "POST", url, params, nonce);

    QCOMPARE(post(path, body, {{"X-Plivo-Signature-V3", forged},
                               {"X-Plivo-Signature-V3-Nonce", nonce.toLatin1()}}),
             403);
    QCOMPARE(relayEventCount(), 0);

    QCOMPARE(post(path, body, {{"X-Plivo-Signature-V3", good},
                               {"X-Plivo-Signature-V3-Nonce", nonce.toLatin1()}}),
             200);
    QCOMPARE(relayEventCount(), 1);

    QCOMPARE(post(path, body, {{"X-Plivo-Signature-V3", good},
                               {"X-Plivo-Signature-V3-Nonce", nonce.toLatin1()}}),
             403);
    QCOMPARE(relayEventCount(), 1);

    const QByteArray huge(300 * 1024, 'a');
    QCOMPARE(post(path, "CallUUID=" + huge, {{"X-Plivo-Signature-V3", good},
                                             {"X-Plivo-Signature-V3-Nonce", "98765"}}),
             413);
    QCOMPARE(relayEventCount(), 1);

    QCOMPARE(post(u"/plivo/nochannel/hangup"_s, body, {}), 404);
}

void TestRelayEndToEnd::relayDownAtStartDialsNothing()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator());
    m_relay->stop();

    std::unique_ptr<QProcess> service = startService(batchId);
    QTRY_VERIFY_WITH_TIMEOUT(service->state() == QProcess::NotRunning, 30000);

    QCOMPARE(service->exitCode(), 4);
    QFile log(m_dir->filePath(u"service.log"_s));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QString printed = QString::fromUtf8(log.readAll());
    QVERIFY2(printed.contains(u"Cannot reach dialdeck-relay"_s), qPrintable(printed));
    QVERIFY2(printed.contains(u"No call was dialed."_s), qPrintable(printed));

    QSqlDatabase store = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"storecheck"_s);
    store.setDatabaseName(m_store);
    QVERIFY(store.open());
    QSqlQuery attempts(store);
    QVERIFY(attempts.exec(u"SELECT COUNT(*) FROM attempts"_s));
    QVERIFY(attempts.next());
    QCOMPARE(attempts.value(0).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestRelayEndToEnd)
#include "tst_relayendtoend.moc"
