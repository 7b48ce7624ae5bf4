#pragma once

#include "core/statuses.h"

#include <QObject>
#include <QString>

#include <optional>

namespace Dialdeck {

// One dial the engine requests from the carrier. The attempt id travels with
// every event of the call, as it travels in Plivo's callback URLs.
struct DialRequest
{
    qint64 attemptId = 0;
    QString from;
    QString to;
    int ringTimeoutSeconds = 30;
    int timeLimitSeconds = 3600;
    // When the attempt was journaled; the simulated carrier uses it to replay
    // a call it placed before a restart.
    qint64 journaledAtMs = 0;
};

// What the carrier reports about a call, in the order it happens: Placed (the
// API accepted the request), Ringing, Answered, MachineDetected, Hangup.
struct CarrierEvent
{
    enum class Kind
    {
        Placed,
        Ringing,
        Answered,
        MachineDetected,
        Hangup,
    };

    Kind kind = Kind::Placed;
    qint64 attemptId = 0;
    QString requestUuid;
    QString callUuid;
    qint64 atMs = 0;
    // Set on Hangup.
    std::optional<CallOutcome> outcome;
    QString hangupCause;
    int ringSeconds = 0;
    int talkSeconds = 0;
    double cost = 0.0;
    // Set on MachineDetected: "machine" or "human".
    QString machineResult;
};

QString toString(CarrierEvent::Kind kind);

// A failed dial request, with the carrier's own message kept.
struct CarrierError
{
    qint64 attemptId = 0;
    // Failed: the call cannot be placed (invalid number, blocked destination);
    // the attempt fails and the retry policy decides. Retry: try the same
    // attempt later. Fatal: the batch must pause until the operator acts.
    enum class Severity
    {
        Failed,
        Retry,
        Fatal,
    };
    Severity severity = Severity::Failed;
    // False when trying the call again cannot help (the carrier refused the
    // number or the destination): the call ends failed whatever the retry policy says.
    bool retryable = true;
    QString message;
};

// The interface the engine dials through. Implementations live on the
// engine's thread and report back by signal.
class Carrier : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    virtual QString name() const = 0;

    // Places one call; Placed and later events, or dialRejected, follow.
    virtual void placeCall(const DialRequest &request) = 0;

    // Ends one live call. An empty call uuid is ignored, never sent.
    virtual void hangUp(const QString &callUuid) = 0;

    // Asks what became of an attempt found in `dialing` after a restart. The
    // carrier replies with the attempt's events (and their times) when it has a
    // record of the call, or with attemptUnknown() when it never placed it.
    virtual void reconcile(const DialRequest &request, const QString &requestUuid) = 0;

    // Takes one event a carrier callback reported (through the webhook intake
    // or the relay) and passes it on as eventReceived().
    virtual void acceptCallback(const CarrierEvent &event) { Q_EMIT eventReceived(event); }

    // Call uuids that the store already gives to attempts. A look-up must
    // never hand one of them to another attempt, such as a retry of the same
    // number from the same caller number.
    virtual void claimCallUuids(const QStringList &callUuids) { Q_UNUSED(callUuids); }

    // Carriers driven by the engine's clock (the simulated one) deliver the
    // events due up to nowMs here; real carriers ignore it.
    virtual void advanceTo(qint64 nowMs) { Q_UNUSED(nowMs); }

    // Returns the instant of the next event the carrier will deliver, if known.
    virtual std::optional<qint64> nextEventMs() const { return std::nullopt; }

Q_SIGNALS:
    void eventReceived(const Dialdeck::CarrierEvent &event);
    void dialRejected(const Dialdeck::CarrierError &error);
    void attemptUnknown(qint64 attemptId);
};

} // namespace Dialdeck
