#include "report/csvreportwriter.h"
#include "store/batchrepository.h"
#include "store/connection.h"

#include <QDir>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString batchId = u"64f1a2b3c4d5e6f708192a3b"_s;
const QString otherBatchId = u"0123456789abcdef01234567"_s;
const QString callerPhoneId = u"aaaaaaaaaaaaaaaaaaaaaaaa"_s;

const QByteArray bom = "\xEF\xBB\xBF";

const QByteArray callsHeader =
    "Call ID,Line,Name,Original phone,E.164,Region,Time zones,Time zone source,Status,"
    "Attempts,First attempt (UTC),Last attempt (UTC),Caller number,Outcome,Hangup cause,"
    "Ring seconds,Talk seconds,Total cost,Skip reason,Session ID,Extra fields\r\n";

const QByteArray attemptsHeader =
    "Attempt ID,Call ID,Attempt number,Name,E.164,Caller number ID,Caller number,"
    "Request UUID,Call UUID,State,Created (UTC),Ringing (UTC),Answered (UTC),Ended (UTC),"
    "Outcome,Hangup cause,Ring seconds,Talk seconds,Cost,Machine detection,Allowed rule,"
    "Session ID\r\n";

qint64 utcMs(int year, int month, int day, int hour, int minute, int second, int ms = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, ms), Qt::UTC)
        .toMSecsSinceEpoch();
}

// Column values of one calls row. Null strings become NULL, or '' in NOT NULL columns.
struct CallRow
{
    qint64 id = 0;
    QString batchId;
    int line = 0;
    QString name;
    QString phoneRaw;
    QString e164;
    QString timeZones = u"America/New_York"_s;
    QString tzSource = u"column"_s;
    QString status = u"pending"_s;
    int attemptCount = 0;
    QString skipReason;
    QString extra;
};

struct AttemptRow
{
    qint64 id = 0;
    qint64 callId = 0;
    int attemptNumber = 1;
    QString requestUuid;
    QString callUuid;
    QString state = u"ended"_s;
    qint64 createdAt = 0;
    std::optional<qint64> ringingAt;
    std::optional<qint64> answeredAt;
    std::optional<qint64> endedAt;
    QString outcome;
    QString hangupCause;
    int ringSeconds = 0;
    int talkSeconds = 0;
    double cost = 0.0;
    QString machineResult;
    QString allowedRule;
    QString sessionId;
};

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant timeOrNull(std::optional<qint64> ms)
{
    return ms ? QVariant(*ms) : QVariant(QMetaType::fromType<qint64>());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class TestCsvReportWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void callsReportExactContent();
    void attemptsReportExactContent();
    void reportStartsWithBomAndCrlf();
    void nameFormulaGuard_data();
    void nameFormulaGuard();
    void phoneColumnGuard_data();
    void phoneColumnGuard();
    void attemptTimesAreUtcIso8601_data();
    void attemptTimesAreUtcIso8601();
    void emptyBatchWritesHeaderOnly();
    void progressEveryThousandRows_data();
    void progressEveryThousandRows();
    void cancelLeavesNoFile_data();
    void cancelLeavesNoFile();
    void cancelKeepsExistingFile();
    void successReplacesExistingFile();
    void unknownBatchIsRejected();
    void unwritablePathIsRejected_data();
    void unwritablePathIsRejected();

private:
    void insertBatch(const QString &id);
    void insertCall(const CallRow &row);
    void insertAttempt(const AttemptRow &row);
    void insertSampleCalls();
    void insertGeneratedCalls(qint64 count);
    QByteArray writeSingleCallRow(const QString &name, const QString &e164);
    QString outputPath(const QString &fileName) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    Connection m_connection;
};

void TestCsvReportWriter::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestCsvReportWriter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());

    Result<Connection> opened =
        Connection::openSqlite(m_dir->filePath(u"store.sqlite"_s), u"test"_s);
    QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
    m_connection = std::move(opened).value();

    insertBatch(batchId);
    insertBatch(otherBatchId);
}

void TestCsvReportWriter::cleanup()
{
    m_connection = Connection();
    m_dir.reset();
}

void TestCsvReportWriter::insertBatch(const QString &id)
{
    Batch batch;
    batch.id = id;
    batch.name = u"Spring campaign"_s;
    batch.createdAt = QDateTime::fromMSecsSinceEpoch(utcMs(2024, 3, 1, 8, 0, 0), Qt::UTC);
    Result<void> inserted = BatchRepository(m_connection.database()).insert(batch);
    QVERIFY2(inserted.ok(), qPrintable(inserted.ok() ? QString() : inserted.error().message));
}

void TestCsvReportWriter::insertCall(const CallRow &row)
{
    QSqlQuery query(m_connection.database());
    query.prepare(u"INSERT INTO calls (id, batch_id, line, name, phone_raw, e164, region, "
                  "time_zones, tz_source, status, attempt_count, skip_reason, extra) "
                  "VALUES (?, ?, ?, COALESCE(?, ''), ?, ?, 'US', ?, ?, ?, ?, COALESCE(?, ''), ?)"_s);
    query.addBindValue(row.id);
    query.addBindValue(row.batchId.isEmpty() ? batchId : row.batchId);
    query.addBindValue(row.line);
    query.addBindValue(row.name);
    query.addBindValue(row.phoneRaw);
    query.addBindValue(row.e164);
    query.addBindValue(row.timeZones);
    query.addBindValue(row.tzSource);
    query.addBindValue(row.status);
    query.addBindValue(row.attemptCount);
    query.addBindValue(row.skipReason);
    query.addBindValue(textOrNull(row.extra));
    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
}

void TestCsvReportWriter::insertAttempt(const AttemptRow &row)
{
    QSqlQuery query(m_connection.database());
    query.prepare(u"INSERT INTO attempts (id, call_id, batch_id, attempt_number, caller_phone_id, "
                  "caller_e164, request_uuid, call_uuid, state, created_at, ringing_at, "
                  "answered_at, ended_at, outcome, hangup_cause, ring_seconds, talk_seconds, "
                  "cost, machine_result, allowed_rule, session_id) "
                  "VALUES (?, ?, ?, ?, ?, '+15550009999', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                  "COALESCE(?, ''), ?)"_s);
    query.addBindValue(row.id);
    query.addBindValue(row.callId);
    query.addBindValue(batchId);
    query.addBindValue(row.attemptNumber);
    query.addBindValue(callerPhoneId);
    query.addBindValue(textOrNull(row.requestUuid));
    query.addBindValue(textOrNull(row.callUuid));
    query.addBindValue(row.state);
    query.addBindValue(row.createdAt);
    query.addBindValue(timeOrNull(row.ringingAt));
    query.addBindValue(timeOrNull(row.answeredAt));
    query.addBindValue(timeOrNull(row.endedAt));
    query.addBindValue(textOrNull(row.outcome));
    query.addBindValue(textOrNull(row.hangupCause));
    query.addBindValue(row.ringSeconds);
    query.addBindValue(row.talkSeconds);
    query.addBindValue(row.cost);
    query.addBindValue(textOrNull(row.machineResult));
    query.addBindValue(row.allowedRule);
    query.addBindValue(textOrNull(row.sessionId));
    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
}

// Three calls of the batch under test and one of another batch. Call 1 has two
// ended attempts, stored with their ids in reverse order of attempt number.
// Call 2 was skipped, and call 3 has one attempt still dialing.
void TestCsvReportWriter::insertSampleCalls()
{
    CallRow ibanez;
    ibanez.id = 1;
    ibanez.line = 2;
    ibanez.name = u"Ibáñez, María"_s;
    ibanez.phoneRaw = u"(555) 010-0001"_s;
    ibanez.e164 = u"+15550100001"_s;
    ibanez.tzSource = u"phone_prefix"_s;
    ibanez.status = u"completed"_s;
    ibanez.attemptCount = 2;
    ibanez.extra = uR"({"note":"VIP"})"_s;
    insertCall(ibanez);

    CallRow skipped;
    skipped.id = 2;
    skipped.line = 3;
    skipped.name = uR"(=HYPERLINK("http://example.com"))"_s;
    skipped.phoneRaw = u"+1 555 010 0002"_s;
    skipped.e164 = u"+15550100002"_s;
    skipped.timeZones = u"America/Chicago&America/Denver"_s;
    skipped.status = u"skipped"_s;
    skipped.skipReason = u"Line \"two\"\nasked for no calls"_s;
    insertCall(skipped);

    CallRow dialing;
    dialing.id = 3;
    dialing.line = 4;
    dialing.name = u"Zoë"_s;
    dialing.phoneRaw = u"555-010-0003"_s;
    dialing.e164 = u"+15550100003"_s;
    dialing.status = u"dialing"_s;
    dialing.attemptCount = 1;
    insertCall(dialing);

    CallRow otherBatch;
    otherBatch.id = 4;
    otherBatch.batchId = otherBatchId;
    otherBatch.line = 2;
    otherBatch.name = u"Other batch"_s;
    otherBatch.phoneRaw = u"555-010-0004"_s;
    otherBatch.e164 = u"+15550100004"_s;
    insertCall(otherBatch);

    AttemptRow busy;
    busy.id = 21;
    busy.callId = 1;
    busy.attemptNumber = 1;
    busy.requestUuid = u"req-1"_s;
    busy.callUuid = u"call-1"_s;
    busy.createdAt = utcMs(2024, 3, 1, 14, 0, 0);
    busy.ringingAt = utcMs(2024, 3, 1, 14, 0, 2);
    busy.endedAt = utcMs(2024, 3, 1, 14, 0, 7);
    busy.outcome = u"busy"_s;
    busy.hangupCause = u"USER_BUSY"_s;
    busy.ringSeconds = 5;
    busy.cost = 0.1;
    busy.allowedRule = u"window 09:00-20:00 America/New_York"_s;
    busy.sessionId = u"s1"_s;
    insertAttempt(busy);

    AttemptRow answered;
    answered.id = 20;
    answered.callId = 1;
    answered.attemptNumber = 2;
    answered.requestUuid = u"req-2"_s;
    answered.callUuid = u"call-2"_s;
    answered.createdAt = utcMs(2024, 3, 1, 15, 30, 0, 250);
    answered.ringingAt = utcMs(2024, 3, 1, 15, 30, 1);
    answered.answeredAt = utcMs(2024, 3, 1, 15, 30, 8);
    answered.endedAt = utcMs(2024, 3, 1, 15, 31, 9);
    answered.outcome = u"answered"_s;
    answered.hangupCause = u"NORMAL_CLEARING"_s;
    answered.ringSeconds = 7;
    answered.talkSeconds = 61;
    answered.cost = 0.2;
    answered.machineResult = u"human"_s;
    answered.allowedRule = u"window 09:00-20:00 America/New_York, round robin"_s;
    answered.sessionId = u"s2"_s;
    insertAttempt(answered);

    AttemptRow inFlight;
    inFlight.id = 22;
    inFlight.callId = 3;
    inFlight.requestUuid = u"req-3"_s;
    inFlight.state = u"dialing"_s;
    inFlight.createdAt = utcMs(2024, 3, 2, 9, 15, 30, 500);
    inFlight.allowedRule = u"window 09:00-20:00 America/New_York"_s;
    inFlight.sessionId = u"s3"_s;
    insertAttempt(inFlight);
}

void TestCsvReportWriter::insertGeneratedCalls(qint64 count)
{
    // The recursive query always yields its first row.
    if (count == 0)
        return;

    QSqlQuery query(m_connection.database());
    query.prepare(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                  "INSERT INTO calls (batch_id, line, name, phone_raw, e164, time_zones, "
                  "tz_source, status) "
                  "SELECT ?, i + 1, 'Caller ' || i, '555' || i, '+1555' || i, "
                  "'America/New_York', 'column', 'pending' FROM n"_s);
    query.addBindValue(count);
    query.addBindValue(batchId);
    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
}

// Writes a calls report of one call and returns its data row without the CRLF.
QByteArray TestCsvReportWriter::writeSingleCallRow(const QString &name, const QString &e164)
{
    CallRow row;
    row.id = 1;
    row.line = 2;
    row.name = name;
    row.phoneRaw = u"555"_s;
    row.e164 = e164;
    insertCall(row);

    const QString path = outputPath(u"single.csv"_s);
    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Calls, path});
    if (!written.ok())
        return "write failed: " + written.error().message.toUtf8();

    const QByteArray content = readFile(path);
    const QByteArray prefix = bom + callsHeader;
    if (!content.startsWith(prefix) || !content.endsWith("\r\n"))
        return "unexpected file: " + content;
    return content.sliced(prefix.size(), content.size() - prefix.size() - 2);
}

QString TestCsvReportWriter::outputPath(const QString &fileName) const
{
    return m_dir->filePath(fileName);
}

void TestCsvReportWriter::callsReportExactContent()
{
    insertSampleCalls();
    const QString path = outputPath(u"calls.csv"_s);

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Calls, path});

    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
    QCOMPARE(*written, 3);
    const QByteArray expected =
        bom + callsHeader
        + "1,2,\"Ibáñez, María\",(555) 010-0001,+15550100001,US,America/New_York,phone_prefix,"
          "completed,2,2024-03-01T14:00:00.000Z,2024-03-01T15:30:00.250Z,+15550009999,answered,"
          "NORMAL_CLEARING,7,61,0.30000,,s2,\"{\"\"note\"\":\"\"VIP\"\"}\"\r\n"
        + "2,3,\"'=HYPERLINK(\"\"http://example.com\"\")\",'+1 555 010 0002,+15550100002,US,"
          "America/Chicago&America/Denver,column,skipped,0,,,,,,,,,"
          "\"Line \"\"two\"\"\nasked for no calls\",,\r\n"
        + "3,4,Zoë,555-010-0003,+15550100003,US,America/New_York,column,dialing,1,"
          "2024-03-02T09:15:30.500Z,2024-03-02T09:15:30.500Z,+15550009999,,,0,0,0.00000,,s3,"
          "\r\n";
    QCOMPARE(readFile(path), expected);
}

void TestCsvReportWriter::attemptsReportExactContent()
{
    insertSampleCalls();
    const QString path = outputPath(u"attempts.csv"_s);

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Attempts, path});

    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().message));
    QCOMPARE(*written, 3);
    const QByteArray expected =
        bom + attemptsHeader
        + "21,1,1,\"Ibáñez, María\",+15550100001,aaaaaaaaaaaaaaaaaaaaaaaa,+15550009999,req-1,"
          "call-1,ended,2024-03-01T14:00:00.000Z,2024-03-01T14:00:02.000Z,,"
          "2024-03-01T14:00:07.000Z,busy,USER_BUSY,5,0,0.10000,,"
          "window 09:00-20:00 America/New_York,s1\r\n"
        + "20,1,2,\"Ibáñez, María\",+15550100001,aaaaaaaaaaaaaaaaaaaaaaaa,+15550009999,req-2,"
          "call-2,ended,2024-03-01T15:30:00.250Z,2024-03-01T15:30:01.000Z,"
          "2024-03-01T15:30:08.000Z,2024-03-01T15:31:09.000Z,answered,NORMAL_CLEARING,7,61,"
          "0.20000,human,\"window 09:00-20:00 America/New_York, round robin\",s2\r\n"
        + "22,3,1,Zoë,+15550100003,aaaaaaaaaaaaaaaaaaaaaaaa,+15550009999,req-3,,dialing,"
          "2024-03-02T09:15:30.500Z,,,,,,0,0,0.00000,,window 09:00-20:00 America/New_York,s3"
          "\r\n";
    QCOMPARE(readFile(path), expected);
}

void TestCsvReportWriter::reportStartsWithBomAndCrlf()
{
    insertSampleCalls();
    const QString path = outputPath(u"calls.csv"_s);

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Calls, path});

    QVERIFY(written.ok());
    const QByteArray content = readFile(path);
    QVERIFY(content.startsWith(bom));
    QVERIFY(content.endsWith("\r\n"));
    // The header and 3 records end in CRLF. The only other line break is the LF
    // inside the quoted skip reason.
    QCOMPARE(content.count("\r\n"), 4);
    QCOMPARE(content.count('\n'), 5);
}

void TestCsvReportWriter::nameFormulaGuard_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("cell");

    QTest::newRow("equals sign") << u"=1+1"_s << QByteArray("'=1+1");
    QTest::newRow("plus sign") << u"+44 20"_s << QByteArray("'+44 20");
    QTest::newRow("minus sign") << u"-Smith"_s << QByteArray("'-Smith");
    QTest::newRow("at sign") << u"@SUM(A1:A9)"_s << QByteArray("'@SUM(A1:A9)");
    QTest::newRow("tab") << u"\tTabbed"_s << QByteArray("'\tTabbed");
    QTest::newRow("carriage return") << u"\rReturn"_s << QByteArray("\"'\rReturn\"");
    QTest::newRow("formula with comma") << u"=A1,B1"_s << QByteArray("\"'=A1,B1\"");
    QTest::newRow("inner minus") << u"Smith-Jones"_s << QByteArray("Smith-Jones");
    QTest::newRow("apostrophe") << u"O'Brien"_s << QByteArray("O'Brien");
    QTest::newRow("leading space") << u" =1"_s << QByteArray(" =1");
    QTest::newRow("empty") << QString() << QByteArray();
}

void TestCsvReportWriter::nameFormulaGuard()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, cell);

    const QByteArray row = writeSingleCallRow(name, u"+15550100001"_s);

    QCOMPARE(row, "1,2," + cell
                      + ",555,+15550100001,US,America/New_York,column,pending,0,,,,,,,,,,,");
}

void TestCsvReportWriter::phoneColumnGuard_data()
{
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QByteArray>("cell");

    QTest::newRow("E.164 stays") << u"+15550100001"_s << QByteArray("+15550100001");
    QTest::newRow("15 digits stay") << u"+123456789012345"_s << QByteArray("+123456789012345");
    QTest::newRow("16 digits guarded") << u"+1234567890123456"_s
                                       << QByteArray("'+1234567890123456");
    QTest::newRow("space guarded") << u"+1 555"_s << QByteArray("'+1 555");
    QTest::newRow("formula guarded") << u"+1+cmd"_s << QByteArray("'+1+cmd");
    QTest::newRow("equals guarded") << u"=2+3"_s << QByteArray("'=2+3");
    QTest::newRow("plus only guarded") << u"+"_s << QByteArray("'+");
}

void TestCsvReportWriter::phoneColumnGuard()
{
    QFETCH(QString, e164);
    QFETCH(QByteArray, cell);

    const QByteArray row = writeSingleCallRow(u"Ann"_s, e164);

    QCOMPARE(row, "1,2,Ann,555," + cell
                      + ",US,America/New_York,column,pending,0,,,,,,,,,,,");
}

void TestCsvReportWriter::attemptTimesAreUtcIso8601_data()
{
    QTest::addColumn<qint64>("createdAt");
    QTest::addColumn<QByteArray>("cell");

    QTest::newRow("Unix epoch") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
    QTest::newRow("1 ms before epoch") << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
    QTest::newRow("year 1900") << utcMs(1900, 1, 1, 12, 0, 0)
                               << QByteArray("1900-01-01T12:00:00.000Z");
    QTest::newRow("leap day") << utcMs(2024, 2, 29, 23, 59, 59, 999)
                              << QByteArray("2024-02-29T23:59:59.999Z");
    QTest::newRow("year 2000 starts") << qint64(946684800000)
                                      << QByteArray("2000-01-01T00:00:00.000Z");
    QTest::newRow("year 9999 ends") << qint64(253402300799999)
                                    << QByteArray("9999-12-31T23:59:59.999Z");
}

void TestCsvReportWriter::attemptTimesAreUtcIso8601()
{
    QFETCH(qint64, createdAt);
    QFETCH(QByteArray, cell);
    CallRow call;
    call.id = 1;
    call.line = 2;
    call.name = u"Ann"_s;
    call.phoneRaw = u"555"_s;
    call.e164 = u"+15550100001"_s;
    insertCall(call);
    AttemptRow attempt;
    attempt.id = 1;
    attempt.callId = 1;
    attempt.createdAt = createdAt;
    insertAttempt(attempt);
    const QString path = outputPath(u"attempts.csv"_s);

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Attempts, path});

    QVERIFY(written.ok());
    QCOMPARE(readFile(path), bom + attemptsHeader
                                 + "1,1,1,Ann,+15550100001,aaaaaaaaaaaaaaaaaaaaaaaa,+15550009999,,,"
                                   "ended,"
                                 + cell + ",,,,,,0,0,0.00000,,,\r\n");
}

void TestCsvReportWriter::emptyBatchWritesHeaderOnly()
{
    const QString callsPath = outputPath(u"calls.csv"_s);
    const QString attemptsPath = outputPath(u"attempts.csv"_s);

    Result<qint64> calls = CsvReportWriter::write(m_connection.database(),
                                                  {batchId, ReportKind::Calls, callsPath});
    Result<qint64> attempts = CsvReportWriter::write(m_connection.database(),
                                                     {batchId, ReportKind::Attempts, attemptsPath});

    QVERIFY(calls.ok());
    QCOMPARE(*calls, 0);
    QCOMPARE(readFile(callsPath), bom + callsHeader);
    QVERIFY(attempts.ok());
    QCOMPARE(*attempts, 0);
    QCOMPARE(readFile(attemptsPath), bom + attemptsHeader);
}

void TestCsvReportWriter::progressEveryThousandRows_data()
{
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<QList<qint64>>("reportedDone");

    QTest::newRow("empty batch") << qint64(0) << QList<qint64>{0};
    QTest::newRow("fewer than 1000") << qint64(999) << QList<qint64>{999};
    QTest::newRow("multiple of 1000") << qint64(2000) << QList<qint64>{1000, 2000};
    QTest::newRow("partial last step") << qint64(2500) << QList<qint64>{1000, 2000, 2500};
}

void TestCsvReportWriter::progressEveryThousandRows()
{
    QFETCH(qint64, rows);
    QFETCH(QList<qint64>, reportedDone);
    insertGeneratedCalls(rows);
    const QString path = outputPath(u"calls.csv"_s);

    QList<qint64> done;
    QList<qint64> totals;
    Result<qint64> written = CsvReportWriter::write(
        m_connection.database(), {batchId, ReportKind::Calls, path},
        [&](qint64 rowsDone, qint64 total) {
            done.append(rowsDone);
            totals.append(total);
            return true;
        });

    QVERIFY(written.ok());
    QCOMPARE(*written, rows);
    QCOMPARE(done, reportedDone);
    QCOMPARE(totals, QList<qint64>(reportedDone.size(), rows));
    const QByteArray content = readFile(path);
    QCOMPARE(content.count("\r\n"), rows + 1);
    if (rows > 0) {
        const QByteArray lastRow = "\r\n" + QByteArray::number(rows) + ','
                                   + QByteArray::number(rows + 1) + ",Caller "
                                   + QByteArray::number(rows) + ',';
        QVERIFY(content.contains(lastRow));
    }
}

void TestCsvReportWriter::cancelLeavesNoFile_data()
{
    QTest::addColumn<qint64>("rows");
    QTest::addColumn<int>("cancelAtCall");

    QTest::newRow("first of three steps") << qint64(2500) << 1;
    QTest::newRow("final step") << qint64(2500) << 3;
    QTest::newRow("single final step") << qint64(3) << 1;
}

void TestCsvReportWriter::cancelLeavesNoFile()
{
    QFETCH(qint64, rows);
    QFETCH(int, cancelAtCall);
    insertGeneratedCalls(rows);
    QDir outputDir(m_dir->filePath(u"out"_s));
    QVERIFY(outputDir.mkpath(u"."_s));
    const QString path = outputDir.filePath(u"calls.csv"_s);

    int calls = 0;
    Result<qint64> written = CsvReportWriter::write(
        m_connection.database(), {batchId, ReportKind::Calls, path},
        [&](qint64, qint64) { return ++calls != cancelAtCall; });

    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, u"report_cancelled"_s);
    QCOMPARE(calls, cancelAtCall);
    QVERIFY(!QFile::exists(path));
    QCOMPARE(outputDir.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
}

void TestCsvReportWriter::cancelKeepsExistingFile()
{
    insertGeneratedCalls(1500);
    const QString path = outputPath(u"calls.csv"_s);
    QVERIFY(writeFile(path, "earlier report\r\n"));

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Calls, path},
                                                    [](qint64, qint64) { return false; });

    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, u"report_cancelled"_s);
    QVERIFY(written.error().message.contains(path));
    QCOMPARE(readFile(path), QByteArray("earlier report\r\n"));
}

void TestCsvReportWriter::successReplacesExistingFile()
{
    const QString path = outputPath(u"calls.csv"_s);
    QVERIFY(writeFile(path, "earlier report that is longer than the new one\r\n"));

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Calls, path});

    QVERIFY(written.ok());
    QCOMPARE(readFile(path), bom + callsHeader);
}

void TestCsvReportWriter::unknownBatchIsRejected()
{
    const QString unknownId = u"ffffffffffffffffffffffff"_s;
    const QString path = outputPath(u"calls.csv"_s);

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {unknownId, ReportKind::Calls, path});

    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, u"batch_not_found"_s);
    QVERIFY2(written.error().message.contains(unknownId), qPrintable(written.error().message));
    QVERIFY(!QFile::exists(path));
}

void TestCsvReportWriter::unwritablePathIsRejected_data()
{
    QTest::addColumn<QString>("relativePath");

    // A read-only folder is not among the cases because the tests may run as
    // root, who can write anywhere.
    QTest::newRow("missing folder") << u"missing/folder/calls.csv"_s;
    QTest::newRow("path is a folder") << u"existing-folder"_s;
}

void TestCsvReportWriter::unwritablePathIsRejected()
{
    QFETCH(QString, relativePath);
    insertSampleCalls();
    QVERIFY(QDir(m_dir->path()).mkdir(u"existing-folder"_s));
    const QString path = outputPath(relativePath);

    Result<qint64> written = CsvReportWriter::write(m_connection.database(),
                                                    {batchId, ReportKind::Calls, path});

    QVERIFY(!written.ok());
    QCOMPARE(written.error().code, u"report_write_failed"_s);
    QVERIFY2(written.error().message.contains(path), qPrintable(written.error().message));
    QVERIFY2(written.error().message.contains(u"Choose a folder you can write to"_s),
             qPrintable(written.error().message));
}

QTEST_GUILESS_MAIN(TestCsvReportWriter)
#include "tst_csvreportwriter.moc"
