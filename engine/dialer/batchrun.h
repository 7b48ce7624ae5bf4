#pragma once

#include "carrier/carrier.h"
#include "core/domain.h"
#include "core/result.h"
#include "journal.h"
#include "progresssnapshot.h"
#include "schedule/callerrotation.h"
#include "schedule/callingwindow.h"
#include "schedule/tokenbucket.h"

#include <QHash>
#include <QSet>

#include <deque>
#include <functional>
#include <vector>

namespace Dialdeck {

// One batch being dialed: its queue of due calls, the calls in flight, the
// pacing and rotation state and the live figures. The Engine owns the runs,
// drives them from its tick and wraps their writes in its transactions.
class BatchRun final
{
    Q_DISABLE_COPY_MOVE(BatchRun)

public:
    BatchRun(Batch batch, const QList<Phone> &phones, Journal &journal, Carrier &carrier);

    // Reads the counts, totals and caller usage, and takes over the attempts
    // an earlier engine left open: they are reconciled with the carrier, never
    // redialed. Call inside a transaction.
    Result<void> load(qint64 nowMs, const QSet<QString> &doNotCall);

    const QString &batchId() const { return m_batch.id; }
    const Batch &batch() const { return m_batch; }
    BatchStatus status() const { return m_batch.status; }
    const QString &statusReason() const { return m_batch.statusReason; }
    bool isFinished() const;
    bool ownsAttempt(qint64 attemptId) const { return m_inFlight.contains(attemptId); }
    QList<qint64> inFlightAttemptIds() const { return m_inFlight.keys(); }

    // Picks due calls and journals their attempts; the caller commits, then
    // calls dialJournaled(). Returns true when it changed anything.
    Result<bool> journalDueCalls(qint64 nowMs, int maxDials);
    void dialJournaled();
    // True when journalDueCalls() could dial or file away a call at nowMs.
    bool mayDial(qint64 nowMs) const;
    void askCarrierToReconcile();

    // Applies the carrier events of one tick in the order given, inside the
    // caller's transaction. Each attempt's row and its call's status are saved
    // once for all of its events, and a hung-up attempt is finished at its
    // hangup's place, so the outbox reports endings in the order they happened.
    Result<void> applyEvents(const std::vector<const CarrierEvent *> &events);
    Result<void> applyRejection(const CarrierError &error, qint64 nowMs);
    Result<void> applyUnknownAttempt(qint64 attemptId, qint64 nowMs);

    void pause();
    void resume(qint64 nowMs);
    Result<void> stop();
    // Moves between running and queued by whether the window lets anything dial now.
    // Returns true when the status changed.
    bool updateQueuedState(qint64 nowMs);
    // Sets the status with a reason, for the Engine's own decisions (completed, paused after an error).
    void setStatus(BatchStatus status, const QString &reason);

    // Returns the next instant this run has something to do, or nullopt when
    // only a carrier event can wake it.
    std::optional<qint64> nextWakeMs(qint64 nowMs) const;

    BatchProgress progress(qint64 nowMs) const;

private:
    struct InFlight
    {
        qint64 callId = 0;
        int attemptNumber = 1;
        int attemptCount = 0;
        QString phoneId;
        QString callerE164;
        QString e164;
        QList<QByteArray> timeZones;
        CallStatus status = CallStatus::Dialing;
        AttemptState attemptState = AttemptState::Dialing;
        qint64 sinceMs = 0;
        qint64 journaledAtMs = 0;
        QString requestUuid;
    };

    // The changes one tick's events made to one attempt, saved at the end of
    // the tick or at the attempt's hangup.
    struct PendingChange
    {
        AttemptUpdate attempt;
        bool callStatusChanged = false;
    };

    Result<void> applyRound(const std::vector<const CarrierEvent *> &events);
    void applyProgress(const CarrierEvent &event, InFlight &flight, PendingChange &change);
    Result<void> applyHangup(const CarrierEvent &event, InFlight &flight, AttemptUpdate update);
    Result<void> savePending(qint64 attemptId, const PendingChange &change);
    Result<void> refillQueue(qint64 nowMs);
    Result<bool> journalOne(const DueCall &call, qint64 nowMs);
    Result<void> finishAttempt(qint64 attemptId, InFlight flight, CallOutcome outcome,
                               qint64 endedAtMs, const QString &reason, bool retryable = true);
    void moveCount(CallStatus from, CallStatus to);
    DialRequest dialRequestFor(qint64 attemptId, const InFlight &flight) const;

    Batch m_batch;
    Journal &m_journal;
    Carrier &m_carrier;
    CallingWindow m_window;
    TokenBucket m_bucket;
    CallerRotation m_rotation;
    QSet<QString> m_doNotCall;

    std::deque<DueCall> m_queue;
    QSet<qint64> m_queuedIds;
    // Next instant the store may hold a due call that is not queued; -1 when none.
    qint64 m_nextFetchMs = 0;
    qint64 m_nextWindowOpeningMs = -1;
    QHash<qint64, InFlight> m_inFlight;
    // Attempts journaled in the open transaction, dialed once it commits.
    QList<qint64> m_journaled;
    QList<qint64> m_toReconcile;

    std::array<qint64, CallStatusCount> m_counts{};
    AttemptTotals m_totals;
    std::deque<qint64> m_recentDialsMs;
    qint64 m_runStartedMs = 0;
    qint64 m_finishedAtRunStart = 0;
    bool m_stopping = false;
};

} // namespace Dialdeck
