#include "clockjumpguard.h"

#include "core/clock.h"

#include <QCoreApplication>

#include <cstdlib>
#include <utility>

namespace Dialdeck {

std::optional<qint64> ClockJumpGuard::check(const Clock &clock)
{
    const qint64 offsetMs = clock.nowMs() - clock.steadyMs();
    const std::optional<qint64> previous = std::exchange(m_offsetMs, offsetMs);
    if (!previous)
        return std::nullopt;

    const qint64 jumpMs = offsetMs - *previous;
    if (jumpMs < -MaxBackwardMs || jumpMs > MaxForwardMs)
        return jumpMs;
    return std::nullopt;
}

QString ClockJumpGuard::describe(qint64 jumpMs)
{
    const qint64 seconds = std::abs(jumpMs) / 1000;
    // Whole minutes from two minutes on, so the number is always plural.
    const QString size = seconds >= 120
                             ? QCoreApplication::translate("Dialdeck::ClockJumpGuard",
                                                           "%1 minutes")
                                   .arg(seconds / 60)
                             : QCoreApplication::translate("Dialdeck::ClockJumpGuard",
                                                           "%1 seconds")
                                   .arg(seconds);
    const QString sentence
        = jumpMs < 0 ? QCoreApplication::translate("Dialdeck::ClockJumpGuard",
                                                   "Dialing paused because the system clock "
                                                   "moved back by %1.")
                     : QCoreApplication::translate("Dialdeck::ClockJumpGuard",
                                                   "Dialing paused because the system clock "
                                                   "jumped ahead by %1, as after a suspend.");
    return sentence.arg(size)
           + u' '
           + QCoreApplication::translate("Dialdeck::ClockJumpGuard",
                                         "Check the computer's date and time, then resume the "
                                         "batch.");
}

} // namespace Dialdeck
