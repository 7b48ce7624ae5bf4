#pragma once

#include "schedule/tokenbucket.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>

namespace Dialdeck {

class CallPlayer;

// Paces dialing to the account's calls per second, as Plivo does: a call over
// the rate is not rejected but waits here, in order, and is dialed as soon as
// the rate allows. Up to one second's worth of calls goes out at once
// (12 requests at 10 CPS: 10 now, 2 a moment later). Wall-clock time.
class DialQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DialQueue)

public:
    explicit DialQueue(double callsPerSecond, QObject *parent = nullptr);
    ~DialQueue() override;

    // Takes a dial slot when the rate allows one now and no call waits ahead;
    // the caller then dials at once. Returns false when the call must wait.
    bool tryAdmit();
    // Queues a call that tryAdmit() turned away; it is dialed when its turn comes.
    void enqueue(CallPlayer *player);

    // Players still waiting, oldest first.
    QList<CallPlayer *> waiting() const;

private:
    void dialDue();
    void scheduleNext();

    TokenBucket m_bucket;
    std::deque<QPointer<CallPlayer>> m_waiting;
    QTimer m_timer{this};
};

} // namespace Dialdeck
