#include "connection.h"

#include "core/logging.h"
#include "migrations.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString uniqueConnectionName(const QString &purpose)
{
    static QAtomicInteger<quint64> counter;
    return u"dialdeck-%1-%2"_s.arg(purpose).arg(counter.fetchAndAddRelaxed(1));
}

Result<void> applyPragmas(QSqlDatabase &db, Connection::Mode mode)
{
    QStringList pragmas = {u"PRAGMA foreign_keys = ON"_s, u"PRAGMA busy_timeout = 5000"_s};
    if (mode == Connection::Mode::ReadWrite) {
        // WAL lets the call log read while the engine writes; NORMAL
        // synchronisation keeps every commit durable against a process crash
        // (the WAL is flushed at checkpoints, not at each commit).
        pragmas += {u"PRAGMA journal_mode = WAL"_s, u"PRAGMA synchronous = NORMAL"_s};
    }

    QSqlQuery query(db);
    for (const QString &pragma : pragmas) {
        if (!query.exec(pragma)) {
            return Error{u"store_failed"_s,
                         QObject::tr("Could not configure the store (%1): %2.")
                             .arg(pragma, query.lastError().text())};
        }
    }
    return {};
}

} // namespace

Connection::Connection(Connection &&other) noexcept
    : m_name(std::exchange(other.m_name, {}))
    , m_path(std::exchange(other.m_path, {}))
{
}

Connection &Connection::operator=(Connection &&other) noexcept
{
    if (this != &other) {
        release();
        m_name = std::exchange(other.m_name, {});
        m_path = std::exchange(other.m_path, {});
    }
    return *this;
}

Connection::~Connection()
{
    release();
}

void Connection::release()
{
    if (m_name.isEmpty())
        return;

    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_name);
    m_name.clear();
}

Result<Connection> Connection::openSqlite(const QString &path, const QString &purpose, Mode mode)
{
    if (mode == Mode::ReadWrite) {
        const QString folder = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(folder)) {
            return Error{u"store_failed"_s,
                         QObject::tr("Could not create the folder %1 for the store; check its "
                                     "permissions or pass another --db path.")
                             .arg(folder)};
        }
    } else if (!QFileInfo::exists(path)) {
        return Error{u"store_missing"_s,
                     QObject::tr("The store %1 does not exist; import a batch first.").arg(path)};
    }

    Connection connection;
    connection.m_name = uniqueConnectionName(purpose);
    connection.m_path = path;

    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection.m_name);
    db.setDatabaseName(path);
    if (mode == Mode::ReadOnly)
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
    if (!db.open()) {
        return Error{u"store_failed"_s, QObject::tr("Could not open the store %1: %2.")
                                            .arg(path, db.lastError().text())};
    }

    if (Result<void> pragmas = applyPragmas(db, mode); !pragmas)
        return pragmas.error();

    Result<void> schema = mode == Mode::ReadWrite ? Migrations::migrate(db)
                                                  : Migrations::checkVersion(db);
    if (!schema)
        return schema.error();

    qCDebug(lcStore) << "Opened store connection" << connection.m_name << "in thread"
                     << QThread::currentThread();
    return connection;
}

QString Connection::defaultPath()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(folder).filePath(u"dialdeck.sqlite"_s);
}

QSqlDatabase Connection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

} // namespace Dialdeck
