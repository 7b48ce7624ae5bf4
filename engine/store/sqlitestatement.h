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
    // `what` names the operation in the error, which is formatted only on failure.
    Result<void> execute(const char *what, qint64 id);

    // Rows changed by the last execute().
    int changes() const;
    qint64 lastInsertRowId() const;

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_sql;
};

} // namespace Dialdeck
