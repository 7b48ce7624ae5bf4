#include "timezonetable.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>
#include <QTimeZone>

#include <array>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Lower-case zone id -> zone id, for every zone in the system's time zone database.
const QHash<QString, QByteArray> &knownZones()
{
    static const QHash<QString, QByteArray> zones = [] {
        QHash<QString, QByteArray> table;
        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
            table.insert(QString::fromLatin1(id).toLower(), id);
        return table;
    }();
    return zones;
}

// True for zones QTimeZone can load. The table uses some older names, such as
// Asia/Calcutta, that tzdata keeps as links: Qt 6.4 leaves them out of
// availableTimeZoneIds() but loads them.
bool isUsableZone(const QByteArray &zone)
{
    return knownZones().contains(QString::fromLatin1(zone).toLower()) || QTimeZone(zone).isValid();
}

} // namespace

const TimeZoneTable &TimeZoneTable::instance()
{
    static const TimeZoneTable table = [] {
        const QString path = u":/dialdeck/timezones/phone-prefix-timezones.txt"_s;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            qCWarning(lcImport) << "Could not open the time zone table" << path
                                << "; every number gets the batch's default zone:"
                                << file.errorString();
            return TimeZoneTable();
        }
        Result<TimeZoneTable> parsed = parse(file, path);
        if (!parsed) {
            qCWarning(lcImport).noquote() << parsed.error().message;
            return TimeZoneTable();
        }
        return std::move(parsed).value();
    }();
    return table;
}

Result<TimeZoneTable> TimeZoneTable::parse(QIODevice &device, const QString &sourceName)
{
    TimeZoneTable table;
    QSet<QByteArray> unknownZones;
    int lineNumber = 0;
    while (!device.atEnd()) {
        const QByteArray line = device.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty() || line.startsWith('#'))
            continue;

        const qsizetype bar = line.indexOf('|');
        const QByteArray prefix = line.left(bar);
        const bool digitsOnly = std::all_of(prefix.cbegin(), prefix.cend(),
                                            [](char c) { return c >= '0' && c <= '9'; });
        if (bar <= 0 || !digitsOnly || prefix.startsWith('0') || prefix.size() > 18) {
            return Error{u"invalid_time_zone_table"_s,
                         QCoreApplication::translate("Dialdeck::Import",
                                                     "Line %1 of the time zone table %2 is not "
                                                     "PREFIX|ZONE&ZONE...: %3")
                             .arg(lineNumber)
                             .arg(sourceName, QString::fromUtf8(line))};
        }

        QList<QByteArray> zones;
        for (const QByteArray &zone : line.sliced(bar + 1).split('&')) {
            if (isUsableZone(zone))
                zones.append(zone);
            else
                unknownZones.insert(zone);
        }
        if (zones.isEmpty())
            continue;
        table.m_maxPrefixLength = std::max(table.m_maxPrefixLength, prefix.size());
        table.m_zones.insert(prefix.toULongLong(), zones);
    }

    if (!unknownZones.isEmpty()) {
        qCWarning(lcImport) << "The time zone table" << sourceName << "names" << unknownZones.size()
                            << "zones QTimeZone cannot load on this system; they are left out:"
                            << unknownZones.values();
    }
    return table;
}

QList<QByteArray> TimeZoneTable::zonesFor(QStringView e164) const
{
    const QStringView digits = e164.startsWith(u'+') ? e164.sliced(1) : e164;
    const qsizetype maxLength = std::min(digits.size(), m_maxPrefixLength);

    // prefixes[n - 1] is the number formed by the first n digits.
    std::array<quint64, 20> prefixes{};
    quint64 value = 0;
    for (qsizetype i = 0; i < maxLength; ++i) {
        if (!digits[i].isDigit())
            return {};
        value = value * 10 + quint64(digits[i].digitValue());
        prefixes[std::size_t(i)] = value;
    }

    for (qsizetype length = maxLength; length > 0; --length) {
        const auto it = m_zones.constFind(prefixes[std::size_t(length - 1)]);
        if (it != m_zones.cend())
            return *it;
    }
    return {};
}

QByteArray TimeZoneTable::canonicalZoneId(QStringView zone)
{
    const QString trimmed = zone.trimmed().toString();
    const QByteArray known = knownZones().value(trimmed.toLower());
    if (!known.isEmpty())
        return known;

    const QByteArray link = trimmed.toLatin1();
    return QTimeZone(link).isValid() ? link : QByteArray();
}

} // namespace Dialdeck
