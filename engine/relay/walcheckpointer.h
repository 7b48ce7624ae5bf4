#pragma once

#include <QString>
#include <QThread>

#include <chrono>

namespace Dialdeck {

// Copies an SQLite database's write-ahead log back into the database every
// `interval`, on a thread of its own with its own connection.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its
// threshold, so that commit also waits for the database file's writes and
// fsync, and the relay's reply to that callback is late. A PASSIVE
// checkpoint takes no writer lock, so commits on the owner's connection
// continue while it runs. The owner turns the automatic checkpoint off
// (PRAGMA wal_autocheckpoint = 0).
class WalCheckpointer final
{
    Q_DISABLE_COPY_MOVE(WalCheckpointer)

public:
    WalCheckpointer(const QString &databasePath, std::chrono::milliseconds interval);
    // Runs a last checkpoint and stops the thread.
    ~WalCheckpointer();

private:
    QThread m_thread;
    // The timer's parent, which lives on m_thread.
    QObject *m_worker = nullptr;
    QString m_connectionName;
};

} // namespace Dialdeck
