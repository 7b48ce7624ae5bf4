#include "progressreader.h"

#include "journal.h"
#include "store/batchrepository.h"
#include "store/phonerepository.h"
#include "store/sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Result<void> readCallerNumbers(QSqlDatabase db, BatchProgress &progress, qint64 nowMs)
{
    constexpr qint64 dayMs = 86'400'000;
    QSqlQuery query(db);
    query.prepare(u"SELECT caller_phone_id, caller_e164, SUM(created_at >= ?), "
                  "SUM(outcome = 'answered'), SUM(state = 'ended'), MAX(created_at), "
                  "SUM(state != 'ended') FROM attempts WHERE batch_id = ? "
                  "GROUP BY caller_phone_id, caller_e164 ORDER BY caller_e164"_s);
    query.addBindValue(nowMs - nowMs % dayMs);
    query.addBindValue(progress.batchId);
    if (Result<void> done = execQuery(query, QObject::tr("Reading caller-number figures")); !done)
        return done;

    PhoneRepository phones(db);
    while (query.next()) {
        CallerNumberProgress caller;
        caller.phoneId = query.value(0).toString();
        caller.e164 = query.value(1).toString();
        caller.callsToday = query.value(2).toInt();
        caller.answered = query.value(3).toInt();
        caller.ended = query.value(4).toInt();
        caller.lastUsedMs = query.value(5).toLongLong();
        caller.inCall = query.value(6).toInt() > 0;
        Result<std::optional<Phone>> phone = phones.find(caller.phoneId);
        if (phone && phone->has_value())
            caller.label = phone->value().label;
        progress.callerNumbers.append(caller);
    }
    return {};
}

} // namespace

Result<BatchProgress> ProgressReader::read(QSqlDatabase db, const QString &batchId, qint64 nowMs)
{
    BatchRepository batches(db);
    Result<std::optional<Batch>> found = batches.find(batchId);
    if (!found)
        return found.error();
    if (!found->has_value())
        return Error{u"not_found"_s, QObject::tr("Batch %1 does not exist.").arg(batchId)};
    const Batch &batch = found->value();

    BatchProgress progress;
    progress.batchId = batch.id;
    progress.name = batch.name;
    progress.status = batch.status;
    progress.statusReason = batch.statusReason;
    progress.sessionId = batch.sessionId;
    progress.nowMs = nowMs;
    progress.startedAtMs = batch.startedAt.isValid() ? batch.startedAt.toMSecsSinceEpoch() : -1;
    progress.finishedAtMs = batch.finishedAt.isValid() ? batch.finishedAt.toMSecsSinceEpoch() : -1;

    Result<QHash<CallStatus, qint64>> counts = batches.countCallsByStatus(batchId);
    if (!counts)
        return counts.error();
    for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
        progress.counts[std::size_t(it.key())] = it.value();
        progress.totalCalls += it.value();
        if (isFinal(it.key()))
            progress.finishedCalls += it.value();
    }

    Journal journal(db);
    Result<AttemptTotals> totals = journal.attemptTotals(batchId);
    if (!totals)
        return totals.error();
    progress.attempts = totals->attempts;
    progress.answeredAttempts = totals->answered;
    progress.endedAttempts = totals->ended;
    progress.answerRate = totals->ended > 0 ? double(totals->answered) / double(totals->ended) : 0.0;
    progress.averageTalkSeconds = totals->answered > 0
                                      ? double(totals->talkSeconds) / double(totals->answered)
                                      : 0.0;
    progress.cost = totals->cost;

    Result<std::optional<qint64>> nextDue = journal.nextDueMs(batchId);
    if (!nextDue)
        return nextDue.error();
    if (progress.count(CallStatus::WaitingForWindow) > 0)
        progress.nextWindowOpeningMs = nextDue->value_or(-1);

    Result<QList<OpenAttempt>> open = journal.openAttempts(batchId);
    if (!open)
        return open.error();
    progress.inFlightCount = int(open->size());
    for (const OpenAttempt &attempt : open->mid(0, 50)) {
        progress.inFlight.append({attempt.callId, attempt.attemptId, attempt.attemptNumber,
                                  attempt.e164, attempt.callerE164,
                                  callStatusDuring(attempt.state), attempt.createdAtMs});
    }

    if (Result<void> callers = readCallerNumbers(db, progress, nowMs); !callers)
        return callers.error();
    return progress;
}

} // namespace Dialdeck
