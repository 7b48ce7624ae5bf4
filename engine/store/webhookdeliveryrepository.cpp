#include "webhookdeliveryrepository.h"

#include "sqlsupport.h"

#include <QVariant>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

const QString deliveryColumns = u"o.id, o.endpoint_id, o.batch_id, o.sequence, o.event_id, "
                                "o.kind, o.session_id, o.payload, o.created_at, "
                                "o.next_attempt_at, o.attempt_count, o.delivered_at, "
                                "o.last_status, o.last_error, e.url, e.secret_location"_s;

WebhookDelivery deliveryFromQuery(const QSqlQuery &query)
{
    WebhookDelivery delivery;
    delivery.id = query.value(0).toLongLong();
    delivery.endpointId = query.value(1).toString();
    delivery.batchId = query.value(2).toString();
    delivery.sequence = query.value(3).toLongLong();
    delivery.eventId = query.value(4).toString();
    delivery.kind = query.value(5).toString();
    delivery.sessionId = query.value(6).toString();
    delivery.payload = query.value(7).toString().toUtf8();
    delivery.createdAtMs = query.value(8).toLongLong();
    delivery.nextAttemptAtMs = query.value(9).toLongLong();
    delivery.attemptCount = query.value(10).toInt();
    delivery.deliveredAtMs = query.value(11).isNull() ? -1 : query.value(11).toLongLong();
    if (!query.value(12).isNull())
        delivery.lastStatus = query.value(12).toInt();
    delivery.lastError = query.value(13).toString();
    delivery.url = query.value(14).toString();
    delivery.secretLocation = query.value(15).toString();
    return delivery;
}

QVariant nullInteger()
{
    return QVariant(QMetaType::fromType<int>());
}

} // namespace

WebhookDeliveryRepository::WebhookDeliveryRepository(QSqlDatabase db)
    : m_db(std::move(db))
    , m_endpointsFor(m_db)
    , m_nextSequence(m_db)
    , m_append(m_db)
{
    m_endpointsFor.prepare(u"SELECT id FROM webhook_endpoints WHERE enabled = 1 "
                           "AND (batch_id IS NULL OR batch_id = ?) ORDER BY id"_s);
    m_nextSequence.prepare(u"SELECT COALESCE(MAX(sequence), 0) + 1 FROM webhook_outbox "
                           "WHERE endpoint_id = ? AND batch_id = ?"_s);
    m_append.prepare(u"INSERT INTO webhook_outbox (endpoint_id, batch_id, sequence, event_id, "
                     "kind, session_id, payload, created_at, next_attempt_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
}

Result<QStringList> WebhookDeliveryRepository::endpointsFor(const QString &batchId)
{
    m_endpointsFor.addBindValue(batchId);
    if (Result<void> done = execQuery(m_endpointsFor, QObject::tr("Reading the webhook endpoints "
                                                                  "of batch %1")
                                                          .arg(batchId));
        !done) {
        return done.error();
    }

    QStringList ids;
    while (m_endpointsFor.next())
        ids.append(m_endpointsFor.value(0).toString());
    m_endpointsFor.finish();
    return ids;
}

Result<qint64> WebhookDeliveryRepository::nextSequence(const QString &endpointId,
                                                       const QString &batchId)
{
    m_nextSequence.addBindValue(endpointId);
    m_nextSequence.addBindValue(batchId);
    if (Result<void> done = execQuery(m_nextSequence, QObject::tr("Numbering a webhook event of "
                                                                  "batch %1")
                                                          .arg(batchId));
        !done) {
        return done.error();
    }

    const qint64 next = m_nextSequence.next() ? m_nextSequence.value(0).toLongLong() : 1;
    m_nextSequence.finish();
    return next;
}

Result<void> WebhookDeliveryRepository::append(const WebhookDelivery &delivery)
{
    m_append.addBindValue(delivery.endpointId);
    m_append.addBindValue(delivery.batchId);
    m_append.addBindValue(delivery.sequence);
    m_append.addBindValue(delivery.eventId);
    m_append.addBindValue(delivery.kind);
    m_append.addBindValue(sqlTextOrNull(delivery.sessionId));
    m_append.addBindValue(QString::fromUtf8(delivery.payload));
    m_append.addBindValue(delivery.createdAtMs);
    m_append.addBindValue(delivery.nextAttemptAtMs);
    return execQuery(m_append, QObject::tr("Writing the %1 webhook event of batch %2")
                                   .arg(delivery.kind, delivery.batchId));
}

Result<QList<WebhookDelivery>> WebhookDeliveryRepository::streamHeads()
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT " % deliveryColumns
                  % u" FROM (SELECT endpoint_id, batch_id, MIN(sequence) AS head "
                    "FROM webhook_outbox WHERE delivered_at IS NULL "
                    "GROUP BY endpoint_id, batch_id) h "
                    "JOIN webhook_outbox o ON o.endpoint_id = h.endpoint_id "
                    "AND o.batch_id = h.batch_id AND o.sequence = h.head "
                    "JOIN webhook_endpoints e ON e.id = o.endpoint_id "
                    "WHERE e.enabled = 1 ORDER BY o.next_attempt_at, o.id"_s);
    if (Result<void> done = execQuery(query, QObject::tr("Reading the due webhook deliveries"));
        !done) {
        return done.error();
    }

    QList<WebhookDelivery> heads;
    while (query.next())
        heads.append(deliveryFromQuery(query));
    return heads;
}

Result<bool> WebhookDeliveryRepository::claim(qint64 id, int attemptCount, qint64 untilMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE webhook_outbox SET attempt_count = attempt_count + 1, "
                  "next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL "
                  "AND attempt_count = ?"_s);
    query.addBindValue(untilMs);
    query.addBindValue(id);
    query.addBindValue(attemptCount);
    if (Result<void> done = execQuery(query, QObject::tr("Claiming webhook delivery %1").arg(id));
        !done) {
        return done.error();
    }
    return query.numRowsAffected() > 0;
}

Result<void> WebhookDeliveryRepository::markDelivered(qint64 id, int httpStatus, qint64 atMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE webhook_outbox SET delivered_at = ?, last_status = ?, last_error = '' "
                  "WHERE id = ?"_s);
    query.addBindValue(atMs);
    query.addBindValue(httpStatus);
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Marking webhook delivery %1 as delivered").arg(id));
}

Result<void> WebhookDeliveryRepository::release(qint64 id, qint64 nextAttemptAtMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE webhook_outbox SET next_attempt_at = ? WHERE id = ? "
                  "AND delivered_at IS NULL"_s);
    query.addBindValue(nextAttemptAtMs);
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Releasing webhook delivery %1").arg(id));
}

Result<void> WebhookDeliveryRepository::markFailed(qint64 id, std::optional<int> httpStatus,
                                                   const QString &error, qint64 nextAttemptAtMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE webhook_outbox SET last_status = ?, last_error = COALESCE(?, ''), "
                  "next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL"_s);
    query.addBindValue(httpStatus ? QVariant(*httpStatus) : nullInteger());
    query.addBindValue(error);
    query.addBindValue(nextAttemptAtMs);
    query.addBindValue(id);
    return execQuery(query, QObject::tr("Saving the failed try of webhook delivery %1").arg(id));
}

Result<qint64> WebhookDeliveryRepository::retryFailedNow(const QString &endpointId, qint64 nowMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE webhook_outbox SET next_attempt_at = ? WHERE delivered_at IS NULL "
                  "AND attempt_count > 0 AND (? = '' OR endpoint_id = ?)"_s);
    query.addBindValue(nowMs);
    // Bound as '' rather than NULL when empty, so the comparison selects every endpoint.
    query.addBindValue(endpointId.isEmpty() ? u""_s : endpointId);
    query.addBindValue(endpointId.isEmpty() ? u""_s : endpointId);
    if (Result<void> done = execQuery(query, QObject::tr("Scheduling the failed webhook "
                                                         "deliveries"));
        !done) {
        return done.error();
    }
    return qint64(query.numRowsAffected());
}

Result<QList<WebhookDelivery>> WebhookDeliveryRepository::list(Filter filter, int limit)
{
    QString where;
    switch (filter) {
    case Filter::All:
        break;
    case Filter::Pending:
        where = u"WHERE o.delivered_at IS NULL"_s;
        break;
    case Filter::Failed:
        where = u"WHERE o.delivered_at IS NULL AND o.attempt_count > 0"_s;
        break;
    }

    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT " % deliveryColumns
                  % u" FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id "
                  % where % u" ORDER BY o.id DESC LIMIT ?"_s);
    query.addBindValue(limit);
    if (Result<void> done = execQuery(query, QObject::tr("Listing webhook deliveries")); !done)
        return done.error();

    QList<WebhookDelivery> deliveries;
    while (query.next())
        deliveries.append(deliveryFromQuery(query));
    return deliveries;
}

Result<qint64> WebhookDeliveryRepository::countDeliverable()
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT COUNT(*) FROM webhook_outbox o JOIN webhook_endpoints e "
                  "ON e.id = o.endpoint_id WHERE o.delivered_at IS NULL AND e.enabled = 1"_s);
    if (Result<void> done = execQuery(query, QObject::tr("Counting the undelivered webhook "
                                                         "events"));
        !done) {
        return done.error();
    }
    return query.next() ? query.value(0).toLongLong() : 0;
}

} // namespace Dialdeck
