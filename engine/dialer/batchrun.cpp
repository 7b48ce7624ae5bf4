#include "batchrun.h"

#include "core/logging.h"
#include "store/batchrepository.h"
#include "schedule/retrypolicy.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Calls read from the store per refill of the in-memory queue.
constexpr int QueueRefillSize = 1024;
// The oldest in-flight calls listed in a progress snapshot.
constexpr int SnapshotInFlightLimit = 50;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::BatchRun", text);
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

qint64 utcDayStartMs(qint64 ms)
{
    constexpr qint64 dayMs = 86'400'000;
    return ms - (ms % dayMs);
}

} // namespace

BatchRun::BatchRun(Batch batch, const QList<Phone> &phones, Journal &journal, Carrier &carrier)
    : m_batch(std::move(batch))
    , m_journal(journal)
    , m_carrier(carrier)
    , m_window(m_batch.config)
    , m_bucket(m_batch.config.maxCallsPerSecond, std::max(1.0, m_batch.config.maxCallsPerSecond))
    , m_rotation(m_batch.config.rotation, phones)
{
}

Result<void> BatchRun::load(qint64 nowMs, const QSet<QString> &doNotCall)
{
    m_doNotCall = doNotCall;
    m_runStartedMs = nowMs;

    BatchRepository batches(m_journal.database());
    Result<QHash<CallStatus, qint64>> counts = batches.countCallsByStatus(m_batch.id);
    if (!counts)
        return counts.error();
    for (auto it = counts->cbegin(); it != counts->cend(); ++it)
        m_counts[std::size_t(it.key())] = it.value();

    Result<AttemptTotals> totals = m_journal.attemptTotals(m_batch.id);
    if (!totals)
        return totals.error();
    m_totals = *totals;

    Result<QHash<QString, std::pair<int, qint64>>> usage
        = m_journal.callerUsageSince(utcDayStartMs(nowMs));
    if (!usage)
        return usage.error();

    Result<QList<OpenAttempt>> open = m_journal.openAttempts(m_batch.id);
    if (!open)
        return open.error();

    QSet<QString> phonesInCall;
    for (const OpenAttempt &attempt : *open) {
        InFlight flight;
        flight.callId = attempt.callId;
        flight.attemptNumber = attempt.attemptNumber;
        flight.attemptCount = attempt.attemptCount;
        flight.phoneId = attempt.callerPhoneId;
        flight.callerE164 = attempt.callerE164;
        flight.e164 = attempt.e164;
        flight.timeZones = attempt.timeZones;
        flight.sinceMs = attempt.createdAtMs;
        flight.journaledAtMs = attempt.createdAtMs;
        flight.requestUuid = attempt.requestUuid;
        flight.status = callStatusDuring(attempt.state);
        flight.attemptState = attempt.state == AttemptState::Dialing ? AttemptState::Reconciling
                                                                     : attempt.state;
        m_inFlight.insert(attempt.attemptId, flight);
        m_toReconcile.append(attempt.attemptId);
        phonesInCall.insert(attempt.callerPhoneId);

        // An attempt journaled but never confirmed by the carrier may or may not
        // have been dialed. Only the carrier's records tell, so it is reconciled, never redialed.
        if (attempt.state == AttemptState::Dialing) {
            if (Result<void> marked = m_journal.setAttemptState(attempt.attemptId,
                                                                AttemptState::Reconciling);
                !marked) {
                return marked;
            }
        }
    }

    for (auto it = usage->cbegin(); it != usage->cend(); ++it) {
        m_rotation.restoreUsage(it.key(), it.value().first, it.value().second,
                                phonesInCall.contains(it.key()));
    }

    m_finishedAtRunStart = 0;
    for (int i = 0; i < CallStatusCount; ++i) {
        if (isFinal(CallStatus(i)))
            m_finishedAtRunStart += m_counts[std::size_t(i)];
    }

    if (!open->isEmpty()) {
        qCInfo(lcDialer) << "Batch" << m_batch.id << "has" << open->size()
                         << "open attempts to reconcile with the carrier";
    }
    return {};
}

void BatchRun::askCarrierToReconcile()
{
    for (qint64 attemptId : std::exchange(m_toReconcile, {})) {
        const auto flight = m_inFlight.constFind(attemptId);
        if (flight != m_inFlight.cend())
            m_carrier.reconcile(dialRequestFor(attemptId, *flight), flight->requestUuid);
    }
}

bool BatchRun::isFinished() const
{
    if (!m_inFlight.isEmpty())
        return false;
    if (m_batch.status == BatchStatus::Stopped)
        return true;

    const qint64 waiting = m_counts[std::size_t(CallStatus::Pending)]
                           + m_counts[std::size_t(CallStatus::WaitingForWindow)];
    const bool active = m_batch.status == BatchStatus::Running
                        || m_batch.status == BatchStatus::Queued;
    return active && waiting == 0;
}

Result<void> BatchRun::refillQueue(qint64 nowMs)
{
    if (!m_queue.empty() || m_nextFetchMs < 0 || nowMs < m_nextFetchMs)
        return {};

    Result<QList<DueCall>> due = m_journal.fetchDue(m_batch.id, nowMs, QueueRefillSize, {});
    if (!due)
        return due.error();

    for (DueCall &call : due.value()) {
        m_queuedIds.insert(call.callId);
        m_queue.push_back(std::move(call));
    }
    if (!m_queue.empty())
        return {};

    Result<std::optional<qint64>> next = m_journal.nextDueMs(m_batch.id);
    if (!next)
        return next.error();
    m_nextFetchMs = next->value_or(-1);
    return {};
}

Result<bool> BatchRun::journalDueCalls(qint64 nowMs, int maxDials)
{
    const bool dialing = m_batch.status == BatchStatus::Running
                         || m_batch.status == BatchStatus::Queued;
    if (!dialing || m_stopping)
        return false;

    bool changed = false;
    int dials = 0;
    while (dials < maxDials && m_inFlight.size() < m_batch.config.maxConcurrentCalls) {
        if (Result<void> refilled = refillQueue(nowMs); !refilled)
            return refilled.error();
        if (m_queue.empty())
            break;

        Result<bool> journaled = journalOne(m_queue.front(), nowMs);
        if (!journaled)
            return journaled.error();
        if (!*journaled)
            break;

        m_queuedIds.remove(m_queue.front().callId);
        m_queue.pop_front();
        changed = true;
        ++dials;
    }
    return changed;
}

// Journals one dial of `call`, or files the call away when it may not be
// dialed now. Returns false when the call must wait in the queue for pacing
// or a free caller number.
Result<bool> BatchRun::journalOne(const DueCall &call, qint64 nowMs)
{
    if (m_doNotCall.contains(call.e164)) {
        const QString reason = tr("The number is on the do-not-call list.");
        if (Result<void> skipped = m_journal.markCallSkipped(call.callId, reason); !skipped)
            return skipped.error();
        moveCount(call.status, CallStatus::Skipped);
        return true;
    }

    const WindowDecision window = m_window.decide(call.timeZones, nowMs);
    if (!window.allowed) {
        if (window.nextOpeningMs < 0) {
            const QString reason = tr("The calling window never opens in the number's time "
                                      "zones within 400 days: %1")
                                       .arg(window.reason);
            if (Result<void> skipped = m_journal.markCallSkipped(call.callId, reason); !skipped)
                return skipped.error();
            moveCount(call.status, CallStatus::Skipped);
            return true;
        }
        if (Result<void> waiting = m_journal.markCallWaiting(call.callId, window.nextOpeningMs);
            !waiting) {
            return waiting.error();
        }
        moveCount(call.status, CallStatus::WaitingForWindow);
        m_nextFetchMs = m_nextFetchMs < 0 ? window.nextOpeningMs
                                          : std::min(m_nextFetchMs, window.nextOpeningMs);
        return true;
    }

    if (m_bucket.nextAvailableMs(nowMs) > nowMs)
        return false;
    const std::optional<CallerPick> caller = m_rotation.pick(call.e164, nowMs);
    if (!caller)
        return false;
    m_bucket.tryTake(nowMs);

    Attempt attempt;
    attempt.callId = call.callId;
    attempt.batchId = m_batch.id;
    attempt.attemptNumber = call.attemptCount + 1;
    attempt.callerPhoneId = caller->phoneId;
    attempt.callerE164 = caller->e164;
    attempt.state = AttemptState::Dialing;
    attempt.createdAt = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    attempt.allowedRule = window.rule % u"; caller number: "_s % caller->reason;
    attempt.sessionId = m_batch.sessionId;

    Result<qint64> attemptId = m_journal.insertAttempt(attempt);
    if (!attemptId)
        return attemptId.error();
    if (Result<void> marked = m_journal.markCallDialing(call.callId, attempt.attemptNumber);
        !marked) {
        return marked.error();
    }

    InFlight flight;
    flight.callId = call.callId;
    flight.attemptNumber = attempt.attemptNumber;
    flight.attemptCount = attempt.attemptNumber;
    flight.phoneId = caller->phoneId;
    flight.callerE164 = caller->e164;
    flight.e164 = call.e164;
    flight.timeZones = call.timeZones;
    flight.sinceMs = nowMs;
    flight.journaledAtMs = nowMs;
    m_inFlight.insert(*attemptId, flight);
    m_journaled.append(*attemptId);

    moveCount(call.status, CallStatus::Dialing);
    ++m_totals.attempts;
    m_recentDialsMs.push_back(nowMs);
    while (!m_recentDialsMs.empty() && m_recentDialsMs.front() <= nowMs - 60'000)
        m_recentDialsMs.pop_front();
    return true;
}

bool BatchRun::mayDial(qint64 nowMs) const
{
    const bool dialing = m_batch.status == BatchStatus::Running
                         || m_batch.status == BatchStatus::Queued;
    if (!dialing || m_stopping || m_inFlight.size() >= m_batch.config.maxConcurrentCalls)
        return false;
    return !m_queue.empty() || (m_nextFetchMs >= 0 && nowMs >= m_nextFetchMs);
}

void BatchRun::dialJournaled()
{
    for (qint64 attemptId : std::exchange(m_journaled, {})) {
        const auto flight = m_inFlight.constFind(attemptId);
        if (flight != m_inFlight.cend())
            m_carrier.placeCall(dialRequestFor(attemptId, *flight));
    }
}

DialRequest BatchRun::dialRequestFor(qint64 attemptId, const InFlight &flight) const
{
    DialRequest request;
    request.attemptId = attemptId;
    request.from = flight.callerE164;
    request.to = flight.e164;
    request.ringTimeoutSeconds = m_batch.config.ringTimeoutSeconds;
    request.timeLimitSeconds = m_batch.config.timeLimitSeconds;
    request.journaledAtMs = flight.journaledAtMs;
    return request;
}

Result<void> BatchRun::applyEvents(const std::vector<const CarrierEvent *> &events)
{
    // Events that follow an attempt's hangup wait for a later round, which
    // drops them once the hangup has finished the attempt, as a later tick would.
    std::vector<const CarrierEvent *> pending = events;
    while (!pending.empty()) {
        std::vector<const CarrierEvent *> round;
        std::vector<const CarrierEvent *> later;
        QSet<qint64> hungUp;
        for (const CarrierEvent *event : pending) {
            if (hungUp.contains(event->attemptId)) {
                later.push_back(event);
                continue;
            }
            round.push_back(event);
            if (event->kind == CarrierEvent::Kind::Hangup)
                hungUp.insert(event->attemptId);
        }

        if (Result<void> applied = applyRound(round); !applied)
            return applied;
        pending = std::move(later);
    }
    return {};
}

// Applies events of which no attempt has one after its hangup.
Result<void> BatchRun::applyRound(const std::vector<const CarrierEvent *> &events)
{
    // Placed carries only the request id, which no event row records.
    std::vector<const CarrierEvent *> recordable;
    for (const CarrierEvent *event : events) {
        if (event->kind != CarrierEvent::Kind::Placed && m_inFlight.contains(event->attemptId))
            recordable.push_back(event);
    }
    Result<std::vector<bool>> fresh = m_journal.recordEvents(recordable);
    if (!fresh)
        return fresh.error();

    QHash<qint64, PendingChange> changes;
    std::vector<qint64> touched;
    std::size_t recorded = 0;
    for (const CarrierEvent *event : events) {
        const bool isNew = recorded < recordable.size() && recordable[recorded] == event
                               ? (*fresh)[recorded++]
                               : false;
        const auto found = m_inFlight.find(event->attemptId);
        if (found == m_inFlight.end())
            continue;

        if (event->kind != CarrierEvent::Kind::Placed && !isNew) {
            qCDebug(lcDialer) << "Ignored a repeated" << toString(event->kind)
                              << "event of attempt" << event->attemptId;
            continue;
        }
        if (event->kind == CarrierEvent::Kind::Hangup) {
            // The hangup saves the attempt with all its changes of this tick;
            // finishAttempt() saves its call's own status.
            AttemptUpdate update = changes.take(event->attemptId).attempt;
            update.attemptId = event->attemptId;
            if (Result<void> ended = applyHangup(*event, *found, std::move(update)); !ended)
                return ended;
            continue;
        }

        if (!changes.contains(event->attemptId))
            touched.push_back(event->attemptId);
        PendingChange &change = changes[event->attemptId];
        change.attempt.attemptId = event->attemptId;
        if (event->kind == CarrierEvent::Kind::Placed) {
            found->requestUuid = event->requestUuid;
            change.attempt.requestUuid = event->requestUuid;
        } else {
            applyProgress(*event, *found, change);
        }
    }

    for (qint64 attemptId : touched) {
        const auto change = changes.constFind(attemptId);
        if (change == changes.cend())
            continue;
        if (Result<void> saved = savePending(attemptId, *change); !saved)
            return saved;
    }
    return {};
}

// Applies Ringing, Answered or MachineDetected in memory, with the rules the
// attempt's state sets: a late ringing never moves an answered attempt back.
void BatchRun::applyProgress(const CarrierEvent &event, InFlight &flight, PendingChange &change)
{
    AttemptUpdate &update = change.attempt;
    switch (event.kind) {
    case CarrierEvent::Kind::Ringing:
        if (flight.attemptState == AttemptState::Dialing
            || flight.attemptState == AttemptState::Reconciling) {
            flight.attemptState = AttemptState::Ringing;
            update.callUuid = event.callUuid;
            update.ringingAtMs = event.atMs;
        }
        if (flight.status == CallStatus::Dialing) {
            moveCount(CallStatus::Dialing, CallStatus::Ringing);
            flight.status = CallStatus::Ringing;
            change.callStatusChanged = true;
        }
        break;
    case CarrierEvent::Kind::Answered:
        flight.attemptState = AttemptState::InProgress;
        update.callUuid = event.callUuid;
        update.answeredAtMs = event.atMs;
        if (flight.status != CallStatus::InProgress) {
            moveCount(flight.status, CallStatus::InProgress);
            flight.status = CallStatus::InProgress;
            change.callStatusChanged = true;
        }
        break;
    case CarrierEvent::Kind::MachineDetected:
        update.machineResult = event.machineResult;
        break;
    case CarrierEvent::Kind::Placed:
    case CarrierEvent::Kind::Hangup:
        break;
    }
}

Result<void> BatchRun::applyHangup(const CarrierEvent &event, InFlight &flight, AttemptUpdate update)
{
    const CallOutcome outcome = event.outcome.value_or(CallOutcome::Failed);
    flight.attemptState = AttemptState::Ended;
    update.state = AttemptState::Ended;
    if (!event.callUuid.isEmpty())
        update.callUuid = event.callUuid;
    if (!event.machineResult.isEmpty())
        update.machineResult = event.machineResult;
    update.endedAtMs = event.atMs;
    update.outcome = outcome;
    update.hangupCause = event.hangupCause;
    update.ringSeconds = event.ringSeconds;
    update.talkSeconds = event.talkSeconds;
    update.cost = event.cost;
    if (Result<void> ended = m_journal.updateAttempt(update); !ended)
        return ended;

    if (outcome == CallOutcome::Answered)
        m_totals.talkSeconds += event.talkSeconds;
    m_totals.cost += event.cost;
    return finishAttempt(event.attemptId, flight, outcome, event.atMs, event.hangupCause);
}

Result<void> BatchRun::savePending(qint64 attemptId, const PendingChange &change)
{
    const auto flight = m_inFlight.constFind(attemptId);
    if (flight == m_inFlight.cend())
        return {};

    AttemptUpdate update = change.attempt;
    update.state = flight->attemptState;
    if (Result<void> saved = m_journal.updateAttempt(update); !saved)
        return saved;
    if (change.callStatusChanged)
        return m_journal.setCallStatus(flight->callId, flight->status);
    return {};
}

Result<void> BatchRun::applyRejection(const CarrierError &error, qint64 nowMs)
{
    const auto found = m_inFlight.constFind(error.attemptId);
    if (found == m_inFlight.cend())
        return {};

    AttemptUpdate ended;
    ended.attemptId = error.attemptId;
    ended.state = AttemptState::Ended;
    ended.endedAtMs = nowMs;
    ended.outcome = CallOutcome::Failed;
    ended.hangupCause = error.message;
    if (Result<void> marked = m_journal.updateAttempt(ended); !marked)
        return marked;
    return finishAttempt(error.attemptId, *found, CallOutcome::Failed, nowMs, error.message,
                         error.retryable);
}

Result<void> BatchRun::applyUnknownAttempt(qint64 attemptId, qint64 nowMs)
{
    CarrierError error;
    error.attemptId = attemptId;
    error.message = tr("The carrier has no record of this attempt; it was not placed.");
    return applyRejection(error, nowMs);
}

Result<void> BatchRun::finishAttempt(qint64 attemptId, InFlight flight, CallOutcome outcome,
                                     qint64 endedAtMs, const QString &reason, bool retryable)
{
    const bool answered = outcome == CallOutcome::Answered;
    m_inFlight.remove(attemptId);
    m_rotation.release(flight.phoneId, endedAtMs, answered);
    ++m_totals.ended;
    if (answered)
        ++m_totals.answered;

    RetryDecision decision = RetryPolicy::decide(m_batch.config, outcome, flight.attemptCount,
                                                 endedAtMs, m_window, flight.timeZones);
    if (!retryable) {
        // The carrier refused the number or destination itself; dialing it
        // again would be refused the same way.
        decision.retry = false;
        decision.finalStatus = CallStatus::Failed;
        decision.reason = reason;
    }
    if (decision.retry && (m_stopping || m_batch.status == BatchStatus::Stopped)) {
        decision.retry = false;
        decision.finalStatus = outcome == CallOutcome::Busy       ? CallStatus::Busy
                               : outcome == CallOutcome::NoAnswer ? CallStatus::NoAnswer
                               : outcome == CallOutcome::Machine  ? CallStatus::Completed
                                                                  : CallStatus::Failed;
    }

    if (decision.retry) {
        if (Result<void> saved = m_journal.finishCall(flight.callId, CallStatus::Pending,
                                                      decision.dueAtMs, outcome, QString());
            !saved) {
            return saved;
        }
        moveCount(flight.status, CallStatus::Pending);
        m_nextFetchMs = m_nextFetchMs < 0 ? decision.dueAtMs
                                          : std::min(m_nextFetchMs, decision.dueAtMs);
        return m_journal.outbox().attemptFinished(m_batch.id, attemptId);
    }

    const QString skipReason = decision.finalStatus == CallStatus::Completed ? QString()
                                                                             : decision.reason;
    if (Result<void> saved = m_journal.finishCall(flight.callId, decision.finalStatus, std::nullopt,
                                                  outcome, skipReason);
        !saved) {
        return saved;
    }
    moveCount(flight.status, decision.finalStatus);
    return m_journal.outbox().attemptFinished(m_batch.id, attemptId);
}

void BatchRun::moveCount(CallStatus from, CallStatus to)
{
    --m_counts[std::size_t(from)];
    ++m_counts[std::size_t(to)];
}

void BatchRun::pause()
{
    setStatus(BatchStatus::Paused, tr("Paused by the operator; calls in progress finish."));
}

void BatchRun::resume(qint64 nowMs)
{
    setStatus(BatchStatus::Running, QString());
    m_nextFetchMs = 0;
    // A fresh bucket: after the clock was set back, the old one would give no
    // token until the clock passed the last instant it saw again.
    m_bucket = TokenBucket(m_bucket.rate(), m_bucket.burst());
    updateQueuedState(nowMs);
}

Result<void> BatchRun::stop()
{
    m_stopping = true;
    Result<qint64> cancelled = m_journal.cancelPendingCalls(
        m_batch.id, tr("The batch was stopped before this call was dialed."));
    if (!cancelled)
        return cancelled.error();

    m_counts[std::size_t(CallStatus::Cancelled)] += m_counts[std::size_t(CallStatus::Pending)]
                                                    + m_counts[std::size_t(CallStatus::WaitingForWindow)];
    m_counts[std::size_t(CallStatus::Pending)] = 0;
    m_counts[std::size_t(CallStatus::WaitingForWindow)] = 0;
    m_queue.clear();
    m_queuedIds.clear();
    m_nextFetchMs = -1;
    setStatus(BatchStatus::Stopped, tr("Stopped by the operator."));
    return {};
}

void BatchRun::setStatus(BatchStatus status, const QString &reason)
{
    m_batch.status = status;
    m_batch.statusReason = reason;
}

bool BatchRun::updateQueuedState(qint64 nowMs)
{
    const bool active = m_batch.status == BatchStatus::Running
                        || m_batch.status == BatchStatus::Queued;
    if (!active)
        return false;

    const bool idle = m_inFlight.isEmpty() && m_queue.empty();
    const bool waitingForWindow = idle && m_counts[std::size_t(CallStatus::WaitingForWindow)] > 0
                                  && m_nextFetchMs > nowMs;
    m_nextWindowOpeningMs = waitingForWindow ? m_nextFetchMs : -1;

    const BatchStatus wanted = waitingForWindow ? BatchStatus::Queued : BatchStatus::Running;
    if (wanted == m_batch.status)
        return false;

    const QString reason = waitingForWindow
                               ? tr("Waiting for the calling window to open at %1.")
                                     .arg(isoTime(m_nextFetchMs))
                               : QString();
    setStatus(wanted, reason);
    return true;
}

std::optional<qint64> BatchRun::nextWakeMs(qint64 nowMs) const
{
    const bool dialing = m_batch.status == BatchStatus::Running
                         || m_batch.status == BatchStatus::Queued;
    if (!dialing || m_stopping)
        return std::nullopt;
    if (m_inFlight.size() >= m_batch.config.maxConcurrentCalls)
        return std::nullopt;

    if (m_queue.empty()) {
        if (m_nextFetchMs < 0)
            return std::nullopt;
        return std::max(m_nextFetchMs, nowMs);
    }

    qint64 wake = m_bucket.nextAvailableMs(nowMs);
    const qint64 callerFree = m_rotation.nextAvailableMs(nowMs);
    if (callerFree < 0)
        return std::nullopt;
    return std::max({wake, callerFree, nowMs});
}

BatchProgress BatchRun::progress(qint64 nowMs) const
{
    BatchProgress progress;
    progress.batchId = m_batch.id;
    progress.name = m_batch.name;
    progress.status = m_batch.status;
    progress.statusReason = m_batch.statusReason;
    progress.sessionId = m_batch.sessionId;
    progress.nowMs = nowMs;
    progress.counts = m_counts;
    for (int i = 0; i < CallStatusCount; ++i) {
        progress.totalCalls += m_counts[std::size_t(i)];
        if (isFinal(CallStatus(i)))
            progress.finishedCalls += m_counts[std::size_t(i)];
    }
    progress.attempts = m_totals.attempts;
    progress.answeredAttempts = m_totals.answered;
    progress.endedAttempts = m_totals.ended;
    progress.answerRate = m_totals.ended > 0 ? double(m_totals.answered) / double(m_totals.ended)
                                             : 0.0;
    progress.averageTalkSeconds = m_totals.answered > 0
                                      ? double(m_totals.talkSeconds) / double(m_totals.answered)
                                      : 0.0;
    progress.cost = m_totals.cost;

    const qint64 minuteAgo = nowMs - 60'000;
    progress.callsPerMinute = double(std::count_if(m_recentDialsMs.cbegin(), m_recentDialsMs.cend(),
                                                   [minuteAgo](qint64 ms) { return ms > minuteAgo; }));

    const qint64 finishedThisRun = progress.finishedCalls - m_finishedAtRunStart;
    const qint64 remaining = progress.totalCalls - progress.finishedCalls;
    const qint64 elapsed = nowMs - m_runStartedMs;
    if (remaining == 0) {
        progress.etaMs = nowMs;
    } else if (finishedThisRun > 0 && elapsed > 0) {
        progress.etaMs = nowMs + qint64(double(elapsed) * double(remaining) / double(finishedThisRun));
    }
    progress.nextWindowOpeningMs = m_nextWindowOpeningMs;

    progress.inFlightCount = int(m_inFlight.size());
    QList<std::pair<qint64, qint64>> oldest;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        oldest.append({it->sinceMs, it.key()});
    std::sort(oldest.begin(), oldest.end());
    for (qsizetype i = 0; i < std::min<qsizetype>(oldest.size(), SnapshotInFlightLimit); ++i) {
        const InFlight &flight = m_inFlight[oldest[i].second];
        progress.inFlight.append({flight.callId, oldest[i].second, flight.attemptNumber,
                                  flight.e164, flight.callerE164, flight.status, flight.sinceMs});
    }

    for (const CallerUsage &usage : m_rotation.usage(nowMs)) {
        progress.callerNumbers.append({usage.phoneId, usage.e164, usage.label, usage.callsToday,
                                       usage.answered, usage.ended, usage.lastUsedMs, usage.inCall,
                                       usage.resting, usage.capReached});
    }

    progress.startedAtMs = m_batch.startedAt.isValid() ? m_batch.startedAt.toMSecsSinceEpoch() : -1;
    progress.finishedAtMs = m_batch.finishedAt.isValid() ? m_batch.finishedAt.toMSecsSinceEpoch()
                                                         : -1;
    return progress;
}

} // namespace Dialdeck
