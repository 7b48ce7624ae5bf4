#pragma once

#include "carrier/carrier.h"
#include "core/domain.h"
#include "core/result.h"
#include "clockjumpguard.h"
#include "enginesettings.h"
#include "progresssnapshot.h"

#include <QFuture>
#include <QMap>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace Dialdeck {

class BatchRun;
class Clock;
class Connection;
class Journal;

// A request to start calling a batch: the console's Start Calling button and
// the REST start-calling endpoint both end here.
struct StartRequest
{
    QString batchId;
    // Empty: the batch's owner acting from the desktop; otherwise checked to
    // exist, to own the batch and to have the Calling Management permission.
    QString userId;
    // Caller numbers for this run; without it the batch's own are used.
    std::optional<QStringList> phoneIds;
    // Tags this run; repeating a start with the same session id returns the
    // existing run and never dials again.
    QString sessionId;
    // Checked calls (see Importer::validateRecords) that replace the batch's
    // calls in the transaction that starts it. Rejected with conflict when the
    // batch already has attempts.
    std::optional<QList<CallRecord>> replacementCalls = std::nullopt;
};

// How far a dialdeck-relay channel has been applied: the channel's name and
// the sequence number of its last event that the store holds.
struct RelayCursor
{
    QString channel;
    qint64 seq = 0;
};

// The result of a command. errorCode is empty on success; otherwise one of
// invalid_argument, not_found, forbidden, conflict, unprocessable, store_failed.
struct CommandResult
{
    QString batchId;
    BatchStatus status = BatchStatus::Draft;
    QString sessionId;
    // True when a start with a known session id returned the existing run.
    bool alreadyStarted = false;
    QString errorCode;
    QString errorMessage;

    bool ok() const { return errorCode.isEmpty(); }
};

// The dialing engine. It lives on its own thread (see EngineThread), owns its
// store connection and carrier, and runs any number of batches at once.
//
// Every public method except the request functions must be called on the
// engine's thread. The request functions are thread-safe: they post the
// command to the engine's thread and return a future, so a caller on the UI
// thread never waits (use a QFutureWatcher).
class Engine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Engine)

public:
    explicit Engine(EngineSettings settings, QObject *parent = nullptr);
    ~Engine() override;

    QFuture<CommandResult> requestStart(StartRequest request);
    QFuture<CommandResult> requestPause(const QString &batchId);
    QFuture<CommandResult> requestResume(const QString &batchId);
    QFuture<CommandResult> requestStop(const QString &batchId);

    // Hands one event from a carrier callback (webhook intake or relay) to the
    // engine. The future is true once the event is committed to the store, or
    // known not to belong to any attempt of this engine; false when the store
    // failed, so the sender can deliver it again. A relay cursor given with
    // the event is written in the same transaction (table relay_cursors).
    // Thread-safe.
    QFuture<bool> requestCarrierEvent(const CarrierEvent &event,
                                      std::optional<RelayCursor> cursor = std::nullopt);

    // Opens the store and the carrier; emits opened() or openFailed().
    // Called on the engine's thread (EngineThread does it).
    void open();
    // Stops every run without changing batch statuses, as at process exit;
    // attempts in flight are reconciled when an engine next runs the batch.
    void shutDown();

    const Clock &clock() const { return *m_clock; }
    // The carrier, for checks in tests; owned by the engine.
    Carrier *carrier() const { return m_carrier.get(); }

    // Test seam: runs after attempts are journaled and before the carrier is
    // asked to dial them; returning false abandons the tick as a crash would.
    void setAfterJournalHook(std::function<bool()> hook) { m_afterJournalHook = std::move(hook); }

Q_SIGNALS:
    void opened();
    void openFailed(const QString &message);
    void progressUpdated(const Dialdeck::ProgressSnapshot &snapshot);
    void batchStatusChanged(const QString &batchId, Dialdeck::BatchStatus status,
                            const QString &reason);
    void batchFinished(const QString &batchId, Dialdeck::BatchStatus status);
    // A sentence for the operator's log pane: warnings and errors in plain words.
    void operatorMessage(QtMsgType type, const QString &text);
    // Webhook events were committed to the outbox; a WebhookDispatcher delivers them.
    void outboxWritten();

private:
    CommandResult start(const StartRequest &request);
    CommandResult pause(const QString &batchId);
    CommandResult resume(const QString &batchId);
    CommandResult stop(const QString &batchId);
    QFuture<CommandResult> post(std::function<CommandResult()> command);

    Result<void> checkRequester(const StartRequest &request, const Batch &batch);
    Result<void> checkStartable(const Batch &batch);
    Result<QList<Phone>> resolvePhones(const StartRequest &request, const Batch &batch);
    Result<void> checkReplaceable(const Batch &batch);
    CommandResult launch(Batch batch, QList<Phone> phones, const QString &sessionId,
                         const std::optional<QList<CallRecord>> &replacementCalls);

    Result<void> saveStatus(BatchRun &run);
    void claimStoredCallUuids(const QString &batchId, qint64 nowMs);
    void tick();
    Result<void> applyCarrierReports(qint64 nowMs);
    Result<void> writeRelayCursors(qint64 nowMs);
    BatchRun *runOwning(qint64 attemptId) const;
    void haltAfterStoreFailure(const Error &error);
    void updateRunStates(qint64 nowMs);
    void scheduleNextTick(bool didWork);
    void publishSnapshot();
    void renewLeases();
    void finishRun(const QString &batchId);
    void releaseCommitWaiters(bool committed);
    void pauseAfterClockJump(qint64 jumpMs);

    EngineSettings m_settings;
    std::unique_ptr<Clock> m_clock;
    std::unique_ptr<Connection> m_connection;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<Carrier> m_carrier;
    std::map<QString, std::unique_ptr<BatchRun>> m_runs;
    // Last progress of the batches that finished while this engine ran.
    QMap<QString, BatchProgress> m_finishedProgress;
    // Carrier reports received since the last tick, applied in its transaction.
    std::vector<CarrierEvent> m_pendingEvents;
    std::vector<CarrierError> m_pendingRejections;
    std::vector<qint64> m_unknownAttempts;
    // Highest relay sequence number received per channel since the last tick.
    std::map<QString, qint64> m_pendingCursors;
    // Batches a carrier error paused during the current tick.
    std::vector<QString> m_pausedByCarrier;
    // Callers of requestCarrierEvent() waiting for the next commit.
    std::vector<std::shared_ptr<QPromise<bool>>> m_commitWaiters;
    // Parented, so moveToThread() takes the timers along to the engine's thread.
    QTimer m_tickTimer{this};
    QTimer m_snapshotTimer{this};
    QTimer m_leaseTimer{this};
    std::function<bool()> m_afterJournalHook;
    ClockJumpGuard m_clockGuard;
    bool m_open = false;
};

} // namespace Dialdeck
