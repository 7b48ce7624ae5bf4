#include "engine.h"

#include "batchrun.h"
#include "carrier/plivocarrier.h"
#include "carrier/simulatedcarrier.h"
#include "core/ids.h"
#include "core/logging.h"
#include "core/virtualclock.h"
#include "import/callwriter.h"
#include "journal.h"
#include "leaseowner.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/donotcallrepository.h"
#include "store/phonerepository.h"
#include "store/sqlsupport.h"
#include "store/userrepository.h"

#include <QPromise>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUuid>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Carrier events and dials handled per tick, so commands posted to the
// engine's thread are never kept waiting behind a long backlog.
constexpr int MaxDialsPerTick = 2000;
// When the clock may skip ahead, it moves at least this much engine time per
// idle tick, so a fast simulation applies the events of five seconds in one
// transaction. Events keep their own timestamps; only the dialing decisions
// are grouped, and pacing still averages to the configured rate.
constexpr qint64 FastForwardQuantumMs = 5000;
// Wall-clock interval between ticks when the clock runs in real (or scaled) time.
constexpr int RealTimeTickMs = 10;
// A batch lease lasts this long unless its engine renews it (wall clock).
constexpr qint64 LeaseDurationMs = 30'000;
constexpr int LeaseRenewalMs = 10'000;

CommandResult failure(const QString &batchId, const QString &code, const QString &message)
{
    CommandResult result;
    result.batchId = batchId;
    result.errorCode = code;
    result.errorMessage = message;
    return result;
}

CommandResult failure(const QString &batchId, const Error &error)
{
    return failure(batchId, error.code, error.message);
}

// Deletes the calls of a batch that has no attempts and inserts `calls` as
// pending calls. The caller owns the transaction.
Result<void> replaceCalls(QSqlDatabase db, const QString &batchId, const QList<CallRecord> &calls)
{
    QSqlQuery query(db);
    query.prepare(u"DELETE FROM calls WHERE batch_id = ?"_s);
    query.addBindValue(batchId);
    if (!query.exec()) {
        return Error{u"store_failed"_s, Engine::tr("Could not delete the calls of batch %1: %2")
                                            .arg(batchId, query.lastError().text())};
    }

    CallWriter writer(db);
    if (Result<void> prepared = writer.prepare(batchId); !prepared)
        return prepared;
    for (const CallRecord &call : calls) {
        if (Result<void> inserted = writer.insert(call); !inserted)
            return inserted;
    }
    qCInfo(lcDialer) << "Replaced the calls of batch" << batchId << "with" << calls.size()
                     << "calls from the start request";
    return {};
}

CommandResult success(const BatchRun &run)
{
    CommandResult result;
    result.batchId = run.batchId();
    result.status = run.status();
    result.sessionId = run.batch().sessionId;
    return result;
}

} // namespace

Engine::Engine(EngineSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    qRegisterMetaType<Dialdeck::ProgressSnapshot>();
    qRegisterMetaType<Dialdeck::BatchStatus>();

    if (m_settings.ownerName.isEmpty())
        m_settings.ownerName = u"engine-%1"_s.arg(QUuid::createUuid().toString(QUuid::WithoutBraces));

    m_tickTimer.setSingleShot(true);
    connect(&m_tickTimer, &QTimer::timeout, this, &Engine::tick);
    m_snapshotTimer.setInterval(m_settings.snapshotIntervalMs);
    connect(&m_snapshotTimer, &QTimer::timeout, this, &Engine::publishSnapshot);
    m_leaseTimer.setInterval(LeaseRenewalMs);
    connect(&m_leaseTimer, &QTimer::timeout, this, &Engine::renewLeases);
}

Engine::~Engine() = default;

void Engine::open()
{
    Result<Connection> connection = Connection::openSqlite(m_settings.storePath, u"engine"_s);
    if (!connection) {
        qCWarning(lcDialer).noquote() << connection.error().message;
        Q_EMIT openFailed(connection.error().message);
        return;
    }
    m_connection = std::make_unique<Connection>(std::move(connection).value());
    m_journal = std::make_unique<Journal>(m_connection->database());
    m_journal->setOutboxCommittedHandler([this] { Q_EMIT outboxWritten(); });

    // Checkpoint the WAL every 10,000 pages (40 MiB) instead of SQLite's 1,000:
    // the engine commits often, and each checkpoint costs an fsync.
    QSqlQuery pragma(m_connection->database());
    if (!pragma.exec(u"PRAGMA wal_autocheckpoint = 10000"_s))
        qCWarning(lcDialer) << "Could not set the WAL checkpoint interval";
    // SQLite gathers the RETURNING rows of the multi-row event inserts in a
    // temporary table before it returns the first one. Kept in memory, that
    // table adds no file writes.
    if (!pragma.exec(u"PRAGMA temp_store = MEMORY"_s))
        qCWarning(lcDialer) << "Could not keep the store's temporary tables in memory";

    const qint64 startMs = m_settings.clockStartMs >= 0 ? m_settings.clockStartMs
                                                        : QDateTime::currentMSecsSinceEpoch();
    if (m_settings.makeClock)
        m_clock = m_settings.makeClock();
    else if (m_settings.clockSpeed == 1.0 && m_settings.clockStartMs < 0)
        m_clock = std::make_unique<SystemClock>();
    else
        m_clock = std::make_unique<VirtualClock>(startMs, m_settings.clockSpeed);

    if (m_settings.carrier == u"plivo") {
        if (Result<void> valid = m_settings.plivo.validate(); !valid) {
            qCWarning(lcDialer).noquote() << valid.error().message;
            Q_EMIT openFailed(valid.error().message);
            return;
        }
        m_carrier = std::make_unique<PlivoCarrier>(m_settings.plivo, *m_clock);
    } else {
        m_carrier = std::make_unique<SimulatedCarrier>(m_settings.simulation, *m_clock);
    }
    connect(m_carrier.get(), &Carrier::eventReceived, this, [this](const CarrierEvent &event) {
        m_pendingEvents.push_back(event);
        if (!m_tickTimer.isActive())
            m_tickTimer.start(0);
    });
    connect(m_carrier.get(), &Carrier::dialRejected, this, [this](const CarrierError &error) {
        m_pendingRejections.push_back(error);
        if (!m_tickTimer.isActive())
            m_tickTimer.start(0);
    });
    connect(m_carrier.get(), &Carrier::attemptUnknown, this, [this](qint64 attemptId) {
        CarrierError error;
        error.attemptId = attemptId;
        error.severity = CarrierError::Severity::Failed;
        m_unknownAttempts.push_back(attemptId);
        if (!m_tickTimer.isActive())
            m_tickTimer.start(0);
    });

    m_open = true;
    m_snapshotTimer.start();
    m_leaseTimer.start();
    qCInfo(lcDialer).noquote() << "Engine opened store" << m_settings.storePath << "with"
                               << m_carrier->name();
    Q_EMIT opened();
}

void Engine::shutDown()
{
    m_tickTimer.stop();
    m_snapshotTimer.stop();
    m_leaseTimer.stop();
    if (m_journal) {
        for (const auto &[batchId, run] : m_runs)
            (void)m_journal->releaseLease(batchId, m_settings.ownerName);
    }
    m_runs.clear();
    releaseCommitWaiters(false);
    m_journal.reset();
    m_carrier.reset();
    m_connection.reset();
    m_open = false;
}

QFuture<CommandResult> Engine::post(std::function<CommandResult()> command)
{
    auto promise = std::make_shared<QPromise<CommandResult>>();
    QFuture<CommandResult> future = promise->future();
    promise->start();

    QMetaObject::invokeMethod(this, [promise, command = std::move(command)]() {
        promise->addResult(command());
        promise->finish();
    }, Qt::QueuedConnection);
    return future;
}

QFuture<CommandResult> Engine::requestStart(StartRequest request)
{
    return post([this, request = std::move(request)] { return start(request); });
}

QFuture<CommandResult> Engine::requestPause(const QString &batchId)
{
    return post([this, batchId] { return pause(batchId); });
}

QFuture<CommandResult> Engine::requestResume(const QString &batchId)
{
    return post([this, batchId] { return resume(batchId); });
}

QFuture<CommandResult> Engine::requestStop(const QString &batchId)
{
    return post([this, batchId] { return stop(batchId); });
}

QFuture<bool> Engine::requestCarrierEvent(const CarrierEvent &event,
                                          std::optional<RelayCursor> cursor)
{
    auto promise = std::make_shared<QPromise<bool>>();
    QFuture<bool> future = promise->future();
    promise->start();

    QMetaObject::invokeMethod(this, [this, promise, event, cursor]() {
        if (!m_open || !m_carrier) {
            promise->addResult(false);
            promise->finish();
            return;
        }
        m_commitWaiters.push_back(promise);
        if (cursor) {
            qint64 &pending = m_pendingCursors[cursor->channel];
            pending = std::max(pending, cursor->seq);
        }
        CarrierEvent arrived = event;
        if (arrived.atMs == 0)
            arrived.atMs = m_clock->nowMs();
        m_carrier->acceptCallback(arrived);
        if (!m_tickTimer.isActive())
            m_tickTimer.start(0);
    }, Qt::QueuedConnection);
    return future;
}

void Engine::releaseCommitWaiters(bool committed)
{
    for (const std::shared_ptr<QPromise<bool>> &waiter : std::exchange(m_commitWaiters, {})) {
        waiter->addResult(committed);
        waiter->finish();
    }
}

CommandResult Engine::start(const StartRequest &request)
{
    const QString &batchId = request.batchId;
    if (!m_open)
        return failure(batchId, u"store_failed"_s, tr("The dialing engine is not running: %1")
                                                       .arg(tr("its store could not be opened.")));
    if (batchId.isEmpty())
        return failure(batchId, u"invalid_argument"_s, tr("The batch id is missing."));
    if (!Ids::isValid(batchId)) {
        return failure(batchId, u"invalid_argument"_s,
                       tr("The batch id \"%1\" is not 24 lowercase hexadecimal digits.").arg(batchId));
    }
    if (!request.sessionId.isEmpty() && QUuid::fromString(request.sessionId).isNull()) {
        return failure(batchId, u"invalid_argument"_s,
                       tr("The session id \"%1\" is not a UUID.").arg(request.sessionId));
    }

    BatchRepository batches(m_connection->database());
    Result<std::optional<Batch>> found = batches.find(batchId);
    if (!found)
        return failure(batchId, found.error());
    if (!found->has_value())
        return failure(batchId, u"not_found"_s, tr("Batch %1 does not exist.").arg(batchId));
    Batch batch = std::move(found->value());

    if (!request.sessionId.isEmpty() && request.sessionId == batch.sessionId
        && batch.status != BatchStatus::Draft && batch.status != BatchStatus::Ready) {
        CommandResult result;
        result.batchId = batchId;
        result.status = batch.status;
        result.sessionId = batch.sessionId;
        result.alreadyStarted = true;
        return result;
    }

    if (Result<void> allowed = checkRequester(request, batch); !allowed)
        return failure(batchId, allowed.error());

    if (m_runs.count(batchId)) {
        return failure(batchId, u"conflict"_s,
                       tr("Batch %1 is already %2.").arg(batchId, toString(batch.status)));
    }
    if (Result<void> free = checkStartable(batch); !free)
        return failure(batchId, free.error());

    const QList<ConfigProblem> problems = batch.config.validate();
    if (!problems.isEmpty()) {
        return failure(batchId, u"unprocessable"_s,
                       tr("The settings of batch %1 are invalid: %2")
                           .arg(batchId, problems.first().message));
    }

    if (request.replacementCalls) {
        if (Result<void> replaceable = checkReplaceable(batch); !replaceable)
            return failure(batchId, replaceable.error());
    }

    Result<QList<Phone>> phones = resolvePhones(request, batch);
    if (!phones)
        return failure(batchId, phones.error());

    QString sessionId = request.sessionId;
    if (sessionId.isEmpty() && isActive(batch.status))
        sessionId = batch.sessionId;
    if (sessionId.isEmpty())
        sessionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return launch(std::move(batch), *phones, sessionId, request.replacementCalls);
}

Result<void> Engine::checkRequester(const StartRequest &request, const Batch &batch)
{
    if (request.userId.isEmpty())
        return {};

    UserRepository users(m_connection->database());
    Result<std::optional<User>> user = users.find(request.userId);
    if (!user)
        return user.error();
    if (!user->has_value()) {
        return Error{u"not_found"_s, tr("User %1 does not exist.").arg(request.userId)};
    }
    if (!user->value().canManageCalling) {
        return Error{u"forbidden"_s, tr("User %1 does not have the Calling Management permission; "
                                        "ask an administrator to grant it.")
                                         .arg(request.userId)};
    }
    if (batch.ownerUserId != request.userId) {
        return Error{u"unprocessable"_s, tr("User %1 does not own batch %2; start it as its owner.")
                                             .arg(request.userId, batch.id)};
    }
    return {};
}

Result<void> Engine::checkStartable(const Batch &batch)
{
    switch (batch.status) {
    case BatchStatus::Draft:
    case BatchStatus::Ready:
        return {};
    case BatchStatus::Completed:
    case BatchStatus::Stopped:
    case BatchStatus::Archived:
        return Error{u"conflict"_s, tr("Batch %1 is %2 and cannot be started again; duplicate it "
                                       "to call the same list again.")
                                        .arg(batch.id, toString(batch.status))};
    case BatchStatus::Queued:
    case BatchStatus::Running:
    case BatchStatus::Paused:
        break;
    }

    // An active batch whose engine stopped without a clean shutdown (a crash
    // or kill) is taken over once its lease has expired, or at once when its
    // owner was a process on this host that no longer exists.
    QSqlQuery query(m_connection->database());
    query.prepare(u"SELECT lease_owner, lease_expires_at FROM batches WHERE id = ?"_s);
    query.addBindValue(batch.id);
    if (!query.exec() || !query.next())
        return Error{u"store_failed"_s, tr("Could not read the lease of batch %1.").arg(batch.id)};

    const QString owner = query.value(0).toString();
    const qint64 expires = query.value(1).toLongLong();
    if (!owner.isEmpty() && expires > QDateTime::currentMSecsSinceEpoch()
        && !LeaseOwner::isGone(owner)) {
        return Error{u"conflict"_s, tr("Batch %1 is already %2 in another Dialdeck engine (%3).")
                                        .arg(batch.id, toString(batch.status), owner)};
    }
    qCInfo(lcDialer) << "Taking over batch" << batch.id << "left" << toString(batch.status)
                     << "by" << (owner.isEmpty() ? u"an earlier engine"_s : owner);
    return {};
}

Result<void> Engine::checkReplaceable(const Batch &batch)
{
    QSqlQuery query(m_connection->database());
    query.prepare(u"SELECT EXISTS (SELECT 1 FROM attempts WHERE batch_id = ?)"_s);
    query.addBindValue(batch.id);
    if (!query.exec() || !query.next())
        return Error{u"store_failed"_s, tr("Could not read the attempts of batch %1.").arg(batch.id)};
    if (query.value(0).toBool()) {
        return Error{u"conflict"_s, tr("Batch %1 has already dialed calls, so its calls cannot be "
                                       "replaced; start it without call data or create a new "
                                       "batch.")
                                        .arg(batch.id)};
    }
    return {};
}

Result<QList<Phone>> Engine::resolvePhones(const StartRequest &request, const Batch &batch)
{
    const QStringList ids = request.phoneIds.value_or(batch.phoneIds);
    if (ids.isEmpty()) {
        return Error{u"unprocessable"_s,
                     tr("Batch %1 has no caller numbers; add one with \"phones add\" and select it "
                        "for the batch, or pass phone ids.")
                         .arg(batch.id)};
    }

    PhoneRepository phoneRepository(m_connection->database());
    QList<Phone> phones;
    for (const QString &id : ids) {
        Result<std::optional<Phone>> phone = phoneRepository.find(id);
        if (!phone)
            return phone.error();
        if (!phone->has_value()) {
            return Error{u"unprocessable"_s,
                         tr("Caller number %1 does not exist; list them with \"phones list\".")
                             .arg(id)};
        }
        if (!phone->value().enabled) {
            return Error{u"unprocessable"_s,
                         tr("Caller number %1 (%2) is disabled; enable it or choose another.")
                             .arg(id, phone->value().e164)};
        }
        phones.append(phone->value());
    }
    return phones;
}

CommandResult Engine::launch(Batch batch, QList<Phone> phones, const QString &sessionId,
                             const std::optional<QList<CallRecord>> &replacementCalls)
{
    const QString batchId = batch.id;
    const qint64 nowMs = m_clock->nowMs();

    Result<QSet<QString>> doNotCall = DoNotCallRepository(m_connection->database()).all();
    if (!doNotCall)
        return failure(batchId, doNotCall.error());

    QStringList phoneIds;
    for (const Phone &phone : phones)
        phoneIds.append(phone.id);
    batch.phoneIds = phoneIds;
    batch.sessionId = sessionId;
    if (!batch.startedAt.isValid())
        batch.startedAt = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);

    auto run = std::make_unique<BatchRun>(batch, phones, *m_journal, *m_carrier);
    if (Result<void> begun = m_journal->begin(); !begun)
        return failure(batchId, begun.error());

    // Replacing the calls shares the transaction of the start, so a start
    // that fails below leaves the batch's old calls in place.
    Result<void> loaded = replacementCalls ? replaceCalls(m_connection->database(), batchId,
                                                          *replacementCalls)
                                           : Result<void>();
    if (loaded)
        loaded = run->load(nowMs, *doNotCall);
    const qint64 dialable = run->progress(nowMs).count(CallStatus::Pending)
                            + run->progress(nowMs).count(CallStatus::WaitingForWindow);
    if (loaded && dialable == 0 && run->inFlightAttemptIds().isEmpty()) {
        m_journal->rollback();
        return failure(batchId, u"unprocessable"_s,
                       tr("Batch %1 has no calls left to dial; import a list into it first.")
                           .arg(batchId));
    }

    BatchRepository batches(m_connection->database());
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    Result<void> saved = loaded;
    if (saved)
        saved = batches.setPhones(batchId, phoneIds);
    if (saved)
        saved = batches.setSessionId(batchId, sessionId);
    if (saved)
        saved = batches.setStatus(batchId, BatchStatus::Running, QString(), now);
    if (saved)
        saved = m_journal->outbox().batchStarted(run->progress(nowMs), nowMs);
    if (saved)
        saved = m_journal->claimLease(batchId, m_settings.ownerName,
                                      QDateTime::currentMSecsSinceEpoch() + LeaseDurationMs);
    if (saved)
        saved = m_journal->commit();
    if (!saved) {
        m_journal->rollback();
        return failure(batchId, saved.error());
    }

    run->setStatus(BatchStatus::Running, QString());
    claimStoredCallUuids(batchId, nowMs);
    run->askCarrierToReconcile();
    m_runs[batchId] = std::move(run);
    qCInfo(lcDialer) << "Started batch" << batchId << "session" << sessionId << "with"
                     << phones.size() << "caller numbers";
    Q_EMIT batchStatusChanged(batchId, BatchStatus::Running, QString());
    if (!m_tickTimer.isActive())
        m_tickTimer.start(0);

    CommandResult result;
    result.batchId = batchId;
    result.status = BatchStatus::Running;
    result.sessionId = sessionId;
    return result;
}

// Tells the carrier which calls already belong to attempts of this batch, so
// that a look-up for an open or uncertain attempt never takes an earlier
// attempt's call for its own. Only attempts from two hours before the oldest
// open one (or before now) count: a look-up matches calls that ended at most a
// minute before its attempt was journaled.
void Engine::claimStoredCallUuids(const QString &batchId, qint64 nowMs)
{
    constexpr qint64 ClaimWindowMs = 2 * 3600 * 1000;
    QSqlQuery query(m_connection->database());
    query.prepare(u"SELECT call_uuid FROM attempts WHERE batch_id = ? AND call_uuid IS NOT NULL "
                  "AND created_at >= MIN(?, COALESCE((SELECT MIN(created_at) FROM attempts "
                  "WHERE batch_id = ? AND state <> 'ended'), ?)) - ?"_s);
    query.addBindValue(batchId);
    query.addBindValue(nowMs);
    query.addBindValue(batchId);
    query.addBindValue(nowMs);
    query.addBindValue(ClaimWindowMs);
    if (!query.exec()) {
        qCWarning(lcDialer).noquote() << "Could not read the call uuids of batch" << batchId
                                      << "for the carrier's look-ups:" << query.lastError().text();
        return;
    }

    QStringList callUuids;
    while (query.next())
        callUuids.append(query.value(0).toString());
    m_carrier->claimCallUuids(callUuids);
}

CommandResult Engine::pause(const QString &batchId)
{
    const auto found = m_runs.find(batchId);
    if (found == m_runs.end()) {
        return failure(batchId, u"conflict"_s,
                       tr("Batch %1 is not running in this engine, so it cannot be paused.")
                           .arg(batchId));
    }

    BatchRun &run = *found->second;
    if (run.status() == BatchStatus::Paused || run.status() == BatchStatus::Stopped) {
        return failure(batchId, u"conflict"_s,
                       tr("Batch %1 is already %2.").arg(batchId, toString(run.status())));
    }

    run.pause();
    if (Result<void> saved = saveStatus(run); !saved)
        return failure(batchId, saved.error());

    return success(run);
}

CommandResult Engine::resume(const QString &batchId)
{
    const auto found = m_runs.find(batchId);
    if (found == m_runs.end()) {
        // A batch paused by an engine that has since exited resumes through a new start.
        StartRequest request;
        request.batchId = batchId;
        return start(request);
    }

    BatchRun &run = *found->second;
    if (run.status() != BatchStatus::Paused) {
        return failure(batchId, u"conflict"_s, tr("Batch %1 is %2, not paused.")
                                                   .arg(batchId, toString(run.status())));
    }

    run.resume(m_clock->nowMs());
    if (Result<void> saved = saveStatus(run); !saved)
        return failure(batchId, saved.error());
    if (!m_tickTimer.isActive())
        m_tickTimer.start(0);

    return success(run);
}

CommandResult Engine::stop(const QString &batchId)
{
    const auto found = m_runs.find(batchId);
    if (found == m_runs.end()) {
        return failure(batchId, u"conflict"_s,
                       tr("Batch %1 is not running in this engine, so it cannot be stopped.")
                           .arg(batchId));
    }

    BatchRun &run = *found->second;
    if (run.status() == BatchStatus::Stopped)
        return failure(batchId, u"conflict"_s, tr("Batch %1 is already stopped.").arg(batchId));

    Result<void> stopped = m_journal->begin();
    if (stopped)
        stopped = run.stop();
    if (stopped)
        stopped = m_journal->commit();
    if (!stopped) {
        m_journal->rollback();
        return failure(batchId, stopped.error());
    }
    if (Result<void> saved = saveStatus(run); !saved)
        return failure(batchId, saved.error());
    if (!m_tickTimer.isActive())
        m_tickTimer.start(0);

    return success(run);
}

Result<void> Engine::saveStatus(BatchRun &run)
{
    BatchRepository batches(m_connection->database());
    const QDateTime now = m_clock->now();
    // The webhook event and the status it reports are committed together.
    Result<void> saved = m_journal->begin();
    if (saved)
        saved = m_journal->outbox().batchStatusChanged(run.progress(now.toMSecsSinceEpoch()),
                                                       now.toMSecsSinceEpoch());
    if (saved)
        saved = batches.setStatus(run.batchId(), run.status(), run.statusReason(), now);
    if (saved)
        saved = m_journal->commit();
    if (!saved) {
        m_journal->rollback();
        return saved;
    }

    QString statusLine = u"Batch %1 is now %2"_s.arg(run.batchId(), toString(run.status()));
    if (!run.statusReason().isEmpty())
        statusLine += u". "_s + run.statusReason();
    qCInfo(lcDialer).noquote() << statusLine;
    Q_EMIT batchStatusChanged(run.batchId(), run.status(), run.statusReason());
    return {};
}

void Engine::tick()
{
    if (!m_open)
        return;

    const qint64 nowMs = m_clock->nowMs();
    if (const std::optional<qint64> jumpMs = m_clockGuard.check(*m_clock))
        pauseAfterClockJump(*jumpMs);
    m_carrier->advanceTo(nowMs);

    bool didWork = !m_pendingEvents.empty() || !m_pendingRejections.empty()
                   || !m_unknownAttempts.empty() || !m_pendingCursors.empty();
    bool mayDial = false;
    for (const auto &[batchId, run] : m_runs)
        mayDial = mayDial || run->mayDial(nowMs);
    if (!didWork && !mayDial) {
        updateRunStates(nowMs);
        scheduleNextTick(false);
        return;
    }

    Result<void> done = m_journal->begin();
    if (done)
        done = applyCarrierReports(nowMs);
    if (done)
        done = writeRelayCursors(nowMs);

    for (auto &[batchId, run] : m_runs) {
        if (!done)
            break;
        Result<bool> journaled = run->journalDueCalls(nowMs, MaxDialsPerTick);
        if (!journaled)
            done = journaled.error();
        else
            didWork = *journaled || didWork;
    }
    if (done)
        done = m_journal->commit();

    if (!done) {
        m_journal->rollback();
        haltAfterStoreFailure(done.error());
        return;
    }
    releaseCommitWaiters(true);
    // Saved after the tick's transaction, which has to commit first.
    for (const QString &batchId : std::exchange(m_pausedByCarrier, {})) {
        if (const auto paused = m_runs.find(batchId); paused != m_runs.end())
            (void)saveStatus(*paused->second);
    }

    // The attempts are durable now; only from here may the carrier dial them.
    if (m_afterJournalHook && !m_afterJournalHook()) {
        qCWarning(lcDialer) << "Tick abandoned after the journal by the test hook";
        return;
    }
    for (auto &[batchId, run] : m_runs)
        run->dialJournaled();

    updateRunStates(nowMs);
    scheduleNextTick(didWork);
}

Result<void> Engine::applyCarrierReports(qint64 nowMs)
{
    // Each run applies its share of the events in one pass, and the runs take
    // turns in the order of their first event.
    const std::vector<CarrierEvent> events = std::exchange(m_pendingEvents, {});
    std::vector<std::pair<BatchRun *, std::vector<const CarrierEvent *>>> eventsByRun;
    for (const CarrierEvent &event : events) {
        BatchRun *run = runOwning(event.attemptId);
        if (!run) {
            qCDebug(lcDialer) << "Dropped an event of attempt" << event.attemptId
                              << "that no running batch owns; it is reconciled when its batch runs";
            continue;
        }
        auto share = std::find_if(eventsByRun.begin(), eventsByRun.end(),
                                  [run](const auto &entry) { return entry.first == run; });
        if (share == eventsByRun.end())
            share = eventsByRun.insert(eventsByRun.end(), {run, {}});
        share->second.push_back(&event);
    }
    for (const auto &[run, runEvents] : eventsByRun) {
        if (Result<void> applied = run->applyEvents(runEvents); !applied)
            return applied;
    }

    const std::vector<CarrierError> rejections = std::exchange(m_pendingRejections, {});
    for (const CarrierError &error : rejections) {
        BatchRun *run = runOwning(error.attemptId);
        if (!run)
            continue;
        if (error.severity == CarrierError::Severity::Fatal) {
            run->setStatus(BatchStatus::Paused, error.message);
            m_pausedByCarrier.push_back(run->batchId());
            Q_EMIT operatorMessage(QtCriticalMsg, tr("Batch %1 paused: %2").arg(run->batchId(),
                                                                              error.message));
        }
        if (Result<void> applied = run->applyRejection(error, nowMs); !applied)
            return applied;
    }

    const std::vector<qint64> unknown = std::exchange(m_unknownAttempts, {});
    for (qint64 attemptId : unknown) {
        if (BatchRun *run = runOwning(attemptId)) {
            if (Result<void> applied = run->applyUnknownAttempt(attemptId, nowMs); !applied)
                return applied;
        }
    }
    return {};
}

Result<void> Engine::writeRelayCursors(qint64 nowMs)
{
    // A failed tick rolls back, so the cursors go with the events: the relay
    // then delivers those events again and they are applied then. The value
    // is replaced, not raised, so that a relay reset can move it back.
    const std::map<QString, qint64> cursors = std::exchange(m_pendingCursors, {});
    if (cursors.empty())
        return {};

    QSqlQuery query(m_connection->database());
    query.prepare(u"INSERT INTO relay_cursors (channel, seq, updated_at) VALUES (?, ?, ?) "
                  "ON CONFLICT (channel) DO UPDATE SET seq = excluded.seq, "
                  "updated_at = excluded.updated_at"_s);
    for (const auto &[channel, seq] : cursors) {
        query.bindValue(0, channel);
        query.bindValue(1, seq);
        query.bindValue(2, nowMs);
        if (!query.exec())
            return storeError(tr("Saving the position of relay channel %1").arg(channel),
                              query.lastError());
    }
    return {};
}

BatchRun *Engine::runOwning(qint64 attemptId) const
{
    for (const auto &[batchId, run] : m_runs) {
        if (run->ownsAttempt(attemptId))
            return run.get();
    }
    return nullptr;
}

void Engine::haltAfterStoreFailure(const Error &error)
{
    // Without a working journal nothing may be dialed: every run stops here
    // and its open attempts are reconciled when the batch is started again.
    const QString message = tr("Dialing stopped because the store failed: %1 Free disk space or "
                               "fix the store, then start the batch again.")
                                .arg(error.message);
    qCCritical(lcDialer).noquote() << message;
    Q_EMIT operatorMessage(QtCriticalMsg, message);

    std::vector<QString> ids;
    for (const auto &[batchId, run] : m_runs)
        ids.push_back(batchId);
    for (const QString &batchId : ids) {
        BatchRun &run = *m_runs[batchId];
        run.setStatus(BatchStatus::Paused, message);
        if (Result<void> saved = saveStatus(run); !saved) {
            // The store cannot record the pause, so saveStatus() did not
            // signal it; the console and the service still have to learn
            // that this engine stopped dialing the batch.
            Q_EMIT batchStatusChanged(batchId, BatchStatus::Paused, message);
        }
        (void)m_journal->releaseLease(batchId, m_settings.ownerName);
        m_runs.erase(batchId);
    }
    m_pendingEvents.clear();
    m_pendingRejections.clear();
    m_unknownAttempts.clear();
    releaseCommitWaiters(false);
}

// A clock that jumped makes every due time wrong: forwards, the whole gap's
// backlog would be due at once; backwards, calls could fall outside their
// window. Running and queued batches pause until an operator resumes them.
void Engine::pauseAfterClockJump(qint64 jumpMs)
{
    const QString message = ClockJumpGuard::describe(jumpMs);
    qCCritical(lcDialer).noquote() << "Clock jump of" << jumpMs << "ms:" << message;

    bool paused = false;
    for (auto &[batchId, run] : m_runs) {
        if (run->status() != BatchStatus::Running && run->status() != BatchStatus::Queued)
            continue;
        run->setStatus(BatchStatus::Paused, message);
        (void)saveStatus(*run);
        paused = true;
    }
    if (paused)
        Q_EMIT operatorMessage(QtCriticalMsg, message);
}

void Engine::updateRunStates(qint64 nowMs)
{
    std::vector<QString> finished;
    for (auto &[batchId, run] : m_runs) {
        if (run->isFinished()) {
            finished.push_back(batchId);
            continue;
        }
        if (run->updateQueuedState(nowMs))
            (void)saveStatus(*run);
    }
    for (const QString &batchId : finished)
        finishRun(batchId);
}

void Engine::finishRun(const QString &batchId)
{
    const auto found = m_runs.find(batchId);
    if (found == m_runs.end())
        return;

    BatchRun &run = *found->second;
    if (run.status() != BatchStatus::Stopped)
        run.setStatus(BatchStatus::Completed, QString());
    (void)saveStatus(run);
    (void)m_journal->releaseLease(batchId, m_settings.ownerName);

    const BatchStatus status = run.status();
    m_finishedProgress[batchId] = run.progress(m_clock->nowMs());
    m_runs.erase(found);
    publishSnapshot();
    qCInfo(lcDialer) << "Batch" << batchId << "finished as" << toString(status);
    Q_EMIT batchFinished(batchId, status);
}

void Engine::scheduleNextTick(bool didWork)
{
    const bool pendingReports = !m_pendingEvents.empty() || !m_pendingRejections.empty()
                                || !m_unknownAttempts.empty();
    if (m_runs.empty() && !pendingReports)
        return;

    if (!m_clock->canSkipAhead()) {
        m_tickTimer.start(didWork || pendingReports ? 0 : RealTimeTickMs);
        return;
    }
    if (didWork || pendingReports) {
        m_tickTimer.start(0);
        return;
    }

    const qint64 nowMs = m_clock->nowMs();
    std::optional<qint64> wake = m_carrier->nextEventMs();
    for (const auto &[batchId, run] : m_runs) {
        const std::optional<qint64> runWake = run->nextWakeMs(nowMs);
        if (runWake)
            wake = wake ? std::min(*wake, *runWake) : *runWake;
    }
    if (!wake)
        return;

    m_clock->skipTo(std::max(*wake, nowMs + FastForwardQuantumMs));
    m_tickTimer.start(0);
}

void Engine::publishSnapshot()
{
    if (!m_open)
        return;

    ProgressSnapshot snapshot;
    snapshot.takenAtMs = m_clock->nowMs();
    for (const auto &[batchId, run] : m_runs)
        snapshot.batches.append(run->progress(snapshot.takenAtMs));
    for (const BatchProgress &finished : std::as_const(m_finishedProgress))
        snapshot.batches.append(finished);
    Q_EMIT progressUpdated(snapshot);
}

void Engine::renewLeases()
{
    if (!m_journal)
        return;

    const qint64 until = QDateTime::currentMSecsSinceEpoch() + LeaseDurationMs;
    for (const auto &[batchId, run] : m_runs) {
        if (Result<void> renewed = m_journal->claimLease(batchId, m_settings.ownerName, until);
            !renewed) {
            Q_EMIT operatorMessage(QtWarningMsg, renewed.error().message);
        }
    }
}

} // namespace Dialdeck
