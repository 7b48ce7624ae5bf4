#include "progresssnapshot.h"

#include <QDateTime>
#include <QJsonArray>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QJsonValue isoTimeOrNull(qint64 ms)
{
    if (ms < 0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

bool BatchProgress::isDraining() const
{
    const bool halted = status == BatchStatus::Paused || status == BatchStatus::Stopped;
    return halted && inFlightCount > 0;
}

QJsonObject BatchProgress::toJson() const
{
    QJsonObject countObject;
    for (int i = 0; i < CallStatusCount; ++i)
        countObject.insert(toString(CallStatus(i)), counts[std::size_t(i)]);

    QJsonArray callers;
    for (const CallerNumberProgress &caller : callerNumbers) {
        callers.append(QJsonObject{
            {u"phoneId"_s, caller.phoneId},
            {u"number"_s, caller.e164},
            {u"label"_s, caller.label},
            {u"callsToday"_s, caller.callsToday},
            {u"answered"_s, caller.answered},
            {u"ended"_s, caller.ended},
            {u"answerRate"_s, caller.ended > 0 ? double(caller.answered) / caller.ended : 0.0},
            {u"lastUsedAt"_s, isoTimeOrNull(caller.lastUsedMs)},
            {u"inCall"_s, caller.inCall},
            {u"resting"_s, caller.resting},
            {u"capReached"_s, caller.capReached},
        });
    }

    QJsonArray calls;
    for (const InFlightCall &call : inFlight) {
        calls.append(QJsonObject{
            {u"callId"_s, call.callId},
            {u"attemptId"_s, call.attemptId},
            {u"attemptNumber"_s, call.attemptNumber},
            {u"number"_s, call.e164},
            {u"callerNumber"_s, call.callerE164},
            {u"status"_s, toString(call.status)},
            {u"since"_s, isoTimeOrNull(call.sinceMs)},
        });
    }

    return {
        {u"batchId"_s, batchId},
        {u"name"_s, name},
        {u"status"_s, toString(status)},
        {u"statusReason"_s, statusReason},
        {u"draining"_s, isDraining()},
        {u"sessionId"_s, sessionId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(sessionId)},
        {u"now"_s, isoTimeOrNull(nowMs)},
        {u"counts"_s, countObject},
        {u"totalCalls"_s, totalCalls},
        {u"finishedCalls"_s, finishedCalls},
        {u"progress"_s, progress()},
        {u"attempts"_s, attempts},
        {u"callsPerMinute"_s, callsPerMinute},
        {u"answerRate"_s, answerRate},
        {u"averageTalkSeconds"_s, averageTalkSeconds},
        {u"cost"_s, cost},
        {u"eta"_s, isoTimeOrNull(etaMs)},
        {u"nextWindowOpening"_s, isoTimeOrNull(nextWindowOpeningMs)},
        {u"inFlightCount"_s, inFlightCount},
        {u"inFlight"_s, calls},
        {u"callerNumbers"_s, callers},
        {u"startedAt"_s, isoTimeOrNull(startedAtMs)},
        {u"finishedAt"_s, isoTimeOrNull(finishedAtMs)},
    };
}

const BatchProgress *ProgressSnapshot::find(const QString &batchId) const
{
    for (const BatchProgress &batch : batches) {
        if (batch.batchId == batchId)
            return &batch;
    }
    return nullptr;
}

} // namespace Dialdeck
