#include "batchduplicator.h"

#include "core/ids.h"
#include "core/logging.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Result<void> copyCalls(QSqlDatabase db, const QString &sourceId, const QString &targetId)
{
    QSqlQuery query(db);
    query.prepare(u"INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, "
                  "tz_source, status, attempt_count, skip_reason, extra) "
                  "SELECT ?, line, name, phone_raw, e164, region, time_zones, tz_source, "
                  "CASE WHEN status = 'skipped' AND attempt_count = 0 THEN 'skipped' ELSE 'pending' END, "
                  "0, "
                  "CASE WHEN status = 'skipped' AND attempt_count = 0 THEN skip_reason ELSE '' END, "
                  "extra FROM calls WHERE batch_id = ? ORDER BY id"_s);
    query.addBindValue(targetId);
    query.addBindValue(sourceId);
    return execQuery(query, BatchDuplicator::tr("Copying the calls of batch %1").arg(sourceId));
}

Result<QString> duplicateInTransaction(QSqlDatabase db, const QString &sourceBatchId,
                                       const QString &newName, const QString &ownerUserId)
{
    BatchRepository batches(db);
    Result<std::optional<Batch>> source = batches.find(sourceBatchId);
    if (!source)
        return source.error();
    if (!source->has_value()) {
        return Error{u"not_found"_s,
                     BatchDuplicator::tr("Batch %1 was not found; refresh the batch list and "
                                         "choose the batch again.")
                         .arg(sourceBatchId)};
    }

    Batch copy;
    copy.id = Ids::generate();
    copy.name = newName;
    copy.ownerUserId = ownerUserId;
    copy.status = BatchStatus::Draft;
    copy.config = (*source)->config;
    copy.phoneIds = (*source)->phoneIds;
    copy.createdAt = QDateTime::currentDateTimeUtc();
    copy.sourceFile = (*source)->sourceFile;
    if (Result<void> done = batches.insert(copy); !done)
        return done.error();

    if (Result<void> done = copyCalls(db, sourceBatchId, copy.id); !done)
        return done.error();
    return copy.id;
}

} // namespace

Result<QString> BatchDuplicator::duplicate(const QString &storePath, const QString &sourceBatchId,
                                           const QString &newName, const QString &ownerUserId)
{
    Result<Connection> connection = Connection::openSqlite(storePath, u"duplicate"_s);
    if (!connection)
        return connection.error();
    QSqlDatabase db = connection->database();

    if (!db.transaction())
        return storeError(tr("Starting the copy of batch %1").arg(sourceBatchId), db.lastError());

    Result<QString> copied = duplicateInTransaction(db, sourceBatchId, newName, ownerUserId);
    if (!copied) {
        db.rollback();
        return copied;
    }
    if (!db.commit()) {
        const Error error = storeError(tr("Saving the copy of batch %1").arg(sourceBatchId),
                                       db.lastError());
        db.rollback();
        return error;
    }

    qCInfo(lcUi) << "Duplicated batch" << sourceBatchId << "as" << *copied;
    return copied;
}

} // namespace Dialdeck
