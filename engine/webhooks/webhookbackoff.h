#pragma once

#include <QtGlobal>

class QRandomGenerator;

namespace Dialdeck {

// The delay before a webhook delivery is tried again after failed tries:
// exponential backoff with full jitter. After the n-th failure in a row the
// delay is drawn uniformly from [0, min(cap, base * 2^(n-1))], so receivers
// that failed together are not hit again all at the same moment.
class WebhookBackoff final
{
public:
    static constexpr qint64 DefaultBaseMs = 1'000;
    static constexpr qint64 DefaultCapMs = 600'000;

    explicit WebhookBackoff(qint64 baseMs = DefaultBaseMs, qint64 capMs = DefaultCapMs);

    // The longest delay after `failures` failed tries in a row (1 or more), in ms.
    qint64 ceilingMs(int failures) const;
    // A delay in [0, ceilingMs(failures)] drawn from `random`, in ms.
    qint64 delayMs(int failures, QRandomGenerator &random) const;

private:
    qint64 m_baseMs;
    qint64 m_capMs;
};

} // namespace Dialdeck
