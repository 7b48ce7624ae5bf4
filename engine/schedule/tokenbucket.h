#pragma once

#include <QtGlobal>

namespace Dialdeck {

// Paces calls to a rate in calls per second, allowing up to `burst` calls at
// once after an idle spell. The bucket starts with `burst` tokens. It holds up
// to burst plus one millisecond's earnings, because a caller that polls at whole
// milliseconds would otherwise lose the fraction of a token earned between the
// exact due instant and its poll (300/s would pace at 250/s). Time never goes
// backwards inside it: an instant earlier than the last one seen counts as the
// last one. Not thread-safe.
class TokenBucket
{
public:
    // A rate <= 0 yields no tokens at all. A burst below 1 is raised to 1.
    explicit TokenBucket(double ratePerSecond, double burst = 1.0);

    // Takes one token if one is available at nowMs (ms since the Unix epoch).
    bool tryTake(qint64 nowMs);

    // Returns the earliest instant >= nowMs at which tryTake() succeeds, or -1
    // when the rate is <= 0 and no token is left.
    qint64 nextAvailableMs(qint64 nowMs) const;

    // Changes the rate from the last instant seen on; tokens already earned stay.
    void setRate(double ratePerSecond);

    double rate() const { return m_rate; }
    double burst() const { return m_burst; }

private:
    double tokensAt(qint64 nowMs) const;
    void updateCapacity();
    void advanceTo(qint64 nowMs);

    double m_rate = 0.0;
    double m_burst = 1.0;
    double m_capacity = 1.0; // burst plus the tokens earned in one millisecond
    double m_tokens = 1.0;
    qint64 m_lastMs = -1; // -1 until the first call
};

} // namespace Dialdeck
