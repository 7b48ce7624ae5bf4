#pragma once

#include <QHash>
#include <QString>

namespace Dialdeck {

// A token bucket per client address for the callback intake: each address
// may send `burst` requests at once and `ratePerSecond` on average.
class IntakeRateLimiter final
{
public:
    IntakeRateLimiter(double ratePerSecond, int burst);

    // Takes one token of `address`'s bucket; false when it is empty.
    bool allow(const QString &address, qint64 nowMs);

    // The number of addresses tracked, for tests.
    qsizetype trackedAddresses() const { return m_buckets.size(); }

private:
    struct Bucket
    {
        double tokens = 0.0;
        qint64 updatedMs = 0;
    };

    void forgetIdle(qint64 nowMs);

    double m_ratePerSecond;
    double m_burst;
    QHash<QString, Bucket> m_buckets;
    qint64 m_lastSweepMs = 0;
};

} // namespace Dialdeck
