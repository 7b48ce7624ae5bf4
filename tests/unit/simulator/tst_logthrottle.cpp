#include "simulator/logthrottle.h"

#include <QTest>

using namespace Dialdeck;

// Checks that a LogThrottle lets a burst through, then one message per
// interval, and reports how many it left out.
class TestLogThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstPassesThenOnePerInterval();
    void messageNamesSuppressedCount();
};

void TestLogThrottle::burstPassesThenOnePerInterval()
{
    LogThrottle throttle(3, 200);
    int suppressed = -1;

    for (int i = 0; i < 3; ++i) {
        QVERIFY(throttle.allow(&suppressed));
        QCOMPARE(suppressed, 0);
    }
    for (int i = 0; i < 5; ++i)
        QVERIFY(!throttle.allow(&suppressed));

    QTest::qWait(250);
    QVERIFY(throttle.allow(&suppressed));
    QCOMPARE(suppressed, 5);
    QVERIFY(!throttle.allow(&suppressed));
}

void TestLogThrottle::messageNamesSuppressedCount()
{
    QCOMPARE(LogThrottle::withSuppressed(QStringLiteral("Retrying"), 0), QStringLiteral("Retrying"));
    QCOMPARE(LogThrottle::withSuppressed(QStringLiteral("Retrying"), 4),
             QStringLiteral("Retrying (4 similar messages left out)"));
}

QTEST_GUILESS_MAIN(TestLogThrottle)
#include "tst_logthrottle.moc"
