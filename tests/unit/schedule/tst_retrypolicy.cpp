#include "schedule/callingwindow.h"
#include "schedule/retrypolicy.h"

#include <QDateTime>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

qint64 utc(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODate).toMSecsSinceEpoch();
}

QString isoOrNone(qint64 ms)
{
    if (ms < 0)
        return u"none"_s;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decideForOutcome_data();
    void decideForOutcome();
    void delayOnWeekendMovesToMonday();
    void noOpeningEndsCall();
};

// Default rules: busy 3 attempts 600 s apart, no answer 3 attempts 1800 s
// apart, failed 2 attempts 300 s apart, machine 1 attempt. New York, window
// 09:00-20:00 Monday to Friday; 2026-03-09 is a Monday in EDT (UTC-4) and
// 2026-03-06 a Friday in EST (UTC-5).
void TestRetryPolicy::decideForOutcome_data()
{
    QTest::addColumn<CallOutcome>("outcome");
    QTest::addColumn<int>("attemptsMade");
    QTest::addColumn<QString>("endedAt");
    QTest::addColumn<bool>("retry");
    QTest::addColumn<QString>("dueAt");
    QTest::addColumn<CallStatus>("finalStatus");

    const QString monday = u"2026-03-09T15:00:00Z"_s;
    QTest::newRow("answered is completed")
        << CallOutcome::Answered << 1 << monday << false << u"none"_s << CallStatus::Completed;
    QTest::newRow("cancelled is cancelled")
        << CallOutcome::Cancelled << 1 << monday << false << u"none"_s << CallStatus::Cancelled;
    QTest::newRow("machine single attempt is completed")
        << CallOutcome::Machine << 1 << monday << false << u"none"_s << CallStatus::Completed;
    QTest::newRow("busy first attempt retries")
        << CallOutcome::Busy << 1 << monday << true << u"2026-03-09T15:10:00Z"_s
        << CallStatus::Completed;
    QTest::newRow("busy second attempt retries")
        << CallOutcome::Busy << 2 << monday << true << u"2026-03-09T15:10:00Z"_s
        << CallStatus::Completed;
    QTest::newRow("busy exhausted")
        << CallOutcome::Busy << 3 << monday << false << u"none"_s << CallStatus::Busy;
    QTest::newRow("no answer retries")
        << CallOutcome::NoAnswer << 1 << monday << true << u"2026-03-09T15:30:00Z"_s
        << CallStatus::Completed;
    QTest::newRow("no answer exhausted")
        << CallOutcome::NoAnswer << 3 << monday << false << u"none"_s << CallStatus::NoAnswer;
    QTest::newRow("failed retries")
        << CallOutcome::Failed << 1 << monday << true << u"2026-03-09T15:05:00Z"_s
        << CallStatus::Completed;
    QTest::newRow("failed exhausted")
        << CallOutcome::Failed << 2 << monday << false << u"none"_s << CallStatus::Failed;
    // 19:45 EDT plus 30 minutes is 20:15, after the window; Tuesday opens 09:00 EDT.
    QTest::newRow("delay past window end")
        << CallOutcome::NoAnswer << 1 << u"2026-03-09T23:45:00Z"_s << true
        << u"2026-03-10T13:00:00Z"_s << CallStatus::Completed;
    // 19:55 EST on Friday plus 10 minutes is after the window; Monday opens 09:00 EDT.
    QTest::newRow("delay past Friday end")
        << CallOutcome::Busy << 1 << u"2026-03-07T00:55:00Z"_s << true
        << u"2026-03-09T13:00:00Z"_s << CallStatus::Completed;
    // Ending before the window opens: 08:00 EDT plus 10 minutes waits for 09:00.
    QTest::newRow("delay before window start")
        << CallOutcome::Busy << 1 << u"2026-03-09T12:00:00Z"_s << true
        << u"2026-03-09T13:00:00Z"_s << CallStatus::Completed;
}

void TestRetryPolicy::decideForOutcome()
{
    QFETCH(CallOutcome, outcome);
    QFETCH(int, attemptsMade);
    QFETCH(QString, endedAt);
    QFETCH(bool, retry);
    QFETCH(QString, dueAt);
    QFETCH(CallStatus, finalStatus);

    const BatchConfig config;
    const CallingWindow window(config);
    const RetryDecision decision = RetryPolicy::decide(config, outcome, attemptsMade,
                                                       utc(endedAt), window, {"America/New_York"});

    QCOMPARE(decision.retry, retry);
    QCOMPARE(isoOrNone(decision.dueAtMs), dueAt);
    if (!retry)
        QCOMPARE(toString(decision.finalStatus), toString(finalStatus));
    QVERIFY(!decision.reason.isEmpty());
}

// A one-day delay from Friday 10:00 EST lands on Saturday and waits for Monday 09:00 EDT.
void TestRetryPolicy::delayOnWeekendMovesToMonday()
{
    BatchConfig config;
    config.retryBusy = {3, 86400};
    const CallingWindow window(config);

    const RetryDecision decision = RetryPolicy::decide(config, CallOutcome::Busy, 1,
                                                       utc(u"2026-03-06T15:00:00Z"_s), window,
                                                       {"America/New_York"});

    QVERIFY(decision.retry);
    QCOMPARE(isoOrNone(decision.dueAtMs), u"2026-03-09T13:00:00Z"_s);
    QVERIFY2(decision.reason.contains(u"2026-03-07T15:00:00Z"_s), qPrintable(decision.reason));
}

void TestRetryPolicy::noOpeningEndsCall()
{
    BatchConfig config;
    config.allowedDays = 0;
    const CallingWindow window(config);

    const RetryDecision decision = RetryPolicy::decide(config, CallOutcome::NoAnswer, 1,
                                                       utc(u"2026-03-09T15:00:00Z"_s), window,
                                                       {"America/New_York"});

    QVERIFY(!decision.retry);
    QCOMPARE(decision.dueAtMs, -1);
    QCOMPARE(toString(decision.finalStatus), toString(CallStatus::NoAnswer));
    QVERIFY2(decision.reason.contains(u"400 days"_s), qPrintable(decision.reason));
}

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
