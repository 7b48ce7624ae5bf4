#include "plivocallback.h"

#include <QCoreApplication>

#include <cmath>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::PlivoCallback", text);
}

// Hangup cause codes from Plivo's hangup-causes table that decide an outcome.
constexpr int CauseCanceled = 1000;
constexpr int CauseNoAnswer = 3000;
constexpr int CauseBusy = 3010;
constexpr int CauseRejected = 3020;
constexpr int CauseNormalHangup = 4000;
constexpr int CauseEndOfXml = 4010;
constexpr int CauseScheduledHangup = 6000;
constexpr int CauseRingTimeout = 6010;
// Plivo could not fetch the answer URL, or what it returned was not Plivo XML.
// The callee picked up and heard nothing, so the call was not reached.
constexpr int CauseAnswerUrlUnreachable = 7011;
constexpr int CauseInvalidAnswerXml = 8011;
constexpr int CauseMachine = 9100;

int intValue(const QString &text)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    return ok ? value : 0;
}

double doubleValue(const QString &text)
{
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    return ok && std::isfinite(value) && value >= 0 ? value : 0.0;
}

bool truthy(const QString &text)
{
    return text.compare(u"true"_s, Qt::CaseInsensitive) == 0;
}

// Seconds between two of Plivo's "yyyy-MM-dd HH:mm:ss" times, or 0.
int secondsBetween(const QString &from, const QString &to)
{
    const QDateTime start = QDateTime::fromString(from.left(19), u"yyyy-MM-dd HH:mm:ss"_s);
    const QDateTime end = QDateTime::fromString(to.left(19), u"yyyy-MM-dd HH:mm:ss"_s);
    if (!start.isValid() || !end.isValid())
        return 0;
    return int(std::max<qint64>(0, start.secsTo(end)));
}

// Plivo's hangup cause code from the fields either reading of its hangup
// callback carries: HangupCauseCode when present, else the raw cause name.
int causeCodeFrom(const PlivoCallback::Params &params)
{
    const int code = intValue(PlivoCallback::value(params, u"HangupCauseCode"));
    if (code != 0)
        return code;

    const QString cause = PlivoCallback::value(params, u"HangupCause");
    if (cause == u"USER_BUSY")
        return CauseBusy;
    if (cause == u"NO_ANSWER" || cause == u"NO_USER_RESPONSE")
        return CauseNoAnswer;
    if (cause == u"CALL_REJECTED")
        return CauseRejected;
    if (cause == u"ORIGINATOR_CANCEL")
        return CauseCanceled;
    if (cause == u"NORMAL_CLEARING")
        return CauseNormalHangup;
    return 0;
}

} // namespace

std::optional<PlivoCallback::Kind> PlivoCallback::kindFromPath(QStringView path)
{
    if (path == u"ring")
        return Kind::Ring;
    if (path == u"answer" || path == u"fallback")
        return Kind::Answer;
    if (path == u"hangup")
        return Kind::Hangup;
    if (path == u"machine")
        return Kind::Machine;
    return std::nullopt;
}

QString PlivoCallback::value(const Params &params, QStringView key)
{
    for (const auto &[name, text] : params) {
        if (name == key)
            return text;
    }
    return {};
}

CallOutcome PlivoCallback::outcomeFor(int causeCode, QStringView callStatus, bool answered,
                                      bool machine)
{
    if (machine || causeCode == CauseMachine)
        return CallOutcome::Machine;
    if (causeCode == CauseAnswerUrlUnreachable || causeCode == CauseInvalidAnswerXml)
        return CallOutcome::Failed;
    if (causeCode == CauseBusy || callStatus == u"busy")
        return CallOutcome::Busy;
    if (causeCode == CauseNoAnswer || causeCode == CauseRingTimeout || callStatus == u"no-answer" ||
        callStatus == u"timeout")
        return CallOutcome::NoAnswer;
    if (causeCode == CauseCanceled || callStatus == u"cancel")
        return answered ? CallOutcome::Answered : CallOutcome::Cancelled;
    if (callStatus == u"failed")
        return CallOutcome::Failed;
    if (answered || causeCode == CauseNormalHangup || causeCode == CauseEndOfXml ||
        causeCode == CauseScheduledHangup)
        return answered ? CallOutcome::Answered : CallOutcome::Failed;
    return CallOutcome::Failed;
}

Result<CarrierEvent> PlivoCallback::toEvent(Kind kind, const Params &params, qint64 attemptId,
                                            qint64 nowMs)
{
    CarrierEvent event;
    event.attemptId = attemptId;
    event.atMs = nowMs;
    event.callUuid = value(params, u"CallUUID");
    event.requestUuid = value(params, u"RequestUUID");
    if (event.callUuid.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     tr("The callback has no CallUUID parameter; it cannot be matched to a call.")};
    }

    const QString reported = value(params, u"Event");
    const QString status = value(params, u"CallStatus");
    switch (kind) {
    case Kind::Ring:
        event.kind = CarrierEvent::Kind::Ringing;
        break;
    case Kind::Answer:
        event.kind = CarrierEvent::Kind::Answered;
        break;
    case Kind::Machine:
        event.kind = CarrierEvent::Kind::MachineDetected;
        event.machineResult = truthy(value(params, u"Machine")) ? u"machine"_s : u"human"_s;
        break;
    case Kind::Hangup: {
        event.kind = CarrierEvent::Kind::Hangup;
        const QString answerTime = value(params, u"AnswerTime");
        const bool answered = !answerTime.isEmpty() || status == u"completed";
        const bool machine = truthy(value(params, u"Machine")) || truthy(value(params, u"machine"));
        const int code = causeCodeFrom(params);
        event.outcome = outcomeFor(code, status, answered, machine);
        event.hangupCause = value(params, u"HangupCauseName");
        if (event.hangupCause.isEmpty())
            event.hangupCause = value(params, u"HangupCause");
        event.talkSeconds = intValue(value(params, u"BillDuration"));
        if (event.talkSeconds == 0 && answered)
            event.talkSeconds = intValue(value(params, u"Duration"));
        event.ringSeconds =
            answered ? secondsBetween(value(params, u"StartTime"), answerTime)
                     : secondsBetween(value(params, u"StartTime"), value(params, u"EndTime"));
        event.cost = doubleValue(value(params, u"TotalCost"));
        if (event.cost == 0.0 && event.talkSeconds > 0) {
            // Without TotalCost, the per-minute BillRate over started minutes.
            const double rate = doubleValue(value(params, u"BillRate"));
            event.cost = rate * std::ceil(event.talkSeconds / 60.0);
        }
        break;
    }
    }

    // Plivo names the event in every callback; a mismatch means the URL and
    // the body do not belong together.
    const bool fits = reported.isEmpty() || (kind == Kind::Ring && reported == u"Ring") ||
                      (kind == Kind::Answer && reported == u"StartApp") ||
                      (kind == Kind::Hangup && reported == u"Hangup") ||
                      (kind == Kind::Machine && reported == u"MachineDetection");
    if (!fits) {
        return Error{u"invalid_argument"_s,
                     tr("The callback reports the event \"%1\" at a URL for another kind of "
                        "event.")
                         .arg(reported)};
    }
    return event;
}

Result<CarrierEvent> PlivoCallback::eventFromCdr(const QJsonObject &cdr, qint64 attemptId,
                                                 qint64 nowMs)
{
    CarrierEvent event;
    event.kind = CarrierEvent::Kind::Hangup;
    event.attemptId = attemptId;
    event.atMs = nowMs;
    event.callUuid = cdr.value(u"call_uuid"_s).toString();
    if (event.callUuid.isEmpty())
        return Error{u"invalid_argument"_s, tr("The call record has no call_uuid.")};

    const bool answered =
        cdr.value(u"answer_time"_s).isString() && !cdr.value(u"answer_time"_s).toString().isEmpty();
    const int code = cdr.value(u"hangup_cause_code"_s).toInt();
    event.outcome = outcomeFor(code, QString(), answered, false);
    event.hangupCause = cdr.value(u"hangup_cause_name"_s).toString();
    event.talkSeconds = cdr.value(u"bill_duration"_s).toInt();
    if (answered) {
        event.ringSeconds = secondsBetween(cdr.value(u"initiation_time"_s).toString(),
                                           cdr.value(u"answer_time"_s).toString());
    } else {
        event.ringSeconds = secondsBetween(cdr.value(u"initiation_time"_s).toString(),
                                           cdr.value(u"end_time"_s).toString());
    }
    event.cost = doubleValue(cdr.value(u"total_amount"_s).toVariant().toString());
    return event;
}

} // namespace Dialdeck
