#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace Dialdeck {

// A prepared statement run through SQLite's C API on the handle of a Qt Sql
// SQLite connection. The engine's journal writes a dozen rows per call; this
// path binds and steps them without QVariant conversions, which cost more than
// the statements themselves. Qt's QSQLITE driver on Debian links the same
// system libsqlite3, so the handle is shared safely; transactions still go
// through QSqlDatabase. The statement must be destroyed before its connection
// is closed.
class SqliteStatement final
{
public:
    SqliteStatement(const QSqlDatabase &db, const char *sql);
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    bool isValid() const { return m_statement != nullptr; }

    // Parameters are numbered from 1, as in SQLite.
    void bind(int index, qint64 value);
    void bind(int index, double value);
    void bind(int index, const QString &text);
    void bindNull(int index);

    // Runs the statement to completion and resets it, with its bindings cleared.
    // `operationText` names the operation in the error, which is formatted only on failure.
    Result<void> execute(const char *operationText, qint64 id);

    // Steps the statement once and returns true while a row is available for
    // the column functions. Returns false once done, with the statement reset
    // and its bindings cleared. A failure resets the statement as well.
    Result<bool> nextRow(const char *operationText, qint64 id);
    // The same, for an operation on a text-keyed subject such as a batch id.
    Result<bool> nextRow(const char *operationText, const QString &subject);
    // Columns of the current row, numbered from 0 as in SQLite.
    QString columnText(int index) const;
    qint64 columnInt64(int index) const;
    bool columnIsNull(int index) const;

    // Rows changed by the last execute().
    int changes() const;
    qint64 lastInsertRowId() const;

private:
    // `subject` replaces %1 in `operationText`; when null, `id` does.
    Result<bool> step(const char *operationText, qint64 id, const QString &subject);
    Error failure(const char *operationText, qint64 id, const QString &detail,
                  const QString &subject = QString()) const;

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_sql;
};

} // namespace Dialdeck
