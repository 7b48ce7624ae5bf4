#include "retrypolicy.h"

#include "callingwindow.h"

#include <QCoreApplication>
#include <QDateTime>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString trRetry(const char *text)
{
    return QCoreApplication::translate("Dialdeck::RetryPolicy", text);
}

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

// The final status when an outcome is not retried (again).
CallStatus finalStatusFor(CallOutcome outcome)
{
    switch (outcome) {
    case CallOutcome::Answered:
    case CallOutcome::Machine:
        return CallStatus::Completed;
    case CallOutcome::Busy:
        return CallStatus::Busy;
    case CallOutcome::NoAnswer:
        return CallStatus::NoAnswer;
    case CallOutcome::Failed:
        return CallStatus::Failed;
    case CallOutcome::Cancelled:
        return CallStatus::Cancelled;
    }
    return CallStatus::Failed;
}

RetryDecision finalDecision(CallOutcome outcome, QString reason)
{
    RetryDecision decision;
    decision.finalStatus = finalStatusFor(outcome);
    decision.reason = std::move(reason);
    return decision;
}

} // namespace

RetryDecision RetryPolicy::decide(const BatchConfig &config, CallOutcome outcome, int attemptsMade,
                                  qint64 endedAtMs, const CallingWindow &window,
                                  const QList<QByteArray> &zones)
{
    if (outcome == CallOutcome::Answered)
        return finalDecision(outcome, trRetry("The call was answered."));
    if (outcome == CallOutcome::Cancelled)
        return finalDecision(outcome, trRetry("The call was cancelled."));

    const RetryRule *rule = config.retryRuleFor(outcome);
    const QString outcomeName = toString(outcome);
    if (!rule || attemptsMade >= rule->maxAttempts) {
        const int maxAttempts = rule ? rule->maxAttempts : attemptsMade;
        return finalDecision(outcome,
                             trRetry("Attempt %1 of %2 ended with outcome %3, and the retry "
                                     "rule for %3 allows no further attempt.")
                                 .arg(attemptsMade)
                                 .arg(maxAttempts)
                                 .arg(outcomeName));
    }

    const qint64 delayedMs = endedAtMs + qint64(rule->delaySeconds) * 1000;
    const qint64 dueMs = window.nextOpening(zones, delayedMs);
    if (dueMs < 0) {
        return finalDecision(outcome,
                             trRetry("Attempt %1 ended with outcome %2, but the calling window "
                                     "does not open within 400 days after %3 UTC, so the call "
                                     "is not retried. Check the batch's days, holidays and time "
                                     "zones.")
                                 .arg(attemptsMade)
                                 .arg(outcomeName, isoUtc(delayedMs)));
    }

    RetryDecision decision;
    decision.retry = true;
    decision.dueAtMs = dueMs;
    if (dueMs == delayedMs) {
        decision.reason = trRetry("Outcome %1 on attempt %2 of %3: retry after %4 s at %5 UTC.")
                              .arg(outcomeName)
                              .arg(attemptsMade)
                              .arg(rule->maxAttempts)
                              .arg(rule->delaySeconds)
                              .arg(isoUtc(dueMs));
    } else {
        decision.reason = trRetry("Outcome %1 on attempt %2 of %3: the retry delay of %4 s ends "
                                  "at %5 UTC, outside the calling window, so the retry waits "
                                  "for the window to open at %6 UTC.")
                              .arg(outcomeName)
                              .arg(attemptsMade)
                              .arg(rule->maxAttempts)
                              .arg(rule->delaySeconds)
                              .arg(isoUtc(delayedMs), isoUtc(dueMs));
    }
    return decision;
}

} // namespace Dialdeck
