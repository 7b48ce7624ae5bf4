#pragma once

#include <QtGlobal>

#include <deque>

namespace Dialdeck {

// Plivo's REST rate limit: at most `limit` requests in any window of
// `windowMs` wall-clock ms (300 in 5 s by default). Beyond it the API responds
// with 429. Rejected requests do not count, so a client that backs off gets through.
class RequestLimiter
{
public:
    RequestLimiter(int limit, int windowMs);

    // Counts one request at nowMs if the window has room; returns false if not.
    bool tryAcquire(qint64 nowMs);

private:
    int m_limit = 0;
    int m_windowMs = 0;
    std::deque<qint64> m_accepted;
};

} // namespace Dialdeck
