#pragma once

#include "carrier.h"
#include "simulationsettings.h"

#include <QHash>
#include <QList>

#include <queue>
#include <vector>

namespace Dialdeck {

class Clock;

// An in-process carrier that plays each call out on the engine's clock: the
// request is accepted, the phone rings, and the call is answered (by a person
// or a machine), busy, unanswered or failed, following the outcome mix.
//
// Every random choice for an attempt comes from a generator seeded with the
// settings' seed and the attempt id, so a run is reproducible and an attempt
// found in `dialing` after a restart can be replayed by reconcile() exactly as
// it would have played.
class SimulatedCarrier final : public Carrier
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatedCarrier)

public:
    SimulatedCarrier(const SimulationSettings &settings, const Clock &clock,
                     QObject *parent = nullptr);
    ~SimulatedCarrier() override;

    QString name() const override;
    void placeCall(const DialRequest &request) override;
    void hangUp(const QString &callUuid) override;
    void reconcile(const DialRequest &request, const QString &requestUuid) override;
    void advanceTo(qint64 nowMs) override;
    std::optional<qint64> nextEventMs() const override;

    // Dial requests received, per attempt id, for checks that nothing was dialed twice.
    const QHash<qint64, int> &dialCounts() const { return m_dialCounts; }
    qint64 dialCount() const { return m_totalDials; }

private:
    struct Scheduled
    {
        qint64 atMs = 0;
        quint64 sequence = 0;
        CarrierEvent event;
    };
    struct Later
    {
        bool operator()(const Scheduled &a, const Scheduled &b) const
        {
            return a.atMs != b.atMs ? a.atMs > b.atMs : a.sequence > b.sequence;
        }
    };

    // Every event of one attempt, computed from its seed.
    std::vector<CarrierEvent> playOut(const DialRequest &request, qint64 startMs) const;
    void schedule(const CarrierEvent &event);

    SimulationSettings m_settings;
    const Clock &m_clock;
    std::priority_queue<Scheduled, std::vector<Scheduled>, Later> m_queue;
    quint64 m_sequence = 0;
    // Live calls by call uuid, for hangUp().
    QHash<QString, qint64> m_liveAttempts;
    QHash<qint64, int> m_dialCounts;
    qint64 m_totalDials = 0;
};

} // namespace Dialdeck
