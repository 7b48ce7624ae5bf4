#include "core/ids.h"
#include "import/callwriter.h"
#include "store/batchrepository.h"
#include "store/connection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestCallWriter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void jsonMatchesQtCompactJson_data();
    void jsonMatchesQtCompactJson();
    void insertStoresEveryColumn();
    void insertKeepsEmptyTextNotNull();
    void insertFailsOnMissingBatch();
    void appendWritesGroupsInOrder();
    void appendReportsFailedGroup();

private:
    QString addBatch();

    std::unique_ptr<QTemporaryDir> m_folder;
    std::optional<Connection> m_connection;
};

void TestCallWriter::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestCallWriter::init()
{
    m_folder = std::make_unique<QTemporaryDir>();
    QVERIFY(m_folder->isValid());
    Result<Connection> connection = Connection::openSqlite(m_folder->filePath(u"store.sqlite"_s),
                                                           u"test"_s);
    QVERIFY2(connection, qPrintable(connection.ok() ? QString() : connection.error().message));
    m_connection.emplace(std::move(connection).value());
}

void TestCallWriter::cleanup()
{
    m_connection.reset();
    m_folder.reset();
}

QString TestCallWriter::addBatch()
{
    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Writer test"_s;
    batch.status = BatchStatus::Draft;
    batch.config.defaultRegion = u"US"_s;
    batch.config.defaultTimeZone = "America/New_York";
    batch.createdAt = QDateTime::currentDateTimeUtc();
    const Result<void> inserted = BatchRepository(m_connection->database()).insert(batch);
    if (!inserted)
        qFatal("Could not add a batch: %s", qPrintable(inserted.error().message));
    return batch.id;
}

void TestCallWriter::jsonMatchesQtCompactJson_data()
{
    QTest::addColumn<QJsonObject>("object");

    QTest::newRow("empty") << QJsonObject();
    QTest::newRow("ascii strings")
        << QJsonObject{{u"email"_s, u"ann@example.com"_s}, {u"id"_s, u"17"_s},
                       {u"notes"_s, u"call after 10, ask for Ann"_s}};
    QTest::newRow("keys out of order")
        << QJsonObject{{u"zeta"_s, u"1"_s}, {u"Alpha"_s, u"2"_s}, {u"alpha"_s, u"3"_s},
                       {u"a"_s, u"4"_s}, {u"Kundennummer"_s, u"10001"_s}};
    QTest::newRow("accents and CJK")
        << QJsonObject{{u"Straße"_s, u"Müllerstraße 5"_s}, {u"名前"_s, u"山田"_s}};
    QTest::newRow("empty value") << QJsonObject{{u"notes"_s, u""_s}};
    QTest::newRow("quote and backslash")
        << QJsonObject{{u"notes"_s, u"say \"hi\" to C:\\temp"_s}};
    QTest::newRow("control characters")
        << QJsonObject{{u"notes"_s, u"line 1\nline 2\ttab\u0001"_s}};
    QTest::newRow("delete and C1 characters")
        << QJsonObject{{u"notes"_s, QString(u"a\u007fb\u0085c"_s)}};
    QTest::newRow("emoji") << QJsonObject{{u"notes"_s, u"thanks \U0001F600"_s}};
    QTest::newRow("unpaired surrogate")
        << QJsonObject{{u"notes"_s, QString(QString(QChar(0xD800)) + u"x"_s)}};
    QTest::newRow("array value")
        << QJsonObject{{u"alternatePhones"_s, QJsonArray{u"+12125550188"_s, u"+4930123456"_s}},
                       {u"email"_s, u"a@example.com"_s}};
    QTest::newRow("number and bool values")
        << QJsonObject{{u"crmId"_s, 7}, {u"vip"_s, true}, {u"name"_s, u"Ann"_s}};
}

void TestCallWriter::jsonMatchesQtCompactJson()
{
    QFETCH(QJsonObject, object);

    std::string json = "prefix:";
    CallWriter::appendJson(json, object);

    const QByteArray expected = "prefix:" + QJsonDocument(object).toJson(QJsonDocument::Compact);
    QCOMPARE(QByteArray::fromStdString(json), expected);
}

void TestCallWriter::insertStoresEveryColumn()
{
    const QString batchId = addBatch();
    CallWriter writer(m_connection->database());
    const Result<void> prepared = writer.prepare(batchId);
    QVERIFY2(prepared, qPrintable(prepared.ok() ? QString() : prepared.error().message));

    CallRecord call;
    call.line = 42;
    call.name = u"Émilie Sørensen"_s;
    call.phoneRaw = u"(212) 555-0123"_s;
    call.e164 = u"+12125550123"_s;
    call.region = u"US"_s;
    call.timeZones = {"America/New_York", "America/Chicago"};
    call.timeZoneSource = TimeZoneSource::PhonePrefix;
    call.extra = QJsonObject{{u"email"_s, u"emilie@example.com"_s}, {u"extension"_s, u"12"_s}};
    const Result<void> inserted = writer.insert(call);
    QVERIFY2(inserted, qPrintable(inserted.ok() ? QString() : inserted.error().message));

    QSqlQuery query(m_connection->database());
    QVERIFY(query.exec(u"SELECT batch_id, line, name, phone_raw, e164, region, time_zones, "
                       "tz_source, status, attempt_count, next_due_at IS NULL, skip_reason, extra "
                       "FROM calls"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), batchId);
    QCOMPARE(query.value(1).toInt(), 42);
    QCOMPARE(query.value(2).toString(), call.name);
    QCOMPARE(query.value(3).toString(), call.phoneRaw);
    QCOMPARE(query.value(4).toString(), call.e164);
    QCOMPARE(query.value(5).toString(), u"US"_s);
    QCOMPARE(query.value(6).toString(), u"America/New_York&America/Chicago"_s);
    QCOMPARE(query.value(7).toString(), toString(TimeZoneSource::PhonePrefix));
    QCOMPARE(query.value(8).toString(), toString(CallStatus::Pending));
    QCOMPARE(query.value(9).toInt(), 0);
    QVERIFY(query.value(10).toBool());
    QCOMPARE(query.value(11).toString(), QString());
    QCOMPARE(query.value(12).toByteArray(), QJsonDocument(call.extra).toJson(QJsonDocument::Compact));
    QVERIFY(!query.next());
}

void TestCallWriter::insertKeepsEmptyTextNotNull()
{
    const QString batchId = addBatch();
    CallWriter writer(m_connection->database());
    QVERIFY(writer.prepare(batchId));

    CallRecord call;
    call.line = 2;
    call.phoneRaw = u"+4930123456"_s;
    call.e164 = u"+4930123456"_s;
    call.timeZones = {"Europe/Berlin"};
    QVERIFY(call.name.isNull());
    QVERIFY(call.region.isNull());
    QVERIFY(writer.insert(call));

    QSqlQuery query(m_connection->database());
    QVERIFY(query.exec(u"SELECT name IS NULL, name, region IS NULL, extra FROM calls"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toBool(), false);
    QCOMPARE(query.value(1).toString(), QString());
    QCOMPARE(query.value(2).toBool(), false);
    QCOMPARE(query.value(3).toString(), u"{}"_s);
}

void TestCallWriter::insertFailsOnMissingBatch()
{
    // The calls table references batches, and the store turns foreign keys on.
    CallWriter writer(m_connection->database());
    QVERIFY(writer.prepare(Ids::generate()));

    CallRecord call;
    call.line = 7;
    call.e164 = u"+4930123456"_s;
    const Result<void> inserted = writer.insert(call);
    QVERIFY(!inserted);
    QCOMPARE(inserted.error().code, u"store_failed"_s);
    QVERIFY2(inserted.error().message.contains(u"line 7"_s), qPrintable(inserted.error().message));
}

namespace {

CallRecord numberedCall(int line)
{
    CallRecord call;
    call.line = line;
    call.name = u"Caller %1"_s.arg(line);
    call.phoneRaw = u"(212) 555-%1"_s.arg(line, 4, 10, QLatin1Char('0'));
    call.e164 = u"+1212555%1"_s.arg(line, 4, 10, QLatin1Char('0'));
    call.timeZones = {"America/New_York"};
    return call;
}

} // namespace

// Three full groups of 64 and a rest of 10: every call is stored once, in the
// order appended, and nothing before flush() is lost.
void TestCallWriter::appendWritesGroupsInOrder()
{
    const QString batchId = addBatch();
    CallWriter writer(m_connection->database());
    QVERIFY(writer.prepare(batchId));

    constexpr int calls = 3 * 64 + 10;
    for (int line = 1; line <= calls; ++line) {
        const Result<void> appended = writer.append(numberedCall(line));
        QVERIFY2(appended, qPrintable(appended.ok() ? QString() : appended.error().message));
    }
    const Result<void> flushed = writer.flush();
    QVERIFY2(flushed, qPrintable(flushed.ok() ? QString() : flushed.error().message));

    QSqlQuery query(m_connection->database());
    QVERIFY(query.exec(u"SELECT line, name, e164 FROM calls ORDER BY id"_s));
    int expectedLine = 1;
    while (query.next()) {
        QCOMPARE(query.value(0).toInt(), expectedLine);
        QCOMPARE(query.value(1).toString(), numberedCall(expectedLine).name);
        QCOMPARE(query.value(2).toString(), numberedCall(expectedLine).e164);
        ++expectedLine;
    }
    QCOMPARE(expectedLine, calls + 1);
}

// A group written on the writer's thread fails as a whole, and the error names
// its lines when the caller next appends or flushes.
void TestCallWriter::appendReportsFailedGroup()
{
    CallWriter writer(m_connection->database());
    QVERIFY(writer.prepare(Ids::generate()));

    std::optional<Error> failure;
    for (int line = 1; line <= 200 && !failure; ++line) {
        if (const Result<void> appended = writer.append(numberedCall(line)); !appended)
            failure = appended.error();
    }
    if (!failure) {
        if (const Result<void> flushed = writer.flush(); !flushed)
            failure = flushed.error();
    }

    QVERIFY(failure.has_value());
    QCOMPARE(failure->code, u"store_failed"_s);
    QVERIFY2(failure->message.contains(u"lines 1 to 64"_s), qPrintable(failure->message));

    QSqlQuery query(m_connection->database());
    QVERIFY(query.exec(u"SELECT COUNT(*) FROM calls"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestCallWriter)
#include "tst_callwriter.moc"
