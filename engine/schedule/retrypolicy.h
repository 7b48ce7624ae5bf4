#pragma once

#include "core/batchconfig.h"
#include "core/statuses.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Dialdeck {

class CallingWindow;

// The next step for a call after one of its attempts ended.
struct RetryDecision
{
    bool retry = false;
    // When retry: the instant (ms since the Unix epoch, UTC) the next attempt is due,
    // already moved into the calling window.
    qint64 dueAtMs = -1;
    // When not retry: the final status of the call.
    CallStatus finalStatus = CallStatus::Completed;
    QString reason;
};

// Applies the batch's retry rules. attemptsMade counts every attempt of the
// call so far, the one that just ended included.
class RetryPolicy
{
public:
    // Answered ends the call as Completed and Cancelled as Cancelled. Machine,
    // Busy, NoAnswer and Failed are retried while attemptsMade < maxAttempts of
    // their rule, endedAtMs + delaySeconds later, moved to the next opening of
    // the window when that instant is outside it. Otherwise they end as
    // Completed (a machine answered), Busy, NoAnswer and Failed. A retry with no
    // window opening within 400 days ends the call instead, with a reason.
    static RetryDecision decide(const BatchConfig &config, CallOutcome outcome, int attemptsMade,
                                qint64 endedAtMs, const CallingWindow &window,
                                const QList<QByteArray> &zones);
};

} // namespace Dialdeck
