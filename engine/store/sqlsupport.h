#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace Dialdeck {

// An Error for a failed store operation: `what` names the operation
// ("Saving batch 64f…"), and the driver's text gives the cause.
Error storeError(const QString &what, const QSqlError &error);

// Executes a prepared query, or returns storeError(what, …).
Result<void> execQuery(QSqlQuery &query, const QString &what);

// Starts a transaction that takes the store's write lock at once (BEGIN
// IMMEDIATE); end it with QSqlDatabase::commit() or rollback(). A deferred
// BEGIN that reads before it writes fails at its first write, without waiting
// for the busy timeout, when another connection wrote in between.
Result<void> beginWriteTransaction(QSqlDatabase &db, const QString &what);

// Bind value for a time column: milliseconds since the epoch, or NULL for an invalid time.
QVariant sqlTime(const QDateTime &time);
// A time column read back; NULL becomes an invalid QDateTime. Times are UTC.
QDateTime timeFromSql(const QVariant &value);
// Bind value for an optional text column: NULL for an empty string.
QVariant sqlTextOrNull(const QString &text);

} // namespace Dialdeck
