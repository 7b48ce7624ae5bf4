#include "webhookbackoff.h"

#include <QRandomGenerator>

#include <algorithm>

namespace Dialdeck {

WebhookBackoff::WebhookBackoff(qint64 baseMs, qint64 capMs)
    : m_baseMs(std::max<qint64>(1, baseMs))
    , m_capMs(std::max(m_baseMs, capMs))
{
}

qint64 WebhookBackoff::ceilingMs(int failures) const
{
    qint64 ceiling = m_baseMs;
    // Doubling stops at the cap, so a large failure count cannot overflow.
    for (int i = 1; i < failures && ceiling < m_capMs; ++i)
        ceiling *= 2;
    return std::min(ceiling, m_capMs);
}

qint64 WebhookBackoff::delayMs(int failures, QRandomGenerator &random) const
{
    const qint64 ceiling = ceilingMs(failures);
    return qint64(random.bounded(quint64(ceiling) + 1));
}

} // namespace Dialdeck
