#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace Dialdeck {

// A receiver of outbound progress webhooks.
struct WebhookEndpoint
{
    // 24 lowercase hexadecimal digits.
    QString id;
    // The one batch whose events go to this endpoint; empty for every batch.
    QString batchId;
    QString url;
    // Where the signing secret is kept: "file:PATH" (an owner-only file) or
    // "keychain:KEY" (the console's OS keychain). The secret itself is never stored.
    QString secretLocation;
    bool enabled = true;
    QDateTime createdAt;
};

// An endpoint with the state of its deliveries.
struct WebhookEndpointSummary
{
    WebhookEndpoint endpoint;
    // Deliveries not yet accepted by the endpoint, failed ones included.
    qint64 pending = 0;
    // Pending deliveries whose last try failed (a non-2xx status or a network error).
    qint64 failed = 0;
    qint64 delivered = 0;
};

// Reads and writes the webhook endpoints.
class WebhookEndpointRepository
{
public:
    explicit WebhookEndpointRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> insert(const WebhookEndpoint &endpoint);
    Result<std::optional<WebhookEndpoint>> find(const QString &id);
    Result<QList<WebhookEndpointSummary>> list();
    // Deletes the endpoint with its outbox rows; returns how many were still undelivered.
    // An unknown id is a not_found error.
    Result<qint64> remove(const QString &id);
    // A disabled endpoint gets no new events; its pending deliveries wait until it is enabled.
    // An unknown id is a not_found error.
    Result<void> setEnabled(const QString &id, bool enabled);

private:
    QSqlDatabase m_db;
};

} // namespace Dialdeck
