#include "store/connection.h"
#include "store/migrations.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

QString errorText(const Result<Connection> &result)
{
    return result.ok() ? QString() : result.error().message;
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex();
}

// A plain Qt Sql connection that bypasses Connection, so a test can prepare
// or inspect a store without running the migrations. Closes on destruction.
class RawDatabase
{
public:
    explicit RawDatabase(const QString &path)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDatabase()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    RawDatabase(const RawDatabase &) = delete;
    RawDatabase &operator=(const RawDatabase &) = delete;

    QSqlDatabase database() const { return QSqlDatabase::database(m_name, false); }

    bool exec(const QString &sql)
    {
        QSqlQuery query(database());
        if (query.exec(sql))
            return true;
        qWarning().noquote() << sql << "failed:" << query.lastError().text();
        return false;
    }

    // Returns the rows of schema_version as "version" strings in ascending order.
    QStringList versions()
    {
        QStringList rows;
        QSqlQuery query(database());
        if (!query.exec(u"SELECT version FROM schema_version ORDER BY version"_s))
            return {u"query failed: "_s + query.lastError().text()};
        while (query.next())
            rows.append(query.value(0).toString());
        return rows;
    }

private:
    QString m_name = u"raw-%1"_s.arg(quintptr(this));
};

QStringList expectedVersions(int latest)
{
    QStringList versions;
    for (int version = 1; version <= latest; ++version)
        versions.append(QString::number(version));
    return versions;
}

} // namespace

class TestMigrations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void freshStoreReachesLatestVersion();
    void reopeningAppliesNothingTwice();
    void newerSchemaIsRejected_data();
    void newerSchemaIsRejected();
    void readOnlyOlderStoreIsRejected();
    void readOnlyMissingStoreIsRejected();
    void readWritePragmasAreOn();
    void connectionsOnTwoThreadsWork();

private:
    QString storePath() const { return m_dir->filePath(u"store.sqlite"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestMigrations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(Migrations::latestVersion() >= 1);
}

void TestMigrations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestMigrations::freshStoreReachesLatestVersion()
{
    Result<Connection> connection = Connection::openSqlite(storePath(), u"test"_s);

    QVERIFY2(connection.ok(), qPrintable(errorText(connection)));
    QSqlDatabase db = connection->database();
    Result<int> version = Migrations::currentVersion(db);
    QVERIFY(version.ok());
    QCOMPARE(*version, Migrations::latestVersion());
    const QStringList tables = db.tables();
    for (const QString &table : {u"users"_s, u"phones"_s, u"batches"_s, u"batch_phones"_s,
                                 u"calls"_s, u"attempts"_s, u"events"_s, u"dnc_numbers"_s}) {
        QVERIFY2(tables.contains(table), qPrintable(table));
    }
}

void TestMigrations::reopeningAppliesNothingTwice()
{
    {
        Result<Connection> first = Connection::openSqlite(storePath(), u"first"_s);
        QVERIFY2(first.ok(), qPrintable(errorText(first)));
    }
    qint64 firstAppliedAt = 0;
    {
        RawDatabase raw(storePath());
        QSqlQuery query(raw.database());
        QVERIFY(query.exec(u"SELECT applied_at FROM schema_version WHERE version = 1"_s));
        QVERIFY(query.next());
        firstAppliedAt = query.value(0).toLongLong();
    }

    {
        Result<Connection> second = Connection::openSqlite(storePath(), u"second"_s);
        QVERIFY2(second.ok(), qPrintable(errorText(second)));
        Result<Connection> third = Connection::openSqlite(storePath(), u"third"_s);
        QVERIFY2(third.ok(), qPrintable(errorText(third)));
    }

    RawDatabase raw(storePath());
    QCOMPARE(raw.versions(), expectedVersions(Migrations::latestVersion()));
    QSqlQuery query(raw.database());
    QVERIFY(query.exec(u"SELECT applied_at FROM schema_version WHERE version = 1"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toLongLong(), firstAppliedAt);
}

void TestMigrations::newerSchemaIsRejected_data()
{
    QTest::addColumn<Connection::Mode>("mode");

    QTest::newRow("read-write") << Connection::Mode::ReadWrite;
    QTest::newRow("read-only") << Connection::Mode::ReadOnly;
}

void TestMigrations::newerSchemaIsRejected()
{
    QFETCH(Connection::Mode, mode);
    {
        Result<Connection> created = Connection::openSqlite(storePath(), u"create"_s);
        QVERIFY2(created.ok(), qPrintable(errorText(created)));
    }
    const int newer = Migrations::latestVersion() + 1;
    {
        RawDatabase raw(storePath());
        QVERIFY(raw.exec(u"INSERT INTO schema_version (version, applied_at) VALUES (%1, 0)"_s
                             .arg(newer)));
        // Folds the WAL into the main file so that the hash below covers every row.
        QVERIFY(raw.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
    }
    const QByteArray hashBefore = fileHash(storePath());
    QVERIFY(!hashBefore.isEmpty());

    Result<Connection> opened = Connection::openSqlite(storePath(), u"newer"_s, mode);

    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, u"schema_too_new"_s);
    const QString message = opened.error().message;
    QVERIFY2(message.contains(storePath()), qPrintable(message));
    QVERIFY2(message.contains(u"version %1"_s.arg(newer)), qPrintable(message));
    QVERIFY2(message.contains(u"version %1"_s.arg(Migrations::latestVersion())),
             qPrintable(message));
    QCOMPARE(fileHash(storePath()), hashBefore);
    RawDatabase raw(storePath());
    QStringList versions = expectedVersions(Migrations::latestVersion());
    versions.append(QString::number(newer));
    QCOMPARE(raw.versions(), versions);
}

void TestMigrations::readOnlyOlderStoreIsRejected()
{
    // A store at version latest - 1: the version table without its last row.
    {
        Result<Connection> created = Connection::openSqlite(storePath(), u"create"_s);
        QVERIFY2(created.ok(), qPrintable(errorText(created)));
    }
    const int older = Migrations::latestVersion() - 1;
    {
        RawDatabase raw(storePath());
        QVERIFY(raw.exec(u"DELETE FROM schema_version WHERE version > %1"_s.arg(older)));
    }

    Result<Connection> opened =
        Connection::openSqlite(storePath(), u"older"_s, Connection::Mode::ReadOnly);

    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, u"schema_too_old"_s);
    const QString message = opened.error().message;
    QVERIFY2(message.contains(storePath()), qPrintable(message));
    QVERIFY2(message.contains(u"version %1"_s.arg(older)), qPrintable(message));
    QVERIFY2(message.contains(u"version %1"_s.arg(Migrations::latestVersion())),
             qPrintable(message));
    RawDatabase raw(storePath());
    QCOMPARE(raw.versions(), expectedVersions(older));
}

void TestMigrations::readOnlyMissingStoreIsRejected()
{
    Result<Connection> opened =
        Connection::openSqlite(storePath(), u"missing"_s, Connection::Mode::ReadOnly);

    QVERIFY(!opened.ok());
    QCOMPARE(opened.error().code, u"store_missing"_s);
    QVERIFY2(opened.error().message.contains(storePath()), qPrintable(opened.error().message));
    QVERIFY(!QFile::exists(storePath()));
}

void TestMigrations::readWritePragmasAreOn()
{
    Result<Connection> connection = Connection::openSqlite(storePath(), u"test"_s);
    QVERIFY2(connection.ok(), qPrintable(errorText(connection)));
    QSqlQuery query(connection->database());

    QVERIFY(query.exec(u"PRAGMA journal_mode"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), u"wal"_s);
    QVERIFY(query.exec(u"PRAGMA foreign_keys"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 1);
}

void TestMigrations::connectionsOnTwoThreadsWork()
{
    Result<Connection> mainConnection = Connection::openSqlite(storePath(), u"main"_s);
    QVERIFY2(mainConnection.ok(), qPrintable(errorText(mainConnection)));

    QString workerError;
    qint64 workerRows = -1;
    std::unique_ptr<QThread> worker(QThread::create([&] {
        Result<Connection> connection = Connection::openSqlite(storePath(), u"worker"_s);
        if (!connection) {
            workerError = connection.error().message;
            return;
        }
        QSqlQuery query(connection->database());
        if (!query.exec(u"INSERT INTO dnc_numbers (e164, reason, added_at) "
                        "VALUES ('+15550100001', 'worker', 0)"_s)
            || !query.exec(u"SELECT COUNT(*) FROM dnc_numbers"_s) || !query.next()) {
            workerError = query.lastError().text();
            return;
        }
        workerRows = query.value(0).toLongLong();
    }));
    worker->start();
    QVERIFY(worker->wait(QDeadlineTimer(30'000)));

    QVERIFY2(workerError.isEmpty(), qPrintable(workerError));
    QCOMPARE(workerRows, 1);
    QSqlQuery query(mainConnection->database());
    QVERIFY(query.exec(u"INSERT INTO dnc_numbers (e164, reason, added_at) "
                       "VALUES ('+15550100002', 'main', 0)"_s));
    QVERIFY(query.exec(u"SELECT e164 FROM dnc_numbers ORDER BY e164"_s));
    QStringList numbers;
    while (query.next())
        numbers.append(query.value(0).toString());
    QCOMPARE(numbers, QStringList({u"+15550100001"_s, u"+15550100002"_s}));
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
