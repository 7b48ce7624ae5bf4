#include "statuses.h"

#include <array>

namespace Dialdeck {

namespace {

// The stored and wire spelling of each enumerator, indexed by its value.
constexpr std::array<const char16_t *, 8> batchStatusNames = {
    u"draft", u"ready", u"queued", u"running", u"paused", u"stopped", u"completed", u"archived"};

constexpr std::array<const char16_t *, CallStatusCount> callStatusNames = {
    u"pending", u"waiting_for_window", u"dialing",   u"ringing",  u"in_progress", u"completed",
    u"busy",    u"no_answer",          u"failed",    u"skipped",  u"cancelled"};

constexpr std::array<const char16_t *, 5> attemptStateNames = {
    u"dialing", u"reconciling", u"ringing", u"in_progress", u"ended"};

constexpr std::array<const char16_t *, CallOutcomeCount> callOutcomeNames = {
    u"answered", u"machine", u"busy", u"no_answer", u"failed", u"cancelled"};

template<typename Enum, std::size_t N>
std::optional<Enum> lookUp(const std::array<const char16_t *, N> &names, QStringView text)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (text == QStringView(names[i]))
            return Enum(i);
    }
    return std::nullopt;
}

} // namespace

QString toString(BatchStatus status)
{
    return QString::fromUtf16(batchStatusNames[std::size_t(status)]);
}

QString toString(CallStatus status)
{
    return QString::fromUtf16(callStatusNames[std::size_t(status)]);
}

QString toString(AttemptState state)
{
    return QString::fromUtf16(attemptStateNames[std::size_t(state)]);
}

QString toString(CallOutcome outcome)
{
    return QString::fromUtf16(callOutcomeNames[std::size_t(outcome)]);
}

std::optional<BatchStatus> batchStatusFromString(QStringView text)
{
    return lookUp<BatchStatus>(batchStatusNames, text);
}

std::optional<CallStatus> callStatusFromString(QStringView text)
{
    return lookUp<CallStatus>(callStatusNames, text);
}

std::optional<AttemptState> attemptStateFromString(QStringView text)
{
    return lookUp<AttemptState>(attemptStateNames, text);
}

std::optional<CallOutcome> callOutcomeFromString(QStringView text)
{
    return lookUp<CallOutcome>(callOutcomeNames, text);
}

CallStatus callStatusDuring(AttemptState state)
{
    switch (state) {
    case AttemptState::Ringing:
        return CallStatus::Ringing;
    case AttemptState::InProgress:
        return CallStatus::InProgress;
    case AttemptState::Dialing:
    case AttemptState::Reconciling:
    case AttemptState::Ended:
        break;
    }
    return CallStatus::Dialing;
}

bool isFinal(CallStatus status)
{
    switch (status) {
    case CallStatus::Completed:
    case CallStatus::Busy:
    case CallStatus::NoAnswer:
    case CallStatus::Failed:
    case CallStatus::Skipped:
    case CallStatus::Cancelled:
        return true;
    default:
        return false;
    }
}

bool isInFlight(CallStatus status)
{
    return status == CallStatus::Dialing || status == CallStatus::Ringing
           || status == CallStatus::InProgress;
}

bool isActive(BatchStatus status)
{
    return status == BatchStatus::Queued || status == BatchStatus::Running
           || status == BatchStatus::Paused;
}

} // namespace Dialdeck
