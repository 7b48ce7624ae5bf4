#pragma once

#include "core/statuses.h"

#include <QCoreApplication>
#include <QString>
#include <QTimeZone>

namespace Dialdeck {

// Operator-facing words and time formats of the monitor widgets. The stored
// spellings (statuses' toString) stay English; these go through tr().
class MonitorText
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::MonitorText)

public:
    static QString callStatus(CallStatus status);
    // The stored outcome name ("no_answer") in operator words; unknown names pass through.
    static QString outcome(const QString &storedOutcome);
    // A span of milliseconds as "1:05:09" or "4:09"; negative spans count as 0.
    static QString duration(qint64 ms);
    // An instant as "2026-03-05 14:30:00" in `zone` with the zone's abbreviation.
    static QString dateTime(qint64 msSinceEpoch, const QTimeZone &zone);
    static QString utcDateTime(qint64 msSinceEpoch);
};

} // namespace Dialdeck
