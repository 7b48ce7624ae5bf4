#pragma once

#include "calljournal.h"
#include "callplayer.h"
#include "callviews.h"
#include "cdrstore.h"
#include "dialqueue.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Dialdeck {

class CallbackSender;
class Clock;
struct SimulatorSettings;

// The calls of the simulated account. It accepts Make Call requests, paces
// them through the dial queue, plays each out, serves hang-up requests and
// look-ups, keeps the CDRs and the journal, and charges call costs to the
// account's cash credits.
class SimulatedAccount final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatedAccount)

public:
    SimulatedAccount(const SimulatorSettings &settings, const Clock &clock,
                     const CallViews &views, CallbackSender &sender, QObject *parent = nullptr);
    ~SimulatedAccount() override;

    Result<void> openJournal(const QString &path);

    // The result of place() for the destinations of one request, in their order.
    struct Placement
    {
        QStringList requestUuids;
        bool anyQueued = false;
    };
    Placement place(const CallRequest &request);

    // True when the uuid names a live, queued or ended call.
    bool knowsCall(const QString &callUuid) const;

    // Hangs up a live call or cancels a queued one; false if there is none.
    bool hangUp(const QString &callUuid);
    // Hangs up every live call, as DELETE .../Call/ without a uuid does.
    // Queued calls stay queued. Returns how many calls it ended.
    int hangUpAll();
    // Cancels the call of a request: a queued one is dropped, a live one hung
    // up. False when the request is unknown or its call has ended.
    bool cancelRequest(const QString &requestUuid);

    // Calls that have been dialed and not ended.
    QList<const SimulatedCall *> liveCalls() const;
    const SimulatedCall *liveCall(const QString &callUuid) const;
    // Calls waiting in the dial queue, oldest first.
    QList<const SimulatedCall *> queuedCalls() const;
    const SimulatedCall *queuedCall(const QString &callUuid) const;

    const CdrStore &cdrs() const { return m_cdrs; }
    double cashCredits() const { return m_cashCredits; }

Q_SIGNALS:
    void callEnded(const Dialdeck::SimulatedCall &call);

private:
    void onCallEnded(const SimulatedCall &call);
    CallPlayer *player(const QString &callUuid) const;
    void logSummary();

    const SimulatorSettings &m_settings;
    const Clock &m_clock;
    LogThrottle m_invalidXmlLog{5, 10000};
    CallPlayer::Context m_playerContext;
    DialQueue m_dialQueue;
    CdrStore m_cdrs;
    CallJournal m_journal;
    // Players of calls that have not ended, by call uuid.
    QHash<QString, QPointer<CallPlayer>> m_players;
    // Call uuid by request uuid, for every call ever placed.
    QHash<QString, QString> m_callByRequest;
    quint64 m_nextCallIndex = 0;
    double m_cashCredits = 0.0;
    // Ended calls per hangup cause code, for the periodic summary in the log.
    QMap<int, int> m_endedByCode;
    int m_ended = 0;
    quint64 m_acceptedAtLastSummary = 0;
    int m_endedAtLastSummary = 0;
    QTimer m_summaryTimer{this};
};

} // namespace Dialdeck
