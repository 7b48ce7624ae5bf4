#pragma once

#include <QDateTime>
#include <QElapsedTimer>

namespace Dialdeck {

// The engine's notion of "now", in milliseconds since the Unix epoch (UTC).
// The engine, the scheduler and the simulated carrier share one clock, so a
// virtual clock can run a day of calling in seconds.
class Clock
{
public:
    virtual ~Clock() = default;

    virtual qint64 nowMs() const = 0;
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }

    // Returns true for a clock that may jump over idle time. The engine then
    // moves it straight to the next moment something is due instead of waiting.
    virtual bool canSkipAhead() const { return false; }
    virtual void skipTo(qint64 ms) { Q_UNUSED(ms); }

    // Milliseconds on a steady clock that nobody can set, running at the rate
    // of nowMs(), from an arbitrary origin. nowMs() - steadyMs() changes only
    // when the clock is set, stepped or stood still during a suspend, which is
    // how the engine notices a clock jump. The default follows nowMs(), so such
    // a clock never reports a jump.
    virtual qint64 steadyMs() const { return nowMs(); }
};

// Wall-clock time.
class SystemClock final : public Clock
{
public:
    SystemClock() { m_steady.start(); }

    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
    // QElapsedTimer uses CLOCK_MONOTONIC on Linux, which stands still while
    // the machine is suspended, so a suspend shows as a forward jump.
    qint64 steadyMs() const override { return m_steady.elapsed(); }

private:
    QElapsedTimer m_steady;
};

} // namespace Dialdeck
