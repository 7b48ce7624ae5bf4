#include "accounttime.h"

#include <QDateTime>

#include <cstdlib>

namespace Dialdeck {

using namespace Qt::StringLiterals;

QString AccountTime::cdrTime(qint64 ms) const
{
    if (ms < 0)
        return {};

    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ms, m_zone);
    const int offsetSeconds = local.offsetFromUtc();
    const int offsetMinutes = std::abs(offsetSeconds) / 60;
    const QString sign = offsetSeconds < 0 ? u"-"_s : u"+"_s;
    const QString offset = sign
                           + u"%1:%2"_s.arg(offsetMinutes / 60, 2, 10, QLatin1Char('0'))
                                 .arg(offsetMinutes % 60, 2, 10, QLatin1Char('0'));
    return local.toString(u"yyyy-MM-dd HH:mm:ss"_s) + offset;
}

QString AccountTime::consoleTime(qint64 ms) const
{
    if (ms < 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms, m_zone).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString AccountTime::sessionStart(qint64 ms)
{
    const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return utc.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + u"000"_s;
}

} // namespace Dialdeck
