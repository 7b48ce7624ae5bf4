#include "simulatedcarrier.h"

#include "core/clock.h"
#include "core/logging.h"

#include <QUuid>

#include <cmath>
#include <random>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Namespace for the name-based (version 5) UUIDs of simulated calls.
const QUuid simulationNamespace(u"6b1f3a52-4c1e-4f0e-9d59-3f2a8e0c7d41"_s);

// Returns a reproducible UUID for one attempt. Its first 48 bits are the
// attempt's journal time in milliseconds, as in a version 7 UUID, so the
// store's indexes on call uuids grow at one end instead of at random places.
QString simulatedUuid(quint64 seed, qint64 attemptId, qint64 journaledAtMs, QStringView role)
{
    const QString name = QString::number(seed) + u'/' + QString::number(attemptId) + u'/' + role;
    QUuid uuid = QUuid::createUuidV5(simulationNamespace, name);
    const quint64 time = quint64(journaledAtMs) & 0xffffffffffffULL;
    uuid.data1 = uint(time >> 16);
    uuid.data2 = ushort(time & 0xffff);
    return uuid.toString(QUuid::WithoutBraces);
}

// One well-mixed 64-bit seed per attempt (the splitmix64 finaliser), cheaper
// than a std::seed_seq and just as reproducible.
quint64 mixSeed(quint64 seed, quint64 attemptId)
{
    quint64 value = seed ^ (attemptId * 0x9e3779b97f4a7c15ULL);
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

qint64 secondsToMs(double seconds)
{
    return qint64(std::llround(seconds * 1000.0));
}

CallOutcome drawOutcome(const SimulationSettings &settings, std::mt19937_64 &random)
{
    const std::array<double, 5> weights = {settings.answeredWeight, settings.machineWeight,
                                           settings.busyWeight, settings.noAnswerWeight,
                                           settings.failedWeight};
    std::discrete_distribution<int> pick(weights.begin(), weights.end());
    switch (pick(random)) {
    case 0:
        return CallOutcome::Answered;
    case 1:
        return CallOutcome::Machine;
    case 2:
        return CallOutcome::Busy;
    case 3:
        return CallOutcome::NoAnswer;
    default:
        return CallOutcome::Failed;
    }
}

double uniform(std::mt19937_64 &random, double low, double high)
{
    if (high <= low)
        return low;
    return std::uniform_real_distribution<double>(low, high)(random);
}

} // namespace

SimulatedCarrier::SimulatedCarrier(const SimulationSettings &settings, const Clock &clock,
                                   QObject *parent)
    : Carrier(parent)
    , m_settings(settings)
    , m_clock(clock)
{
}

SimulatedCarrier::~SimulatedCarrier() = default;

QString SimulatedCarrier::name() const
{
    return tr("Simulated carrier (seed %1)").arg(m_settings.seed);
}

void SimulatedCarrier::placeCall(const DialRequest &request)
{
    ++m_dialCounts[request.attemptId];
    ++m_totalDials;

    for (const CarrierEvent &event : playOut(request, m_clock.nowMs()))
        schedule(event);
}

void SimulatedCarrier::hangUp(const QString &callUuid)
{
    if (callUuid.isEmpty())
        return;

    const auto live = m_liveAttempts.constFind(callUuid);
    if (live == m_liveAttempts.cend())
        return;

    CarrierEvent event;
    event.kind = CarrierEvent::Kind::Hangup;
    event.attemptId = live.value();
    event.callUuid = callUuid;
    event.atMs = m_clock.nowMs();
    event.outcome = CallOutcome::Cancelled;
    event.hangupCause = u"NORMAL_CLEARING"_s;
    schedule(event);
}

void SimulatedCarrier::reconcile(const DialRequest &request, const QString &requestUuid)
{
    Q_UNUSED(requestUuid);

    // The simulated carrier keeps no state across a restart, but every attempt
    // plays out the same from its seed: replay it from the journaled instant.
    // Events already in the past arrive at once and carry their original times.
    const qint64 now = m_clock.nowMs();
    for (CarrierEvent event : playOut(request, request.journaledAtMs)) {
        event.atMs = std::max(event.atMs, now);
        schedule(event);
    }
    qCInfo(lcCarrierSim) << "Replayed attempt" << request.attemptId << "for reconciliation";
}

void SimulatedCarrier::advanceTo(qint64 nowMs)
{
    while (!m_queue.empty() && m_queue.top().atMs <= nowMs) {
        const CarrierEvent event = m_queue.top().event;
        m_queue.pop();

        if (event.kind == CarrierEvent::Kind::Ringing)
            m_liveAttempts.insert(event.callUuid, event.attemptId);
        if (event.kind == CarrierEvent::Kind::Hangup)
            m_liveAttempts.remove(event.callUuid);
        Q_EMIT eventReceived(event);
    }
}

std::optional<qint64> SimulatedCarrier::nextEventMs() const
{
    if (m_queue.empty())
        return std::nullopt;
    return m_queue.top().atMs;
}

void SimulatedCarrier::schedule(const CarrierEvent &event)
{
    m_queue.push(Scheduled{event.atMs, m_sequence++, event});
}

std::vector<CarrierEvent> SimulatedCarrier::playOut(const DialRequest &request,
                                                    qint64 startMs) const
{
    std::mt19937_64 random(mixSeed(m_settings.seed, quint64(request.attemptId)));

    CarrierEvent base;
    base.attemptId = request.attemptId;
    base.requestUuid = simulatedUuid(m_settings.seed, request.attemptId, request.journaledAtMs,
                                     u"request");
    base.callUuid = simulatedUuid(m_settings.seed, request.attemptId, request.journaledAtMs,
                                  u"call");

    const CallOutcome outcome = drawOutcome(m_settings, random);
    const double setup = uniform(random, m_settings.minSetupSeconds, m_settings.maxSetupSeconds);
    const double ringTimeout = double(request.ringTimeoutSeconds);
    double ring = std::min(uniform(random, m_settings.minRingSeconds, m_settings.maxRingSeconds),
                           ringTimeout);
    const double meanTalk = std::max(1.0, m_settings.meanTalkSeconds);
    double talk = std::exponential_distribution<double>(1.0 / meanTalk)(random);
    talk = std::clamp(talk, 1.0, double(request.timeLimitSeconds));

    std::vector<CarrierEvent> events;
    auto add = [&](CarrierEvent::Kind kind, double atSeconds) -> CarrierEvent & {
        CarrierEvent event = base;
        event.kind = kind;
        event.atMs = startMs + secondsToMs(atSeconds);
        events.push_back(event);
        return events.back();
    };

    add(CarrierEvent::Kind::Placed, 0.05);

    switch (outcome) {
    case CallOutcome::Busy: {
        CarrierEvent &hangup = add(CarrierEvent::Kind::Hangup, setup);
        hangup.hangupCause = u"USER_BUSY"_s;
        break;
    }
    case CallOutcome::Failed: {
        CarrierEvent &hangup = add(CarrierEvent::Kind::Hangup, setup);
        hangup.hangupCause = u"UNALLOCATED_NUMBER"_s;
        break;
    }
    case CallOutcome::NoAnswer: {
        ring = ringTimeout;
        add(CarrierEvent::Kind::Ringing, setup);
        CarrierEvent &hangup = add(CarrierEvent::Kind::Hangup, setup + ring);
        hangup.hangupCause = u"NO_ANSWER"_s;
        hangup.ringSeconds = int(std::lround(ring));
        break;
    }
    case CallOutcome::Answered:
    case CallOutcome::Machine:
    case CallOutcome::Cancelled: {
        const bool machine = outcome == CallOutcome::Machine;
        if (machine)
            talk = std::min(talk, 25.0);
        add(CarrierEvent::Kind::Ringing, setup);
        add(CarrierEvent::Kind::Answered, setup + ring);
        CarrierEvent &detected = add(CarrierEvent::Kind::MachineDetected,
                                    setup + ring + std::min(2.5, talk / 2.0));
        detected.machineResult = machine ? u"machine"_s : u"human"_s;
        CarrierEvent &hangup = add(CarrierEvent::Kind::Hangup, setup + ring + talk);
        hangup.hangupCause = u"NORMAL_CLEARING"_s;
        hangup.ringSeconds = int(std::lround(ring));
        hangup.talkSeconds = int(std::ceil(talk));
        hangup.cost = std::ceil(talk / 60.0) * m_settings.pricePerMinute;
        hangup.machineResult = machine ? u"machine"_s : u"human"_s;
        break;
    }
    }

    events.back().outcome = outcome;
    std::stable_sort(events.begin(), events.end(), [](const CarrierEvent &a, const CarrierEvent &b) {
        return a.atMs < b.atMs;
    });
    return events;
}

} // namespace Dialdeck
