#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QSqlDatabase>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace Dialdeck {

// Inserts the calls of one import through SQLite's C API, on the handle of a
// Qt SQLite connection. QSqlQuery's bindValue() and exec() cost more per row
// than SQLite's own work (QVariant conversions, a placeholder name built with
// QString::arg for every bound value), and an import inserts up to millions of
// rows. Qt's QSQLITE driver on Debian links the system libsqlite3, the library
// used here, so sharing the handle is safe. The caller owns the transaction,
// which still goes through QSqlDatabase. Destroy the writer before closing the
// connection.
//
// Calls appended in groups are written by a thread of the writer's own while
// the calling thread encodes the next group, so that an import's storing runs
// beside its other work. Only one thread uses the connection at a time: the
// writing thread while groups wait, the calling thread once flush() returned.
// SQLite allows that for a connection that Qt opened, which uses SQLite's
// multi-thread mode.
class CallWriter
{
public:
    explicit CallWriter(QSqlDatabase db);
    ~CallWriter();
    CallWriter(const CallWriter &) = delete;
    CallWriter &operator=(const CallWriter &) = delete;

    // Prepares the INSERT for calls of batch `batchId`. Fails when the
    // connection is not a SQLite connection or the statement does not compile.
    Result<void> prepare(const QString &batchId);

    // Inserts `call` as a pending call of the prepared batch, whatever
    // call.batchId contains, after the calls appended before it. The extra
    // JSON is written exactly as QJsonDocument::toJson(QJsonDocument::Compact)
    // writes it.
    Result<void> insert(const CallRecord &call);

    // Same, but the call may wait in the writer until a group of calls is
    // complete. One INSERT on the writing thread then writes the group, and its
    // error comes back from a later append() or from flush(). Call flush()
    // before using the connection again and before committing, because calls
    // still waiting are lost when the writer is destroyed.
    // A non-empty `extraJson` is stored as the call's extra JSON in place of
    // the encoding of call.extra.
    Result<void> append(const CallRecord &call, std::string_view extraJson = {});
    Result<void> flush();

    // Appends the compact JSON text of `object` to `out`. Objects whose values
    // are all strings without characters that JSON escapes are encoded
    // directly, everything else through QJsonDocument.
    static void appendJson(std::string &out, const QJsonObject &object);

    // Same for an object of string values. `fields` must be sorted by key as
    // QJsonObject sorts keys (QString's operator<), each key once.
    static void appendJson(std::string &out, const QList<std::pair<QString, QString>> &fields);

private:
    // One call's column values as UTF-8, bound with SQLITE_STATIC, so they
    // must live until the step. Rows are reused so that their capacity is.
    struct RowText
    {
        qint64 line = 0;
        std::string name;
        std::string phoneRaw;
        std::string e164;
        std::string region;
        std::string timeZones;
        std::string timeZoneSource;
        std::string extra;
    };

    struct Group
    {
        std::vector<RowText> rows;
        int count = 0;
    };

    Error failure(const QString &operation) const;
    sqlite3_stmt *prepared(int rows) const;
    static void encode(const CallRecord &call, std::string_view extraJson, RowText &row);
    Result<void> write(sqlite3_stmt *statement, const Group &group, int firstRow, int rows);
    void writeGroups();
    void stopWriting();

    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_rowStatement = nullptr;
    sqlite3_stmt *m_groupStatement = nullptr;
    QString m_batchId;
    std::string m_batchIdText;
    std::string m_statusText;
    // The group being filled, owned by the calling thread.
    std::unique_ptr<Group> m_current;

    // Shared with the writing thread, under m_mutex.
    std::thread m_writing;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::unique_ptr<Group>> m_waiting;
    std::vector<std::unique_ptr<Group>> m_written;
    bool m_writingGroup = false;
    bool m_stopping = false;
    std::optional<Error> m_error;
};

} // namespace Dialdeck
