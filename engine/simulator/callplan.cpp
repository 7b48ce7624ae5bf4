#include "callplan.h"

#include "seededdraw.h"
#include "simulatorsettings.h"

#include <array>
#include <utility>

namespace Dialdeck {

namespace {

CallPlan::Outcome drawOutcome(const OutcomeMix &mix, double unit)
{
    const std::array<std::pair<double, CallPlan::Outcome>, 7> weights = {{
        {mix.answered, CallPlan::Outcome::Answered},
        {mix.machine, CallPlan::Outcome::Machine},
        {mix.busy, CallPlan::Outcome::Busy},
        {mix.noAnswer, CallPlan::Outcome::NoAnswer},
        {mix.rejected, CallPlan::Outcome::Rejected},
        {mix.failed, CallPlan::Outcome::Failed},
        {mix.timeout, CallPlan::Outcome::Timeout},
    }};

    double threshold = unit * mix.total();
    for (const auto &[weight, outcome] : weights) {
        if (threshold < weight)
            return outcome;
        threshold -= weight;
    }

    // Rounding can leave the threshold just above the last weight: use the
    // last outcome that has any weight.
    for (auto it = weights.rbegin(); it != weights.rend(); ++it) {
        if (it->first > 0)
            return it->second;
    }
    return CallPlan::Outcome::Answered;
}

} // namespace

CallPlan CallPlan::draw(const SimulatorSettings &settings, quint64 callIndex)
{
    using Stream = SeededDraw::Stream;
    const SeededDraw random(settings.seed);

    CallPlan plan;
    plan.outcome = drawOutcome(settings.mix, random.unit(Stream::Outcome, callIndex));
    plan.setupSeconds = random.between(settings.setupTime.min, settings.setupTime.max,
                                       Stream::SetupTime, callIndex);
    plan.ringSeconds = random.between(settings.ringTime.min, settings.ringTime.max,
                                      Stream::RingTime, callIndex);
    plan.noAnswerSeconds = random.between(settings.noAnswerTime.min, settings.noAnswerTime.max,
                                          Stream::NoAnswerTime, callIndex);
    plan.talkSeconds = random.between(settings.talkTime.min, settings.talkTime.max,
                                      Stream::TalkTime, callIndex);
    return plan;
}

} // namespace Dialdeck
