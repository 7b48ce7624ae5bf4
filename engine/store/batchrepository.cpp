#include "batchrepository.h"

#include "sqlsupport.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QSqlRecord>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

const QString batchColumns = u"id, name, owner_user_id, status, status_reason, config, created_at, "
                             "started_at, finished_at, session_id, source_file"_s;

Batch batchFromQuery(const QSqlQuery &query)
{
    Batch batch;
    batch.id = query.value(0).toString();
    batch.name = query.value(1).toString();
    batch.ownerUserId = query.value(2).toString();
    batch.status = batchStatusFromString(query.value(3).toString()).value_or(BatchStatus::Draft);
    batch.statusReason = query.value(4).toString();
    const QJsonObject config = QJsonDocument::fromJson(query.value(5).toByteArray()).object();
    Result<BatchConfig> parsed = BatchConfig::fromJson(config);
    if (parsed)
        batch.config = *parsed;
    batch.createdAt = timeFromSql(query.value(6));
    batch.startedAt = timeFromSql(query.value(7));
    batch.finishedAt = timeFromSql(query.value(8));
    batch.sessionId = query.value(9).toString();
    batch.sourceFile = query.value(10).toString();
    return batch;
}

QByteArray configText(const BatchConfig &config)
{
    return QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact);
}

} // namespace

Result<void> BatchRepository::insert(const Batch &batch)
{
    QSqlQuery query(m_db);
    // A null QString binds as NULL, so the NOT NULL text columns fall back to ''.
    query.prepare(u"INSERT INTO batches (" % batchColumns
                  % u") VALUES (?,?,?,?,COALESCE(?,''),?,?,?,?,?,COALESCE(?,''))"_s);
    query.addBindValue(batch.id);
    query.addBindValue(batch.name);
    query.addBindValue(sqlTextOrNull(batch.ownerUserId));
    query.addBindValue(toString(batch.status));
    query.addBindValue(batch.statusReason);
    query.addBindValue(QString::fromUtf8(configText(batch.config)));
    query.addBindValue(sqlTime(batch.createdAt));
    query.addBindValue(sqlTime(batch.startedAt));
    query.addBindValue(sqlTime(batch.finishedAt));
    query.addBindValue(sqlTextOrNull(batch.sessionId));
    query.addBindValue(batch.sourceFile);
    if (Result<void> done = execQuery(query, QObject::tr("Saving batch %1").arg(batch.id)); !done)
        return done;

    return setPhones(batch.id, batch.phoneIds);
}

Result<std::optional<Batch>> BatchRepository::find(const QString &id)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT " % batchColumns % u" FROM batches WHERE id = ?"_s);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Reading batch %1").arg(id)); !done)
        return done.error();
    if (!query.next())
        return std::optional<Batch>();

    Batch batch = batchFromQuery(query);
    Result<QStringList> phones = loadPhoneIds(id);
    if (!phones)
        return phones.error();
    batch.phoneIds = *phones;
    return std::optional<Batch>(std::move(batch));
}

Result<QList<Batch>> BatchRepository::list()
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT " % batchColumns % u" FROM batches ORDER BY created_at DESC, id"_s);
    if (Result<void> done = execQuery(query, QObject::tr("Listing batches")); !done)
        return done.error();

    QList<Batch> batches;
    while (query.next())
        batches.append(batchFromQuery(query));
    for (Batch &batch : batches) {
        Result<QStringList> phones = loadPhoneIds(batch.id);
        if (!phones)
            return phones.error();
        batch.phoneIds = *phones;
    }
    return batches;
}

Result<void> BatchRepository::rename(const QString &id, const QString &name)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE batches SET name = ? WHERE id = ?"_s);
    query.addBindValue(name);
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Renaming batch %1").arg(id));
}

Result<void> BatchRepository::setConfig(const QString &id, const BatchConfig &config)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE batches SET config = ? WHERE id = ?"_s);
    query.addBindValue(QString::fromUtf8(configText(config)));
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Saving the settings of batch %1").arg(id));
}

Result<void> BatchRepository::setPhones(const QString &id, const QStringList &phoneIds)
{
    QSqlQuery query(m_db);
    query.prepare(u"DELETE FROM batch_phones WHERE batch_id = ?"_s);
    query.addBindValue(id);
    const QString what = QObject::tr("Saving the caller numbers of batch %1").arg(id);
    if (Result<void> done = execQuery(query, what); !done)
        return done;

    query.prepare(u"INSERT INTO batch_phones (batch_id, phone_id, position) VALUES (?, ?, ?)"_s);
    for (qsizetype i = 0; i < phoneIds.size(); ++i) {
        query.addBindValue(id);
        query.addBindValue(phoneIds[i]);
        query.addBindValue(int(i));
        if (Result<void> done = execQuery(query, what); !done)
            return done;
    }
    return {};
}

Result<void> BatchRepository::setSessionId(const QString &id, const QString &sessionId)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE batches SET session_id = ? WHERE id = ?"_s);
    query.addBindValue(sessionId);
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Saving the session id of batch %1").arg(id));
}

Result<void> BatchRepository::setStatus(const QString &id, BatchStatus status,
                                        const QString &reason, const QDateTime &when)
{
    const bool finished = status == BatchStatus::Completed || status == BatchStatus::Stopped;
    const bool running = status == BatchStatus::Running;

    QSqlQuery query(m_db);
    query.prepare(u"UPDATE batches SET status = ?, status_reason = COALESCE(?, ''), "
                  "started_at = CASE WHEN ? AND started_at IS NULL THEN ? ELSE started_at END, "
                  "finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?"_s);
    query.addBindValue(toString(status));
    query.addBindValue(reason);
    query.addBindValue(running);
    query.addBindValue(when.toMSecsSinceEpoch());
    query.addBindValue(finished);
    query.addBindValue(when.toMSecsSinceEpoch());
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Saving the status of batch %1").arg(id));
}

Result<QHash<CallStatus, qint64>> BatchRepository::countCallsByStatus(const QString &id)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT status, COUNT(*) FROM calls WHERE batch_id = ? GROUP BY status"_s);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Counting the calls of batch %1").arg(id));
        !done) {
        return done.error();
    }

    QHash<CallStatus, qint64> counts;
    while (query.next()) {
        if (std::optional<CallStatus> status = callStatusFromString(query.value(0).toString()))
            counts[*status] = query.value(1).toLongLong();
    }
    return counts;
}

Result<QStringList> BatchRepository::loadPhoneIds(const QString &id)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT phone_id FROM batch_phones WHERE batch_id = ? ORDER BY position"_s);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Reading the caller numbers of batch %1")
                                                  .arg(id));
        !done) {
        return done.error();
    }

    QStringList ids;
    while (query.next())
        ids.append(query.value(0).toString());
    return ids;
}

} // namespace Dialdeck
