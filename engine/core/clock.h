#pragma once

#include <QDateTime>

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
};

// Wall-clock time.
class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override { return QDateTime::currentMSecsSinceEpoch(); }
};

} // namespace Dialdeck
