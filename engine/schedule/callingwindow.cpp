#include "callingwindow.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

#include <limits>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 DayMs = 24LL * 3600 * 1000;
constexpr qint64 MinuteMs = 60LL * 1000;
constexpr qint64 JulianDayOfUnixEpoch = 2440588;
// A decision with no opening inside the horizon is reused for this long, so a
// configuration that never opens does not rerun the 400-day search on every call.
constexpr qint64 NoOpeningReuseMs = MinuteMs;

qint64 floorDiv(qint64 value, qint64 divisor)
{
    const qint64 quotient = value / divisor;
    return (value % divisor < 0) ? quotient - 1 : quotient;
}

// Qt::DayOfWeek of a day counted from 1970-01-01, which was a Thursday.
Qt::DayOfWeek dayOfWeek(qint64 day)
{
    const qint64 sinceMonday = (day + 3) - floorDiv(day + 3, 7) * 7;
    return Qt::DayOfWeek(sinceMonday + 1);
}

qint64 dayNumber(QDate date)
{
    return date.toJulianDay() - JulianDayOfUnixEpoch;
}

QDate dateOfDay(qint64 day)
{
    return QDate::fromJulianDay(day + JulianDayOfUnixEpoch);
}

QString shortDayName(Qt::DayOfWeek day)
{
    return QLocale::c().dayName(day, QLocale::ShortFormat);
}

// Writes allowed days as ranges: "Mon-Fri", "Mon,Wed,Sat-Sun", "every day".
QString describeDays(const BatchConfig &config)
{
    if (config.allowedDays == 0b1111111)
        return u"every day"_s;

    QStringList parts;
    int day = Qt::Monday;
    while (day <= Qt::Sunday) {
        if (!config.isDayAllowed(Qt::DayOfWeek(day))) {
            ++day;
            continue;
        }

        int last = day;
        while (last < Qt::Sunday && config.isDayAllowed(Qt::DayOfWeek(last + 1)))
            ++last;
        const QString first = shortDayName(Qt::DayOfWeek(day));
        parts.append(last == day ? first : first + u'-' + shortDayName(Qt::DayOfWeek(last)));
        day = last + 1;
    }
    return parts.isEmpty() ? u"no day"_s : parts.join(u',');
}

QString trWindow(const char *text)
{
    return QCoreApplication::translate("Dialdeck::CallingWindow", text);
}

} // namespace

CallingWindow::CallingWindow(const BatchConfig &config)
    : m_config(config)
    , m_startMs(config.windowStart.isValid() ? config.windowStart.msecsSinceStartOfDay() : 0)
    , m_endMs(config.windowEnd.isValid() ? config.windowEnd.msecsSinceStartOfDay() : 0)
{
    for (const QDate &holiday : config.holidays)
        m_holidayDays.insert(dayNumber(holiday));

    m_windowText = config.windowStart.toString(u"HH:mm") + u'-' + config.windowEnd.toString(u"HH:mm")
        + u' ' + describeDays(config) + u" local"_s;
}

WindowDecision CallingWindow::decide(const QList<QByteArray> &zones, qint64 nowMs) const
{
    auto cached = m_decisionCache.find(zones);
    if (cached == m_decisionCache.end() || nowMs < cached->validFromMs
        || nowMs >= cached->validUntilMs) {
        cached = m_decisionCache.insert(zones, compute(zones, nowMs));
    }

    const qint64 minute = floorDiv(nowMs, MinuteMs);
    if (cached->decision.allowed && cached->ruleMinute != minute) {
        cached->decision.rule = describeRule(cached->names, cached->zones, nowMs);
        cached->ruleMinute = minute;
    }
    return cached->decision;
}

qint64 CallingWindow::nextOpening(const QList<QByteArray> &zones, qint64 fromMs) const
{
    const WindowDecision decision = decide(zones, fromMs);
    return decision.allowed ? fromMs : decision.nextOpeningMs;
}

QTimeZone CallingWindow::timeZone(const QByteArray &name) const
{
    const auto found = m_zoneCache.constFind(name);
    if (found != m_zoneCache.constEnd())
        return *found;

    QTimeZone zone(name);
    if (!zone.isValid())
        qCWarning(lcSchedule) << "Unknown time zone" << name << "blocks every call that uses it";
    m_zoneCache.insert(name, zone);
    return zone;
}

qint64 CallingWindow::offsetMsAt(const QTimeZone &zone, qint64 utcMs) const
{
    return qint64(zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC))) * 1000;
}

CallingWindow::ZoneStatus CallingWindow::statusAt(const QTimeZone &zone, qint64 utcMs) const
{
    const qint64 localMs = utcMs + offsetMsAt(zone, utcMs);
    const qint64 day = floorDiv(localMs, DayMs);
    const qint64 timeOfDayMs = localMs - day * DayMs;

    ZoneStatus status;
    status.localDay = day;
    if (!m_config.isDayAllowed(dayOfWeek(day)))
        status.state = ZoneState::DayNotAllowed;
    else if (m_holidayDays.contains(day))
        status.state = ZoneState::Holiday;
    else if (timeOfDayMs < m_startMs)
        status.state = ZoneState::BeforeStart;
    else if (timeOfDayMs >= m_endMs)
        status.state = ZoneState::AfterEnd;
    else
        status.state = ZoneState::Open;
    return status;
}

// Returns the first instant after fromMs at which the zone's status differs
// from its status at fromMs, or -1 when that is later than limitMs. Between two
// offset transitions local time runs with UTC, so the status can change only
// where local time reaches midnight, windowStart or windowEnd. It can also
// change at a transition, because a DST gap may skip over windowStart and a
// repeated hour may go back before windowEnd.
qint64 CallingWindow::nextStateChange(const QTimeZone &zone, qint64 fromMs, qint64 limitMs) const
{
    const ZoneStatus initial = statusAt(zone, fromMs);

    qint64 t = fromMs;
    while (t <= limitMs) {
        const qint64 offsetMs = offsetMsAt(zone, t);
        const qint64 localMs = t + offsetMs;
        const qint64 dayStartMs = floorDiv(localMs, DayMs) * DayMs;
        const qint64 timeOfDayMs = localMs - dayStartMs;

        qint64 boundaryMs = DayMs;
        if (m_endMs > timeOfDayMs)
            boundaryMs = m_endMs;
        if (m_startMs > timeOfDayMs)
            boundaryMs = std::min(boundaryMs, m_startMs);
        qint64 next = dayStartMs + boundaryMs - offsetMs;

        const QTimeZone::OffsetData transition =
            zone.nextTransition(QDateTime::fromMSecsSinceEpoch(t, Qt::UTC));
        if (transition.atUtc.isValid())
            next = std::min(next, transition.atUtc.toMSecsSinceEpoch());

        if (next > limitMs)
            return -1;
        if (!(statusAt(zone, next) == initial))
            return next;
        t = next;
    }
    return -1;
}

qint64 CallingWindow::nextOpenInZone(const QTimeZone &zone, qint64 fromMs, qint64 limitMs) const
{
    qint64 t = fromMs;
    while (statusAt(zone, t).state != ZoneState::Open) {
        t = nextStateChange(zone, t, limitMs);
        if (t < 0)
            return -1;
    }
    return t;
}

// Leapfrogs: the common opening cannot be earlier than any one zone's next
// opening, so jump to the latest of those and check all zones again there.
qint64 CallingWindow::searchOpening(const QList<QTimeZone> &zones, qint64 fromMs) const
{
    const qint64 limitMs = fromMs + SearchHorizonMs;

    qint64 t = fromMs;
    while (t <= limitMs) {
        qint64 latest = t;
        for (const QTimeZone &zone : zones) {
            const qint64 opening = nextOpenInZone(zone, t, limitMs);
            if (opening < 0)
                return -1;
            latest = std::max(latest, opening);
        }
        if (latest == t)
            return t;
        t = latest;
    }
    return -1;
}

CallingWindow::CachedDecision CallingWindow::compute(const QList<QByteArray> &zones,
                                                     qint64 nowMs) const
{
    const QList<QByteArray> names = zones.isEmpty() ? QList<QByteArray>{m_config.defaultTimeZone}
                                                    : zones;

    QList<QTimeZone> timeZones;
    timeZones.reserve(names.size());
    for (const QByteArray &name : names) {
        const QTimeZone zone = timeZone(name);
        if (zone.isValid()) {
            timeZones.append(zone);
            continue;
        }

        // An unknown name never becomes valid, so this decision holds for good.
        CachedDecision unknown;
        unknown.validFromMs = std::numeric_limits<qint64>::min();
        unknown.validUntilMs = std::numeric_limits<qint64>::max();
        unknown.decision.reason =
            trWindow("The time zone \"%1\" is unknown, so the call cannot be scheduled. "
                     "Correct the contact's time zone or the batch's default time zone.")
                .arg(QString::fromUtf8(name));
        return unknown;
    }

    QList<ZoneStatus> statuses;
    statuses.reserve(timeZones.size());
    bool allOpen = true;
    for (const QTimeZone &zone : std::as_const(timeZones)) {
        statuses.append(statusAt(zone, nowMs));
        allOpen = allOpen && statuses.constLast().state == ZoneState::Open;
    }

    CachedDecision result = allOpen ? computeAllowed(names, timeZones, nowMs)
                                    : computeBlocked(names, timeZones, statuses, nowMs);
    result.names = names;
    result.zones = timeZones;
    return result;
}

CallingWindow::CachedDecision CallingWindow::computeAllowed(const QList<QByteArray> &names,
                                                            const QList<QTimeZone> &zones,
                                                            qint64 nowMs) const
{
    const qint64 limitMs = nowMs + SearchHorizonMs;

    qint64 closesAtMs = -1;
    for (const QTimeZone &zone : zones) {
        const qint64 change = nextStateChange(zone, nowMs, limitMs);
        if (change >= 0 && (closesAtMs < 0 || change < closesAtMs))
            closesAtMs = change;
    }

    CachedDecision result;
    result.validFromMs = nowMs;
    result.validUntilMs = closesAtMs >= 0 ? closesAtMs : limitMs;
    result.decision.allowed = true;
    result.decision.closesAtMs = closesAtMs;
    result.decision.rule = describeRule(names, zones, nowMs);
    result.ruleMinute = floorDiv(nowMs, MinuteMs);
    return result;
}

CallingWindow::CachedDecision CallingWindow::computeBlocked(const QList<QByteArray> &names,
                                                            const QList<QTimeZone> &zones,
                                                            const QList<ZoneStatus> &statuses,
                                                            qint64 nowMs) const
{
    const qint64 limitMs = nowMs + SearchHorizonMs;

    CachedDecision result;
    result.validFromMs = nowMs;
    result.decision.nextOpeningMs = searchOpening(zones, nowMs);

    // The decision and its reason hold until the first zone changes state.
    qint64 validUntilMs = result.decision.nextOpeningMs >= 0 ? result.decision.nextOpeningMs
                                                              : nowMs + NoOpeningReuseMs;
    for (const QTimeZone &zone : zones) {
        const qint64 change = nextStateChange(zone, nowMs, limitMs);
        if (change >= 0)
            validUntilMs = std::min(validUntilMs, change);
    }
    // NOTE: without an opening the decision is reused for up to NoOpeningReuseMs,
    // so an opening that enters the 400-day horizon within that time shows up late.
    result.validUntilMs = validUntilMs;

    for (qsizetype i = 0; i < statuses.size(); ++i) {
        if (statuses.at(i).state != ZoneState::Open) {
            result.decision.reason = describeBlock(names.at(i), statuses.at(i));
            break;
        }
    }
    return result;
}

// The rule is stored with each attempt in this fixed format:
// "09:00-20:00 Mon-Fri local; America/New_York 10:15 Tue, America/Chicago 09:15 Tue".
QString CallingWindow::describeRule(const QList<QByteArray> &names, const QList<QTimeZone> &zones,
                                    qint64 nowMs) const
{
    QStringList localTimes;
    localTimes.reserve(zones.size());
    for (qsizetype i = 0; i < zones.size(); ++i) {
        const qint64 localMs = nowMs + offsetMsAt(zones.at(i), nowMs);
        const qint64 day = floorDiv(localMs, DayMs);
        const int minuteOfDay = int((localMs - day * DayMs) / MinuteMs);
        const QString clock = u"%1:%2"_s.arg(minuteOfDay / 60, 2, 10, QChar(u'0'))
                                  .arg(minuteOfDay % 60, 2, 10, QChar(u'0'));
        localTimes.append(QString::fromUtf8(names.at(i)) + u' ' + clock + u' '
                          + shortDayName(dayOfWeek(day)));
    }
    return m_windowText + u"; "_s + localTimes.join(u", "_s);
}

QString CallingWindow::describeBlock(const QByteArray &zoneName, const ZoneStatus &status) const
{
    const QString zone = QString::fromUtf8(zoneName);
    const QDate date = dateOfDay(status.localDay);
    const QString start = m_config.windowStart.toString(u"HH:mm");
    const QString end = m_config.windowEnd.toString(u"HH:mm");

    switch (status.state) {
    case ZoneState::DayNotAllowed:
        return trWindow("%1 is not an allowed calling day in %2 (local date %3); the batch "
                        "calls on %4.")
            .arg(QLocale::c().dayName(date.dayOfWeek()), zone, date.toString(Qt::ISODate),
                 describeDays(m_config));
    case ZoneState::Holiday:
        return trWindow("%1 is a holiday in the batch settings, and it is that date in %2.")
            .arg(date.toString(Qt::ISODate), zone);
    case ZoneState::BeforeStart:
        return trWindow("It is before %1 local time in %2, when the calling window opens.")
            .arg(start, zone);
    case ZoneState::AfterEnd:
        return trWindow("It is %1 local time or later in %2, so the calling window has closed "
                        "for the day.")
            .arg(end, zone);
    case ZoneState::Open:
        break;
    }
    return {};
}

} // namespace Dialdeck
