#pragma once

#include "core/result.h"

#include <QSqlDatabase>
#include <QString>

namespace Dialdeck {

// One Qt Sql connection to the store, owned by the thread that opened it.
// Qt Sql connections must not cross threads, so every thread (engine, UI,
// call-log reader, import worker) opens its own under a unique name; the
// destructor closes it and removes the name.
class Connection
{
public:
    enum class Mode
    {
        ReadWrite,
        ReadOnly,
    };

    Connection() = default;
    Connection(Connection &&other) noexcept;
    Connection &operator=(Connection &&other) noexcept;
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    ~Connection();

    // Opens the SQLite store at `path` (created when missing, in read-write mode)
    // with WAL and foreign keys on, then brings its schema up to date. `purpose`
    // becomes part of the connection name for logs, e.g. "engine" or "calllog".
    static Result<Connection> openSqlite(const QString &path, const QString &purpose,
                                         Mode mode = Mode::ReadWrite);

    // The store file used when none is given: dialdeck.sqlite in the
    // platform's application data folder.
    static QString defaultPath();

    QSqlDatabase database() const;
    QString name() const { return m_name; }
    QString path() const { return m_path; }
    bool isOpen() const { return !m_name.isEmpty(); }

private:
    void release();

    QString m_name;
    QString m_path;
};

} // namespace Dialdeck
