#include "sqlitestatement.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

sqlite3 *handleOf(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.data());
}

} // namespace

SqliteStatement::SqliteStatement(const QSqlDatabase &db, const char *sql)
    : m_db(handleOf(db))
    , m_sql(QString::fromUtf8(sql))
{
    if (!m_db) {
        qCWarning(lcStore) << "The store connection is not a SQLite connection";
        return;
    }
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
        != SQLITE_OK) {
        qCWarning(lcStore).noquote() << "Could not prepare" << m_sql << ":" << sqlite3_errmsg(m_db);
        m_statement = nullptr;
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bind(int index, double value)
{
    sqlite3_bind_double(m_statement, index, value);
}

void SqliteStatement::bind(int index, const QString &text)
{
    // Null QStrings are stored as empty text: the journal's text columns are NOT NULL
    // or COALESCE-d, and an empty value must never turn into NULL by accident.
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text(m_statement, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
}

Error SqliteStatement::failure(const char *operationText, qint64 id, const QString &detail,
                               const QString &subject) const
{
    const QString text = QCoreApplication::translate("Dialdeck::Journal", operationText);
    const QString operation = subject.isNull() ? text.arg(id) : text.arg(subject);
    qCWarning(lcStore).noquote() << operation << "failed:" << detail;
    return Error{u"store_failed"_s, QCoreApplication::translate("Dialdeck::Store", "%1 failed: %2.")
                                        .arg(operation, detail)};
}

Result<void> SqliteStatement::execute(const char *operationText, qint64 id)
{
    if (!m_statement)
        return failure(operationText, id, u"the statement could not be prepared"_s);

    const int status = sqlite3_step(m_statement);
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    if (status != SQLITE_DONE && status != SQLITE_ROW)
        return failure(operationText, id, QString::fromUtf8(sqlite3_errmsg(m_db)));
    return {};
}

Result<bool> SqliteStatement::nextRow(const char *operationText, qint64 id)
{
    return step(operationText, id, QString());
}

Result<bool> SqliteStatement::nextRow(const char *operationText, const QString &subject)
{
    return step(operationText, 0, subject);
}

Result<bool> SqliteStatement::step(const char *operationText, qint64 id, const QString &subject)
{
    if (!m_statement)
        return failure(operationText, id, u"the statement could not be prepared"_s, subject);

    const int status = sqlite3_step(m_statement);
    if (status == SQLITE_ROW)
        return true;

    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    if (status != SQLITE_DONE)
        return failure(operationText, id, QString::fromUtf8(sqlite3_errmsg(m_db)), subject);
    return false;
}

QString SqliteStatement::columnText(int index) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, index));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_statement, index));
}

qint64 SqliteStatement::columnInt64(int index) const
{
    return sqlite3_column_int64(m_statement, index);
}

bool SqliteStatement::columnIsNull(int index) const
{
    return sqlite3_column_type(m_statement, index) == SQLITE_NULL;
}

int SqliteStatement::changes() const
{
    return m_db ? sqlite3_changes(m_db) : 0;
}

qint64 SqliteStatement::lastInsertRowId() const
{
    return m_db ? sqlite3_last_insert_rowid(m_db) : 0;
}

} // namespace Dialdeck
