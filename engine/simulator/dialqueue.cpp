#include "dialqueue.h"

#include "callplayer.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace Dialdeck {

namespace {

qint64 wallNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isWaiting(const QPointer<CallPlayer> &player)
{
    return player && player->call().state == SimulatedCall::State::Queued;
}

} // namespace

DialQueue::DialQueue(double callsPerSecond, QObject *parent)
    : QObject(parent)
    , m_bucket(callsPerSecond, std::max(1.0, std::floor(callsPerSecond)))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DialQueue::dialDue);
}

DialQueue::~DialQueue() = default;

bool DialQueue::tryAdmit()
{
    // Calls canceled while waiting leave gaps; drop them before looking.
    while (!m_waiting.empty() && !isWaiting(m_waiting.front()))
        m_waiting.pop_front();

    return m_waiting.empty() && m_bucket.tryTake(wallNowMs());
}

void DialQueue::enqueue(CallPlayer *player)
{
    m_waiting.emplace_back(player);
    scheduleNext();
}

QList<CallPlayer *> DialQueue::waiting() const
{
    QList<CallPlayer *> players;
    for (const QPointer<CallPlayer> &player : m_waiting) {
        if (isWaiting(player))
            players.append(player.data());
    }
    return players;
}

void DialQueue::dialDue()
{
    while (!m_waiting.empty()) {
        if (!isWaiting(m_waiting.front())) {
            m_waiting.pop_front();
            continue;
        }
        if (!m_bucket.tryTake(wallNowMs()))
            break;
        const QPointer<CallPlayer> player = m_waiting.front();
        m_waiting.pop_front();
        player->dial();
    }
    scheduleNext();
}

void DialQueue::scheduleNext()
{
    if (m_waiting.empty() || m_timer.isActive())
        return;
    const qint64 now = wallNowMs();
    const qint64 due = m_bucket.nextAvailableMs(now);
    m_timer.start(int(std::clamp<qint64>(due - now, 0, 60'000)));
}

} // namespace Dialdeck
