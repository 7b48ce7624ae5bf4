#pragma once

#include <QString>
#include <QTimeZone>

namespace Dialdeck {

// Formats simulated instants the way Plivo writes them: CDR times in the
// account's time zone with its offset, hangup callback times in that zone
// without one, and SessionStart in UTC with microseconds.
class AccountTime
{
public:
    explicit AccountTime(const QTimeZone &zone) : m_zone(zone) {}

    // "2017-05-22 17:49:40+05:30"; an empty string for ms < 0.
    QString cdrTime(qint64 ms) const;
    // "2017-05-22 17:49:40"; an empty string for ms < 0.
    QString consoleTime(qint64 ms) const;
    // "2020-04-08 11:34:33.238000"
    static QString sessionStart(qint64 ms);

    const QTimeZone &zone() const { return m_zone; }

private:
    QTimeZone m_zone;
};

} // namespace Dialdeck
