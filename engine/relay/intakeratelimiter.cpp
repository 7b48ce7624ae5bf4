#include "intakeratelimiter.h"

#include <algorithm>

namespace Dialdeck {

namespace {

// Buckets idle this long are full again and can be dropped.
constexpr qint64 SweepIntervalMs = 60'000;

} // namespace

IntakeRateLimiter::IntakeRateLimiter(double ratePerSecond, int burst)
    : m_ratePerSecond(ratePerSecond)
    , m_burst(std::max(1, burst))
{
}

bool IntakeRateLimiter::allow(const QString &address, qint64 nowMs)
{
    forgetIdle(nowMs);

    auto found = m_buckets.find(address);
    if (found == m_buckets.end())
        found = m_buckets.insert(address, Bucket{m_burst, nowMs});

    Bucket &bucket = *found;
    const double elapsedSeconds = double(std::max<qint64>(0, nowMs - bucket.updatedMs)) / 1000.0;
    bucket.tokens = std::min(m_burst, bucket.tokens + elapsedSeconds * m_ratePerSecond);
    bucket.updatedMs = nowMs;
    if (bucket.tokens < 1.0)
        return false;
    bucket.tokens -= 1.0;
    return true;
}

void IntakeRateLimiter::forgetIdle(qint64 nowMs)
{
    if (nowMs - m_lastSweepMs < SweepIntervalMs)
        return;
    m_lastSweepMs = nowMs;
    const qint64 refillMs = qint64(m_burst / m_ratePerSecond * 1000.0);
    m_buckets.removeIf([nowMs, refillMs](const QHash<QString, Bucket>::iterator &it) {
        return nowMs - it->updatedMs > refillMs;
    });
}

} // namespace Dialdeck
