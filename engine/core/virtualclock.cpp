#include "virtualclock.h"

#include <algorithm>

namespace Dialdeck {

VirtualClock::VirtualClock(qint64 startMs, double speed)
    : m_startMs(startMs)
    , m_speed(std::max(0.0, speed))
{
    m_wall.start();
}

qint64 VirtualClock::nowMs() const
{
    const auto runMs = qint64(double(m_wall.elapsed()) * m_speed);
    return m_startMs + runMs + m_skippedMs;
}

void VirtualClock::skipTo(qint64 ms)
{
    const qint64 now = nowMs();
    if (ms > now)
        m_skippedMs += ms - now;
}

} // namespace Dialdeck
