#include "simulatedaccount.h"

#include "core/clock.h"
#include "core/logging.h"
#include "simulatorsettings.h"

#include <QUrlQuery>
#include <QUuid>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Dialdeck's engine puts its attempt id in the callback URLs' "attempt"
// query parameter; the journal records it so tests can count dials per attempt.
QString attemptIdOf(const CallRequest &request)
{
    return QUrlQuery(request.answer.url).queryItemValue(u"attempt"_s);
}

} // namespace

SimulatedAccount::SimulatedAccount(const SimulatorSettings &settings, const Clock &clock,
                                   const CallViews &views, CallbackSender &sender,
                                   QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clock(clock)
    , m_playerContext{settings, clock, views, sender, m_invalidXmlLog}
    , m_dialQueue(settings.callsPerSecond)
    , m_cashCredits(settings.cashCredits)
{
    // Single calls are logged at debug level; the info log gets a summary.
    connect(&m_summaryTimer, &QTimer::timeout, this, &SimulatedAccount::logSummary);
    m_summaryTimer.start(10000);
}

SimulatedAccount::~SimulatedAccount() = default;

Result<void> SimulatedAccount::openJournal(const QString &path)
{
    return m_journal.open(path);
}

SimulatedAccount::Placement SimulatedAccount::place(const CallRequest &request)
{
    Placement placement;
    const QString attemptId = attemptIdOf(request);

    for (const QString &destination : request.destinations) {
        SimulatedCall call;
        call.index = m_nextCallIndex++;
        call.requestUuid = newUuid();
        call.callUuid = newUuid();
        call.to = destination;
        call.request = request;
        call.plan = CallPlan::draw(m_settings, call.index);
        call.attemptId = attemptId;
        call.acceptedMs = m_clock.nowMs();

        auto *player = new CallPlayer(call, m_playerContext, this);
        connect(player, &CallPlayer::ended, this, &SimulatedAccount::onCallEnded);
        m_players.insert(call.callUuid, player);
        m_callByRequest.insert(call.requestUuid, call.callUuid);
        placement.requestUuids.append(call.requestUuid);

        // The journal line comes before the dial, so a crash never hides a dial.
        const bool dialNow = m_dialQueue.tryAdmit();
        m_journal.recordPlaced(call, !dialNow);
        qCDebug(lcSimulator).noquote() << (dialNow ? "Accepted call" : "Queued call")
                                      << call.callUuid << "to" << destination;
        if (dialNow)
            player->dial();
        else
            m_dialQueue.enqueue(player);
        placement.anyQueued = placement.anyQueued || !dialNow;
    }
    return placement;
}

CallPlayer *SimulatedAccount::player(const QString &callUuid) const
{
    return m_players.value(callUuid).data();
}

bool SimulatedAccount::knowsCall(const QString &callUuid) const
{
    return player(callUuid) != nullptr || m_cdrs.find(callUuid) != nullptr;
}

bool SimulatedAccount::hangUp(const QString &callUuid)
{
    CallPlayer *found = player(callUuid);
    if (!found)
        return false;

    if (found->call().state == SimulatedCall::State::Queued)
        found->cancelQueued();
    else
        found->hangUpByRequest(false);
    return true;
}

int SimulatedAccount::hangUpAll()
{
    QList<CallPlayer *> live;
    for (const QPointer<CallPlayer> &player : std::as_const(m_players)) {
        if (player && player->call().isLive())
            live.append(player.data());
    }
    for (CallPlayer *player : std::as_const(live))
        player->hangUpByRequest(true);
    return int(live.size());
}

bool SimulatedAccount::cancelRequest(const QString &requestUuid)
{
    const QString callUuid = m_callByRequest.value(requestUuid);
    if (callUuid.isEmpty())
        return false;
    return hangUp(callUuid);
}

QList<const SimulatedCall *> SimulatedAccount::liveCalls() const
{
    QList<const SimulatedCall *> calls;
    for (const QPointer<CallPlayer> &player : m_players) {
        if (player && player->call().isLive())
            calls.append(&player->call());
    }
    std::sort(calls.begin(), calls.end(), [](const SimulatedCall *a, const SimulatedCall *b) {
        return a->index < b->index;
    });
    return calls;
}

const SimulatedCall *SimulatedAccount::liveCall(const QString &callUuid) const
{
    const CallPlayer *found = player(callUuid);
    if (!found || !found->call().isLive())
        return nullptr;
    return &found->call();
}

QList<const SimulatedCall *> SimulatedAccount::queuedCalls() const
{
    QList<const SimulatedCall *> calls;
    for (const CallPlayer *player : m_dialQueue.waiting())
        calls.append(&player->call());
    return calls;
}

const SimulatedCall *SimulatedAccount::queuedCall(const QString &callUuid) const
{
    const CallPlayer *found = player(callUuid);
    if (!found || found->call().state != SimulatedCall::State::Queued)
        return nullptr;
    return &found->call();
}

void SimulatedAccount::onCallEnded(const SimulatedCall &call)
{
    m_players.remove(call.callUuid);

    // A queued call canceled before it was dialed leaves no CDR and costs nothing.
    if (call.initiatedMs >= 0) {
        m_cdrs.add(call);
        m_cashCredits -= call.totalCost;
    }
    m_journal.recordEnded(call);
    ++m_ended;
    ++m_endedByCode[call.cause.code];
    Q_EMIT callEnded(call);
}

void SimulatedAccount::logSummary()
{
    if (m_nextCallIndex == m_acceptedAtLastSummary && m_ended == m_endedAtLastSummary)
        return;
    m_acceptedAtLastSummary = m_nextCallIndex;
    m_endedAtLastSummary = m_ended;

    QStringList causes;
    for (auto it = m_endedByCode.cbegin(); it != m_endedByCode.cend(); ++it)
        causes.append(u"%1: %2"_s.arg(it.key()).arg(it.value()));
    qCInfo(lcSimulator).noquote() << "Calls:" << m_nextCallIndex << "accepted," << liveCalls().size()
                                  << "live," << m_dialQueue.waiting().size() << "queued,"
                                  << m_ended << "ended; ended by hangup cause code:"
                                  << causes.join(u", "_s);
}

} // namespace Dialdeck
