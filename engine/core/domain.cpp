#include "domain.h"

namespace Dialdeck {

QString toString(TimeZoneSource source)
{
    switch (source) {
    case TimeZoneSource::Column:
        return QStringLiteral("column");
    case TimeZoneSource::PhonePrefix:
        return QStringLiteral("phone_prefix");
    case TimeZoneSource::BatchDefault:
        return QStringLiteral("batch_default");
    }
    return {};
}

std::optional<TimeZoneSource> timeZoneSourceFromString(QStringView text)
{
    if (text == u"column")
        return TimeZoneSource::Column;
    if (text == u"phone_prefix")
        return TimeZoneSource::PhonePrefix;
    if (text == u"batch_default")
        return TimeZoneSource::BatchDefault;
    return std::nullopt;
}

QString joinTimeZones(const QList<QByteArray> &zones)
{
    QString text;
    for (const QByteArray &zone : zones) {
        if (!text.isEmpty())
            text += u'&';
        text += QString::fromLatin1(zone);
    }
    return text;
}

QList<QByteArray> splitTimeZones(QStringView text)
{
    QList<QByteArray> zones;
    for (QStringView zone : text.split(u'&', Qt::SkipEmptyParts))
        zones.append(zone.toLatin1());
    return zones;
}

} // namespace Dialdeck
