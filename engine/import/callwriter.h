#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QSqlDatabase>

#include <string>

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
    // call.batchId contains. The extra JSON is written exactly as
    // QJsonDocument::toJson(QJsonDocument::Compact) writes it.
    Result<void> insert(const CallRecord &call);

    // Appends the compact JSON text of `object` to `out`. Objects whose values
    // are all strings without characters that JSON escapes are encoded
    // directly, everything else through QJsonDocument.
    static void appendJson(std::string &out, const QJsonObject &object);

private:
    Error failure(const QString &operation) const;

    QSqlDatabase m_db;
    sqlite3 *m_handle = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    QString m_batchId;
    // UTF-8 texts bound with SQLITE_STATIC, which must live until the step.
    // They are members so that their capacity is reused from row to row.
    std::string m_batchIdText;
    std::string m_statusText;
    std::string m_name;
    std::string m_phoneRaw;
    std::string m_e164;
    std::string m_region;
    std::string m_timeZones;
    std::string m_timeZoneSource;
    std::string m_extra;
};

} // namespace Dialdeck
