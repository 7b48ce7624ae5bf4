#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dialdeck {

// One row of the webhook outbox: one event for one endpoint and its delivery state.
// Times are wall-clock milliseconds since the epoch, UTC.
struct WebhookDelivery
{
    qint64 id = 0;
    QString endpointId;
    QString batchId;
    // Position in the (endpoint, batch) stream, from 1 without gaps.
    qint64 sequence = 0;
    // UUID of the event, the same for every endpoint that receives it.
    QString eventId;
    // Event kind, e.g. "call.completed".
    QString kind;
    QString sessionId;
    // The exact request body; the signature covers these bytes.
    QByteArray payload;
    qint64 createdAtMs = 0;
    // The row is not sent before this instant.
    qint64 nextAttemptAtMs = 0;
    int attemptCount = 0;
    // -1 while undelivered.
    qint64 deliveredAtMs = -1;
    // HTTP status of the last try; empty before the first try and after a network error.
    std::optional<int> lastStatus;
    QString lastError;
    // Columns of the endpoint, filled by the reads that join it.
    QString url;
    QString secretLocation;

    bool isDelivered() const { return deliveredAtMs >= 0; }
    bool hasFailed() const { return !isDelivered() && attemptCount > 0; }
};

// Reads and writes the webhook outbox. The engine appends rows in its own
// transactions; a WebhookDispatcher claims, sends and marks them.
class WebhookDeliveryRepository
{
public:
    enum class Filter
    {
        All,
        // Not yet delivered, failed ones included.
        Pending,
        // Not yet delivered, and the last try failed.
        Failed,
    };

    explicit WebhookDeliveryRepository(QSqlDatabase db);

    // Ids of the enabled endpoints that receive the events of `batchId`.
    Result<QStringList> endpointsFor(const QString &batchId);
    // The sequence number the next event of the (endpoint, batch) stream takes.
    Result<qint64> nextSequence(const QString &endpointId, const QString &batchId);
    // Inserts `delivery` as an undelivered row; its id is ignored.
    Result<void> append(const WebhookDelivery &delivery);

    // Returns, for every stream of an enabled endpoint, its undelivered row
    // with the lowest sequence number: the only row of the stream that may be sent.
    Result<QList<WebhookDelivery>> streamHeads();
    // Counts one more try of row `id` and defers it to `untilMs`, so no other
    // dispatcher sends it meanwhile. Returns false when another
    // dispatcher claimed or delivered it first (its attempt count moved on).
    Result<bool> claim(qint64 id, int attemptCount, qint64 untilMs);
    Result<void> markDelivered(qint64 id, int httpStatus, qint64 atMs);
    // Makes a claimed row due at `nextAttemptAtMs` without recording a result,
    // for a try abandoned before the endpoint responded.
    Result<void> release(qint64 id, qint64 nextAttemptAtMs);
    Result<void> markFailed(qint64 id, std::optional<int> httpStatus, const QString &error,
                            qint64 nextAttemptAtMs);
    // Makes the failed rows due at `nowMs`: of one endpoint, or of all when
    // `endpointId` is empty. Returns how many rows that is.
    Result<qint64> retryFailedNow(const QString &endpointId, qint64 nowMs);

    // The newest `limit` rows that pass `filter`, newest first.
    Result<QList<WebhookDelivery>> list(Filter filter, int limit);
    // Undelivered rows of enabled endpoints: what a running dispatcher still has to send.
    Result<qint64> countDeliverable();

private:
    QSqlDatabase m_db;
    // The queries each engine event runs, prepared once.
    QSqlQuery m_endpointsFor;
    QSqlQuery m_nextSequence;
    QSqlQuery m_append;
};

} // namespace Dialdeck
