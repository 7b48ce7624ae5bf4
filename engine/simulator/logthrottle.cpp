#include "logthrottle.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

LogThrottle::LogThrottle(int burst, int intervalMs)
    : m_burst(burst)
    , m_intervalMs(intervalMs)
{
}

bool LogThrottle::allow(int *suppressed)
{
    const bool inBurst = m_logged < m_burst;
    const bool intervalPassed = m_sinceLastLogged.isValid()
                                && m_sinceLastLogged.elapsed() >= m_intervalMs;
    if (!inBurst && !intervalPassed) {
        ++m_suppressed;
        return false;
    }

    ++m_logged;
    *suppressed = m_suppressed;
    m_suppressed = 0;
    m_sinceLastLogged.start();
    return true;
}

QString LogThrottle::withSuppressed(const QString &message, int suppressed)
{
    if (suppressed == 0)
        return message;
    return message + u" (%1 similar messages left out)"_s.arg(suppressed);
}

} // namespace Dialdeck
