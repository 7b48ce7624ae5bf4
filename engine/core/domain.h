#pragma once

#include "batchconfig.h"
#include "statuses.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Dialdeck {

// A user of the console or the REST API. Batches belong to their owner.
struct User
{
    QString id;
    QString name;
    bool canManageCalling = true;
    QDateTime createdAt;
};

// A caller number the dialer may present as the "from" number.
struct Phone
{
    QString id;
    QString e164;
    QString label;
    bool enabled = true;
    // Calls placed from this number per UTC day; 0 means no cap.
    int dailyCap = 0;
    // Seconds the number rests after each call ends before it is used again.
    int cooldownSeconds = 0;
    QDateTime createdAt;
};

struct Batch
{
    QString id;
    QString name;
    QString ownerUserId;
    BatchStatus status = BatchStatus::Draft;
    QString statusReason;
    BatchConfig config;
    QStringList phoneIds;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString sessionId;
    QString sourceFile;
};

// The source of a call's time zones.
enum class TimeZoneSource
{
    Column,
    PhonePrefix,
    BatchDefault,
};

QString toString(TimeZoneSource source);
std::optional<TimeZoneSource> timeZoneSourceFromString(QStringView text);

// One contact row of a batch: the number to call and the dialer's progress on it.
struct CallRecord
{
    qint64 id = 0;
    QString batchId;
    // Line of the source file the row started on (1 is the first line).
    int line = 0;
    QString name;
    QString phoneRaw;
    QString e164;
    QString region;
    // Every IANA zone the number may be in; dialing needs the window open in all of them.
    QList<QByteArray> timeZones;
    TimeZoneSource timeZoneSource = TimeZoneSource::BatchDefault;
    CallStatus status = CallStatus::Pending;
    int attemptCount = 0;
    QDateTime nextDueAt;
    QString skipReason;
    QJsonObject extra;
};

// One dial of a call.
struct Attempt
{
    qint64 id = 0;
    qint64 callId = 0;
    QString batchId;
    int attemptNumber = 1;
    QString callerPhoneId;
    QString callerE164;
    QString requestUuid;
    QString callUuid;
    AttemptState state = AttemptState::Dialing;
    QDateTime createdAt;
    QDateTime ringingAt;
    QDateTime answeredAt;
    QDateTime endedAt;
    std::optional<CallOutcome> outcome;
    QString hangupCause;
    int ringSeconds = 0;
    int talkSeconds = 0;
    double cost = 0.0;
    QString machineResult;
    // Why the dial was allowed: the window, zones and rotation rule that applied.
    QString allowedRule;
    QString sessionId;
};

// Stored form of a zone list: names joined by '&', as in the prefix table.
QString joinTimeZones(const QList<QByteArray> &zones);
QList<QByteArray> splitTimeZones(QStringView text);

} // namespace Dialdeck
