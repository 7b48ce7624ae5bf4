// Property test of CallingWindow::decide() over the compiled-in phone-prefix
// time-zone table. Every prefix is checked at seeded random instants over two
// years and at every DST change in the US, the EU and Australia in that span.
// The engine must agree with an independent check written here. The check converts the
// instant to wall time in each zone with QDateTime and applies the window,
// weekday and holiday rules to that wall time.
//
// Set DIALDECK_PROPERTY_BENCH=1 to check every DST change in every
// configuration and 30 times as many random instants (a run of minutes
// instead of about 25 s); DIALDECK_PROPERTY_SEED overrides the random seed.

#include "import/timezonetable.h"
#include "schedule/callingwindow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <algorithm>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// The two years the instants are drawn from, as UTC milliseconds.
const qint64 SpanStartMs = QDateTime(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
const qint64 SpanEndMs = QDateTime(QDate(2027, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();

constexpr qint64 MinuteMs = 60 * 1000;

// One independent verdict: allowed, or the zone and the reason that block the call.
struct ExpectedVerdict
{
    bool allowed = true;
    QByteArray blockingZone;
    QString why;
};

// A prefix of the table and the zones its line lists, read from the resource
// text without TimeZoneTable.
struct PrefixEntry
{
    QString prefix;
    QList<QByteArray> zones;
};

bool benchMode()
{
    return qEnvironmentVariableIntValue("DIALDECK_PROPERTY_BENCH") != 0;
}

// Reads the resource text line by line. Zones that QTimeZone cannot load are
// left out, as the engine's table does.
QList<PrefixEntry> readTableText()
{
    QFile file(u":/dialdeck/timezones/phone-prefix-timezones.txt"_s);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};

    QList<PrefixEntry> entries;
    const QString text = QString::fromUtf8(file.readAll());
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
        if (line.startsWith(u'#'))
            continue;

        const QStringList fields = line.trimmed().split(u'|');
        if (fields.size() != 2)
            continue;

        PrefixEntry entry{fields.at(0), {}};
        for (const QString &zone : fields.at(1).split(u'&')) {
            if (QTimeZone(zone.toLatin1()).isValid())
                entry.zones.append(zone.toLatin1());
        }
        if (!entry.zones.isEmpty())
            entries.append(entry);
    }
    return entries;
}

// The zones of the longest table prefix that `digits` starts with, by plain
// string comparison over the parsed text.
QList<QByteArray> longestPrefixZones(const QMap<QString, QList<QByteArray>> &byPrefix,
                                     const QString &digits)
{
    for (qsizetype length = digits.size(); length > 0; --length) {
        const auto found = byPrefix.constFind(digits.left(length));
        if (found != byPrefix.constEnd())
            return *found;
    }
    return {};
}

// Every offset change of the zones in [SpanStartMs, SpanEndMs).
QList<qint64> transitionsOf(const QList<QByteArray> &zoneNames)
{
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(SpanStartMs, Qt::UTC);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(SpanEndMs, Qt::UTC);

    QList<qint64> instants;
    for (const QByteArray &name : zoneNames) {
        const QTimeZone zone(name);
        for (const QTimeZone::OffsetData &change : zone.transitions(from, to))
            instants.append(change.atUtc.toMSecsSinceEpoch());
    }
    std::sort(instants.begin(), instants.end());
    instants.erase(std::unique(instants.begin(), instants.end()), instants.end());
    return instants;
}

// The instants around each transition where a wrong offset would show: the
// transition itself, a millisecond before, and the minutes around it.
QList<qint64> aroundTransitions(const QList<qint64> &transitions)
{
    QList<qint64> instants;
    for (const qint64 at : transitions) {
        for (const qint64 delta : {-61 * MinuteMs, -MinuteMs, -1LL, 0LL, MinuteMs, 61 * MinuteMs})
            instants.append(at + delta);
    }
    return instants;
}

// The configurations under test. The third window lies across the hours in
// which the US, the EU and Australia change their clocks, so gaps and
// repeated hours fall at its edges and inside it.
QList<BatchConfig> configurations()
{
    BatchConfig weekdays;
    weekdays.holidays = {QDate(2025, 7, 4), QDate(2025, 12, 25), QDate(2026, 1, 1),
                         QDate(2026, 11, 26)};

    BatchConfig everyDayLong;
    everyDayLong.windowStart = QTime(8, 0);
    everyDayLong.windowEnd = QTime(21, 0);
    everyDayLong.allowedDays = 0b1111111;
    everyDayLong.holidays = {QDate(2025, 3, 30), QDate(2026, 10, 4), QDate(2026, 12, 31)};

    BatchConfig acrossClockChanges;
    acrossClockChanges.windowStart = QTime(1, 30);
    acrossClockChanges.windowEnd = QTime(3, 30);
    acrossClockChanges.allowedDays = 0b0111111; // Monday to Saturday

    return {weekdays, everyDayLong, acrossClockChanges};
}

// Decides from wall time alone: the call may be dialed only when, in every
// zone, the local date is an allowed weekday and not a holiday and the local
// time lies in [windowStart, windowEnd).
ExpectedVerdict expectedVerdict(const BatchConfig &config, const QList<QTimeZone> &zones,
                                const QList<QByteArray> &names, qint64 instantMs)
{
    for (qsizetype i = 0; i < zones.size(); ++i) {
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(instantMs, zones.at(i));
        const QDate date = local.date();
        const QTime time = local.time();

        QString why;
        if (!config.isDayAllowed(Qt::DayOfWeek(date.dayOfWeek())))
            why = u"day not allowed"_s;
        else if (config.isHoliday(date))
            why = u"holiday"_s;
        else if (time < config.windowStart)
            why = u"before window"_s;
        else if (time >= config.windowEnd)
            why = u"after window"_s;

        if (!why.isEmpty())
            return {false, names.at(i), why + u" at local "_s + local.toString(Qt::ISODate)};
    }
    return {};
}

bool expectedAllowed(const BatchConfig &config, const QList<QTimeZone> &zones,
                     const QList<QByteArray> &names, qint64 instantMs)
{
    return expectedVerdict(config, zones, names, instantMs).allowed;
}

// Scans [fromMs, toMs) on a 15-minute grid for an instant that is open in
// every zone. The window edges under test are whole half hours, and
// quarterHourAligned() checks that each zone's offsets and clock changes are
// whole quarter hours, so a common opening always starts on this grid.
bool anyOpeningOnGrid(const BatchConfig &config, const QList<QTimeZone> &zones,
                      const QList<QByteArray> &names, qint64 fromMs, qint64 toMs)
{
    constexpr qint64 StepMs = 15 * MinuteMs;
    for (qint64 t = (fromMs + StepMs - 1) / StepMs * StepMs; t < toMs; t += StepMs) {
        if (expectedAllowed(config, zones, names, t))
            return true;
    }
    return false;
}

// True when every clock change of the zones in the span, and the UTC offset
// it leads to, falls on a whole quarter hour.
bool quarterHourAligned(const QList<QByteArray> &zoneNames)
{
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(SpanStartMs, Qt::UTC);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(SpanEndMs + CallingWindow::SearchHorizonMs,
                                                        Qt::UTC);
    for (const QByteArray &name : zoneNames) {
        const QTimeZone zone(name);
        if (zone.offsetFromUtc(from) % (15 * 60) != 0)
            return false;
        for (const QTimeZone::OffsetData &change : zone.transitions(from, to)) {
            if (change.atUtc.toMSecsSinceEpoch() % (15 * MinuteMs) != 0
                || change.offsetFromUtc % (15 * 60) != 0) {
                return false;
            }
        }
    }
    return true;
}

QString describeInstant(const QList<QByteArray> &names, int configIndex, qint64 instantMs)
{
    return u"zones %1, configuration %2, instant %3"_s
        .arg(QString::fromLatin1(names.join('&')))
        .arg(configIndex)
        .arg(QDateTime::fromMSecsSinceEpoch(instantMs, Qt::UTC).toString(Qt::ISODateWithMs));
}

// Compares the engine's decisions for one zone list with the wall-time rules
// and counts what it checked.
class DecisionChecker
{
public:
    DecisionChecker()
        : m_configs(configurations())
    {
        for (const BatchConfig &config : std::as_const(m_configs))
            m_windows.append(CallingWindow(config));
    }

    qsizetype configCount() const { return m_configs.size(); }

    // Returns an empty string when the engine agrees, else what differs.
    QString check(const QList<QByteArray> &names, const QList<QTimeZone> &zones, int configIndex,
                  qint64 instantMs)
    {
        const BatchConfig &config = m_configs.at(configIndex);
        const WindowDecision decision = m_windows.at(configIndex).decide(names, instantMs);
        const ExpectedVerdict expected = expectedVerdict(config, zones, names, instantMs);
        const QString where = describeInstant(names, configIndex, instantMs);
        ++checked;

        if (decision.allowed != expected.allowed) {
            return where
                + u": engine says %1, wall time says %2 (%3 %4; engine reason: %5)"_s.arg(
                       decision.allowed ? u"allowed"_s : u"blocked"_s,
                       expected.allowed ? u"allowed"_s : u"blocked"_s,
                       QString::fromUtf8(expected.blockingZone), expected.why, decision.reason);
        }

        if (decision.allowed) {
            ++allowed;
            return checkClosing(config, names, zones, decision, instantMs, where);
        }
        return checkOpening(configIndex, names, zones, decision, instantMs, where);
    }

    qint64 checked = 0;
    qint64 allowed = 0;
    qint64 boundaries = 0; // opening and closing instants checked
    qint64 neverOpen = 0;  // blocked decisions without an opening in the horizon

private:
    // The window stays open up to closesAtMs and is shut at it.
    QString checkClosing(const BatchConfig &config, const QList<QByteArray> &names,
                         const QList<QTimeZone> &zones, const WindowDecision &decision,
                         qint64 instantMs, const QString &where)
    {
        if (decision.closesAtMs <= instantMs)
            return {};

        ++boundaries;
        if (!expectedAllowed(config, zones, names, decision.closesAtMs - 1))
            return where + u": the window closes before closesAtMs"_s;
        if (expectedAllowed(config, zones, names, decision.closesAtMs))
            return where + u": the window is still open at closesAtMs"_s;
        return {};
    }

    // A blocked call's next opening is open in every zone and is the first such
    // instant: a millisecond earlier, some zone still blocks. Without an
    // opening, none exists within the search horizon.
    QString checkOpening(int configIndex, const QList<QByteArray> &names,
                         const QList<QTimeZone> &zones, const WindowDecision &decision,
                         qint64 instantMs, const QString &where)
    {
        const BatchConfig &config = m_configs.at(configIndex);
        if (decision.nextOpeningMs < 0) {
            ++neverOpen;
            return checkNeverOpens(configIndex, names, zones, instantMs, where);
        }

        ++boundaries;
        if (decision.nextOpeningMs <= instantMs)
            return where + u": the next opening is not after the instant"_s;
        if (!expectedAllowed(config, zones, names, decision.nextOpeningMs))
            return where + u": the window is shut at nextOpeningMs"_s;
        if (expectedAllowed(config, zones, names, decision.nextOpeningMs - 1))
            return where + u": the window opens before nextOpeningMs"_s;
        return {};
    }

    // A zone list proven never to open in the span plus the horizon is
    // remembered, so the long scan runs once per list and configuration.
    QString checkNeverOpens(int configIndex, const QList<QByteArray> &names,
                            const QList<QTimeZone> &zones, qint64 instantMs, const QString &where)
    {
        const QByteArray key = QByteArray::number(configIndex) + '/' + names.join('&');
        if (m_neverOpenLists.contains(key))
            return {};

        if (!quarterHourAligned(names))
            return where + u": a zone changes its clock off the quarter hour, so the grid "
                           "scan cannot prove that no opening exists"_s;

        const BatchConfig &config = m_configs.at(configIndex);
        if (anyOpeningOnGrid(config, zones, names, instantMs,
                             instantMs + CallingWindow::SearchHorizonMs)) {
            return where + u": no opening reported, but one exists within the horizon"_s;
        }
        if (!anyOpeningOnGrid(config, zones, names, SpanStartMs,
                              SpanEndMs + CallingWindow::SearchHorizonMs)) {
            m_neverOpenLists.insert(key);
        }
        return {};
    }

    QList<BatchConfig> m_configs;
    QList<CallingWindow> m_windows;
    QSet<QByteArray> m_neverOpenLists;
};

QList<QTimeZone> loadZones(const QList<QByteArray> &names)
{
    QList<QTimeZone> zones;
    for (const QByteArray &name : names)
        zones.append(QTimeZone(name));
    return zones;
}

qint64 randomInstant(QRandomGenerator &random)
{
    return SpanStartMs + qint64(random.bounded(quint64(SpanEndMs - SpanStartMs)));
}

} // namespace

class TestCallingWindowProperty : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tableLookupMatchesText();
    void decisionsMatchWallTime();

private:
    QList<PrefixEntry> m_entries;
    QList<qint64> m_dstChanges; // US, EU and Australian changes in the span
};

void TestCallingWindowProperty::initTestCase()
{
    m_entries = readTableText();
    QVERIFY2(m_entries.size() > 1000, "the compiled-in time zone table could not be read");

    // The EU changes at the same UTC instant everywhere; the US and Australian
    // zones below cover each distinct change instant of those countries.
    m_dstChanges = transitionsOf({"America/New_York", "America/Chicago", "America/Denver",
                                  "America/Los_Angeles", "America/Anchorage", "Europe/Berlin",
                                  "Europe/London", "Australia/Sydney", "Australia/Adelaide",
                                  "Australia/Lord_Howe"});
    // Two years hold four US, four EU and four Australian changes, at least.
    QVERIFY2(m_dstChanges.size() >= 12, qPrintable(QString::number(m_dstChanges.size())));
}

// The engine's lookup returns the zones of the longest prefix, as plain string
// matching over the table text does.
void TestCallingWindowProperty::tableLookupMatchesText()
{
    QMap<QString, QList<QByteArray>> byPrefix;
    for (const PrefixEntry &entry : std::as_const(m_entries))
        byPrefix.insert(entry.prefix, entry.zones);

    const TimeZoneTable &table = TimeZoneTable::instance();
    QCOMPARE(table.size(), qsizetype(byPrefix.size()));

    QRandomGenerator random(20260101);
    for (const PrefixEntry &entry : std::as_const(m_entries)) {
        QString digits = entry.prefix;
        while (digits.size() < 12)
            digits.append(QChar(u'0' + random.bounded(10)));

        const QList<QByteArray> expected = longestPrefixZones(byPrefix, digits);
        QVERIFY2(table.zonesFor(QString(u'+' + digits)) == expected, qPrintable(digits));
    }
}

// Every distinct zone list of the table is checked at every DST change of the
// span (in one configuration, or in all of them in bench mode) and at random
// instants in every configuration. Every prefix is then checked at a few
// random instants, with the zones the engine's own lookup returns for it.
void TestCallingWindowProperty::decisionsMatchWallTime()
{
    const quint32 seed = qEnvironmentVariableIsSet("DIALDECK_PROPERTY_SEED")
        ? quint32(qEnvironmentVariableIntValue("DIALDECK_PROPERTY_SEED"))
        : 20250101u;
    const bool bench = benchMode();
    const int randomPerListAndConfig = bench ? 200 : 6;
    const int randomPerPrefix = bench ? 60 : 2;
    QRandomGenerator random(seed);

    DecisionChecker checker;
    const TimeZoneTable &table = TimeZoneTable::instance();
    const QList<qint64> dstInstants = aroundTransitions(m_dstChanges);

    QElapsedTimer timer;
    timer.start();

    QList<QList<QByteArray>> zoneLists;
    QSet<QByteArray> seen;
    for (const PrefixEntry &entry : std::as_const(m_entries)) {
        const QList<QByteArray> names = table.zonesFor(QString(u'+' + entry.prefix));
        QVERIFY2(!names.isEmpty(), qPrintable(entry.prefix));
        if (!seen.contains(names.join('&'))) {
            seen.insert(names.join('&'));
            zoneLists.append(names);
        }
    }

    for (qsizetype listIndex = 0; listIndex < zoneLists.size(); ++listIndex) {
        const QList<QByteArray> &names = zoneLists.at(listIndex);
        const QList<QTimeZone> zones = loadZones(names);

        QList<qint64> changes = dstInstants;
        changes.append(aroundTransitions(transitionsOf(names)));
        for (int configIndex = 0; configIndex < checker.configCount(); ++configIndex) {
            const bool atChanges = bench || listIndex % checker.configCount() == configIndex;
            for (const qint64 instant : std::as_const(changes)) {
                if (!atChanges)
                    break;
                const QString failure = checker.check(names, zones, configIndex, instant);
                QVERIFY2(failure.isEmpty(), qPrintable(failure));
            }
            for (int i = 0; i < randomPerListAndConfig; ++i) {
                const QString failure =
                    checker.check(names, zones, configIndex, randomInstant(random));
                QVERIFY2(failure.isEmpty(), qPrintable(failure));
            }
        }
    }

    for (const PrefixEntry &entry : std::as_const(m_entries)) {
        const QList<QByteArray> names = table.zonesFor(QString(u'+' + entry.prefix));
        const QList<QTimeZone> zones = loadZones(names);
        for (int i = 0; i < randomPerPrefix; ++i) {
            const int configIndex = int(random.bounded(quint32(checker.configCount())));
            const QString failure = checker.check(names, zones, configIndex, randomInstant(random));
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
        }
    }

    qInfo().noquote() << u"Checked %1 decisions (%2 allowed, %3 opening or closing instants, "
                         "%4 without an opening) over %5 zone lists and %6 prefixes with seed "
                         "%7 in %8 ms"_s.arg(checker.checked)
                             .arg(checker.allowed)
                             .arg(checker.boundaries)
                             .arg(checker.neverOpen)
                             .arg(zoneLists.size())
                             .arg(m_entries.size())
                             .arg(seed)
                             .arg(timer.elapsed());
    QVERIFY(checker.allowed > 0);
    QVERIFY(checker.allowed < checker.checked);
}

QTEST_GUILESS_MAIN(TestCallingWindowProperty)
#include "tst_callingwindowproperty.moc"
