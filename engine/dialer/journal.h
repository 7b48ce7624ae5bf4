#pragma once

#include "carrier/carrier.h"
#include "core/domain.h"
#include "core/result.h"
#include "outboxwriter.h"
#include "store/sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <functional>
#include <optional>

namespace Dialdeck {

// A call the engine may dial: the columns the scheduler needs.
struct DueCall
{
    qint64 callId = 0;
    QString e164;
    QList<QByteArray> timeZones;
    int attemptCount = 0;
    CallStatus status = CallStatus::Pending;
};

// An attempt that had not ended when its batch run was loaded.
struct OpenAttempt
{
    qint64 attemptId = 0;
    qint64 callId = 0;
    int attemptNumber = 1;
    QString callerPhoneId;
    QString callerE164;
    QString requestUuid;
    QString callUuid;
    AttemptState state = AttemptState::Dialing;
    qint64 createdAtMs = 0;
    QString e164;
    QList<QByteArray> timeZones;
    int attemptCount = 0;
};

// Totals of the attempts already made in a batch, to seed the live figures.
struct AttemptTotals
{
    qint64 attempts = 0;
    qint64 ended = 0;
    qint64 answered = 0;
    qint64 talkSeconds = 0;
    double cost = 0.0;
};

// The engine's writes to the store, with each statement prepared once. The
// engine groups them into transactions: begin(), a number of writes, commit().
class Journal
{
public:
    explicit Journal(QSqlDatabase db);

    Result<void> begin();
    Result<void> commit();
    void rollback();

    // Reads up to `limit` calls of the batch that are pending or waiting and due at nowMs.
    Result<QList<DueCall>> fetchDue(const QString &batchId, qint64 nowMs, int limit,
                                    const QSet<qint64> &exclude);
    // Earliest next_due_at of a pending or waiting call; nullopt when none waits.
    Result<std::optional<qint64>> nextDueMs(const QString &batchId);
    Result<QList<OpenAttempt>> openAttempts(const QString &batchId);
    Result<AttemptTotals> attemptTotals(const QString &batchId);
    // Calls per caller number since `sinceMs` across all batches, and each number's last use.
    Result<QHash<QString, std::pair<int, qint64>>> callerUsageSince(qint64 sinceMs);

    Result<qint64> insertAttempt(const Attempt &attempt);
    Result<void> markCallDialing(qint64 callId, int attemptCount);
    Result<void> markCallWaiting(qint64 callId, qint64 nextOpeningMs);
    Result<void> markCallSkipped(qint64 callId, const QString &reason);
    Result<void> setCallStatus(qint64 callId, CallStatus status);
    Result<void> finishCall(qint64 callId, CallStatus status, std::optional<qint64> nextDueMs,
                            CallOutcome outcome, const QString &skipReason);
    Result<qint64> cancelPendingCalls(const QString &batchId, const QString &reason);

    Result<void> setRequestUuid(qint64 attemptId, const QString &requestUuid);
    Result<void> setAttemptState(qint64 attemptId, AttemptState state);
    // Records an applied carrier event; returns false when the same call uuid
    // and kind were recorded before (a duplicate delivery).
    Result<bool> recordEvent(const CarrierEvent &event);
    Result<void> markRinging(const CarrierEvent &event);
    Result<void> markAnswered(const CarrierEvent &event);
    Result<void> markMachine(const CarrierEvent &event);
    Result<void> markEnded(const CarrierEvent &event, CallOutcome outcome);

    Result<void> claimLease(const QString &batchId, const QString &owner, qint64 untilMs);
    Result<void> releaseLease(const QString &batchId, const QString &owner);

    QSqlDatabase database() const { return m_db; }

    // The webhook events written with the journal's changes, in its transactions.
    OutboxWriter &outbox() { return m_outbox; }
    // Sets the function called after each commit that wrote webhook events.
    void setOutboxCommittedHandler(std::function<void()> handler)
    {
        m_outboxCommitted = std::move(handler);
    }

private:
    QSqlQuery prepare(const QString &sql);

    QSqlDatabase m_db;
    // Hot-path writes, declared after m_db so they are finalised before it goes.
    SqliteStatement m_insertAttempt;
    SqliteStatement m_markCallDialing;
    SqliteStatement m_markCallWaiting;
    SqliteStatement m_markCallSkipped;
    SqliteStatement m_setCallStatus;
    SqliteStatement m_finishCall;
    SqliteStatement m_setRequestUuid;
    SqliteStatement m_setAttemptState;
    SqliteStatement m_recordEvent;
    SqliteStatement m_markRinging;
    SqliteStatement m_markAnswered;
    SqliteStatement m_markMachine;
    SqliteStatement m_markEnded;
    QSqlQuery m_fetchUndated;
    QSqlQuery m_fetchDated;
    OutboxWriter m_outbox;
    std::function<void()> m_outboxCommitted;
};

} // namespace Dialdeck
