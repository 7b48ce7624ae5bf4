#pragma once

#include "clock.h"

#include <QElapsedTimer>

namespace Dialdeck {

// A clock that starts at a chosen instant and runs `speed` times faster than
// the wall clock. Speed 0 means as fast as possible: time stands still until
// skipTo() moves it, which makes runs fully deterministic.
class VirtualClock final : public Clock
{
public:
    VirtualClock(qint64 startMs, double speed);

    qint64 nowMs() const override;
    bool canSkipAhead() const override { return m_speed == 0.0; }
    void skipTo(qint64 ms) override;
    // Moves with nowMs(), skips included: a virtual clock never jumps by accident.
    qint64 steadyMs() const override { return nowMs() - m_startMs; }

    double speed() const { return m_speed; }

private:
    qint64 m_startMs = 0;
    double m_speed = 0.0;
    qint64 m_skippedMs = 0;
    QElapsedTimer m_wall;
};

} // namespace Dialdeck
