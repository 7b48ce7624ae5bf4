#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>

namespace Dialdeck {

// A range of simulated seconds that a value is drawn from uniformly.
struct SecondsRange
{
    double min = 0.0;
    double max = 0.0;
};

// Relative weights of the ways a simulated call ends; they need not sum to 100.
struct OutcomeMix
{
    double answered = 60.0;
    double busy = 10.0;
    double noAnswer = 15.0;
    double failed = 5.0;
    double machine = 10.0;
    // Declined by the callee while ringing (CALL_REJECTED).
    double rejected = 0.0;
    // The carrier timed out while connecting (CallStatus "timeout").
    double timeout = 0.0;

    double total() const;

    // Parses "answered=60,busy=10,no-answer=15,failed=5,machine=10"; keys not
    // named keep weight 0.
    static Result<OutcomeMix> parse(const QString &text);
};

// Test faults. A share is the fraction (0..1) of create requests, calls or
// callbacks it applies to; each draw is seeded, so a run repeats exactly.
struct FaultSettings
{
    // Share of notification callbacks (ring, machine detection, hangup) never sent.
    double dropCallbacks = 0.0;
    // Share of notification callbacks sent twice.
    double duplicateCallbacks = 0.0;
    // Share of calls whose ring and machine-detection callbacks are held back
    // until the hangup callback has been delivered.
    double reorderCallbacks = 0.0;
    // Each notification callback waits a seeded delay from 0 to this many ms.
    int delayCallbacksMs = 0;
    // Share of create requests that place their calls but respond with HTTP 500.
    double error500AfterPlace = 0.0;
    // Share of create requests that place their calls but respond only after stallMs.
    double stall = 0.0;
    int stallMs = 8000;
};

// Everything dialdeck-sim is started with. Parsed from command-line values by
// apply(), then checked as a whole by validate().
struct SimulatorSettings
{
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    // 0 picks a free port.
    quint16 listenPort = 8790;

    QString authId = QStringLiteral("MADIALDECKSIMULATOR0");
    // Signs callbacks and checks Basic authentication; never logged.
    QByteArray authToken;

    // Calls dialed per wall-clock second; more wait in the queue ("call queued").
    double callsPerSecond = 2.0;
    // REST requests allowed per window of restWindowMs wall-clock ms; more get 429.
    int restLimit = 300;
    int restWindowMs = 5000;

    // Simulated seconds per wall-clock second for call play-out and timestamps.
    double speed = 1.0;
    quint64 seed = 1;
    OutcomeMix mix;
    // From the dial until the phone rings (or the call fails).
    SecondsRange setupTime{1.0, 3.0};
    // From ringing until the callee answers or rejects.
    SecondsRange ringTime{3.0, 20.0};
    // From ringing until the callee's network gives up on an unanswered call.
    SecondsRange noAnswerTime{30.0, 60.0};
    // From answer until the callee hangs up.
    SecondsRange talkTime{10.0, 120.0};

    // US dollars per minute, charged per started billing interval.
    double ratePerMinute = 0.0085;
    int billingIntervalSeconds = 60;
    // US dollars the account starts with; call costs are taken from it.
    double cashCredits = 100.0;
    // IANA name of the account's time zone, used for CDR and hangup timestamps.
    QString timeZone = QStringLiteral("UTC");
    // The account's phone numbers in E.164; empty uses a generated set.
    QStringList numbers;

    // JSON-lines file of placed calls and their outcomes; empty writes none.
    QString journalPath;
    // Retries of a callback whose connection failed or timed out, unless its
    // URL fragment sets rc.
    int callbackRetries = 1;
    FaultSettings faults;

    // Applies one command-line option by its long name ("cps", "mix",
    // "fault-stall", ...) and its text value. Fails naming the option and value.
    Result<void> apply(const QString &option, const QString &value);

    // The long names apply() accepts, for the command-line parser.
    static QStringList optionNames();

    // Checks the settings as a whole, e.g. an empty mix or a missing token.
    Result<void> validate() const;
};

} // namespace Dialdeck
