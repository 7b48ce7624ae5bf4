#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QIODevice>
#include <QList>

namespace Dialdeck {

// Phone-number prefix to IANA time zones, from the table compiled in as
// :/dialdeck/timezones/phone-prefix-timezones.txt. Each line is
// PREFIX|ZONE&ZONE..., where the prefix starts with the country calling code;
// '#' starts a comment line. Read-only after loading, so thread-safe to query.
class TimeZoneTable
{
public:
    // The compiled-in table, loaded on first use. An unreadable resource gives
    // an empty table and a logged warning.
    static const TimeZoneTable &instance();

    // Parses a table. Zones that QTimeZone cannot load on this system are
    // dropped with a logged warning.
    static Result<TimeZoneTable> parse(QIODevice &device, const QString &sourceName);

    // Zones of the longest prefix that `e164` ("+" and digits) starts with;
    // empty when no prefix matches.
    QList<QByteArray> zonesFor(QStringView e164) const;

    // The zone id as the time zone database spells it, matched without regard
    // to case ("europe/london" -> "Europe/London"). Link names such as
    // "Asia/Calcutta" are accepted as written. Empty when QTimeZone cannot load it.
    static QByteArray canonicalZoneId(QStringView zone);

    qsizetype size() const { return m_zones.size(); }

private:
    // Prefix digits read as a number -> zones. Prefixes start with a country
    // calling code and so never with 0, which keeps the numbers distinct.
    QHash<quint64, QList<QByteArray>> m_zones;
    qsizetype m_maxPrefixLength = 0;
};

} // namespace Dialdeck
