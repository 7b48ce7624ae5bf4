#include "simulatedcall.h"

#include <algorithm>
#include <cmath>

namespace Dialdeck {

void SimulatedCall::finish(qint64 nowMs, const HangupCause &hangupCause, double ratePerMinute,
                           int billingIntervalSeconds)
{
    state = State::Ended;
    endedMs = nowMs;
    cause = hangupCause;

    if (!wasAnswered()) {
        durationSeconds = 0;
        billedDurationSeconds = 0;
        totalCost = 0.0;
        return;
    }

    // A call that was answered is billed for at least one second.
    durationSeconds = std::max(1, int(std::llround(double(endedMs - answeredMs) / 1000.0)));
    const int interval = std::max(1, billingIntervalSeconds);
    const int intervals = (durationSeconds + interval - 1) / interval;
    billedDurationSeconds = intervals * interval;
    totalCost = double(billedDurationSeconds) / 60.0 * ratePerMinute;
}

} // namespace Dialdeck
