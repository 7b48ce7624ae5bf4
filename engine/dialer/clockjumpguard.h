#pragma once

#include <QString>

#include <optional>

namespace Dialdeck {

class Clock;

// Notices a clock that jumped between two engine ticks: set backwards, or
// forwards as after a suspend. Dialing on such a clock would burst the backlog
// of a long gap at once or call outside the calling window, so the engine
// pauses its batches instead. A jump is a change of nowMs() - steadyMs()
// beyond the limits below; time that passes normally never counts.
class ClockJumpGuard final
{
public:
    // NTP steps of a second or two are normal; larger backward steps are not.
    static constexpr qint64 MaxBackwardMs = 2'000;
    static constexpr qint64 MaxForwardMs = 3 * 60'000;

    // Returns the jump in ms since the previous call (negative: backwards) when
    // it exceeds the limits; the first call only takes the reference.
    std::optional<qint64> check(const Clock &clock);

    // A sentence for the operator naming the direction and size of the jump.
    static QString describe(qint64 jumpMs);

private:
    std::optional<qint64> m_offsetMs;
};

} // namespace Dialdeck
