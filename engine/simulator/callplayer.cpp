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

qint64 CallPlayer::nowMs() const
{
    return std::max(m_context.clock.nowMs(), m_lastEventMs);
}

qint64 CallPlayer::plus(qint64 simulatedMs, double seconds)
{
    return simulatedMs + qint64(std::llround(seconds * 1000.0));
}

void CallPlayer::at(qint64 simulatedMs, std::initializer_list<SimulatedCall::State> states,
                    std::function<void(qint64)> action)
{
    // Timers run on the wall clock, `speed` simulated seconds per second. The
    // action gets the planned instant, not the moment the timer fired, so
    // durations do not depend on timer precision.
    const double wallMs = double(std::max<qint64>(0, simulatedMs - m_context.clock.nowMs()))
                          / m_context.settings.speed;
    const int delayMs = int(std::min(wallMs, double(std::numeric_limits<int>::max())));
    const QList<SimulatedCall::State> allowed(states);
    QTimer::singleShot(delayMs, this, [this, simulatedMs, allowed, action = std::move(action)] {
        if (allowed.contains(m_call.state))
            action(std::max(simulatedMs, m_lastEventMs));
    });
}

void CallPlayer::dial()
{
    if (m_call.state != SimulatedCall::State::Queued)
        return;

    m_call.state = SimulatedCall::State::Dialing;
    m_call.initiatedMs = nowMs();
    m_lastEventMs = m_call.initiatedMs;
    qCDebug(lcSimulator).noquote() << "Dialing call" << m_call.callUuid << "to" << m_call.to;
    at(plus(m_call.initiatedMs, m_call.plan.setupSeconds), {SimulatedCall::State::Dialing},
       [this](qint64 atMs) { afterSetup(atMs); });
}

void CallPlayer::afterSetup(qint64 atMs)
{
    switch (m_call.plan.outcome) {
    case CallPlan::Outcome::Busy:
        end(CallEnding::Busy, atMs);
        return;
    case CallPlan::Outcome::Failed:
        end(CallEnding::UnallocatedNumber, atMs);
        return;
    case CallPlan::Outcome::Timeout:
        end(CallEnding::CarrierTimeout, atMs);
        return;
    default:
        startRinging(atMs);
        return;
    }
}

void CallPlayer::startRinging(qint64 atMs)
{
    using State = SimulatedCall::State;
    m_call.state = State::Ringing;
    m_call.ringingMs = atMs;
    m_lastEventMs = atMs;
    notify(Notification::Ring, m_call.request.ring, m_context.views.ringParams(m_call));

    at(plus(atMs, m_call.request.ringTimeoutSeconds), {State::Ringing},
       [this](qint64 endMs) { end(CallEnding::RingTimeout, endMs); });
    if (m_call.request.hangupOnRingSeconds > 0) {
        at(plus(atMs, m_call.request.hangupOnRingSeconds), {State::Ringing, State::InProgress},
           [this](qint64 endMs) {
               end(m_call.state == State::Ringing ? CallEnding::HangupOnRing
                                                  : CallEnding::TimeLimit,
                   endMs);
           });
    }

    switch (m_call.plan.outcome) {
    case CallPlan::Outcome::Rejected:
        at(plus(atMs, m_call.plan.ringSeconds), {State::Ringing},
           [this](qint64 endMs) { end(CallEnding::Rejected, endMs); });
        break;
    case CallPlan::Outcome::NoAnswer:
        at(plus(atMs, m_call.plan.noAnswerSeconds), {State::Ringing},
           [this](qint64 endMs) { end(CallEnding::NoAnswer, endMs); });
        break;
    default:
        at(plus(atMs, m_call.plan.ringSeconds), {State::Ringing},
           [this](qint64 answerMs) { answer(answerMs); });
        break;
    }
}

void CallPlayer::answer(qint64 atMs)
{
    using State = SimulatedCall::State;
    m_call.state = State::InProgress;
    m_call.answeredMs = atMs;
    m_lastEventMs = atMs;
    m_call.answeredByMachine = m_call.plan.outcome == CallPlan::Outcome::Machine;
    qCDebug(lcSimulator).noquote() << "Call" << m_call.callUuid
                                   << (m_call.answeredByMachine ? "answered by a machine"
                                                                : "answered");

    // The callee (or the machine's greeting) hangs up after the talk time,
    // even while the answer XML is still on its way.
    at(plus(atMs, m_call.plan.talkSeconds), {State::InProgress},
       [this](qint64 endMs) { end(CallEnding::CalleeHungUp, endMs); });
    at(plus(atMs, m_call.request.timeLimitSeconds), {State::InProgress},
       [this](qint64 endMs) { end(CallEnding::TimeLimit, endMs); });

    if (m_call.request.machineDetection.isEmpty()) {
        fetchAnswer(false);
        return;
    }

    // With a machine_detection_url detection runs alongside the call and
    // reports there; without one the answer URL waits for its result.
    const bool asynchronous = m_call.request.machineDetectionTarget.isSet();
    if (asynchronous)
        fetchAnswer(false);
    at(plus(atMs, m_call.request.machineDetectionTimeMs / 1000.0), {State::InProgress},
       [this, asynchronous](qint64 detectedMs) { detectMachine(detectedMs, !asynchronous); });
}

void CallPlayer::detectMachine(qint64 atMs, bool beforeAnswerXml)
{
    m_call.machineDetectionDone = true;
    m_lastEventMs = atMs;
    if (!beforeAnswerXml) {
        notify(Notification::MachineDetection, m_call.request.machineDetectionTarget,
               m_context.views.machineDetectionParams(m_call));
    }

    if (m_call.answeredByMachine && m_call.request.machineDetection == u"hangup") {
        end(CallEnding::MachineDetected, atMs);
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
    // The call may have ended while the XML was on its way.
    if (m_call.state != SimulatedCall::State::InProgress)
        return;

    if (!result.isSuccess() || result.body.trimmed().isEmpty()) {
        if (!fallback && m_call.request.fallback.isSet()) {
            fetchAnswer(true);
            return;
        }
        end(CallEnding::AnswerUrlFailed, nowMs());
        return;
    }

    const Result<void> valid = AnswerDocument::validate(result.body);
    if (!valid) {
        int suppressed = 0;
        if (m_context.invalidXmlLog.allow(&suppressed)) {
            const QString message = u"Call %1 received invalid answer XML: %2"_s.arg(
                m_call.callUuid, valid.error().message);
            qCInfo(lcSimulator).noquote() << LogThrottle::withSuppressed(message, suppressed);
        }
        end(CallEnding::InvalidAnswerXml, nowMs());
    }
}

void CallPlayer::cancelQueued()
{
    if (m_call.state != SimulatedCall::State::Queued)
        return;

    m_call.finish(nowMs(), HangupCause::of(CallEnding::CanceledByApi),
                  m_context.settings.ratePerMinute, m_context.settings.billingIntervalSeconds);
    qCDebug(lcSimulator).noquote() << "Canceled queued call" << m_call.callUuid;
    Q_EMIT ended(m_call);
    deleteWhenIdle();
}

void CallPlayer::hangUpByRequest(bool all)
{
    if (!m_call.isLive())
        return;

    if (m_call.wasAnswered())
        end(all ? CallEnding::HungUpByApiAllAfterAnswer : CallEnding::HungUpByApi, nowMs());
    else
        end(all ? CallEnding::HungUpByApiAllBeforeAnswer : CallEnding::CanceledByApi, nowMs());
}

void CallPlayer::end(CallEnding ending, qint64 atMs)
{
    if (m_call.state == SimulatedCall::State::Ended)
        return;

    m_lastEventMs = atMs;
    m_call.finish(atMs, HangupCause::of(ending),
                  m_context.settings.ratePerMinute, m_context.settings.billingIntervalSeconds);
    qCDebug(lcSimulator).noquote() << "Call" << m_call.callUuid << "ended:"
                                  << m_call.cause.callStatus << m_call.cause.code
                                  << m_call.cause.name << "after" << m_call.durationSeconds
                                  << "s";

    notify(Notification::Hangup, m_call.request.hangup, m_context.views.hangupParams(m_call));
    if (!m_call.request.hangup.isSet())
        releaseHeld();

    Q_EMIT ended(m_call);
    deleteWhenIdle();
}

CallPlayer::NotificationFaults CallPlayer::drawFaults(Notification kind) const
{
    using Stream = SeededDraw::Stream;
    const SeededDraw random(m_context.settings.seed);
    const FaultSettings &faults = m_context.settings.faults;
    const quint64 part = quint64(kind);

    NotificationFaults drawn;
    drawn.drop = random.chance(faults.dropCallbacks, Stream::DropCallback, m_call.index, part);
    drawn.delayMs = int(std::lround(random.between(0.0, faults.delayCallbacksMs,
                                                   Stream::DelayCallback, m_call.index, part)));
    const bool duplicate =
        random.chance(faults.duplicateCallbacks, Stream::DuplicateCallback, m_call.index, part);
    drawn.copies = duplicate ? 2 : 1;
    return drawn;
}

void CallPlayer::notify(Notification kind, const CallbackTarget &target,
                        const PlivoSignature::Params &params)
{
    if (!target.isSet())
        return;

    const CallbackDelivery delivery{label(notificationName(kind)), target, params};
    const NotificationFaults faults = drawFaults(kind);
    if (faults.drop) {
        qCDebug(lcSimulator).noquote() << "Fault: dropping" << delivery.label;
        if (kind == Notification::Hangup)
            releaseHeld();
        return;
    }
    if (faults.copies > 1)
        qCDebug(lcSimulator).noquote() << "Fault: sending" << delivery.label << "twice";

    if (kind == Notification::Hangup) {
        // Held-back notifications follow once every copy of the hangup callback is through.
        auto remaining = std::make_shared<int>(faults.copies);
        for (int copy = 0; copy < faults.copies; ++copy) {
            deliver(delivery, faults.delayMs, [this, remaining] {
                if (--*remaining == 0)
                    releaseHeld();
            });
        }
        return;
    }

    for (int copy = 0; copy < faults.copies; ++copy) {
        if (m_reordered)
            hold(delivery, faults.delayMs);
        else
            deliver(delivery, faults.delayMs, nullptr);
    }
}

void CallPlayer::hold(const CallbackDelivery &delivery, int delayMs)
{
    qCDebug(lcSimulator).noquote() << "Fault: holding" << delivery.label
                                   << "until after the hangup callback";
    ++m_pendingDeliveries;
    m_held.push_back([this, delivery, delayMs] {
        --m_pendingDeliveries;
        deliver(delivery, delayMs, nullptr);
    });
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
