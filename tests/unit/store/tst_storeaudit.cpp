#include "storeaudit.h"

#include "core/batchconfig.h"
#include "store/connection.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

qint64 utc(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

// Each test writes a batch with the default window (09:00-20:00 Monday to
// Friday) and a holiday on 2026-12-25, one or two calls and their attempts.
class TestStoreAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void attemptInsideWindowPasses();
    void attemptOutsideOneZoneFails();
    void weekendAndHolidayFail();
    void doNotCallBeforeAttemptFails();
    void dailyCapCountsPerUtcDay();
    void missingStoreIsReported();

private:
    void exec(const QString &sql);
    void addCall(qint64 id, const QString &e164, const QString &zones);
    void addAttempt(qint64 id, qint64 callId, const QString &phoneId, qint64 createdAtMs);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    Connection m_connection;
};

void TestStoreAudit::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(u"store.sqlite"_s);

    Result<Connection> opened = Connection::openSqlite(m_path, u"audittest"_s);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    m_connection = std::move(opened).value();

    BatchConfig config;
    config.holidays = {QDate(2026, 12, 25)};
    const QString json = QString::fromUtf8(QJsonDocument(config.toJson()).toJson());
    QSqlQuery query(m_connection.database());
    query.prepare(u"INSERT INTO batches (id, name, status, config, created_at) "
                  "VALUES ('b1', 'Audit', 'completed', ?, 0)"_s);
    query.addBindValue(json);
    QVERIFY(query.exec());
    exec(u"INSERT INTO phones (id, e164, daily_cap, created_at) VALUES ('p1', '+12125550100', 2, 0)"_s);
}

void TestStoreAudit::cleanup()
{
    m_connection = Connection();
    m_dir.reset();
}

void TestStoreAudit::exec(const QString &sql)
{
    QSqlQuery query(m_connection.database());
    QVERIFY2(query.exec(sql), qPrintable(sql));
}

void TestStoreAudit::addCall(qint64 id, const QString &e164, const QString &zones)
{
    exec(u"INSERT INTO calls (id, batch_id, line, phone_raw, e164, time_zones, tz_source, status) "
         "VALUES (%1, 'b1', %1, '%2', '%2', '%3', 'phone_prefix', 'completed')"_s.arg(id)
             .arg(e164, zones));
}

void TestStoreAudit::addAttempt(qint64 id, qint64 callId, const QString &phoneId,
                                qint64 createdAtMs)
{
    exec(u"INSERT INTO attempts (id, call_id, batch_id, attempt_number, caller_phone_id, "
         "caller_e164, state, created_at) VALUES (%1, %2, 'b1', %1, '%3', '+12125550100', "
         "'ended', %4)"_s.arg(id)
             .arg(callId)
             .arg(phoneId)
             .arg(createdAtMs));
}

void TestStoreAudit::attemptInsideWindowPasses()
{
    addCall(1, u"+12125550142"_s, u"America/New_York"_s);
    // Monday 2026-12-07 09:00 in New York (UTC-5).
    addAttempt(1, 1, u"p1"_s, utc(u"2026-12-07T14:00:00Z"_s));

    const StoreAuditReport report = StoreAudit::auditSqliteFile(m_path);
    QVERIFY2(report.passed(), qPrintable(report.summary()));
    QCOMPARE(report.attemptsChecked, 1);
}

void TestStoreAudit::attemptOutsideOneZoneFails()
{
    addCall(1, u"+19075550111"_s, u"America/New_York&America/Los_Angeles"_s);
    // 09:30 in New York but 06:30 in Los Angeles.
    addAttempt(1, 1, u"p1"_s, utc(u"2026-12-07T14:30:00Z"_s));

    const StoreAuditReport report = StoreAudit::auditSqliteFile(m_path);
    QCOMPARE(report.violations.size(), 1);
    QVERIFY2(report.violations.first().contains(u"America/Los_Angeles"_s),
             qPrintable(report.summary()));
    QVERIFY2(report.violations.first().contains(u"outside 09:00-20:00"_s),
             qPrintable(report.summary()));
}

void TestStoreAudit::weekendAndHolidayFail()
{
    addCall(1, u"+12125550142"_s, u"America/New_York"_s);
    // Saturday 2026-12-05 and Friday 2026-12-25, both at 12:00 in New York.
    addAttempt(1, 1, u"p1"_s, utc(u"2026-12-05T17:00:00Z"_s));
    addAttempt(2, 1, u"p1"_s, utc(u"2026-12-25T17:00:00Z"_s));

    const StoreAuditReport report = StoreAudit::auditSqliteFile(m_path);
    QCOMPARE(report.violations.size(), 2);
    QVERIFY2(report.violations.at(0).contains(u"weekday is not allowed"_s),
             qPrintable(report.summary()));
    QVERIFY2(report.violations.at(1).contains(u"holiday"_s), qPrintable(report.summary()));
}

void TestStoreAudit::doNotCallBeforeAttemptFails()
{
    addCall(1, u"+12125550142"_s, u"America/New_York"_s);
    addCall(2, u"+12125550143"_s, u"America/New_York"_s);
    const qint64 at = utc(u"2026-12-07T15:00:00Z"_s);
    addAttempt(1, 1, u"p1"_s, at);
    addAttempt(2, 2, u"p1"_s, at);
    exec(u"INSERT INTO dnc_numbers (e164, added_at) VALUES ('+12125550142', %1)"_s.arg(at - 1));
    // Listed after its attempt, so that attempt was still allowed.
    exec(u"INSERT INTO dnc_numbers (e164, added_at) VALUES ('+12125550143', %1)"_s.arg(at + 1));

    const StoreAuditReport report = StoreAudit::auditSqliteFile(m_path);
    QCOMPARE(report.violations.size(), 1);
    QVERIFY2(report.violations.first().contains(u"+12125550142"_s), qPrintable(report.summary()));
    QVERIFY2(report.violations.first().contains(u"do-not-call"_s), qPrintable(report.summary()));
}

void TestStoreAudit::dailyCapCountsPerUtcDay()
{
    addCall(1, u"+12125550142"_s, u"America/New_York"_s);
    // Cap 2: two on Monday, one on Tuesday, then a third on Tuesday is one too many.
    addAttempt(1, 1, u"p1"_s, utc(u"2026-12-07T15:00:00Z"_s));
    addAttempt(2, 1, u"p1"_s, utc(u"2026-12-07T16:00:00Z"_s));
    addAttempt(3, 1, u"p1"_s, utc(u"2026-12-08T15:00:00Z"_s));
    addAttempt(4, 1, u"p1"_s, utc(u"2026-12-08T16:00:00Z"_s));
    addAttempt(5, 1, u"p1"_s, utc(u"2026-12-08T17:00:00Z"_s));

    const StoreAuditReport report = StoreAudit::auditSqliteFile(m_path);
    QCOMPARE(report.attemptsChecked, 5);
    QCOMPARE(report.violations.size(), 1);
    QVERIFY2(report.violations.first().startsWith(u"Attempt 5 "_s), qPrintable(report.summary()));
    QVERIFY2(report.violations.first().contains(u"daily cap of 2"_s), qPrintable(report.summary()));
}

void TestStoreAudit::missingStoreIsReported()
{
    const StoreAuditReport report =
        StoreAudit::auditSqliteFile(m_dir->filePath(u"no-such-dir/store.sqlite"_s));
    QVERIFY(!report.passed());
    QCOMPARE(report.attemptsChecked, 0);
}

QTEST_GUILESS_MAIN(TestStoreAudit)
#include "tst_storeaudit.moc"
