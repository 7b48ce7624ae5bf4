#pragma once

#include <QString>

namespace Dialdeck {

// The ways a simulated call can end.
enum class CallEnding
{
    CalleeHungUp,
    Busy,
    NoAnswer,
    Rejected,
    UnallocatedNumber,
    CarrierTimeout,
    RingTimeout,
    TimeLimit,
    HangupOnRing,
    AnswerUrlFailed,
    InvalidAnswerXml,
    MachineDetected,
    CanceledByApi,
    HungUpByApi,
    HungUpByApiAllBeforeAnswer,
    HungUpByApiAllAfterAnswer,
};

// Plivo's report of a call's end: the hangup callback's HangupCause (a raw
// telephony cause), CallStatus, and the hangup cause code, name and source
// that CDRs and the hangup callback carry.
struct HangupCause
{
    QString telephonyCause;
    QString callStatus;
    int code = 0;
    QString name;
    QString source;

    static HangupCause of(CallEnding ending);
};

} // namespace Dialdeck
