#include "callplayer.h"

#include "callviews.h"
#include "carrier/answerdocument.h"
#include "core/clock.h"
#include "core/logging.h"
#include "seededdraw.h"
#include "simulatorsettings.h"

#include <QTimer>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace Dialdeck {

using namespace Qt::StringLiterals;

CallPlayer::CallPlayer(SimulatedCall call, const Context &context, QObject *parent)
    : QObject(parent)
    , m_call(std::move(call))
    , m_context(context)
{
    const SeededDraw random(m_context.settings.seed);
    m_reordered = random.chance(m_context.settings.faults.reorderCallbacks,
                                SeededDraw::Stream::ReorderCall, m_call.index);
}

CallPlayer::~CallPlayer() = default;

QString CallPlayer::notificationName(Notification kind)
{
    switch (kind) {
    case Notification::Ring:
        return u"ring callback"_s;
    case Notification::MachineDetection:
        return u"machine detection callback"_s;
    case Notification::Hangup:
        return u"hangup callback"_s;
    }
    return u"callback"_s;
}

QString CallPlayer::label(QStringView kind) const
{
    return u"%1 of call %2"_s.arg(kind, m_call.callUuid);
}

void CallPlayer::after(double simulatedSeconds,
                       std::initializer_list<SimulatedCall::State> states,
                       std::function<void()> action)
{
    // Timers run on the wall clock, `speed` simulated seconds per second.
    const double wallMs = std::max(0.0, simulatedSeconds) * 1000.0 / m_context.settings.speed;
    const int delayMs = int(std::min(wallMs, double(std::numeric_limits<int>::max())));
    const QList<SimulatedCall::State> allowed(states);
    QTimer::singleShot(delayMs, this, [this, allowed, action = std::move(action)] {
        if (allowed.contains(m_call.state))
            action();
    });
}

void CallPlayer::dial()
{
    if (m_call.state != SimulatedCall::State::Queued)
        return;

    m_call.state = SimulatedCall::State::Dialing;
    m_call.initiatedMs = m_context.clock.nowMs();
    qCInfo(lcSimulator).noquote() << "Dialing call" << m_call.callUuid << "to" << m_call.to;
    after(m_call.plan.setupSeconds, {SimulatedCall::State::Dialing}, [this] { afterSetup(); });
}

void CallPlayer::afterSetup()
{
    switch (m_call.plan.outcome) {
    case CallPlan::Outcome::Busy:
        end(CallEnding::Busy);
        return;
    case CallPlan::Outcome::Failed:
        end(CallEnding::UnallocatedNumber);
        return;
    case CallPlan::Outcome::Timeout:
        end(CallEnding::CarrierTimeout);
        return;
    default:
        startRinging();
        return;
    }
}

void CallPlayer::startRinging()
{
    using State = SimulatedCall::State;
    m_call.state = State::Ringing;
    m_call.ringingMs = m_context.clock.nowMs();
    notify(Notification::Ring, m_call.request.ring, m_context.views.ringParams(m_call));

    after(m_call.request.ringTimeoutSeconds, {State::Ringing},
          [this] { end(CallEnding::RingTimeout); });
    if (m_call.request.hangupOnRingSeconds > 0) {
        after(m_call.request.hangupOnRingSeconds, {State::Ringing, State::InProgress}, [this] {
            end(m_call.state == State::Ringing ? CallEnding::HangupOnRing
                                               : CallEnding::TimeLimit);
        });
    }

    switch (m_call.plan.outcome) {
    case CallPlan::Outcome::Rejected:
        after(m_call.plan.ringSeconds, {State::Ringing}, [this] { end(CallEnding::Rejected); });
        break;
    case CallPlan::Outcome::NoAnswer:
        after(m_call.plan.noAnswerSeconds, {State::Ringing},
              [this] { end(CallEnding::NoAnswer); });
        break;
    default:
        after(m_call.plan.ringSeconds, {State::Ringing}, [this] { answer(); });
        break;
    }
}

void CallPlayer::answer()
{
    using State = SimulatedCall::State;
    m_call.state = State::InProgress;
    m_call.answeredMs = m_context.clock.nowMs();
    m_call.answeredByMachine = m_call.plan.outcome == CallPlan::Outcome::Machine;
    qCInfo(lcSimulator).noquote() << "Call" << m_call.callUuid
                                  << (m_call.answeredByMachine ? "answered by a machine"
                                                               : "answered");

    after(m_call.request.timeLimitSeconds, {State::InProgress},
          [this] { end(CallEnding::TimeLimit); });

    if (m_call.request.machineDetection.isEmpty()) {
        fetchAnswer(false);
        return;
    }

    // With a machine_detection_url detection runs alongside the call and
    // reports there; without one the answer URL waits for its result.
    const bool asynchronous = m_call.request.machineDetectionTarget.isSet();
    if (asynchronous)
        fetchAnswer(false);
    after(m_call.request.machineDetectionTimeMs / 1000.0, {State::InProgress},
          [this, asynchronous] { detectMachine(!asynchronous); });
}

void CallPlayer::detectMachine(bool beforeAnswerXml)
{
    m_call.machineDetectionDone = true;
    if (!beforeAnswerXml) {
        notify(Notification::MachineDetection, m_call.request.machineDetectionTarget,
               m_context.views.machineDetectionParams(m_call));
    }

    if (m_call.answeredByMachine && m_call.request.machineDetection == u"hangup") {
        end(CallEnding::MachineDetected);
        return;
    }
    if (beforeAnswerXml)
        fetchAnswer(false);
}

void CallPlayer::fetchAnswer(bool fallback)
{
    CallbackDelivery delivery;
    delivery.label = label(fallback ? u"fallback URL fetch" : u"answer URL fetch");
    delivery.target = fallback ? m_call.request.fallback : m_call.request.answer;
    delivery.params = m_context.views.startAppParams(m_call);

    ++m_pendingDeliveries;
    m_context.sender.send(delivery, this, [this, fallback](const CallbackResult &result) {
        --m_pendingDeliveries;
        onAnswerFetched(result, fallback);
        deleteWhenIdle();
    });
}

void CallPlayer::onAnswerFetched(const CallbackResult &result, bool fallback)
{
    // A hang-up request may have ended the call while the XML was on its way.
    if (m_call.state != SimulatedCall::State::InProgress)
        return;

    if (!result.isSuccess() || result.body.trimmed().isEmpty()) {
        if (!fallback && m_call.request.fallback.isSet()) {
            fetchAnswer(true);
            return;
        }
        end(CallEnding::AnswerUrlFailed);
        return;
    }

    const Result<void> valid = AnswerDocument::validate(result.body);
    if (!valid) {
        qCInfo(lcSimulator).noquote()
            << "Call" << m_call.callUuid << "got invalid answer XML:" << valid.error().message;
        end(CallEnding::InvalidAnswerXml);
        return;
    }

    after(m_call.plan.talkSeconds, {SimulatedCall::State::InProgress},
          [this] { end(CallEnding::CalleeHungUp); });
}

void CallPlayer::cancelQueued()
{
    if (m_call.state != SimulatedCall::State::Queued)
        return;

    m_call.finish(m_context.clock.nowMs(), HangupCause::of(CallEnding::CanceledByApi),
                  m_context.settings.ratePerMinute, m_context.settings.billingIntervalSeconds);
    qCInfo(lcSimulator).noquote() << "Canceled queued call" << m_call.callUuid;
    Q_EMIT ended(m_call);
    deleteWhenIdle();
}

void CallPlayer::hangUpByRequest(bool all)
{
    if (!m_call.isLive())
        return;

    if (m_call.wasAnswered())
        end(all ? CallEnding::HungUpByApiAllAfterAnswer : CallEnding::HungUpByApi);
    else
        end(all ? CallEnding::HungUpByApiAllBeforeAnswer : CallEnding::CanceledByApi);
}

void CallPlayer::end(CallEnding ending)
{
    if (m_call.state == SimulatedCall::State::Ended)
        return;

    m_call.finish(m_context.clock.nowMs(), HangupCause::of(ending),
                  m_context.settings.ratePerMinute, m_context.settings.billingIntervalSeconds);
    qCInfo(lcSimulator).noquote() << "Call" << m_call.callUuid << "ended:"
                                  << m_call.cause.callStatus << m_call.cause.code
                                  << m_call.cause.name << "after" << m_call.durationSeconds
                                  << "s";

    notify(Notification::Hangup, m_call.request.hangup, m_context.views.hangupParams(m_call));
    if (!m_call.request.hangup.isSet())
        releaseHeld();

    Q_EMIT ended(m_call);
    deleteWhenIdle();
}

void CallPlayer::notify(Notification kind, const CallbackTarget &target,
                        const PlivoSignature::Params &params)
{
    if (!target.isSet())
        return;

    using Stream = SeededDraw::Stream;
    const SeededDraw random(m_context.settings.seed);
    const FaultSettings &faults = m_context.settings.faults;
    const quint64 part = quint64(kind);

    CallbackDelivery delivery{label(notificationName(kind)), target, params};

    if (random.chance(faults.dropCallbacks, Stream::DropCallback, m_call.index, part)) {
        qCInfo(lcSimulator).noquote() << "Fault: dropping" << delivery.label;
        if (kind == Notification::Hangup)
            releaseHeld();
        return;
    }

    const int delayMs = int(std::lround(
        random.between(0.0, faults.delayCallbacksMs, Stream::DelayCallback, m_call.index, part)));
    const int copies =
        random.chance(faults.duplicateCallbacks, Stream::DuplicateCallback, m_call.index, part)
            ? 2
            : 1;
    if (copies > 1)
        qCInfo(lcSimulator).noquote() << "Fault: sending" << delivery.label << "twice";

    if (kind == Notification::Hangup) {
        // Held-back notifications follow once the hangup callback is through.
        auto remaining = std::make_shared<int>(copies);
        for (int copy = 0; copy < copies; ++copy) {
            deliver(delivery, delayMs, [this, remaining] {
                if (--*remaining == 0)
                    releaseHeld();
            });
        }
        return;
    }

    for (int copy = 0; copy < copies; ++copy) {
        if (m_reordered && m_call.state != SimulatedCall::State::Ended) {
            qCInfo(lcSimulator).noquote() << "Fault: holding" << delivery.label
                                          << "until after the hangup callback";
            ++m_pendingDeliveries;
            m_held.push_back([this, delivery, delayMs] {
                --m_pendingDeliveries;
                deliver(delivery, delayMs, nullptr);
            });
            continue;
        }
        deliver(delivery, delayMs, nullptr);
    }
}

void CallPlayer::deliver(const CallbackDelivery &delivery, int delayMs, std::function<void()> done)
{
    ++m_pendingDeliveries;
    auto send = [this, delivery, done = std::move(done)] {
        m_context.sender.send(delivery, this, [this, done](const CallbackResult &) {
            --m_pendingDeliveries;
            if (done)
                done();
            deleteWhenIdle();
        });
    };

    if (delayMs <= 0) {
        send();
        return;
    }
    QTimer::singleShot(delayMs, this, send);
}

void CallPlayer::releaseHeld()
{
    std::vector<std::function<void()>> held;
    held.swap(m_held);
    for (const auto &action : held)
        action();
}

void CallPlayer::deleteWhenIdle()
{
    if (m_call.state == SimulatedCall::State::Ended && m_pendingDeliveries == 0 && m_held.empty())
        deleteLater();
}

} // namespace Dialdeck
