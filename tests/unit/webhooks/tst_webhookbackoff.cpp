#include "webhooks/webhookbackoff.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Dialdeck;

// Checks the exponential ceiling, its cap and the full-jitter spread of the
// retry delay of webhook deliveries.
class TestWebhookBackoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ceilingDoublesUpToCap_data();
    void ceilingDoublesUpToCap();
    void delayStaysWithinCeiling();
    void delaySpreadsOverWholeRange();
    void customBaseAndCapApply();
};

void TestWebhookBackoff::ceilingDoublesUpToCap_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<qint64>("ceilingMs");

    QTest::newRow("first failure") << 1 << qint64(1'000);
    QTest::newRow("second failure") << 2 << qint64(2'000);
    QTest::newRow("third failure") << 3 << qint64(4'000);
    QTest::newRow("tenth failure") << 10 << qint64(512'000);
    QTest::newRow("eleventh failure capped") << 11 << qint64(600'000);
    QTest::newRow("huge count capped") << 1'000'000 << qint64(600'000);
    QTest::newRow("zero treated as first") << 0 << qint64(1'000);
}

void TestWebhookBackoff::ceilingDoublesUpToCap()
{
    QFETCH(int, failures);
    QFETCH(qint64, ceilingMs);

    QCOMPARE(WebhookBackoff().ceilingMs(failures), ceilingMs);
}

void TestWebhookBackoff::delayStaysWithinCeiling()
{
    const WebhookBackoff backoff;
    QRandomGenerator random(42);

    for (int failures = 1; failures <= 14; ++failures) {
        for (int draw = 0; draw < 200; ++draw) {
            const qint64 delay = backoff.delayMs(failures, random);
            QVERIFY(delay >= 0);
            QVERIFY2(delay <= backoff.ceilingMs(failures),
                     qPrintable(QString::number(delay)));
        }
    }
}

void TestWebhookBackoff::delaySpreadsOverWholeRange()
{
    const WebhookBackoff backoff;
    QRandomGenerator random(7);
    const qint64 ceiling = backoff.ceilingMs(8);

    qint64 lowest = ceiling;
    qint64 highest = 0;
    for (int draw = 0; draw < 2000; ++draw) {
        const qint64 delay = backoff.delayMs(8, random);
        lowest = std::min(lowest, delay);
        highest = std::max(highest, delay);
    }

    // Full jitter: draws reach both ends of [0, ceiling], not a band near the ceiling.
    QVERIFY2(lowest < ceiling / 20, qPrintable(QString::number(lowest)));
    QVERIFY2(highest > ceiling - ceiling / 20, qPrintable(QString::number(highest)));
}

void TestWebhookBackoff::customBaseAndCapApply()
{
    const WebhookBackoff backoff(50, 300);

    QCOMPARE(backoff.ceilingMs(1), qint64(50));
    QCOMPARE(backoff.ceilingMs(3), qint64(200));
    QCOMPARE(backoff.ceilingMs(4), qint64(300));
    QCOMPARE(backoff.ceilingMs(40), qint64(300));
}

QTEST_GUILESS_MAIN(TestWebhookBackoff)
#include "tst_webhookbackoff.moc"
