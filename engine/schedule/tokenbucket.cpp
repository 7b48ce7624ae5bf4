#include "tokenbucket.h"

#include <algorithm>
#include <cmath>

namespace Dialdeck {

namespace {

// Absorbs rounding in the refill arithmetic, so the instant nextAvailableMs()
// returns really yields a token.
constexpr double TokenEpsilon = 1e-9;

} // namespace

TokenBucket::TokenBucket(double ratePerSecond, double burst)
    : m_rate(ratePerSecond)
    , m_burst(std::max(burst, 1.0))
    , m_tokens(std::max(burst, 1.0))
{
    updateCapacity();
}

void TokenBucket::updateCapacity()
{
    m_capacity = m_burst + std::max(m_rate, 0.0) / 1000.0;
}

double TokenBucket::tokensAt(qint64 nowMs) const
{
    if (m_lastMs < 0 || nowMs <= m_lastMs || m_rate <= 0.0)
        return m_tokens;

    const double earned = double(nowMs - m_lastMs) * m_rate / 1000.0;
    return std::min(m_capacity, m_tokens + earned);
}

void TokenBucket::advanceTo(qint64 nowMs)
{
    m_tokens = tokensAt(nowMs);
    m_lastMs = std::max(m_lastMs, nowMs);
}

bool TokenBucket::tryTake(qint64 nowMs)
{
    advanceTo(nowMs);
    if (m_tokens < 1.0 - TokenEpsilon)
        return false;

    m_tokens = std::max(0.0, m_tokens - 1.0);
    return true;
}

qint64 TokenBucket::nextAvailableMs(qint64 nowMs) const
{
    const qint64 effectiveNow = std::max(nowMs, m_lastMs);
    const double tokens = tokensAt(effectiveNow);
    if (tokens >= 1.0 - TokenEpsilon)
        return effectiveNow;
    if (m_rate <= 0.0)
        return -1;

    const double missingMs = (1.0 - tokens) * 1000.0 / m_rate;
    return effectiveNow + qint64(std::ceil(missingMs - TokenEpsilon));
}

void TokenBucket::setRate(double ratePerSecond)
{
    m_rate = ratePerSecond;
    updateCapacity();
}

} // namespace Dialdeck
