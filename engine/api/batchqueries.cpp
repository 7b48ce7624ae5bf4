#include "batchqueries.h"

#include "store/batchrepository.h"
#include "store/sqlsupport.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::BatchQueries", text);
}

QJsonValue isoTimeOrNull(const QDateTime &time)
{
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonObject batchSummary(const Batch &batch)
{
    return {
        {u"batchId"_s, batch.id},
        {u"name"_s, batch.name},
        {u"status"_s, toString(batch.status)},
        {u"statusReason"_s, batch.statusReason},
        {u"ownerUserId"_s, textOrNull(batch.ownerUserId)},
        {u"sessionId"_s, textOrNull(batch.sessionId)},
        {u"phoneIds"_s, QJsonArray::fromStringList(batch.phoneIds)},
        {u"createdAt"_s, isoTimeOrNull(batch.createdAt)},
        {u"startedAt"_s, isoTimeOrNull(batch.startedAt)},
        {u"finishedAt"_s, isoTimeOrNull(batch.finishedAt)},
    };
}

Result<qint64> countCalls(QSqlDatabase db, const QString &batchId,
                          const std::optional<CallStatus> &status)
{
    QSqlQuery query(db);
    query.prepare(u"SELECT COUNT(*) FROM calls WHERE batch_id = ? AND (? IS NULL OR status = ?)"_s);
    const QVariant statusValue =
        status ? QVariant(toString(*status)) : QVariant(QMetaType::fromType<QString>());
    query.addBindValue(batchId);
    query.addBindValue(statusValue);
    query.addBindValue(statusValue);
    if (Result<void> done = execQuery(query, tr("Counting the calls of batch %1").arg(batchId));
        !done) {
        return done.error();
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

QJsonObject callFromQuery(const QSqlQuery &query)
{
    const QJsonObject extra = QJsonDocument::fromJson(query.value(11).toByteArray()).object();
    return {
        {u"callId"_s, query.value(0).toLongLong()},
        {u"line"_s, query.value(1).toInt()},
        {u"name"_s, query.value(2).toString()},
        {u"phone"_s, query.value(3).toString()},
        {u"number"_s, query.value(4).toString()},
        {u"timeZones"_s, query.value(5).toString()},
        {u"status"_s, query.value(6).toString()},
        {u"attempts"_s, query.value(7).toInt()},
        {u"nextDueAt"_s, isoTimeOrNull(timeFromSql(query.value(8)))},
        {u"lastOutcome"_s, textOrNull(query.value(9).toString())},
        {u"skipReason"_s, query.value(10).toString()},
        {u"extra"_s, extra},
    };
}

} // namespace

Result<QJsonObject> BatchQueries::listBatches(QSqlDatabase db)
{
    Result<QList<Batch>> batches = BatchRepository(db).list();
    if (!batches)
        return batches.error();

    QJsonArray list;
    for (const Batch &batch : *batches)
        list.append(batchSummary(batch));
    return QJsonObject{{u"batches"_s, list}};
}

Result<QJsonObject> BatchQueries::callPage(QSqlDatabase db, const QString &batchId,
                                           const CallPageRequest &page)
{
    Result<std::optional<Batch>> batch = BatchRepository(db).find(batchId);
    if (!batch)
        return batch.error();
    if (!batch->has_value())
        return Error{u"not_found"_s, tr("Batch %1 does not exist.").arg(batchId)};

    Result<qint64> total = countCalls(db, batchId, page.status);
    if (!total)
        return total.error();

    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(
        u"SELECT id, line, name, phone_raw, e164, time_zones, status, attempt_count, "
        "next_due_at, last_outcome, skip_reason, extra FROM calls "
        "WHERE batch_id = ? AND (? IS NULL OR status = ?) ORDER BY id LIMIT ? OFFSET ?"_s);
    const QVariant statusValue =
        page.status ? QVariant(toString(*page.status)) : QVariant(QMetaType::fromType<QString>());
    query.addBindValue(batchId);
    query.addBindValue(statusValue);
    query.addBindValue(statusValue);
    query.addBindValue(page.limit);
    query.addBindValue(page.offset);
    if (Result<void> done = execQuery(query, tr("Reading the calls of batch %1").arg(batchId));
        !done) {
        return done.error();
    }

    QJsonArray calls;
    while (query.next())
        calls.append(callFromQuery(query));

    return QJsonObject{
        {u"batchId"_s, batchId},
        {u"status"_s,
         page.status ? QJsonValue(toString(*page.status)) : QJsonValue(QJsonValue::Null)},
        {u"limit"_s, page.limit},
        {u"offset"_s, page.offset},
        {u"total"_s, *total},
        {u"calls"_s, calls},
    };
}

} // namespace Dialdeck
