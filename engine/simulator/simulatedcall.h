#pragma once

#include "callplan.h"
#include "callrequest.h"
#include "hangupcause.h"

#include <QString>

namespace Dialdeck {

// One destination of a Make Call request, from the moment Plivo accepted it to
// its end. Times are simulated ms since the Unix epoch; -1 means "not yet".
struct SimulatedCall
{
    enum class State
    {
        Queued,
        Dialing,
        Ringing,
        InProgress,
        Ended,
    };

    // Numbers calls in the order they were accepted; seeds the call's plan.
    quint64 index = 0;
    QString requestUuid;
    QString callUuid;
    QString to;
    CallRequest request;
    CallPlan plan;
    // The create request's answer_url "attempt" query value, if any.
    QString attemptId;

    State state = State::Queued;
    qint64 acceptedMs = -1;
    qint64 initiatedMs = -1;
    qint64 ringingMs = -1;
    qint64 answeredMs = -1;
    qint64 endedMs = -1;
    // Set when machine detection ran: true when a machine answered.
    bool machineDetectionDone = false;
    bool answeredByMachine = false;

    HangupCause cause;
    // Whole seconds from answer to end; 0 for unanswered calls.
    int durationSeconds = 0;
    // Duration rounded up to the billing interval, the seconds that are charged.
    int billedDurationSeconds = 0;
    double totalCost = 0.0;

    bool isLive() const { return state == State::Ringing || state == State::InProgress
                                 || state == State::Dialing; }
    bool wasAnswered() const { return answeredMs >= 0; }

    // Fixes the end: state, cause, duration and cost at the given rate.
    void finish(qint64 nowMs, const HangupCause &hangupCause, double ratePerMinute,
                int billingIntervalSeconds);
};

} // namespace Dialdeck
