#pragma once

#include <QtGlobal>

namespace Dialdeck {

struct SimulatorSettings;

// How one call will play out if nobody intervenes, drawn from the seed and the
// call's number. Durations are simulated seconds.
struct CallPlan
{
    enum class Outcome
    {
        Answered,
        Machine,
        Busy,
        NoAnswer,
        Rejected,
        Failed,
        Timeout,
    };

    Outcome outcome = Outcome::Answered;
    // From the dial until ringing, or until the failure for Busy, Failed and Timeout.
    double setupSeconds = 0.0;
    // From ringing until the answer (Answered, Machine) or the rejection (Rejected).
    double ringSeconds = 0.0;
    // From ringing until the network gives up (NoAnswer).
    double noAnswerSeconds = 0.0;
    // From the answer until the callee (or the answering machine) hangs up.
    double talkSeconds = 0.0;

    static CallPlan draw(const SimulatorSettings &settings, quint64 callIndex);
};

} // namespace Dialdeck
