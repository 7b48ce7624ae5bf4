#pragma once

#include "core/statuses.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <array>

namespace Dialdeck {

// Live figures of one caller number within a batch run.
struct CallerNumberProgress
{
    QString phoneId;
    QString e164;
    QString label;
    int callsToday = 0;
    int answered = 0;
    int ended = 0;
    qint64 lastUsedMs = -1;
    bool inCall = false;
    bool resting = false;
    bool capReached = false;
};

// One call that is being dialed, ringing or talking.
struct InFlightCall
{
    qint64 callId = 0;
    qint64 attemptId = 0;
    int attemptNumber = 1;
    QString e164;
    QString callerE164;
    CallStatus status = CallStatus::Dialing;
    qint64 sinceMs = 0;
};

// Everything a dashboard shows about one batch, taken at one instant. The
// console, the REST batch-details endpoint and `dialdeck-service status` read
// this same structure.
struct BatchProgress
{
    QString batchId;
    QString name;
    BatchStatus status = BatchStatus::Draft;
    QString statusReason;
    QString sessionId;
    // Engine clock at the time of the snapshot (virtual when simulating), ms since epoch UTC.
    qint64 nowMs = 0;
    std::array<qint64, CallStatusCount> counts{};
    qint64 totalCalls = 0;
    qint64 finishedCalls = 0;
    qint64 attempts = 0;
    qint64 answeredAttempts = 0;
    qint64 endedAttempts = 0;
    // Dials in the last minute of engine time.
    double callsPerMinute = 0.0;
    // Answered attempts over ended attempts, 0..1.
    double answerRate = 0.0;
    double averageTalkSeconds = 0.0;
    double cost = 0.0;
    // Engine-clock instant the batch is expected to finish; -1 when unknown.
    qint64 etaMs = -1;
    // Engine-clock instant the calling window next opens for a waiting call; -1 when none waits.
    qint64 nextWindowOpeningMs = -1;
    int inFlightCount = 0;
    // At most the 50 oldest in-flight calls.
    QList<InFlightCall> inFlight;
    QList<CallerNumberProgress> callerNumbers;
    qint64 startedAtMs = -1;
    qint64 finishedAtMs = -1;

    qint64 count(CallStatus callStatus) const { return counts[std::size_t(callStatus)]; }
    double progress() const { return totalCalls > 0 ? double(finishedCalls) / double(totalCalls) : 0.0; }
    // True while paused or stopped with calls still in flight.
    bool isDraining() const;

    QJsonObject toJson() const;
};

// The progress of every batch the engine runs.
struct ProgressSnapshot
{
    qint64 takenAtMs = 0;
    QList<BatchProgress> batches;

    const BatchProgress *find(const QString &batchId) const;
};

} // namespace Dialdeck

Q_DECLARE_METATYPE(Dialdeck::ProgressSnapshot)
