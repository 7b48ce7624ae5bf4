#include "schedule/tokenbucket.h"

#include <QTest>

using namespace Dialdeck;

class TestTokenBucket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rateSpacesTokens_data();
    void rateSpacesTokens();
    void rateCountsOverTenSeconds_data();
    void rateCountsOverTenSeconds();
    void burstAllowsBackToBackTakes();
    void burstDoesNotGrowWhileIdle();
    void timeGoingBackwardsEarnsNothing();
    void setRateAppliesToNextToken();
    void zeroRateHasNoNextToken();
};

void TestTokenBucket::rateSpacesTokens_data()
{
    QTest::addColumn<double>("rate");
    QTest::addColumn<qint64>("spacingMs");

    QTest::newRow("1 per second") << 1.0 << qint64(1000);
    QTest::newRow("2 per second") << 2.0 << qint64(500);
    QTest::newRow("half per second") << 0.5 << qint64(2000);
    QTest::newRow("quarter per second") << 0.25 << qint64(4000);
    QTest::newRow("4 per second") << 4.0 << qint64(250);
}

// The bucket starts full, so the first take succeeds and the next waits one spacing.
void TestTokenBucket::rateSpacesTokens()
{
    QFETCH(double, rate);
    QFETCH(qint64, spacingMs);

    TokenBucket bucket(rate);
    const qint64 start = 1'000'000;

    QVERIFY(bucket.tryTake(start));
    QVERIFY(!bucket.tryTake(start));
    QCOMPARE(bucket.nextAvailableMs(start), start + spacingMs);
    QVERIFY(!bucket.tryTake(start + spacingMs - 1));
    QVERIFY(bucket.tryTake(start + spacingMs));
    QCOMPARE(bucket.nextAvailableMs(start + spacingMs), start + 2 * spacingMs);
}

void TestTokenBucket::rateCountsOverTenSeconds_data()
{
    QTest::addColumn<double>("rate");
    QTest::addColumn<int>("expected");

    // The first token is there at the start, then rate * 10 s are earned.
    QTest::newRow("3 per second") << 3.0 << 31;
    QTest::newRow("0.3 per second") << 0.3 << 4;
    QTest::newRow("300 per second") << 300.0 << 3001;
    QTest::newRow("700 per second") << 700.0 << 7001;
}

// Polls every millisecond, as an engine on a millisecond clock does; due
// instants between two milliseconds must not slow the pace down.
void TestTokenBucket::rateCountsOverTenSeconds()
{
    QFETCH(double, rate);
    QFETCH(int, expected);

    TokenBucket bucket(rate);

    int taken = 0;
    for (qint64 t = 0; t <= 10'000; ++t) {
        if (bucket.tryTake(t))
            ++taken;
    }

    QCOMPARE(taken, expected);
}

void TestTokenBucket::burstAllowsBackToBackTakes()
{
    TokenBucket bucket(1.0, 3.0);

    QVERIFY(bucket.tryTake(5000));
    QVERIFY(bucket.tryTake(5000));
    QVERIFY(bucket.tryTake(5000));
    QVERIFY(!bucket.tryTake(5000));
    QCOMPARE(bucket.nextAvailableMs(5000), qint64(6000));
}

void TestTokenBucket::burstDoesNotGrowWhileIdle()
{
    TokenBucket bucket(1.0, 2.0);
    QVERIFY(bucket.tryTake(0));
    QVERIFY(bucket.tryTake(0));

    // An hour of idling refills the bucket only up to the burst.
    QVERIFY(bucket.tryTake(3'600'000));
    QVERIFY(bucket.tryTake(3'600'000));
    QVERIFY(!bucket.tryTake(3'600'000));
}

void TestTokenBucket::timeGoingBackwardsEarnsNothing()
{
    TokenBucket bucket(1.0);
    QVERIFY(bucket.tryTake(10'000));

    QVERIFY(!bucket.tryTake(5'000));
    QCOMPARE(bucket.nextAvailableMs(5'000), qint64(11'000));
    QVERIFY(!bucket.tryTake(10'999));
    QVERIFY(bucket.tryTake(11'000));

    // Going back and forward again must not count the span twice.
    QVERIFY(!bucket.tryTake(0));
    QVERIFY(!bucket.tryTake(11'500));
    QVERIFY(bucket.tryTake(12'000));
}

void TestTokenBucket::setRateAppliesToNextToken()
{
    TokenBucket bucket(1.0);
    QVERIFY(bucket.tryTake(0));

    bucket.setRate(10.0);

    QCOMPARE(bucket.rate(), 10.0);
    QCOMPARE(bucket.nextAvailableMs(0), qint64(100));
    QVERIFY(bucket.tryTake(100));
}

void TestTokenBucket::zeroRateHasNoNextToken()
{
    TokenBucket bucket(0.0);

    QVERIFY(bucket.tryTake(0));
    QVERIFY(!bucket.tryTake(1'000'000));
    QCOMPARE(bucket.nextAvailableMs(1'000'000), qint64(-1));
}

QTEST_GUILESS_MAIN(TestTokenBucket)
#include "tst_tokenbucket.moc"
