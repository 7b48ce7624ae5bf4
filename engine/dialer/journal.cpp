#include "journal.h"

#include "store/sqlsupport.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

} // namespace

Journal::Journal(QSqlDatabase db)
    : m_db(std::move(db))
    , m_insertAttempt(m_db, "INSERT INTO attempts (call_id, batch_id, attempt_number, "
                            "caller_phone_id, caller_e164, state, created_at, allowed_rule, "
                            "session_id) VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, NULLIF(?, ''))")
    , m_markCallDialing(m_db, "UPDATE calls SET status = 'dialing', attempt_count = ?, "
                              "next_due_at = NULL WHERE id = ?")
    , m_markCallWaiting(m_db, "UPDATE calls SET status = 'waiting_for_window', next_due_at = ? "
                              "WHERE id = ?")
    , m_markCallSkipped(m_db, "UPDATE calls SET status = 'skipped', skip_reason = ?, "
                              "next_due_at = NULL WHERE id = ?")
    , m_setCallStatus(m_db, "UPDATE calls SET status = ? WHERE id = ?")
    , m_finishCall(m_db, "UPDATE calls SET status = ?, next_due_at = ?, last_outcome = ?, "
                         "skip_reason = ? WHERE id = ?")
    , m_setRequestUuid(m_db, "UPDATE attempts SET request_uuid = ? WHERE id = ?")
    , m_setAttemptState(m_db, "UPDATE attempts SET state = ? WHERE id = ?")
    , m_recordEvent(m_db, "INSERT OR IGNORE INTO events (attempt_id, call_uuid, kind, received_at) "
                          "VALUES (?, ?, ?, ?)")
    , m_markRinging(m_db, "UPDATE attempts SET state = 'ringing', call_uuid = ?, ringing_at = ? "
                          "WHERE id = ? AND state IN ('dialing', 'reconciling')")
    , m_markAnswered(m_db, "UPDATE attempts SET state = 'in_progress', call_uuid = ?, "
                           "answered_at = ? WHERE id = ? AND state != 'ended'")
    , m_markMachine(m_db, "UPDATE attempts SET machine_result = ? WHERE id = ?")
    , m_markEnded(m_db, "UPDATE attempts SET state = 'ended', call_uuid = COALESCE(NULLIF(?, ''), "
                        "call_uuid), ended_at = ?, outcome = ?, hangup_cause = ?, ring_seconds = ?, "
                        "talk_seconds = ?, cost = ?, machine_result = COALESCE(NULLIF(?, ''), "
                        "machine_result) WHERE id = ? AND state != 'ended'")
    , m_outbox(m_db)
{
    // Two reads keep each one on the (batch_id, status, next_due_at) index in
    // index order, so a LIMIT stops early even on a million-call batch.
    m_fetchUndated = prepare(u"SELECT id, e164, time_zones, attempt_count, status FROM calls "
                             "WHERE batch_id = ? AND status = 'pending' AND next_due_at IS NULL "
                             "ORDER BY id LIMIT ?"_s);
    m_fetchDated = prepare(u"SELECT id, e164, time_zones, attempt_count, status FROM calls "
                           "WHERE batch_id = ? AND status = ? AND next_due_at <= ? "
                           "ORDER BY next_due_at, id LIMIT ?"_s);
}

QSqlQuery Journal::prepare(const QString &sql)
{
    QSqlQuery query(m_db);
    if (!query.prepare(sql))
        storeError(u"Preparing \"%1\""_s.arg(sql.left(60)), query.lastError());
    return query;
}

Result<void> Journal::begin()
{
    m_outbox.discardWritten();
    // Other connections write too (webhook deliveries, imports, the REST API),
    // so the journal takes the write lock first and waits for it if needed.
    return beginWriteTransaction(m_db, QObject::tr("Starting a journal transaction"));
}

Result<void> Journal::commit()
{
    if (!m_db.commit()) {
        const Error error = storeError(QObject::tr("Committing the journal"), m_db.lastError());
        rollback();
        return error;
    }
    if (m_outbox.takeWritten() && m_outboxCommitted)
        m_outboxCommitted();
    return {};
}

void Journal::rollback()
{
    m_outbox.discardWritten();
    m_db.rollback();
}

Result<QList<DueCall>> Journal::fetchDue(const QString &batchId, qint64 nowMs, int limit,
                                         const QSet<qint64> &exclude)
{
    QList<DueCall> calls;
    auto readRows = [&](QSqlQuery &query) {
        while (query.next() && calls.size() < limit) {
            const qint64 id = query.value(0).toLongLong();
            if (exclude.contains(id))
                continue;
            DueCall call;
            call.callId = id;
            call.e164 = query.value(1).toString();
            call.timeZones = splitTimeZones(query.value(2).toString());
            call.attemptCount = query.value(3).toInt();
            call.status = callStatusFromString(query.value(4).toString()).value_or(CallStatus::Pending);
            calls.append(std::move(call));
        }
        query.finish();
    };

    // Rows held in memory by the caller are skipped, so ask for that many more.
    const int window = limit + int(exclude.size());
    const QString what = QObject::tr("Reading the due calls of batch %1").arg(batchId);

    m_fetchUndated.addBindValue(batchId);
    m_fetchUndated.addBindValue(window);
    if (Result<void> done = execQuery(m_fetchUndated, what); !done)
        return done.error();
    readRows(m_fetchUndated);

    for (const char16_t *status : {u"pending", u"waiting_for_window"}) {
        if (calls.size() >= limit)
            break;
        m_fetchDated.addBindValue(batchId);
        m_fetchDated.addBindValue(QString::fromUtf16(status));
        m_fetchDated.addBindValue(nowMs);
        m_fetchDated.addBindValue(window);
        if (Result<void> done = execQuery(m_fetchDated, what); !done)
            return done.error();
        readRows(m_fetchDated);
    }
    return calls;
}

Result<std::optional<qint64>> Journal::nextDueMs(const QString &batchId)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT MIN(next_due_at) FROM calls WHERE batch_id = ? AND status = ?"_s);
    std::optional<qint64> earliest;
    for (const char16_t *status : {u"pending", u"waiting_for_window"}) {
        query.addBindValue(batchId);
        query.addBindValue(QString::fromUtf16(status));
        if (Result<void> done = execQuery(query, QObject::tr("Reading the next due call")); !done)
            return done.error();
        if (query.next() && !query.value(0).isNull()) {
            const qint64 due = query.value(0).toLongLong();
            earliest = earliest ? std::min(*earliest, due) : due;
        }
    }
    return earliest;
}

Result<QList<OpenAttempt>> Journal::openAttempts(const QString &batchId)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT a.id, a.call_id, a.attempt_number, a.caller_phone_id, a.caller_e164, "
                  "a.request_uuid, a.call_uuid, a.state, a.created_at, c.e164, c.time_zones, "
                  "c.attempt_count FROM attempts a JOIN calls c ON c.id = a.call_id "
                  "WHERE a.batch_id = ? AND a.state != 'ended' ORDER BY a.id"_s);
    query.addBindValue(batchId);
    if (Result<void> done = execQuery(query, QObject::tr("Reading the open attempts of batch %1")
                                                  .arg(batchId));
        !done) {
        return done.error();
    }

    QList<OpenAttempt> attempts;
    while (query.next()) {
        OpenAttempt attempt;
        attempt.attemptId = query.value(0).toLongLong();
        attempt.callId = query.value(1).toLongLong();
        attempt.attemptNumber = query.value(2).toInt();
        attempt.callerPhoneId = query.value(3).toString();
        attempt.callerE164 = query.value(4).toString();
        attempt.requestUuid = query.value(5).toString();
        attempt.callUuid = query.value(6).toString();
        attempt.state = attemptStateFromString(query.value(7).toString())
                            .value_or(AttemptState::Dialing);
        attempt.createdAtMs = query.value(8).toLongLong();
        attempt.e164 = query.value(9).toString();
        attempt.timeZones = splitTimeZones(query.value(10).toString());
        attempt.attemptCount = query.value(11).toInt();
        attempts.append(attempt);
    }
    return attempts;
}

Result<AttemptTotals> Journal::attemptTotals(const QString &batchId)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT COUNT(*), SUM(state = 'ended'), SUM(outcome = 'answered'), "
                  "COALESCE(SUM(CASE WHEN outcome = 'answered' THEN talk_seconds END), 0), "
                  "COALESCE(SUM(cost), 0) FROM attempts WHERE batch_id = ?"_s);
    query.addBindValue(batchId);
    if (Result<void> done = execQuery(query, QObject::tr("Summing the attempts of batch %1")
                                                  .arg(batchId));
        !done) {
        return done.error();
    }

    AttemptTotals totals;
    if (query.next()) {
        totals.attempts = query.value(0).toLongLong();
        totals.ended = query.value(1).toLongLong();
        totals.answered = query.value(2).toLongLong();
        totals.talkSeconds = query.value(3).toLongLong();
        totals.cost = query.value(4).toDouble();
    }
    return totals;
}

Result<QHash<QString, std::pair<int, qint64>>> Journal::callerUsageSince(qint64 sinceMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT caller_phone_id, SUM(created_at >= ?), MAX(created_at) FROM attempts "
                  "WHERE caller_phone_id IS NOT NULL GROUP BY caller_phone_id"_s);
    query.addBindValue(sinceMs);
    if (Result<void> done = execQuery(query, QObject::tr("Reading caller-number usage")); !done)
        return done.error();

    QHash<QString, std::pair<int, qint64>> usage;
    while (query.next())
        usage.insert(query.value(0).toString(), {query.value(1).toInt(), query.value(2).toLongLong()});
    return usage;
}

Result<qint64> Journal::insertAttempt(const Attempt &attempt)
{
    m_insertAttempt.bind(1, attempt.callId);
    m_insertAttempt.bind(2, attempt.batchId);
    m_insertAttempt.bind(3, qint64(attempt.attemptNumber));
    m_insertAttempt.bind(4, attempt.callerPhoneId);
    m_insertAttempt.bind(5, attempt.callerE164);
    m_insertAttempt.bind(6, toString(attempt.state));
    m_insertAttempt.bind(7, attempt.createdAt.toMSecsSinceEpoch());
    m_insertAttempt.bind(8, attempt.allowedRule);
    m_insertAttempt.bind(9, attempt.sessionId);
    if (Result<void> done = m_insertAttempt.execute("Journaling an attempt of call %1",
                                                    attempt.callId);
        !done) {
        return done.error();
    }
    return m_insertAttempt.lastInsertRowId();
}

Result<void> Journal::markCallDialing(qint64 callId, int attemptCount)
{
    m_markCallDialing.bind(1, qint64(attemptCount));
    m_markCallDialing.bind(2, callId);
    return m_markCallDialing.execute("Marking call %1 as dialing", callId);
}

Result<void> Journal::markCallWaiting(qint64 callId, qint64 nextOpeningMs)
{
    m_markCallWaiting.bind(1, nextOpeningMs);
    m_markCallWaiting.bind(2, callId);
    return m_markCallWaiting.execute("Marking call %1 as waiting", callId);
}

Result<void> Journal::markCallSkipped(qint64 callId, const QString &reason)
{
    m_markCallSkipped.bind(1, reason);
    m_markCallSkipped.bind(2, callId);
    return m_markCallSkipped.execute("Skipping call %1", callId);
}

Result<void> Journal::setCallStatus(qint64 callId, CallStatus status)
{
    m_setCallStatus.bind(1, toString(status));
    m_setCallStatus.bind(2, callId);
    return m_setCallStatus.execute("Saving the status of call %1", callId);
}

Result<void> Journal::finishCall(qint64 callId, CallStatus status, std::optional<qint64> nextDueMs,
                                 CallOutcome outcome, const QString &skipReason)
{
    m_finishCall.bind(1, toString(status));
    if (nextDueMs)
        m_finishCall.bind(2, *nextDueMs);
    else
        m_finishCall.bindNull(2);
    m_finishCall.bind(3, toString(outcome));
    m_finishCall.bind(4, skipReason);
    m_finishCall.bind(5, callId);
    return m_finishCall.execute("Saving the outcome of call %1", callId);
}

Result<qint64> Journal::cancelPendingCalls(const QString &batchId, const QString &reason)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE calls SET status = 'cancelled', skip_reason = ?, next_due_at = NULL "
                  "WHERE batch_id = ? AND status IN ('pending', 'waiting_for_window')"_s);
    query.addBindValue(reason);
    query.addBindValue(batchId);
    if (Result<void> done = execQuery(query, QObject::tr("Cancelling the pending calls of batch %1")
                                                  .arg(batchId));
        !done) {
        return done.error();
    }
    return qint64(query.numRowsAffected());
}

Result<void> Journal::setRequestUuid(qint64 attemptId, const QString &requestUuid)
{
    m_setRequestUuid.bind(1, requestUuid);
    m_setRequestUuid.bind(2, attemptId);
    return m_setRequestUuid.execute("Saving the request id of attempt %1", attemptId);
}

Result<void> Journal::setAttemptState(qint64 attemptId, AttemptState state)
{
    m_setAttemptState.bind(1, toString(state));
    m_setAttemptState.bind(2, attemptId);
    return m_setAttemptState.execute("Saving the state of attempt %1", attemptId);
}

Result<bool> Journal::recordEvent(const CarrierEvent &event)
{
    m_recordEvent.bind(1, event.attemptId);
    m_recordEvent.bind(2, event.callUuid);
    m_recordEvent.bind(3, toString(event.kind));
    m_recordEvent.bind(4, event.atMs);
    if (Result<void> done = m_recordEvent.execute("Recording an event of attempt %1",
                                                  event.attemptId);
        !done) {
        return done.error();
    }
    return m_recordEvent.changes() > 0;
}

Result<void> Journal::markRinging(const CarrierEvent &event)
{
    m_markRinging.bind(1, event.callUuid);
    m_markRinging.bind(2, event.atMs);
    m_markRinging.bind(3, event.attemptId);
    return m_markRinging.execute("Marking attempt %1 as ringing", event.attemptId);
}

Result<void> Journal::markAnswered(const CarrierEvent &event)
{
    m_markAnswered.bind(1, event.callUuid);
    m_markAnswered.bind(2, event.atMs);
    m_markAnswered.bind(3, event.attemptId);
    return m_markAnswered.execute("Marking attempt %1 as answered", event.attemptId);
}

Result<void> Journal::markMachine(const CarrierEvent &event)
{
    m_markMachine.bind(1, event.machineResult);
    m_markMachine.bind(2, event.attemptId);
    return m_markMachine.execute("Saving machine detection of attempt %1", event.attemptId);
}

Result<void> Journal::markEnded(const CarrierEvent &event, CallOutcome outcome)
{
    m_markEnded.bind(1, event.callUuid);
    m_markEnded.bind(2, event.atMs);
    m_markEnded.bind(3, toString(outcome));
    m_markEnded.bind(4, event.hangupCause);
    m_markEnded.bind(5, qint64(event.ringSeconds));
    m_markEnded.bind(6, qint64(event.talkSeconds));
    m_markEnded.bind(7, event.cost);
    m_markEnded.bind(8, event.machineResult);
    m_markEnded.bind(9, event.attemptId);
    return m_markEnded.execute("Saving the end of attempt %1", event.attemptId);
}

Result<void> Journal::claimLease(const QString &batchId, const QString &owner, qint64 untilMs)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE batches SET lease_owner = ?, lease_expires_at = ? WHERE id = ?"_s);
    query.addBindValue(owner);
    query.addBindValue(untilMs);
    query.addBindValue(batchId);
    return execQuery(query, QObject::tr("Renewing the lease of batch %1").arg(batchId));
}

Result<void> Journal::releaseLease(const QString &batchId, const QString &owner)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE batches SET lease_owner = NULL, lease_expires_at = NULL "
                  "WHERE id = ? AND lease_owner = ?"_s);
    query.addBindValue(batchId);
    query.addBindValue(owner);
    return execQuery(query, QObject::tr("Releasing the lease of batch %1").arg(batchId));
}

} // namespace Dialdeck
