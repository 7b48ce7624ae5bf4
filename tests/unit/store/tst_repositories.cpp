#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/donotcallrepository.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

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
const QString phoneIdA = u"aaaaaaaaaaaaaaaaaaaaaaaa"_s;
const QString phoneIdB = u"bbbbbbbbbbbbbbbbbbbbbbbb"_s;
const QString phoneIdC = u"cccccccccccccccccccccccc"_s;

template<typename T>
QString errorText(const Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

QDateTime utc(int year, int month, int day, int hour, int minute)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute), Qt::UTC);
}

Phone makePhone(const QString &id, const QString &e164)
{
    Phone phone;
    phone.id = id;
    phone.e164 = e164;
    phone.label = u"Line "_s + e164.right(4);
    phone.createdAt = utc(2024, 3, 1, 8, 0);
    return phone;
}

} // namespace

class TestRepositories : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void batchInsertFindRoundTrip();
    void batchInsertWithoutOptionalText();
    void batchFindUnknownIsEmpty();
    void batchListNewestFirst();
    void batchRename();
    void batchSetConfig();
    void batchSetPhonesReplacesInOrder();
    void batchSetStatusStampsTimes();
    void batchCountCallsByStatus();

    void phoneInsertFindAndList();
    void phoneInsertWithoutLabel();
    void phoneUpdateKeepsNumber();
    void phoneDuplicateE164IsRejected();

    void localOperatorIsCreatedOnce();

    void doNotCallAddTwiceKeepsFirst();
    void doNotCallContainsRemoveAll();

    void callWithUnknownBatchIsRejected();
    void batchPhoneWithUnknownPhoneIsRejected();

private:
    QSqlDatabase db() const { return m_connection.database(); }
    void insertPhones();
    void insertBatch(const QString &id, const QDateTime &createdAt);
    void insertCall(const QString &status);

    std::unique_ptr<QTemporaryDir> m_dir;
    Connection m_connection;
    int m_nextCallLine = 2;
};

void TestRepositories::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestRepositories::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    Result<Connection> opened =
        Connection::openSqlite(m_dir->filePath(u"store.sqlite"_s), u"test"_s);
    QVERIFY2(opened.ok(), qPrintable(errorText(opened)));
    m_connection = std::move(opened).value();
    m_nextCallLine = 2;
}

void TestRepositories::cleanup()
{
    m_connection = Connection();
    m_dir.reset();
}

void TestRepositories::insertPhones()
{
    PhoneRepository phones(db());
    for (const Phone &phone : {makePhone(phoneIdA, u"+15550000001"_s),
                               makePhone(phoneIdB, u"+15550000002"_s),
                               makePhone(phoneIdC, u"+15550000003"_s)}) {
        Result<void> inserted = phones.insert(phone);
        QVERIFY2(inserted.ok(), qPrintable(errorText(inserted)));
    }
}

void TestRepositories::insertBatch(const QString &id, const QDateTime &createdAt)
{
    Batch batch;
    batch.id = id;
    batch.name = u"Batch "_s + id.left(4);
    batch.statusReason = u"created"_s;
    batch.sourceFile = u"contacts.csv"_s;
    batch.createdAt = createdAt;
    Result<void> inserted = BatchRepository(db()).insert(batch);
    QVERIFY2(inserted.ok(), qPrintable(errorText(inserted)));
}

void TestRepositories::insertCall(const QString &status)
{
    QSqlQuery query(db());
    query.prepare(u"INSERT INTO calls (batch_id, line, phone_raw, e164, time_zones, tz_source, "
                  "status) VALUES (?, ?, '555', '+15550100001', 'America/New_York', 'column', ?)"_s);
    query.addBindValue(batchId);
    query.addBindValue(m_nextCallLine++);
    query.addBindValue(status);
    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
}

void TestRepositories::batchInsertFindRoundTrip()
{
    insertPhones();
    Result<User> owner = UserRepository(db()).ensureLocalOperator();
    QVERIFY2(owner.ok(), qPrintable(errorText(owner)));
    Batch batch;
    batch.id = batchId;
    batch.name = u"Spring campaign, Zürich"_s;
    batch.ownerUserId = owner->id;
    batch.status = BatchStatus::Ready;
    batch.statusReason = u"checks passed"_s;
    batch.config.maxConcurrentCalls = 4;
    batch.config.defaultRegion = u"CH"_s;
    batch.config.defaultTimeZone = "Europe/Zurich";
    batch.phoneIds = {phoneIdC, phoneIdA};
    batch.createdAt = utc(2024, 3, 1, 8, 0);
    batch.sessionId = u"session-1"_s;
    batch.sourceFile = u"contacts.csv"_s;
    BatchRepository batches(db());

    Result<void> inserted = batches.insert(batch);
    Result<std::optional<Batch>> found = batches.find(batchId);

    QVERIFY2(inserted.ok(), qPrintable(errorText(inserted)));
    QVERIFY2(found.ok(), qPrintable(errorText(found)));
    QVERIFY(found->has_value());
    const Batch &stored = **found;
    QCOMPARE(stored.id, batch.id);
    QCOMPARE(stored.name, batch.name);
    QCOMPARE(stored.ownerUserId, owner->id);
    QCOMPARE(toString(stored.status), toString(BatchStatus::Ready));
    QCOMPARE(stored.statusReason, batch.statusReason);
    QVERIFY(stored.config == batch.config);
    QCOMPARE(stored.phoneIds, QStringList({phoneIdC, phoneIdA}));
    QCOMPARE(stored.createdAt, batch.createdAt);
    QVERIFY(!stored.startedAt.isValid());
    QVERIFY(!stored.finishedAt.isValid());
    QCOMPARE(stored.sessionId, batch.sessionId);
    QCOMPARE(stored.sourceFile, batch.sourceFile);
}

void TestRepositories::batchInsertWithoutOptionalText()
{
    Batch batch;
    batch.id = batchId;
    batch.name = u"Minimal"_s;
    batch.createdAt = utc(2024, 3, 1, 8, 0);
    BatchRepository batches(db());

    Result<void> inserted = batches.insert(batch);
    Result<std::optional<Batch>> found = batches.find(batchId);

    QVERIFY2(inserted.ok(), qPrintable(errorText(inserted)));
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->statusReason, QString());
    QCOMPARE((*found)->sourceFile, QString());
    QCOMPARE((*found)->ownerUserId, QString());
    QCOMPARE((*found)->sessionId, QString());
}

void TestRepositories::batchFindUnknownIsEmpty()
{
    Result<std::optional<Batch>> found = BatchRepository(db()).find(batchId);

    QVERIFY2(found.ok(), qPrintable(errorText(found)));
    QVERIFY(!found->has_value());
}

void TestRepositories::batchListNewestFirst()
{
    const QString older = u"000000000000000000000001"_s;
    const QString newer = u"000000000000000000000002"_s;
    insertBatch(older, utc(2024, 3, 1, 8, 0));
    insertBatch(newer, utc(2024, 3, 2, 8, 0));
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));

    Result<QList<Batch>> listed = BatchRepository(db()).list();

    QVERIFY2(listed.ok(), qPrintable(errorText(listed)));
    QStringList ids;
    for (const Batch &batch : *listed)
        ids.append(batch.id);
    // Batches with the same creation time are ordered by id.
    QCOMPARE(ids, QStringList({newer, older, batchId}));
}

void TestRepositories::batchRename()
{
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));
    BatchRepository batches(db());

    Result<void> renamed = batches.rename(batchId, u"Autumn campaign"_s);

    QVERIFY2(renamed.ok(), qPrintable(errorText(renamed)));
    Result<std::optional<Batch>> found = batches.find(batchId);
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->name, u"Autumn campaign"_s);
}

void TestRepositories::batchSetConfig()
{
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));
    BatchConfig config;
    config.windowStart = QTime(10, 30);
    config.windowEnd = QTime(18, 0);
    config.setDayAllowed(Qt::Saturday, true);
    config.holidays = {QDate(2024, 12, 25)};
    config.maxCallsPerSecond = 2.5;
    config.rotation = RotationStrategy::LeastRecentlyUsed;
    config.retryBusy = {5, 120};
    BatchRepository batches(db());

    Result<void> saved = batches.setConfig(batchId, config);

    QVERIFY2(saved.ok(), qPrintable(errorText(saved)));
    Result<std::optional<Batch>> found = batches.find(batchId);
    QVERIFY(found.ok() && found->has_value());
    QVERIFY((*found)->config == config);
}

void TestRepositories::batchSetPhonesReplacesInOrder()
{
    insertPhones();
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));
    BatchRepository batches(db());

    Result<void> first = batches.setPhones(batchId, {phoneIdA, phoneIdB});
    Result<void> second = batches.setPhones(batchId, {phoneIdC, phoneIdA});

    QVERIFY2(first.ok(), qPrintable(errorText(first)));
    QVERIFY2(second.ok(), qPrintable(errorText(second)));
    Result<std::optional<Batch>> found = batches.find(batchId);
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->phoneIds, QStringList({phoneIdC, phoneIdA}));
}

void TestRepositories::batchSetStatusStampsTimes()
{
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));
    BatchRepository batches(db());
    const auto status = [&]() -> Batch {
        Result<std::optional<Batch>> found = batches.find(batchId);
        return found.ok() && found->has_value() ? **found : Batch();
    };

    QVERIFY(batches.setStatus(batchId, BatchStatus::Running, u"started"_s, utc(2024, 3, 1, 9, 0))
                .ok());
    QCOMPARE(toString(status().status), toString(BatchStatus::Running));
    QCOMPARE(status().statusReason, u"started"_s);
    QCOMPARE(status().startedAt, utc(2024, 3, 1, 9, 0));
    QVERIFY(!status().finishedAt.isValid());

    QVERIFY(batches.setStatus(batchId, BatchStatus::Paused, QString(), utc(2024, 3, 1, 10, 0))
                .ok());
    QCOMPARE(toString(status().status), toString(BatchStatus::Paused));
    QCOMPARE(status().statusReason, QString());
    QVERIFY(!status().finishedAt.isValid());

    QVERIFY(batches.setStatus(batchId, BatchStatus::Running, u"resumed"_s, utc(2024, 3, 1, 11, 0))
                .ok());
    QCOMPARE(status().startedAt, utc(2024, 3, 1, 9, 0));
    QVERIFY(!status().finishedAt.isValid());

    QVERIFY(batches.setStatus(batchId, BatchStatus::Completed, u"all calls final"_s,
                              utc(2024, 3, 1, 12, 0))
                .ok());
    QCOMPARE(toString(status().status), toString(BatchStatus::Completed));
    QCOMPARE(status().startedAt, utc(2024, 3, 1, 9, 0));
    QCOMPARE(status().finishedAt, utc(2024, 3, 1, 12, 0));
}

void TestRepositories::batchCountCallsByStatus()
{
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));
    insertBatch(u"000000000000000000000001"_s, utc(2024, 3, 1, 8, 0));
    for (const QString &status : {u"pending"_s, u"pending"_s, u"completed"_s, u"busy"_s,
                                  u"pending"_s})
        insertCall(status);
    BatchRepository batches(db());
    QVERIFY(batches.setStatus(batchId, BatchStatus::Stopped, u"operator"_s,
                              utc(2024, 3, 1, 12, 0))
                .ok());

    Result<QHash<CallStatus, qint64>> counts = batches.countCallsByStatus(batchId);
    Result<QHash<CallStatus, qint64>> otherCounts =
        batches.countCallsByStatus(u"000000000000000000000001"_s);

    QVERIFY2(counts.ok(), qPrintable(errorText(counts)));
    const QHash<CallStatus, qint64> expected = {
        {CallStatus::Pending, 3},
        {CallStatus::Completed, 1},
        {CallStatus::Busy, 1},
    };
    QCOMPARE(*counts, expected);
    QVERIFY(otherCounts.ok());
    QVERIFY(otherCounts->isEmpty());
    Result<std::optional<Batch>> found = batches.find(batchId);
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->finishedAt, utc(2024, 3, 1, 12, 0));
    QVERIFY(!(*found)->startedAt.isValid());
}

void TestRepositories::phoneInsertFindAndList()
{
    insertPhones();
    PhoneRepository phones(db());

    Result<std::optional<Phone>> byId = phones.find(phoneIdB);
    Result<std::optional<Phone>> byE164 = phones.findByE164(u"+15550000003"_s);
    Result<std::optional<Phone>> unknown = phones.findByE164(u"+15559999999"_s);
    Result<QList<Phone>> listed = phones.list();

    QVERIFY2(byId.ok(), qPrintable(errorText(byId)));
    QVERIFY(byId->has_value());
    QCOMPARE((*byId)->e164, u"+15550000002"_s);
    QCOMPARE((*byId)->label, u"Line 0002"_s);
    QCOMPARE((*byId)->createdAt, utc(2024, 3, 1, 8, 0));
    QVERIFY(byE164.ok() && byE164->has_value());
    QCOMPARE((*byE164)->id, phoneIdC);
    QVERIFY(unknown.ok());
    QVERIFY(!unknown->has_value());
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 3);
    QCOMPARE(listed->at(0).id, phoneIdA);
    QCOMPARE(listed->at(2).id, phoneIdC);
}

void TestRepositories::phoneInsertWithoutLabel()
{
    Phone phone;
    phone.id = phoneIdA;
    phone.e164 = u"+15550000001"_s;
    PhoneRepository phones(db());

    Result<void> inserted = phones.insert(phone);

    QVERIFY2(inserted.ok(), qPrintable(errorText(inserted)));
    Result<std::optional<Phone>> found = phones.find(phoneIdA);
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->label, QString());
    QVERIFY((*found)->createdAt.isValid());
}

void TestRepositories::phoneUpdateKeepsNumber()
{
    insertPhones();
    Phone changed = makePhone(phoneIdA, u"+15559999999"_s);
    changed.label = u"Support line"_s;
    changed.enabled = false;
    changed.dailyCap = 200;
    changed.cooldownSeconds = 45;
    PhoneRepository phones(db());

    Result<void> updated = phones.update(changed);

    QVERIFY2(updated.ok(), qPrintable(errorText(updated)));
    Result<std::optional<Phone>> found = phones.find(phoneIdA);
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->e164, u"+15550000001"_s);
    QCOMPARE((*found)->label, u"Support line"_s);
    QCOMPARE((*found)->enabled, false);
    QCOMPARE((*found)->dailyCap, 200);
    QCOMPARE((*found)->cooldownSeconds, 45);
}

void TestRepositories::phoneDuplicateE164IsRejected()
{
    insertPhones();
    PhoneRepository phones(db());

    Result<void> duplicate = phones.insert(makePhone(u"dddddddddddddddddddddddd"_s,
                                                     u"+15550000002"_s));

    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, u"store_failed"_s);
    QVERIFY2(duplicate.error().message.contains(u"+15550000002"_s),
             qPrintable(duplicate.error().message));
    QVERIFY2(duplicate.error().message.contains(u"UNIQUE"_s),
             qPrintable(duplicate.error().message));
    Result<QList<Phone>> listed = phones.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 3);
}

void TestRepositories::localOperatorIsCreatedOnce()
{
    UserRepository users(db());

    Result<User> first = users.ensureLocalOperator();
    Result<User> second = users.ensureLocalOperator();

    QVERIFY2(first.ok(), qPrintable(errorText(first)));
    QVERIFY2(second.ok(), qPrintable(errorText(second)));
    QCOMPARE(second->id, first->id);
    QCOMPARE(second->name, first->name);
    QVERIFY(first->canManageCalling);
    Result<QList<User>> listed = users.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
}

void TestRepositories::doNotCallAddTwiceKeepsFirst()
{
    DoNotCallRepository dnc(db());

    Result<void> first = dnc.add(u"+15550100001"_s, u"asked by phone"_s);
    Result<void> second = dnc.add(u"+15550100001"_s, u"imported list"_s);

    QVERIFY2(first.ok(), qPrintable(errorText(first)));
    QVERIFY2(second.ok(), qPrintable(errorText(second)));
    QSqlQuery query(db());
    QVERIFY(query.exec(u"SELECT reason FROM dnc_numbers WHERE e164 = '+15550100001'"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), u"asked by phone"_s);
    QVERIFY(!query.next());
}

void TestRepositories::doNotCallContainsRemoveAll()
{
    DoNotCallRepository dnc(db());
    QVERIFY(dnc.add(u"+15550100001"_s, u"asked by phone"_s).ok());
    QVERIFY(dnc.add(u"+15550100002"_s, QString()).ok());

    QCOMPARE(dnc.contains(u"+15550100001"_s).value(), true);
    QCOMPARE(dnc.contains(u"+15550100003"_s).value(), false);
    QCOMPARE(dnc.all().value(), QSet<QString>({u"+15550100001"_s, u"+15550100002"_s}));

    QVERIFY(dnc.remove(u"+15550100001"_s).ok());
    QCOMPARE(dnc.contains(u"+15550100001"_s).value(), false);
    QCOMPARE(dnc.all().value(), QSet<QString>({u"+15550100002"_s}));
    QVERIFY(dnc.remove(u"+15550100009"_s).ok());
}

void TestRepositories::callWithUnknownBatchIsRejected()
{
    QSqlQuery query(db());
    query.prepare(u"INSERT INTO calls (batch_id, line, phone_raw, e164, time_zones, tz_source, "
                  "status) VALUES (?, 2, '555', '+15550100001', 'UTC', 'column', 'pending')"_s);
    query.addBindValue(u"ffffffffffffffffffffffff"_s);

    QVERIFY(!query.exec());
    QVERIFY2(query.lastError().text().contains(u"FOREIGN KEY"_s),
             qPrintable(query.lastError().text()));
    QVERIFY(query.exec(u"SELECT COUNT(*) FROM calls"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);
}

void TestRepositories::batchPhoneWithUnknownPhoneIsRejected()
{
    insertBatch(batchId, utc(2024, 3, 1, 8, 0));

    Result<void> saved = BatchRepository(db()).setPhones(batchId, {phoneIdA});

    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().code, u"store_failed"_s);
    QVERIFY2(saved.error().message.contains(u"FOREIGN KEY"_s), qPrintable(saved.error().message));
}

QTEST_GUILESS_MAIN(TestRepositories)
#include "tst_repositories.moc"
