#pragma once

#include <QString>

#include <optional>

namespace Dialdeck {

// Life cycle of a batch:
// draft -> ready (checks passed) -> queued (window closed) / running -> paused -> running
// -> completed; stopped when the operator stops it; archived hides it from the list.
enum class BatchStatus
{
    Draft,
    Ready,
    Queued,
    Running,
    Paused,
    Stopped,
    Completed,
    Archived,
};

// The state of one call (one contact row). Completed, Busy, NoAnswer, Failed,
// Skipped and Cancelled are final; Busy, NoAnswer and Failed become final only
// when the retry policy allows no further attempt.
enum class CallStatus
{
    Pending,
    WaitingForWindow,
    Dialing,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Skipped,
    Cancelled,
};
constexpr int CallStatusCount = int(CallStatus::Cancelled) + 1;

// The state of one attempt. Dialing is journaled before the carrier request;
// Reconciling marks an attempt found in Dialing after a restart.
enum class AttemptState
{
    Dialing,
    Reconciling,
    Ringing,
    InProgress,
    Ended,
};

// The outcome of an ended attempt.
enum class CallOutcome
{
    Answered,
    Machine,
    Busy,
    NoAnswer,
    Failed,
    Cancelled,
};
constexpr int CallOutcomeCount = int(CallOutcome::Cancelled) + 1;

QString toString(BatchStatus status);
QString toString(CallStatus status);
QString toString(AttemptState state);
QString toString(CallOutcome outcome);

std::optional<BatchStatus> batchStatusFromString(QStringView text);
std::optional<CallStatus> callStatusFromString(QStringView text);
std::optional<AttemptState> attemptStateFromString(QStringView text);
std::optional<CallOutcome> callOutcomeFromString(QStringView text);

// The call status shown while an attempt in `state` is open.
CallStatus callStatusDuring(AttemptState state);

bool isFinal(CallStatus status);
bool isInFlight(CallStatus status);
bool isActive(BatchStatus status);

} // namespace Dialdeck
