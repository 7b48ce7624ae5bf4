#include "simulatorprocess.h"
#include "storeaudit.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;
const QByteArray SimToken = "dialdeck-sim-test-token";

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// One line of the simulator's journal.
struct JournalLine
{
    QString event;
    QString attempt;
    QString callUuid;
    QString to;
    QString callStatus;
};

} // namespace

// Runs a batch end to end through real processes on loopback: dialdeck-service
// dials through its Plivo client at dialdeck-sim, which plays each call out and
// sends signed callbacks back to the service's callback listener. Afterwards
// the store is compared with the simulator's journal of every call it placed.
class TestPlivoEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void batchCompletesThroughSimulator();
    void batchCompletesWithCallbackFaults();
    void serverErrorAfterPlacingNeverDialsTwice();
    void rateLimitStormSlowsWithoutLosingCalls();
    void stalledDialRequestIsLookedUpNotResent();
    void forgedCallbackIsRefusedAndChangesNothing();

private:
    Run service(const QStringList &arguments, int timeoutMs = 60000);
    QString prepareBatch();
    bool startSimulator(const QStringList &extra);
    QStringList plivoOptions() const;
    QList<JournalLine> journal() const;
    void checkStoreMatchesJournal(const QString &batchId);

    QString m_serviceBinary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    QString m_tokenFile;
    QString m_journal;
    SimulatorProcess m_sim;
    QString m_phoneId;
};

void TestPlivoEndToEnd::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QDir bin(qEnvironmentVariable("DIALDECK_BIN_DIR"));
    m_serviceBinary = bin.filePath(u"dialdeck-service"_s);
    const QString simBinary = bin.filePath(u"dialdeck-sim"_s);
    QVERIFY2(QFile::exists(m_serviceBinary), qPrintable(m_serviceBinary));
    QVERIFY2(QFile::exists(simBinary), qPrintable(simBinary));
}

void TestPlivoEndToEnd::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_journal = m_dir->filePath(u"sim-journal.jsonl"_s);
    m_tokenFile = m_dir->filePath(u"plivo-token"_s);
    QVERIFY(SimulatorProcess::writeTokenFile(m_tokenFile, SimToken));
}

void TestPlivoEndToEnd::cleanup()
{
    m_sim.stop();
    QSqlDatabase::removeDatabase(u"check"_s);
}

Run TestPlivoEndToEnd::service(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(m_serviceBinary, QStringList{u"--db"_s, m_store} + arguments);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        run.err = u"timed out; "_s + QString::fromUtf8(process.readAllStandardError());
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

// Imports the Google Contacts sample with a window open all day, every day,
// and adds one of the simulated account's numbers as the caller number.
QString TestPlivoEndToEnd::prepareBatch()
{
    const QString contacts = QDir(qEnvironmentVariable("DIALDECK_TEST_DATA"))
                                 .filePath(u"google-contacts.csv"_s);
    const Run imported = service({u"import"_s, contacts, u"--name"_s, u"Plivo rehearsal"_s,
                                  u"--window"_s, u"00:00-23:59"_s, u"--days"_s,
                                  u"mon,tue,wed,thu,fri,sat,sun"_s});
    if (imported.exitCode != 0) {
        qWarning().noquote() << imported.err;
        return {};
    }
    const QRegularExpression id(u"\\b([0-9a-f]{24})\\b"_s);
    const QRegularExpressionMatch match = id.match(imported.out);
    if (!match.hasMatch())
        return {};

    // Four of the simulated account's numbers, so that four calls run at once.
    QStringList phoneIds;
    for (int i = 0; i < 4; ++i) {
        const Run phone = service({u"phones"_s, u"add"_s, u"+1415555010%1"_s.arg(i)});
        const QRegularExpressionMatch phoneId = id.match(phone.out);
        if (phone.exitCode != 0 || !phoneId.hasMatch()) {
            qWarning().noquote() << phone.err;
            return {};
        }
        phoneIds.append(phoneId.captured(1));
    }
    m_phoneId = phoneIds.join(u',');
    return match.captured(1);
}

bool TestPlivoEndToEnd::startSimulator(const QStringList &extra)
{
    const QString error = m_sim.start(m_tokenFile, m_dir->filePath(u"sim.log"_s),
                                      QStringList{u"--journal"_s, m_journal, u"--speed"_s, u"60"_s,
                                                  u"--cps"_s, u"20"_s, u"--seed"_s, u"7"_s}
                                          + extra);
    if (!error.isEmpty()) {
        qWarning().noquote() << error;
        return false;
    }
    return true;
}

QStringList TestPlivoEndToEnd::plivoOptions() const
{
    return {u"--phones"_s,           m_phoneId,
            u"--carrier"_s,          u"plivo"_s,
            u"--plivo-url"_s,        m_sim.baseUrl(),
            u"--plivo-auth-id"_s,    SimAuthId,
            u"--plivo-token-file"_s, m_tokenFile,
            u"--reconcile-after"_s,  u"3"_s,
            // The engine's clock runs fast too, so that retry delays (half an
            // hour after no answer) pass in seconds.
            u"--speed"_s,            u"120"_s};
}

QList<JournalLine> TestPlivoEndToEnd::journal() const
{
    QList<JournalLine> lines;
    QFile file(m_journal);
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    while (!file.atEnd()) {
        const QJsonObject json = QJsonDocument::fromJson(file.readLine()).object();
        if (json.isEmpty())
            continue;
        lines.append({json.value(u"event"_s).toString(), json.value(u"attempt"_s).toString(),
                      json.value(u"call_uuid"_s).toString(), json.value(u"to"_s).toString(),
                      json.value(u"call_status"_s).toString()});
    }
    return lines;
}

// Every call reached a final status; the simulator placed each attempt at
// most once and never more calls to a number than it has attempts; every call
// the simulator ended has its call uuid and an outcome in the store.
void TestPlivoEndToEnd::checkStoreMatchesJournal(const QString &batchId)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
    db.setDatabaseName(m_store);
    QVERIFY(db.open());

    QSqlQuery query(db);
    QVERIFY(query.exec(u"SELECT status FROM batches WHERE id = '%1'"_s.arg(batchId)));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), u"completed"_s);

    QVERIFY(query.exec(u"SELECT COUNT(*) FROM calls WHERE batch_id = '%1' AND status NOT IN "
                       "('completed', 'busy', 'no_answer', 'failed', 'skipped', 'cancelled')"_s
                           .arg(batchId)));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);

    QVERIFY(query.exec(u"SELECT COUNT(*) FROM attempts WHERE batch_id = '%1' AND state <> 'ended'"_s
                           .arg(batchId)));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);

    QHash<QString, QString> callUuidByAttempt;
    QHash<QString, int> attemptsByNumber;
    QVERIFY(query.exec(u"SELECT a.id, COALESCE(a.call_uuid, ''), c.e164, COALESCE(a.outcome, '') "
                       "FROM attempts a JOIN calls c ON c.id = a.call_id WHERE a.batch_id = '%1'"_s
                           .arg(batchId)));
    QHash<QString, QString> outcomeByAttempt;
    while (query.next()) {
        const QString attempt = query.value(0).toString();
        callUuidByAttempt.insert(attempt, query.value(1).toString());
        outcomeByAttempt.insert(attempt, query.value(3).toString());
        ++attemptsByNumber[query.value(2).toString()];
    }
    QVERIFY(!callUuidByAttempt.isEmpty());

    QHash<QString, int> placedByAttempt;
    QHash<QString, int> placedByNumber;
    int ended = 0;
    for (const JournalLine &line : journal()) {
        if (line.event == u"placed") {
            ++placedByAttempt[line.attempt];
            QString number = line.to;
            if (!number.startsWith(u'+'))
                number.prepend(u'+');
            ++placedByNumber[number];
        } else if (line.event == u"ended") {
            ++ended;
            QVERIFY2(callUuidByAttempt.contains(line.attempt), qPrintable(line.attempt));
            QCOMPARE(callUuidByAttempt.value(line.attempt), line.callUuid);
            QVERIFY2(!outcomeByAttempt.value(line.attempt).isEmpty(), qPrintable(line.attempt));
        }
    }
    QVERIFY(ended > 0);
    for (auto it = placedByAttempt.cbegin(); it != placedByAttempt.cend(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(u"attempt %1 dialed %2 times"_s.arg(it.key())
                                                .arg(it.value())));
    for (auto it = placedByNumber.cbegin(); it != placedByNumber.cend(); ++it) {
        QVERIFY2(it.value() <= attemptsByNumber.value(it.key()),
                 qPrintable(u"%1 dialed %2 times for %3 attempts"_s.arg(it.key())
                                .arg(it.value())
                                .arg(attemptsByNumber.value(it.key()))));
    }

    const StoreAuditReport audit = StoreAudit::auditSqliteFile(m_store);
    QVERIFY2(audit.passed(), qPrintable(audit.summary()));
    QVERIFY(audit.attemptsChecked > 0);
}

void TestPlivoEndToEnd::batchCompletesThroughSimulator()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator({}));

    const Run run = service(QStringList{u"start"_s, batchId, u"--follow"_s} + plivoOptions(),
                            150000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    QVERIFY(run.out.contains(u"Receiving Plivo's callbacks at http://127.0.0.1:"_s));
    checkStoreMatchesJournal(batchId);
}

void TestPlivoEndToEnd::batchCompletesWithCallbackFaults()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator({u"--fault-drop-callbacks"_s, u"0.3"_s,
                            u"--fault-duplicate-callbacks"_s, u"0.3"_s,
                            u"--fault-reorder-callbacks"_s, u"0.2"_s,
                            u"--fault-delay-callbacks-ms"_s, u"300"_s}));

    const Run run = service(QStringList{u"start"_s, batchId, u"--follow"_s} + plivoOptions(),
                            150000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    checkStoreMatchesJournal(batchId);
}

void TestPlivoEndToEnd::serverErrorAfterPlacingNeverDialsTwice()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator({u"--fault-500-after-place"_s, u"0.4"_s}));

    const Run run = service(QStringList{u"start"_s, batchId, u"--follow"_s} + plivoOptions(),
                            150000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    checkStoreMatchesJournal(batchId);
}

void TestPlivoEndToEnd::rateLimitStormSlowsWithoutLosingCalls()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(startSimulator({u"--rest-limit"_s, u"4/1"_s}));

    const Run run = service(QStringList{u"start"_s, batchId, u"--follow"_s} + plivoOptions(),
                            240000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    // The storm happened: the client met 429 answers and held its requests back.
    QVERIFY2(run.err.contains(u"REST limit reached"_s), qPrintable(run.err));
    checkStoreMatchesJournal(batchId);
}

void TestPlivoEndToEnd::stalledDialRequestIsLookedUpNotResent()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    // The simulator places these calls but holds the answer past the client's 5 s time-out.
    QVERIFY(startSimulator({u"--fault-stall"_s, u"0.2"_s, u"--stall-ms"_s, u"7000"_s}));

    const Run run = service(QStringList{u"start"_s, batchId, u"--follow"_s} + plivoOptions(),
                            240000);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    checkStoreMatchesJournal(batchId);
}

void TestPlivoEndToEnd::forgedCallbackIsRefusedAndChangesNothing()
{
    const QString batchId = prepareBatch();
    QVERIFY(!batchId.isEmpty());
    // Long rings keep the first calls open while the forged callback arrives.
    QVERIFY(startSimulator({u"--ring-time"_s, u"60-90"_s, u"--mix"_s, u"answered=100"_s}));

    QProcess process;
    process.start(m_serviceBinary, QStringList{u"--db"_s, m_store, u"start"_s, batchId,
                                               u"--follow"_s}
                                       + plivoOptions());
    const QRegularExpression listening(u"callbacks at (http://127\\.0\\.0\\.1:\\d+/)"_s);
    QString out;
    QString callbacks;
    for (int waited = 0; waited < 100 && callbacks.isEmpty(); ++waited) {
        process.waitForReadyRead(100);
        out += QString::fromUtf8(process.readAllStandardOutput());
        const QRegularExpressionMatch match = listening.match(out);
        if (match.hasMatch())
            callbacks = match.captured(1);
    }
    QVERIFY2(!callbacks.isEmpty(), qPrintable(out));

    // A hangup for attempt 1 that no Plivo account signed, and one signed with a wrong token.
    QNetworkAccessManager network;
    const QByteArray body = "CallUUID=forged-0000&Event=Hangup&CallStatus=busy"
                            "&HangupCause=USER_BUSY&Direction=outbound";
    const QList<QList<std::pair<QByteArray, QByteArray>>> headerSets = {
        {},
        {{"X-Plivo-Signature-V3", "k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="},
         {"X-Plivo-Signature-V3-Nonce", "31627761595286130198"}},
    };
    for (const auto &headers : headerSets) {
        QNetworkRequest request(QUrl(callbacks + u"plivo/hangup?attempt=1"_s));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          u"application/x-www-form-urlencoded"_s);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        std::unique_ptr<QNetworkReply> reply(network.post(request, body));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
    }

    QVERIFY(process.waitForFinished(150000));
    QCOMPARE(process.exitCode(), 0);
    checkStoreMatchesJournal(batchId);

    QSqlQuery query(QSqlDatabase::database(u"check"_s));
    QVERIFY(query.exec(u"SELECT COUNT(*) FROM events WHERE call_uuid = 'forged-0000'"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);
    QVERIFY(query.exec(u"SELECT COUNT(*) FROM attempts WHERE outcome = 'busy'"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestPlivoEndToEnd)
#include "tst_plivoendtoend.moc"
