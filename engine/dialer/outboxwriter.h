#pragma once

#include "core/result.h"
#include "progresssnapshot.h"
#include "store/webhookdeliveryrepository.h"

#include <QHash>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace Dialdeck {

// Writes the outbound progress webhook events into the outbox, inside the
// transaction that saves the change they report, so a crash can neither lose
// an event nor report a change that was rolled back. An event gets a row per
// enabled endpoint that applies to its batch, and none when no endpoint does.
//
// Every event body carries eventId (a UUID shared by all endpoints), event
// (the kind), sequence (from 1 per endpoint and batch), batchId, sessionId,
// timestamp (the engine-clock time of the change, UTC ISO 8601) and data.
class OutboxWriter final
{
    Q_DISABLE_COPY_MOVE(OutboxWriter)

public:
    explicit OutboxWriter(QSqlDatabase db);

    // Records batch.started for a run being launched; the batch is reported as running.
    Result<void> batchStarted(const BatchProgress &progress, qint64 atMs);
    // Records the event for progress.status (batch.window_waiting, batch.paused,
    // batch.resumed, batch.stopped, batch.completed) when it differs from the
    // status stored for the batch, so call it before saving the new status.
    Result<void> batchStatusChanged(const BatchProgress &progress, qint64 atMs);
    // Records call.completed for an ended attempt from its stored row; call it
    // after the attempt's end and its call's new status are saved.
    Result<void> attemptFinished(const QString &batchId, qint64 attemptId);

    // Returns true when events were written since the last call or discardWritten();
    // the journal asks after each commit.
    bool takeWritten();
    void discardWritten() { m_written = false; }

    // Keeps each batch's endpoint list from its first read until
    // endTransaction(). Only valid while the caller holds the store's write
    // lock, so no other connection can add, change or remove an endpoint.
    void beginTransaction();
    void endTransaction();

private:
    Result<void> append(const QStringList &endpointIds, const QString &batchId,
                        const QString &sessionId, const QString &kind, qint64 atMs,
                        const QJsonObject &data);
    Result<void> appendBatchEvent(const QStringList &endpointIds, const QString &kind,
                                  BatchStatus status, const BatchProgress &progress,
                                  qint64 atMs);
    Result<QString> storedStatus(const QString &batchId);
    Result<QStringList> endpointsFor(const QString &batchId);

    WebhookDeliveryRepository m_deliveries;
    QSqlQuery m_readAttempt;
    QSqlQuery m_readStatus;
    bool m_written = false;
    bool m_inTransaction = false;
    // Endpoint ids per batch id, read in the current transaction.
    QHash<QString, QStringList> m_endpoints;
};

} // namespace Dialdeck
