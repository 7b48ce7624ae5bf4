#include "hangupcause.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

// Codes, names and sources follow Plivo's hangup-causes page
// (docs.plivo.com/docs/voice/troubleshooting/hangup-causes) and CallStatus
// values its call-status page. NOTE: which raw cause, status and source Plivo
// pairs with each code is not documented; the pairs below are the likely
// ones, to be checked against real hangup callbacks.
HangupCause HangupCause::of(CallEnding ending)
{
    switch (ending) {
    case CallEnding::CalleeHungUp:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 4000, u"Normal Hangup"_s,
                u"Call recipient"_s};
    case CallEnding::Busy:
        return {u"USER_BUSY"_s, u"busy"_s, 3010, u"Busy Line"_s, u"Call recipient"_s};
    case CallEnding::NoAnswer:
        return {u"NO_ANSWER"_s, u"no-answer"_s, 3000, u"No Answer"_s, u"Carrier"_s};
    case CallEnding::Rejected:
        return {u"CALL_REJECTED"_s, u"busy"_s, 3020, u"Rejected"_s, u"Call recipient"_s};
    case CallEnding::UnallocatedNumber:
        return {u"UNALLOCATED_NUMBER"_s, u"failed"_s, 3050, u"Unallocated Number"_s,
                u"Carrier"_s};
    case CallEnding::CarrierTimeout:
        return {u"RECOVERY_ON_TIMER_EXPIRE"_s, u"timeout"_s, 3070, u"Request Timeout"_s,
                u"Carrier"_s};
    case CallEnding::RingTimeout:
        return {u"NO_ANSWER"_s, u"no-answer"_s, 6010, u"Ring Timeout Reached"_s, u"Plivo"_s};
    case CallEnding::TimeLimit:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 6000, u"Scheduled Hangup"_s, u"Plivo"_s};
    case CallEnding::HangupOnRing:
        return {u"ORIGINATOR_CANCEL"_s, u"cancel"_s, 6000, u"Scheduled Hangup"_s, u"Plivo"_s};
    case CallEnding::AnswerUrlFailed:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 7011, u"Error Reaching Answer URL"_s,
                u"Error"_s};
    case CallEnding::InvalidAnswerXml:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 8011, u"Invalid Answer XML"_s,
                u"Error"_s};
    case CallEnding::MachineDetected:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 9100, u"Machine Detected"_s, u"Plivo"_s};
    case CallEnding::CanceledByApi:
        return {u"ORIGINATOR_CANCEL"_s, u"cancel"_s, 1000, u"Canceled"_s, u"API Request"_s};
    case CallEnding::HungUpByApi:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 4000, u"Normal Hangup"_s,
                u"API Request"_s};
    // The hangup-causes page lists it as a known bug that hanging up every call
    // with one request reports cause 0, Unknown.
    case CallEnding::HungUpByApiAllBeforeAnswer:
        return {u"ORIGINATOR_CANCEL"_s, u"cancel"_s, 0, u"Unknown"_s, u"Unknown"_s};
    case CallEnding::HungUpByApiAllAfterAnswer:
        return {u"NORMAL_CLEARING"_s, u"completed"_s, 0, u"Unknown"_s, u"Unknown"_s};
    }
    return {u"NORMAL_CLEARING"_s, u"completed"_s, 0, u"Unknown"_s, u"Unknown"_s};
}

} // namespace Dialdeck
