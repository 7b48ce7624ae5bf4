#include "monitortext.h"

#include <QDateTime>

namespace Dialdeck {

using namespace Qt::StringLiterals;

QString MonitorText::callStatus(CallStatus status)
{
    switch (status) {
    case CallStatus::Pending:
        return tr("Pending");
    case CallStatus::WaitingForWindow:
        return tr("Waiting for window");
    case CallStatus::Dialing:
        return tr("Dialing");
    case CallStatus::Ringing:
        return tr("Ringing");
    case CallStatus::InProgress:
        return tr("In progress");
    case CallStatus::Completed:
        return tr("Completed");
    case CallStatus::Busy:
        return tr("Busy");
    case CallStatus::NoAnswer:
        return tr("No answer");
    case CallStatus::Failed:
        return tr("Failed");
    case CallStatus::Skipped:
        return tr("Skipped");
    case CallStatus::Cancelled:
        return tr("Cancelled");
    }
    return toString(status);
}

QString MonitorText::outcome(const QString &storedOutcome)
{
    const std::optional<CallOutcome> outcome = callOutcomeFromString(storedOutcome);
    if (!outcome)
        return storedOutcome;

    switch (*outcome) {
    case CallOutcome::Answered:
        return tr("Answered");
    case CallOutcome::Machine:
        return tr("Answering machine");
    case CallOutcome::Busy:
        return tr("Busy");
    case CallOutcome::NoAnswer:
        return tr("No answer");
    case CallOutcome::Failed:
        return tr("Failed");
    case CallOutcome::Cancelled:
        return tr("Cancelled");
    }
    return storedOutcome;
}

QString MonitorText::duration(qint64 ms)
{
    const qint64 totalSeconds = std::max<qint64>(ms, 0) / 1000;
    const qint64 hours = totalSeconds / 3600;
    const qint64 minutes = (totalSeconds / 60) % 60;
    const qint64 seconds = totalSeconds % 60;

    if (hours > 0) {
        return u"%1:%2:%3"_s.arg(hours)
            .arg(minutes, 2, 10, QLatin1Char('0'))
            .arg(seconds, 2, 10, QLatin1Char('0'));
    }
    return u"%1:%2"_s.arg(minutes).arg(seconds, 2, 10, QLatin1Char('0'));
}

QString MonitorText::dateTime(qint64 msSinceEpoch, const QTimeZone &zone)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(msSinceEpoch, zone);
    return time.toString(u"yyyy-MM-dd HH:mm:ss"_s) + u' ' + zone.abbreviation(time);
}

QString MonitorText::utcDateTime(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

} // namespace Dialdeck
