#include "journal.h"

#include "store/sqlsupport.h"

#include <QCoreApplication>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <array>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// The optional columns of an AttemptUpdate, in the order of AttemptColumns.
enum class AttemptColumn : quint32
{
    RequestUuid,
    CallUuid,
    RingingAt,
    AnsweredAt,
    MachineResult,
    EndedAt,
    Outcome,
    HangupCause,
    RingSeconds,
    TalkSeconds,
    Cost,
};

constexpr std::array<const char *, 11> AttemptColumns = {
    "request_uuid", "call_uuid",  "ringing_at",   "answered_at",  "machine_result", "ended_at",
    "outcome",      "hangup_cause", "ring_seconds", "talk_seconds", "cost",
};

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
    , m_setAttemptState(m_db, "UPDATE attempts SET state = ? WHERE id = ?")
    // RETURNING lists only the inserted rows, so it leaves out the duplicates
    // that the unique (call_uuid, kind) index rejects. 64 rows take 256
    // parameters, well below SQLite's limit of 32,766.
    , m_recordEvents(m_db,
                     "INSERT OR IGNORE INTO events (attempt_id, call_uuid, kind, received_at) "
                     "VALUES ",
                     "(?, ?, ?, ?)", " RETURNING call_uuid, kind", 64)
    // Two reads keep each one on the (batch_id, status, next_due_at) index in
    // index order, so a LIMIT stops early even on a million-call batch.
    , m_fetchUndated(m_db, "SELECT id, e164, time_zones, attempt_count, status FROM calls "
                           "WHERE batch_id = ? AND status = 'pending' AND next_due_at IS NULL "
                           "ORDER BY id LIMIT ?")
    , m_fetchDated(m_db, "SELECT id, e164, time_zones, attempt_count, status FROM calls "
                         "WHERE batch_id = ? AND status = ? AND next_due_at <= ? "
                         "ORDER BY next_due_at, id LIMIT ?")
    , m_nextDue(m_db, "SELECT MIN(next_due_at) FROM calls WHERE batch_id = ? AND status = ?")
    , m_outbox(m_db)
{
}

Result<void> Journal::begin()
{
    m_outbox.discardWritten();
    // Other connections write too (webhook deliveries, imports, the REST API),
    // so the journal takes the write lock first and waits for it if needed.
    Result<void> begun = beginWriteTransaction(m_db, QObject::tr("Starting a journal transaction"));
    if (begun)
        m_outbox.beginTransaction();
    return begun;
}

Result<void> Journal::commit()
{
    if (!m_db.commit()) {
        const Error error = storeError(QObject::tr("Committing the journal"), m_db.lastError());
        rollback();
        return error;
    }
    m_outbox.endTransaction();
    if (m_outbox.takeWritten() && m_outboxCommitted)
        m_outboxCommitted();
    return {};
}

void Journal::rollback()
{
    m_outbox.discardWritten();
    m_outbox.endTransaction();
    m_db.rollback();
}

Result<QList<DueCall>> Journal::fetchDue(const QString &batchId, qint64 nowMs, int limit,
                                         const QSet<qint64> &exclude)
{
    QList<DueCall> calls;
    const char *operationText = "Reading the due calls of batch %1";
    // Reads every row, so the statement ends reset even when `limit` is reached early.
    auto readRows = [&](SqliteStatement &query) -> Result<void> {
        while (true) {
            Result<bool> row = query.nextRow(operationText, batchId);
            if (!row)
                return row.error();
            if (!*row)
                return {};

            const qint64 id = query.columnInt64(0);
            if (calls.size() >= limit || exclude.contains(id))
                continue;
            DueCall call;
            call.callId = id;
            call.e164 = query.columnText(1);
            call.timeZones = splitTimeZones(query.columnText(2));
            call.attemptCount = int(query.columnInt64(3));
            call.status = callStatusFromString(query.columnText(4)).value_or(CallStatus::Pending);
            calls.append(std::move(call));
        }
    };

    // Rows held in memory by the caller are skipped, so ask for that many more.
    const qint64 window = limit + qint64(exclude.size());

    m_fetchUndated.bind(1, batchId);
    m_fetchUndated.bind(2, window);
    if (Result<void> done = readRows(m_fetchUndated); !done)
        return done.error();

    for (const char16_t *status : {u"pending", u"waiting_for_window"}) {
        if (calls.size() >= limit)
            break;
        m_fetchDated.bind(1, batchId);
        m_fetchDated.bind(2, QString::fromUtf16(status));
        m_fetchDated.bind(3, nowMs);
        m_fetchDated.bind(4, window);
        if (Result<void> done = readRows(m_fetchDated); !done)
            return done.error();
    }
    return calls;
}

Result<std::optional<qint64>> Journal::nextDueMs(const QString &batchId)
{
    std::optional<qint64> earliest;
    for (const char16_t *status : {u"pending", u"waiting_for_window"}) {
        m_nextDue.bind(1, batchId);
        m_nextDue.bind(2, QString::fromUtf16(status));
        while (true) {
            Result<bool> row = m_nextDue.nextRow("Reading the next due call of batch %1", batchId);
            if (!row)
                return row.error();
            if (!*row)
                break;
            if (m_nextDue.columnIsNull(0))
                continue;
            const qint64 due = m_nextDue.columnInt64(0);
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

Result<void> Journal::setAttemptState(qint64 attemptId, AttemptState state)
{
    m_setAttemptState.bind(1, toString(state));
    m_setAttemptState.bind(2, attemptId);
    return m_setAttemptState.execute("Saving the state of attempt %1", attemptId);
}

Result<std::vector<bool>> Journal::recordEvents(const std::vector<const CarrierEvent *> &events)
{
    const std::size_t eventsPerStatement = std::size_t(m_recordEvents.maxRows());
    std::vector<bool> fresh(events.size(), false);

    for (std::size_t first = 0; first < events.size(); first += eventsPerStatement) {
        const std::size_t count = std::min(eventsPerStatement, events.size() - first);
        SqliteStatement &insert = m_recordEvents.forRows(int(count));
        for (std::size_t i = 0; i < count; ++i) {
            const CarrierEvent &event = *events[first + i];
            const int column = int(4 * i);
            insert.bind(column + 1, event.attemptId);
            insert.bind(column + 2, event.callUuid);
            insert.bind(column + 3, toString(event.kind));
            insert.bind(column + 4, event.atMs);
        }

        QSet<std::pair<QString, QString>> inserted;
        while (true) {
            Result<bool> row = insert.nextRow("Recording the events of attempt %1",
                                              events[first]->attemptId);
            if (!row)
                return row.error();
            if (!*row)
                break;
            inserted.insert({insert.columnText(0), insert.columnText(1)});
        }

        // The first event with a key takes its row; a repeat in the same list is a duplicate.
        for (std::size_t i = 0; i < count; ++i) {
            const CarrierEvent &event = *events[first + i];
            fresh[first + i] = inserted.remove({event.callUuid, toString(event.kind)});
        }
    }
    return fresh;
}

SqliteStatement &Journal::updateAttemptStatement(quint32 columns)
{
    std::unique_ptr<SqliteStatement> &statement = m_updateAttempt[columns];
    if (!statement) {
        QByteArray sql = "UPDATE attempts SET state = ?";
        for (std::size_t i = 0; i < AttemptColumns.size(); ++i) {
            if (columns & (1U << i))
                sql += QByteArray(", ") + AttemptColumns[i] + " = ?";
        }
        sql += " WHERE id = ?";
        statement = std::make_unique<SqliteStatement>(m_db, sql.constData());
    }
    return *statement;
}

Result<void> Journal::updateAttempt(const AttemptUpdate &update)
{
    // Only the columns the update sets are named: every indexed column in a
    // SET clause costs an index rewrite, even when its value stays the same.
    quint32 columns = 0;
    const auto mark = [&columns](AttemptColumn column, bool present) {
        if (present)
            columns |= 1U << quint32(column);
    };
    mark(AttemptColumn::RequestUuid, update.requestUuid.has_value());
    mark(AttemptColumn::CallUuid, update.callUuid.has_value());
    mark(AttemptColumn::RingingAt, update.ringingAtMs.has_value());
    mark(AttemptColumn::AnsweredAt, update.answeredAtMs.has_value());
    mark(AttemptColumn::MachineResult, update.machineResult.has_value());
    const bool ended = update.endedAtMs.has_value();
    for (AttemptColumn column : {AttemptColumn::EndedAt, AttemptColumn::Outcome,
                                 AttemptColumn::HangupCause, AttemptColumn::RingSeconds,
                                 AttemptColumn::TalkSeconds, AttemptColumn::Cost}) {
        mark(column, ended);
    }

    SqliteStatement &statement = updateAttemptStatement(columns);
    int index = 1;
    statement.bind(index++, toString(update.state));
    if (update.requestUuid)
        statement.bind(index++, *update.requestUuid);
    if (update.callUuid)
        statement.bind(index++, *update.callUuid);
    if (update.ringingAtMs)
        statement.bind(index++, *update.ringingAtMs);
    if (update.answeredAtMs)
        statement.bind(index++, *update.answeredAtMs);
    if (update.machineResult)
        statement.bind(index++, *update.machineResult);
    if (ended) {
        statement.bind(index++, *update.endedAtMs);
        statement.bind(index++, toString(update.outcome));
        statement.bind(index++, update.hangupCause);
        statement.bind(index++, qint64(update.ringSeconds));
        statement.bind(index++, qint64(update.talkSeconds));
        statement.bind(index++, update.cost);
    }
    statement.bind(index, update.attemptId);
    return statement.execute("Saving the progress of attempt %1", update.attemptId);
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
