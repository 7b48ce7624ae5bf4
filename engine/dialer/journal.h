#pragma once

#include "carrier/carrier.h"
#include "core/domain.h"
#include "core/result.h"
#include "outboxwriter.h"
#include "store/multirowstatement.h"
#include "store/sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

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

// The attempt columns that the carrier events of one tick changed. Columns
// left unset keep their stored values, so one UPDATE saves what several
// events reported.
struct AttemptUpdate
{
    qint64 attemptId = 0;
    AttemptState state = AttemptState::Dialing;
    std::optional<QString> requestUuid;
    std::optional<QString> callUuid;
    std::optional<qint64> ringingAtMs;
    std::optional<qint64> answeredAtMs;
    std::optional<QString> machineResult;
    // Set once the attempt ended. The members below it are saved only then.
    std::optional<qint64> endedAtMs;
    CallOutcome outcome = CallOutcome::Failed;
    QString hangupCause;
    int ringSeconds = 0;
    int talkSeconds = 0;
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

    Result<void> setAttemptState(qint64 attemptId, AttemptState state);
    // Records carrier events as applied, several rows per statement. Returns
    // for each event, in order, whether it is new: false when the same call
    // uuid and kind were recorded before or earlier in the list (a duplicate
    // delivery).
    Result<std::vector<bool>> recordEvents(const std::vector<const CarrierEvent *> &events);
    Result<void> updateAttempt(const AttemptUpdate &update);

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
    SqliteStatement &updateAttemptStatement(quint32 columns);

    QSqlDatabase m_db;
    // Hot-path writes, declared after m_db so they are finalised before it goes.
    SqliteStatement m_insertAttempt;
    SqliteStatement m_markCallDialing;
    SqliteStatement m_markCallWaiting;
    SqliteStatement m_markCallSkipped;
    SqliteStatement m_setCallStatus;
    SqliteStatement m_finishCall;
    SqliteStatement m_setAttemptState;
    // Attempt updates, prepared on first use, by the set of columns they write.
    std::map<quint32, std::unique_ptr<SqliteStatement>> m_updateAttempt;
    MultiRowStatement m_recordEvents;
    SqliteStatement m_fetchUndated;
    SqliteStatement m_fetchDated;
    SqliteStatement m_nextDue;
    OutboxWriter m_outbox;
    std::function<void()> m_outboxCommitted;
};

} // namespace Dialdeck
