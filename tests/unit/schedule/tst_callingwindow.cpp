#include "schedule/callingwindow.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

using ZoneList = QList<QByteArray>;

namespace {

// Milliseconds since the epoch of an ISO 8601 UTC instant such as "2026-03-09T13:00:00Z".
qint64 utc(const QString &iso)
{
    const QDateTime instant = QDateTime::fromString(iso, Qt::ISODate);
    Q_ASSERT(instant.isValid());
    return instant.toMSecsSinceEpoch();
}

QString isoOrNone(qint64 ms)
{
    if (ms < 0)
        return u"none"_s;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

BatchConfig everyDay(QTime start, QTime end)
{
    BatchConfig config;
    config.windowStart = start;
    config.windowEnd = end;
    config.allowedDays = 0b1111111;
    return config;
}

} // namespace

class TestCallingWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decideAroundWindowEdges_data();
    void decideAroundWindowEdges();
    void holidaysAreLocalDates_data();
    void holidaysAreLocalDates();
    void nextOpeningSkipsWeekendAndHoliday();
    void windowStartInSpringForwardGap();
    void repeatedHourReopensWindow();
    void reasonNamesBlockingZone();
    void ruleShowsLocalTimesPerMinute();
    void emptyZoneListUsesDefaultZone();
    void unknownZoneBlocksWithReason();
    void noOpeningWithin400Days();
    void nextOpeningReturnsFromWhenOpen();
    void cachedDecisionsMatchFreshOnes();
};

// Default window 09:00-20:00, Monday to Friday. The boundary column is
// closesAtMs for allowed rows and nextOpeningMs for blocked rows, worked out
// by hand from each zone's UTC offset on that date.
void TestCallingWindow::decideAroundWindowEdges_data()
{
    QTest::addColumn<ZoneList>("zones");
    QTest::addColumn<QString>("now");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("boundary");

    const ZoneList newYork{"America/New_York"};
    // US DST starts 2026-03-08 and ends 2026-11-01: EST is UTC-5, EDT UTC-4.
    QTest::newRow("New York Fri EST before start")
        << newYork << u"2026-03-06T13:59:59Z"_s << false << u"2026-03-06T14:00:00Z"_s;
    QTest::newRow("New York Fri EST at start")
        << newYork << u"2026-03-06T14:00:00Z"_s << true << u"2026-03-07T01:00:00Z"_s;
    QTest::newRow("New York Fri EST before end")
        << newYork << u"2026-03-07T00:59:59Z"_s << true << u"2026-03-07T01:00:00Z"_s;
    QTest::newRow("New York Fri EST at end, weekend next")
        << newYork << u"2026-03-07T01:00:00Z"_s << false << u"2026-03-09T13:00:00Z"_s;
    QTest::newRow("New York Sat blocked")
        << newYork << u"2026-03-07T15:00:00Z"_s << false << u"2026-03-09T13:00:00Z"_s;
    QTest::newRow("New York Mon EDT before start")
        << newYork << u"2026-03-09T12:59:59Z"_s << false << u"2026-03-09T13:00:00Z"_s;
    QTest::newRow("New York Mon EDT at start")
        << newYork << u"2026-03-09T13:00:00Z"_s << true << u"2026-03-10T00:00:00Z"_s;
    QTest::newRow("New York Mon EDT before end")
        << newYork << u"2026-03-09T23:59:59Z"_s << true << u"2026-03-10T00:00:00Z"_s;
    QTest::newRow("New York Mon EDT at end")
        << newYork << u"2026-03-10T00:00:00Z"_s << false << u"2026-03-10T13:00:00Z"_s;
    QTest::newRow("New York Fri EDT before fall back")
        << newYork << u"2026-10-30T13:00:00Z"_s << true << u"2026-10-31T00:00:00Z"_s;
    QTest::newRow("New York Fri EDT at end")
        << newYork << u"2026-10-31T00:00:00Z"_s << false << u"2026-11-02T14:00:00Z"_s;
    QTest::newRow("New York Mon EST before start")
        << newYork << u"2026-11-02T13:59:59Z"_s << false << u"2026-11-02T14:00:00Z"_s;
    QTest::newRow("New York Mon EST at start")
        << newYork << u"2026-11-02T14:00:00Z"_s << true << u"2026-11-03T01:00:00Z"_s;
    // US DST 2027 starts 2027-03-14.
    QTest::newRow("New York Fri 2027 EST at end")
        << newYork << u"2027-03-13T01:00:00Z"_s << false << u"2027-03-15T13:00:00Z"_s;
    QTest::newRow("New York Mon 2027 EDT at start")
        << newYork << u"2027-03-15T13:00:00Z"_s << true << u"2027-03-16T00:00:00Z"_s;

    // Phoenix stays on MST, UTC-7, all year.
    const ZoneList phoenix{"America/Phoenix"};
    QTest::newRow("Phoenix Fri before start")
        << phoenix << u"2026-03-06T15:59:59Z"_s << false << u"2026-03-06T16:00:00Z"_s;
    QTest::newRow("Phoenix Fri at start")
        << phoenix << u"2026-03-06T16:00:00Z"_s << true << u"2026-03-07T03:00:00Z"_s;
    QTest::newRow("Phoenix Mon before start")
        << phoenix << u"2026-03-09T15:59:59Z"_s << false << u"2026-03-09T16:00:00Z"_s;
    QTest::newRow("Phoenix Mon at start")
        << phoenix << u"2026-03-09T16:00:00Z"_s << true << u"2026-03-10T03:00:00Z"_s;
    QTest::newRow("Phoenix Mon Nov at start")
        << phoenix << u"2026-11-02T16:00:00Z"_s << true << u"2026-11-03T03:00:00Z"_s;

    // Denver is UTC-7 in winter like Phoenix and UTC-6 in summer, so the
    // common window is 16:00-03:00 UTC in winter and 16:00-02:00 UTC in summer.
    const ZoneList mountain{"America/Denver", "America/Phoenix"};
    QTest::newRow("Denver+Phoenix Fri MST both open")
        << mountain << u"2026-03-06T16:00:00Z"_s << true << u"2026-03-07T03:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Fri MST before start")
        << mountain << u"2026-03-06T15:59:59Z"_s << false << u"2026-03-06T16:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Mon MDT only Denver open")
        << mountain << u"2026-03-09T15:30:00Z"_s << false << u"2026-03-09T16:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Mon MDT both open")
        << mountain << u"2026-03-09T16:00:00Z"_s << true << u"2026-03-10T02:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Mon MDT before Denver end")
        << mountain << u"2026-03-10T01:59:59Z"_s << true << u"2026-03-10T02:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Mon MDT only Phoenix open")
        << mountain << u"2026-03-10T02:30:00Z"_s << false << u"2026-03-10T16:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Fri MDT Denver closed")
        << mountain << u"2026-10-31T02:00:00Z"_s << false << u"2026-11-02T16:00:00Z"_s;
    QTest::newRow("Denver+Phoenix Mon MST both open")
        << mountain << u"2026-11-02T16:00:00Z"_s << true << u"2026-11-03T03:00:00Z"_s;

    // Honolulu is UTC-10 all year.
    const ZoneList honolulu{"Pacific/Honolulu"};
    QTest::newRow("Honolulu Mon before start")
        << honolulu << u"2026-03-09T18:59:59Z"_s << false << u"2026-03-09T19:00:00Z"_s;
    QTest::newRow("Honolulu Mon at start")
        << honolulu << u"2026-03-09T19:00:00Z"_s << true << u"2026-03-10T06:00:00Z"_s;
    QTest::newRow("Honolulu Fri at end")
        << honolulu << u"2026-03-07T06:00:00Z"_s << false << u"2026-03-09T19:00:00Z"_s;

    // London: GMT (UTC+0) until 2026-03-29, BST (UTC+1) until 2026-10-25.
    const ZoneList london{"Europe/London"};
    QTest::newRow("London Fri GMT before start")
        << london << u"2026-03-27T08:59:59Z"_s << false << u"2026-03-27T09:00:00Z"_s;
    QTest::newRow("London Fri GMT before end")
        << london << u"2026-03-27T19:59:59Z"_s << true << u"2026-03-27T20:00:00Z"_s;
    QTest::newRow("London Fri GMT at end")
        << london << u"2026-03-27T20:00:00Z"_s << false << u"2026-03-30T08:00:00Z"_s;
    QTest::newRow("London Mon BST before start")
        << london << u"2026-03-30T07:59:59Z"_s << false << u"2026-03-30T08:00:00Z"_s;
    QTest::newRow("London Mon BST at start")
        << london << u"2026-03-30T08:00:00Z"_s << true << u"2026-03-30T19:00:00Z"_s;
    QTest::newRow("London Fri BST at end")
        << london << u"2026-10-23T19:00:00Z"_s << false << u"2026-10-26T09:00:00Z"_s;
    QTest::newRow("London Mon GMT before start")
        << london << u"2026-10-26T08:59:59Z"_s << false << u"2026-10-26T09:00:00Z"_s;
    QTest::newRow("London Mon GMT at start")
        << london << u"2026-10-26T09:00:00Z"_s << true << u"2026-10-26T20:00:00Z"_s;

    // Sydney: AEDT (UTC+11) until 2026-04-05, AEST (UTC+10) until 2026-10-04.
    const ZoneList sydney{"Australia/Sydney"};
    QTest::newRow("Sydney Fri AEDT before start")
        << sydney << u"2026-04-02T21:59:59Z"_s << false << u"2026-04-02T22:00:00Z"_s;
    QTest::newRow("Sydney Fri AEDT at start")
        << sydney << u"2026-04-02T22:00:00Z"_s << true << u"2026-04-03T09:00:00Z"_s;
    QTest::newRow("Sydney Fri AEDT at end")
        << sydney << u"2026-04-03T09:00:00Z"_s << false << u"2026-04-05T23:00:00Z"_s;
    QTest::newRow("Sydney Mon AEST before start")
        << sydney << u"2026-04-05T22:59:59Z"_s << false << u"2026-04-05T23:00:00Z"_s;
    QTest::newRow("Sydney Mon AEST at start")
        << sydney << u"2026-04-05T23:00:00Z"_s << true << u"2026-04-06T10:00:00Z"_s;
    QTest::newRow("Sydney Fri AEST at end")
        << sydney << u"2026-10-02T10:00:00Z"_s << false << u"2026-10-04T22:00:00Z"_s;
    QTest::newRow("Sydney Mon AEDT before start")
        << sydney << u"2026-10-04T21:59:59Z"_s << false << u"2026-10-04T22:00:00Z"_s;
    QTest::newRow("Sydney Mon AEDT at start")
        << sydney << u"2026-10-04T22:00:00Z"_s << true << u"2026-10-05T09:00:00Z"_s;
}

void TestCallingWindow::decideAroundWindowEdges()
{
    QFETCH(ZoneList, zones);
    QFETCH(QString, now);
    QFETCH(bool, allowed);
    QFETCH(QString, boundary);

    const CallingWindow window{BatchConfig()};
    const WindowDecision decision = window.decide(zones, utc(now));

    QCOMPARE(decision.allowed, allowed);
    if (allowed) {
        QCOMPARE(isoOrNone(decision.closesAtMs), boundary);
        QCOMPARE(decision.nextOpeningMs, -1);
        QVERIFY(!decision.rule.isEmpty());
    } else {
        QCOMPARE(isoOrNone(decision.nextOpeningMs), boundary);
        QCOMPARE(decision.closesAtMs, -1);
        QVERIFY(!decision.reason.isEmpty());
    }
}

// 2026-12-25 is a Friday. The holiday follows each zone's own date, not the UTC date.
void TestCallingWindow::holidaysAreLocalDates_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("now");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("boundary");

    QTest::newRow("New York on the holiday")
        << "America/New_York"_ba << u"2026-12-25T15:00:00Z"_s << false << u"2026-12-28T14:00:00Z"_s;
    QTest::newRow("New York day before the holiday")
        << "America/New_York"_ba << u"2026-12-24T15:00:00Z"_s << true << u"2026-12-25T01:00:00Z"_s;
    QTest::newRow("Honolulu holiday on UTC Saturday")
        << "Pacific/Honolulu"_ba << u"2026-12-26T05:00:00Z"_s << false << u"2026-12-28T19:00:00Z"_s;
    QTest::newRow("Sydney holiday on UTC Thursday")
        << "Australia/Sydney"_ba << u"2026-12-24T23:00:00Z"_s << false << u"2026-12-27T22:00:00Z"_s;
    QTest::newRow("Sydney day before the holiday")
        << "Australia/Sydney"_ba << u"2026-12-23T23:00:00Z"_s << true << u"2026-12-24T09:00:00Z"_s;
}

void TestCallingWindow::holidaysAreLocalDates()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, now);
    QFETCH(bool, allowed);
    QFETCH(QString, boundary);

    BatchConfig config;
    config.holidays = {QDate(2026, 12, 25)};
    const CallingWindow window(config);
    const WindowDecision decision = window.decide({zone}, utc(now));

    QCOMPARE(decision.allowed, allowed);
    QCOMPARE(isoOrNone(allowed ? decision.closesAtMs : decision.nextOpeningMs), boundary);
    if (!allowed)
        QVERIFY2(decision.reason.contains(u"2026-12-25"_s), qPrintable(decision.reason));
}

// Closing on Friday 2026-03-06 at 20:00 EST, with Monday 2026-03-09 a holiday,
// the next opening is Tuesday 09:00 EDT.
void TestCallingWindow::nextOpeningSkipsWeekendAndHoliday()
{
    BatchConfig config;
    config.holidays = {QDate(2026, 3, 9)};
    const CallingWindow window(config);

    const qint64 opening = window.nextOpening({"America/New_York"}, utc(u"2026-03-07T01:00:00Z"_s));

    QCOMPARE(isoOrNone(opening), u"2026-03-10T13:00:00Z"_s);
}

// New York skips from 02:00 EST (07:00 UTC) to 03:00 EDT on 2026-03-08, so a
// 02:30 start opens the window at the first instant after the gap.
void TestCallingWindow::windowStartInSpringForwardGap()
{
    const CallingWindow window(everyDay(QTime(2, 30), QTime(20, 0)));
    const ZoneList zones{"America/New_York"};

    const WindowDecision before = window.decide(zones, utc(u"2026-03-08T06:59:59Z"_s));
    QVERIFY(!before.allowed);
    QCOMPARE(isoOrNone(before.nextOpeningMs), u"2026-03-08T07:00:00Z"_s);

    const WindowDecision after = window.decide(zones, utc(u"2026-03-08T07:00:00Z"_s));
    QVERIFY(after.allowed);
    QCOMPARE(isoOrNone(after.closesAtMs), u"2026-03-09T00:00:00Z"_s);

    // The day before has 02:30 EST, 07:30 UTC.
    const WindowDecision dayBefore = window.decide(zones, utc(u"2026-03-07T07:00:00Z"_s));
    QVERIFY(!dayBefore.allowed);
    QCOMPARE(isoOrNone(dayBefore.nextOpeningMs), u"2026-03-07T07:30:00Z"_s);
}

// On 2026-11-01 New York runs 01:00-02:00 twice (EDT, then EST). With a 01:30
// start, local time is inside the window from 01:30 EDT (05:30 UTC) to the
// fall back at 06:00 UTC, outside again until 01:30 EST (06:30 UTC).
void TestCallingWindow::repeatedHourReopensWindow()
{
    const CallingWindow window(everyDay(QTime(1, 30), QTime(20, 0)));
    const ZoneList zones{"America/New_York"};

    const WindowDecision first = window.decide(zones, utc(u"2026-11-01T05:30:00Z"_s));
    QVERIFY(first.allowed);
    QCOMPARE(isoOrNone(first.closesAtMs), u"2026-11-01T06:00:00Z"_s);

    const WindowDecision repeated = window.decide(zones, utc(u"2026-11-01T06:15:00Z"_s));
    QVERIFY(!repeated.allowed);
    QCOMPARE(isoOrNone(repeated.nextOpeningMs), u"2026-11-01T06:30:00Z"_s);

    const WindowDecision second = window.decide(zones, utc(u"2026-11-01T06:30:00Z"_s));
    QVERIFY(second.allowed);
    QCOMPARE(isoOrNone(second.closesAtMs), u"2026-11-02T01:00:00Z"_s);
}

void TestCallingWindow::reasonNamesBlockingZone()
{
    const CallingWindow window{BatchConfig()};

    // 15:30 UTC on Monday 2026-03-09 is 09:30 MDT in Denver and 08:30 MST in Phoenix.
    const WindowDecision early =
        window.decide({"America/Denver", "America/Phoenix"}, utc(u"2026-03-09T15:30:00Z"_s));
    QVERIFY(!early.allowed);
    QVERIFY2(early.reason.contains(u"America/Phoenix"_s), qPrintable(early.reason));
    QVERIFY2(!early.reason.contains(u"America/Denver"_s), qPrintable(early.reason));
    QVERIFY2(early.reason.contains(u"09:00"_s), qPrintable(early.reason));

    // 02:30 UTC on Tuesday is 20:30 MDT in Denver and 19:30 MST in Phoenix.
    const WindowDecision late =
        window.decide({"America/Denver", "America/Phoenix"}, utc(u"2026-03-10T02:30:00Z"_s));
    QVERIFY(!late.allowed);
    QVERIFY2(late.reason.contains(u"America/Denver"_s), qPrintable(late.reason));
    QVERIFY2(late.reason.contains(u"20:00"_s), qPrintable(late.reason));

    const WindowDecision weekend = window.decide({"Europe/London"}, utc(u"2026-03-07T12:00:00Z"_s));
    QVERIFY(!weekend.allowed);
    QVERIFY2(weekend.reason.contains(u"Saturday"_s), qPrintable(weekend.reason));
    QVERIFY2(weekend.reason.contains(u"Europe/London"_s), qPrintable(weekend.reason));
}

// The cached decision must still show the local minute of each call.
void TestCallingWindow::ruleShowsLocalTimesPerMinute()
{
    const CallingWindow window{BatchConfig()};
    const ZoneList zones{"America/New_York", "America/Chicago"};

    const WindowDecision first = window.decide(zones, utc(u"2026-03-10T14:15:00Z"_s));
    QVERIFY(first.allowed);
    QCOMPARE(first.rule,
             u"09:00-20:00 Mon-Fri local; America/New_York 10:15 Tue, America/Chicago 09:15 Tue"_s);

    const WindowDecision later = window.decide(zones, utc(u"2026-03-10T14:16:30Z"_s));
    QCOMPARE(later.rule,
             u"09:00-20:00 Mon-Fri local; America/New_York 10:16 Tue, America/Chicago 09:16 Tue"_s);
}

void TestCallingWindow::emptyZoneListUsesDefaultZone()
{
    BatchConfig config;
    config.defaultTimeZone = "Europe/London";
    const CallingWindow window(config);

    // 08:30 UTC on Monday 2026-03-30 is 09:30 BST but only 04:30 EDT.
    const WindowDecision decision = window.decide({}, utc(u"2026-03-30T08:30:00Z"_s));

    QVERIFY(decision.allowed);
    QCOMPARE(isoOrNone(decision.closesAtMs), u"2026-03-30T19:00:00Z"_s);
    QVERIFY2(decision.rule.contains(u"Europe/London"_s), qPrintable(decision.rule));
}

void TestCallingWindow::unknownZoneBlocksWithReason()
{
    const CallingWindow window{BatchConfig()};
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"Mars/Olympus_Mons"_s));

    const WindowDecision decision =
        window.decide({"America/New_York", "Mars/Olympus_Mons"}, utc(u"2026-03-09T15:00:00Z"_s));

    QVERIFY(!decision.allowed);
    QCOMPARE(decision.nextOpeningMs, -1);
    QVERIFY2(decision.reason.contains(u"Mars/Olympus_Mons"_s), qPrintable(decision.reason));
}

void TestCallingWindow::noOpeningWithin400Days()
{
    BatchConfig config;
    config.allowedDays = 0;
    const CallingWindow window(config);

    const WindowDecision decision = window.decide({"America/New_York"}, utc(u"2026-03-09T15:00:00Z"_s));

    QVERIFY(!decision.allowed);
    QCOMPARE(decision.nextOpeningMs, -1);
    QCOMPARE(window.nextOpening({"America/New_York"}, utc(u"2026-03-09T15:00:00Z"_s)), -1);
}

void TestCallingWindow::nextOpeningReturnsFromWhenOpen()
{
    const CallingWindow window{BatchConfig()};
    const qint64 from = utc(u"2026-03-09T15:00:00Z"_s);

    QCOMPARE(window.nextOpening({"America/New_York"}, from), from);
}

// Walks a week in uneven steps with one long-lived window, whose cache is hit
// most of the time, and compares each decision with a window that has never
// seen the zone list.
void TestCallingWindow::cachedDecisionsMatchFreshOnes()
{
    BatchConfig config;
    config.holidays = {QDate(2026, 3, 11)};
    const CallingWindow cached(config);
    const ZoneList zones{"America/Denver", "America/Phoenix", "America/New_York"};

    const qint64 start = utc(u"2026-03-05T00:00:00Z"_s);
    const qint64 end = utc(u"2026-03-13T00:00:00Z"_s);
    for (qint64 t = start; t < end; t += 7 * 60 * 1000 + 13 * 1000) {
        const CallingWindow fresh(config);
        const WindowDecision expected = fresh.decide(zones, t);
        const WindowDecision actual = cached.decide(zones, t);

        const QByteArray at = isoOrNone(t).toUtf8();
        QVERIFY2(actual.allowed == expected.allowed, at.constData());
        QVERIFY2(actual.closesAtMs == expected.closesAtMs, at.constData());
        QVERIFY2(actual.nextOpeningMs == expected.nextOpeningMs, at.constData());
        QVERIFY2(actual.rule == expected.rule, at.constData());
        QVERIFY2(actual.reason == expected.reason, at.constData());
    }
}

QTEST_GUILESS_MAIN(TestCallingWindow)
#include "tst_callingwindow.moc"
