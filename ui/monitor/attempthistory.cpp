#include "attempthistory.h"

#include "store/sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Attempt attemptFromQuery(const QSqlQuery &query)
{
    Attempt attempt;
    attempt.id = query.value(0).toLongLong();
    attempt.callId = query.value(1).toLongLong();
    attempt.batchId = query.value(2).toString();
    attempt.attemptNumber = query.value(3).toInt();
    attempt.callerPhoneId = query.value(4).toString();
    attempt.callerE164 = query.value(5).toString();
    attempt.state = attemptStateFromString(query.value(6).toString()).value_or(AttemptState::Ended);
    attempt.createdAt = timeFromSql(query.value(7));
    attempt.ringingAt = timeFromSql(query.value(8));
    attempt.answeredAt = timeFromSql(query.value(9));
    attempt.endedAt = timeFromSql(query.value(10));
    if (!query.value(11).isNull())
        attempt.outcome = callOutcomeFromString(query.value(11).toString());
    attempt.hangupCause = query.value(12).toString();
    attempt.ringSeconds = query.value(13).toInt();
    attempt.talkSeconds = query.value(14).toInt();
    attempt.cost = query.value(15).toDouble();
    attempt.machineResult = query.value(16).toString();
    attempt.allowedRule = query.value(17).toString();
    attempt.sessionId = query.value(18).toString();
    return attempt;
}

} // namespace

Result<AttemptHistory> AttemptHistoryLoader::load(QSqlDatabase db, qint64 callId)
{
    QSqlQuery query(db);
    query.prepare(u"SELECT name, e164, time_zones, status FROM calls WHERE id = ?"_s);
    query.addBindValue(callId);
    if (Result<void> executed = execQuery(query, tr("Reading call %1").arg(callId)); !executed)
        return executed.error();
    if (!query.next()) {
        return Error{u"not_found"_s,
                     tr("Call %1 was not found in the store; refresh the call log and try "
                        "again.").arg(callId)};
    }

    AttemptHistory history;
    history.callId = callId;
    history.name = query.value(0).toString();
    history.e164 = query.value(1).toString();
    history.timeZones = splitTimeZones(query.value(2).toString());
    history.status = callStatusFromString(query.value(3).toString()).value_or(CallStatus::Pending);

    query.prepare(uR"(SELECT id, call_id, batch_id, attempt_number, caller_phone_id, caller_e164,
                             state, created_at, ringing_at, answered_at, ended_at, outcome,
                             hangup_cause, ring_seconds, talk_seconds, cost, machine_result,
                             allowed_rule, session_id
                      FROM attempts WHERE call_id = ? ORDER BY attempt_number)"_s);
    query.addBindValue(callId);
    if (Result<void> executed = execQuery(query, tr("Reading the attempts of call %1").arg(callId));
        !executed) {
        return executed.error();
    }
    while (query.next())
        history.attempts.append(attemptFromQuery(query));
    return history;
}

} // namespace Dialdeck
