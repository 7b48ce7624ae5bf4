#include "requestlimiter.h"

namespace Dialdeck {

RequestLimiter::RequestLimiter(int limit, int windowMs)
    : m_limit(limit)
    , m_windowMs(windowMs)
{
}

bool RequestLimiter::tryAcquire(qint64 nowMs)
{
    while (!m_accepted.empty() && m_accepted.front() <= nowMs - m_windowMs)
        m_accepted.pop_front();

    if (qsizetype(m_accepted.size()) >= m_limit)
        return false;
    m_accepted.push_back(nowMs);
    return true;
}

} // namespace Dialdeck
