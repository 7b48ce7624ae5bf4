#pragma once

#include "callbacksender.h"
#include "logthrottle.h"
#include "simulatedcall.h"

#include <QObject>

#include <functional>
#include <vector>

namespace Dialdeck {

class CallViews;
class Clock;
struct SimulatorSettings;

// Plays one call out on timers, in simulated time scaled by --speed: setup,
// ringing, the answer (fetching and checking the answer XML, with the
// fallback URL), machine detection, talk and the hangup, or an earlier end by
// the plan, the ring timeout, the time limit or a hang-up request. Sends the
// call's callbacks and applies the callback faults to its notifications.
//
// Emits ended() once when the call ends, then deletes itself when its last
// callback has been delivered or given up.
class CallPlayer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallPlayer)

public:
    // The simulator parts a player uses; all of them outlive the player.
    struct Context
    {
        const SimulatorSettings &settings;
        const Clock &clock;
        const CallViews &views;
        CallbackSender &sender;
        // Shared by all players, so that a broken answer URL server logs only a few lines.
        LogThrottle &invalidXmlLog;
    };

    CallPlayer(SimulatedCall call, const Context &context, QObject *parent = nullptr);
    ~CallPlayer() override;

    const SimulatedCall &call() const { return m_call; }

    // Starts the play-out of a queued call: the carrier dials now.
    void dial();
    // Ends a queued call that was never dialed; it sends no callbacks.
    void cancelQueued();
    // Ends a live call as a Hangup request does: canceled before the answer,
    // a normal hangup after it. `all` marks a request that hung up every call.
    void hangUpByRequest(bool all);

Q_SIGNALS:
    void ended(const Dialdeck::SimulatedCall &call);

private:
    enum class Notification : quint64
    {
        Ring = 1,
        MachineDetection,
        Hangup,
    };

    void afterSetup(qint64 atMs);
    void startRinging(qint64 atMs);
    void answer(qint64 atMs);
    void detectMachine(qint64 atMs, bool beforeAnswerXml);
    void fetchAnswer(bool fallback);
    void onAnswerFetched(const CallbackResult &result, bool fallback);
    void end(CallEnding ending, qint64 atMs);

    // The simulated time now, never before the call's last event.
    qint64 nowMs() const;
    static qint64 plus(qint64 simulatedMs, double seconds);
    // Runs `action` at the simulated instant `simulatedMs` if the call is then
    // in one of the given states; the action receives that instant.
    void at(qint64 simulatedMs, std::initializer_list<SimulatedCall::State> states,
            std::function<void(qint64)> action);
    // The callback faults drawn for one notification of this call.
    struct NotificationFaults
    {
        bool drop = false;
        int delayMs = 0;
        int copies = 1;
    };

    NotificationFaults drawFaults(Notification kind) const;
    void notify(Notification kind, const CallbackTarget &target,
                const PlivoSignature::Params &params);
    void hold(const CallbackDelivery &delivery, int delayMs);
    void deliver(const CallbackDelivery &delivery, int delayMs, std::function<void()> done);
    void releaseHeld();
    void deleteWhenIdle();
    static QString notificationName(Notification kind);
    QString label(QStringView kind) const;

    SimulatedCall m_call;
    Context m_context;
    // Ring and machine-detection notifications held back by the reorder fault.
    bool m_reordered = false;
    std::vector<std::function<void()>> m_held;
    int m_pendingDeliveries = 0;
    // Simulated ms of the latest state change; keeps the call's times in order.
    qint64 m_lastEventMs = 0;
};

} // namespace Dialdeck
