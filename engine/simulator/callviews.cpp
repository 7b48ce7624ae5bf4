#include "callviews.h"

#include "simulatedcall.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// The simulator places no STIR/SHAKEN-signed calls.
const QString stirVerification = u"Not Applicable"_s;

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QString callStateOf(const SimulatedCall &call)
{
    // NOTE: Plivo documents call_state only by its example "ANSWER"; the
    // value for unanswered calls is the CallStatus in capitals, unverified.
    return call.wasAnswered() ? u"ANSWER"_s : call.cause.callStatus.toUpper();
}

} // namespace

CallViews::CallViews(const QString &authId, double ratePerMinute, const AccountTime &time)
    : m_authId(authId)
    , m_ratePerMinute(ratePerMinute)
    , m_time(time)
{
}

QString CallViews::callResourceUri(const QString &callUuid) const
{
    return u"/v1/Account/%1/Call/%2/"_s.arg(m_authId, callUuid);
}

QString CallViews::rateText() const
{
    return amountText(m_ratePerMinute);
}

QString CallViews::amountText(double dollars)
{
    return QString::number(dollars, 'f', 5);
}

QJsonObject CallViews::cdr(const SimulatedCall &call) const
{
    return {
        {u"answer_time"_s, textOrNull(m_time.cdrTime(call.answeredMs))},
        {u"bill_duration"_s, call.durationSeconds},
        {u"billed_duration"_s, call.billedDurationSeconds},
        {u"call_direction"_s, u"outbound"_s},
        {u"call_duration"_s, call.durationSeconds},
        {u"call_state"_s, callStateOf(call)},
        {u"call_uuid"_s, call.callUuid},
        {u"conference_uuid"_s, QJsonValue(QJsonValue::Null)},
        {u"end_time"_s, m_time.cdrTime(call.endedMs)},
        {u"from_number"_s, call.request.from},
        {u"hangup_cause_code"_s, call.cause.code},
        {u"hangup_cause_name"_s, call.cause.name},
        {u"hangup_source"_s, call.cause.source},
        {u"initiation_time"_s, m_time.cdrTime(call.initiatedMs)},
        {u"parent_call_uuid"_s, textOrNull(call.request.parentCallUuid)},
        {u"resource_uri"_s, callResourceUri(call.callUuid)},
        {u"to_number"_s, call.to},
        {u"total_amount"_s, amountText(call.totalCost)},
        {u"total_rate"_s, rateText()},
        {u"stir_verification"_s, stirVerification},
        {u"stir_attestation"_s, QString()},
        {u"voice_network_group"_s, u"Simulated Network"_s},
        {u"source_ip"_s, QString()},
        {u"cnam_lookup"_s, QString()},
        {u"cnam_lookup_number_config"_s, QString()},
    };
}

QJsonObject CallViews::liveCall(const SimulatedCall &call) const
{
    const bool answered = call.state == SimulatedCall::State::InProgress;
    return {
        {u"call_status"_s, answered ? u"in-progress"_s : u"ringing"_s},
        {u"call_uuid"_s, call.callUuid},
        {u"caller_name"_s, call.request.callerName},
        {u"direction"_s, u"outbound"_s},
        {u"from"_s, call.request.from},
        {u"to"_s, call.to},
        {u"request_uuid"_s, call.requestUuid},
        {u"session_start"_s, AccountTime::sessionStart(call.initiatedMs)},
        {u"stir_verification"_s, stirVerification},
        {u"stir_attestation"_s, QString()},
    };
}

QJsonObject CallViews::queuedCall(const SimulatedCall &call) const
{
    return {
        {u"call_status"_s, u"queued"_s},
        {u"call_uuid"_s, call.callUuid},
        {u"caller_name"_s, call.request.callerName},
        {u"direction"_s, u"outbound"_s},
        {u"from"_s, call.request.from},
        {u"to"_s, call.to},
        {u"request_uuid"_s, call.requestUuid},
    };
}

PlivoSignature::Params CallViews::commonParams(const SimulatedCall &call) const
{
    PlivoSignature::Params params = {
        {u"From"_s, call.request.from},
        {u"To"_s, call.to},
        {u"RequestUUID"_s, call.requestUuid},
        {u"ALegRequestUUID"_s, call.requestUuid},
        {u"CallUUID"_s, call.callUuid},
        {u"Direction"_s, u"outbound"_s},
        {u"SessionStart"_s, AccountTime::sessionStart(call.initiatedMs)},
        {u"STIRAttestation"_s, QString()},
    };
    params.append(call.request.sipHeaders);
    return params;
}

PlivoSignature::Params CallViews::ringParams(const SimulatedCall &call) const
{
    PlivoSignature::Params params = commonParams(call);
    params.append({u"Event"_s, u"Ring"_s});
    params.append({u"CallStatus"_s, u"ringing"_s});
    return params;
}

PlivoSignature::Params CallViews::startAppParams(const SimulatedCall &call) const
{
    PlivoSignature::Params params = commonParams(call);
    params.append({u"ALegUUID"_s, call.callUuid});
    params.append({u"Event"_s, u"StartApp"_s});
    params.append({u"CallStatus"_s, u"in-progress"_s});
    params.append({u"STIRVerification"_s, stirVerification});
    params.append({u"BillRate"_s, rateText()});
    params.append({u"ParentAuthID"_s, m_authId});
    // Detection that ran before the answer URL is fetched reports its result here.
    if (call.machineDetectionDone)
        params.append({u"Machine"_s, call.answeredByMachine ? u"true"_s : u"false"_s});
    return params;
}

PlivoSignature::Params CallViews::machineDetectionParams(const SimulatedCall &call) const
{
    PlivoSignature::Params params = commonParams(call);
    params.append({u"ALegUUID"_s, call.callUuid});
    params.append({u"Machine"_s, call.answeredByMachine ? u"true"_s : u"false"_s});
    params.append(
        {u"IfMachine"_s, call.request.machineDetection == u"hangup" ? u"hangup"_s : u"continue"_s});
    params.append({u"Event"_s, u"MachineDetection"_s});
    params.append({u"CallStatus"_s, u"in-progress"_s});
    return params;
}

PlivoSignature::Params CallViews::hangupParams(const SimulatedCall &call) const
{
    PlivoSignature::Params params = commonParams(call);
    params.append({u"ALegUUID"_s, call.callUuid});
    params.append({u"Event"_s, u"Hangup"_s});
    params.append({u"STIRVerification"_s, stirVerification});
    params.append({u"CallStatus"_s, call.cause.callStatus});
    params.append({u"StartTime"_s, m_time.consoleTime(call.initiatedMs)});
    params.append({u"AnswerTime"_s, m_time.consoleTime(call.answeredMs)});
    params.append({u"EndTime"_s, m_time.consoleTime(call.endedMs)});
    params.append({u"HangupCause"_s, call.cause.telephonyCause});
    params.append({u"Duration"_s, QString::number(call.durationSeconds)});
    params.append({u"BillDuration"_s, QString::number(call.durationSeconds)});

    // NOTE: Plivo documents that the hangup payload includes the cause's name,
    // code and source and the billing figures, but not their field names.
    // These are the names integrators read.
    params.append({u"HangupCauseName"_s, call.cause.name});
    params.append({u"HangupCauseCode"_s, QString::number(call.cause.code)});
    params.append({u"HangupSource"_s, call.cause.source});
    params.append({u"BillRate"_s, rateText()});
    params.append({u"TotalCost"_s, amountText(call.totalCost)});
    if (call.machineDetectionDone)
        params.append({u"Machine"_s, call.answeredByMachine ? u"true"_s : u"false"_s});
    return params;
}

} // namespace Dialdeck
