#include "webhookendpointrepository.h"

#include "sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

const QString endpointColumns = u"e.id, e.batch_id, e.url, e.secret_location, e.enabled, "
                                "e.created_at"_s;

WebhookEndpoint endpointFromQuery(const QSqlQuery &query)
{
    WebhookEndpoint endpoint;
    endpoint.id = query.value(0).toString();
    endpoint.batchId = query.value(1).toString();
    endpoint.url = query.value(2).toString();
    endpoint.secretLocation = query.value(3).toString();
    endpoint.enabled = query.value(4).toBool();
    endpoint.createdAt = timeFromSql(query.value(5));
    return endpoint;
}

Error unknownEndpoint(const QString &id)
{
    return Error{u"not_found"_s,
                 QObject::tr("Webhook endpoint %1 does not exist; list them with \"webhooks "
                             "list\".")
                     .arg(id)};
}

} // namespace

Result<void> WebhookEndpointRepository::insert(const WebhookEndpoint &endpoint)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO webhook_endpoints (id, batch_id, url, secret_location, enabled, "
                  "created_at) VALUES (?, ?, ?, ?, ?, ?)"_s);
    query.addBindValue(endpoint.id);
    query.addBindValue(sqlTextOrNull(endpoint.batchId));
    query.addBindValue(endpoint.url);
    query.addBindValue(endpoint.secretLocation);
    query.addBindValue(endpoint.enabled);
    query.addBindValue(endpoint.createdAt.isValid() ? endpoint.createdAt.toMSecsSinceEpoch()
                                                    : QDateTime::currentMSecsSinceEpoch());
    return execQuery(query, QObject::tr("Saving webhook endpoint %1").arg(endpoint.id));
}

Result<std::optional<WebhookEndpoint>> WebhookEndpointRepository::find(const QString &id)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT " % endpointColumns % u" FROM webhook_endpoints e WHERE e.id = ?"_s);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Reading webhook endpoint %1").arg(id));
        !done) {
        return done.error();
    }
    if (!query.next())
        return std::optional<WebhookEndpoint>();
    return std::optional<WebhookEndpoint>(endpointFromQuery(query));
}

Result<QList<WebhookEndpointSummary>> WebhookEndpointRepository::list()
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT " % endpointColumns
                  % u", (SELECT COUNT(*) FROM webhook_outbox o WHERE o.endpoint_id = e.id "
                    "AND o.delivered_at IS NULL), "
                    "(SELECT COUNT(*) FROM webhook_outbox o WHERE o.endpoint_id = e.id "
                    "AND o.delivered_at IS NULL AND o.attempt_count > 0), "
                    "(SELECT COUNT(*) FROM webhook_outbox o WHERE o.endpoint_id = e.id "
                    "AND o.delivered_at IS NOT NULL) "
                    "FROM webhook_endpoints e ORDER BY e.created_at, e.id"_s);
    if (Result<void> done = execQuery(query, QObject::tr("Listing webhook endpoints")); !done)
        return done.error();

    QList<WebhookEndpointSummary> endpoints;
    while (query.next()) {
        WebhookEndpointSummary summary;
        summary.endpoint = endpointFromQuery(query);
        summary.pending = query.value(6).toLongLong();
        summary.failed = query.value(7).toLongLong();
        summary.delivered = query.value(8).toLongLong();
        endpoints.append(summary);
    }
    return endpoints;
}

Result<qint64> WebhookEndpointRepository::remove(const QString &id)
{
    const QString what = QObject::tr("Removing webhook endpoint %1").arg(id);
    if (Result<void> begun = beginWriteTransaction(m_db, what); !begun)
        return begun.error();

    QSqlQuery query(m_db);
    query.prepare(u"SELECT COUNT(*) FROM webhook_outbox WHERE endpoint_id = ? "
                  "AND delivered_at IS NULL"_s);
    query.addBindValue(id);
    Result<void> done = execQuery(query, what);
    const qint64 undelivered = done && query.next() ? query.value(0).toLongLong() : 0;
    query.finish();

    // Deleted explicitly, so the rows go even on a connection without foreign keys.
    if (done) {
        query.prepare(u"DELETE FROM webhook_outbox WHERE endpoint_id = ?"_s);
        query.addBindValue(id);
        done = execQuery(query, what);
    }
    qint64 removed = 0;
    if (done) {
        query.prepare(u"DELETE FROM webhook_endpoints WHERE id = ?"_s);
        query.addBindValue(id);
        done = execQuery(query, what);
        removed = query.numRowsAffected();
    }
    if (done && removed == 0)
        done = unknownEndpoint(id);
    if (!done) {
        m_db.rollback();
        return done.error();
    }
    if (!m_db.commit()) {
        const Error error = storeError(what, m_db.lastError());
        m_db.rollback();
        return error;
    }
    return undelivered;
}

Result<void> WebhookEndpointRepository::setEnabled(const QString &id, bool enabled)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE webhook_endpoints SET enabled = ? WHERE id = ?"_s);
    query.addBindValue(enabled);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Saving webhook endpoint %1").arg(id));
        !done) {
        return done;
    }
    if (query.numRowsAffected() == 0)
        return unknownEndpoint(id);
    return {};
}

} // namespace Dialdeck
