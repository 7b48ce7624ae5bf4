#include "schedule/callerrotation.h"

#include <QDateTime>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

qint64 utc(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODate).toMSecsSinceEpoch();
}

Phone phone(const QString &id, const QString &e164, int cooldownSeconds = 0, int dailyCap = 0)
{
    Phone result;
    result.id = id;
    result.e164 = e164;
    result.label = u"Line "_s + id;
    result.cooldownSeconds = cooldownSeconds;
    result.dailyCap = dailyCap;
    return result;
}

QString pickedId(CallerRotation &rotation, qint64 nowMs, const QString &callee = u"+12127365001"_s)
{
    const std::optional<CallerPick> pick = rotation.pick(callee, nowMs);
    return pick ? pick->phoneId : u"none"_s;
}

std::optional<CallerUsage> usageOf(const CallerRotation &rotation, const QString &phoneId,
                                   qint64 nowMs)
{
    for (const CallerUsage &usage : rotation.usage(nowMs)) {
        if (usage.phoneId == phoneId)
            return usage;
    }
    return std::nullopt;
}

const qint64 Monday = utc(u"2026-03-09T15:00:00Z"_s);

} // namespace

class TestCallerRotation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundRobinCyclesInOrder();
    void roundRobinSkipsBusyNumbers();
    void leastRecentlyUsedPicksOldest();
    void numberBusyUntilRelease();
    void cooldownAfterRelease();
    void dailyCapBlocksUntilUtcMidnight();
    void disabledNumbersNeverPicked();
    void noEnabledNumbers();
    void localPresence_data();
    void localPresence();
    void localPresenceFallsBackWhenAreaBusy();
    void localPresenceSharesEqualNumbers();
    void restoreUsageAfterRestart();
    void usageCountsAnsweredAndEnded();
};

void TestCallerRotation::roundRobinCyclesInOrder()
{
    CallerRotation rotation(RotationStrategy::RoundRobin,
                            {phone(u"a"_s, u"+12127365000"_s), phone(u"b"_s, u"+13127445000"_s),
                             phone(u"c"_s, u"+16172530000"_s)});

    QStringList order;
    for (int i = 0; i < 5; ++i) {
        const std::optional<CallerPick> pick = rotation.pick(u"+12127365001"_s, Monday + i);
        QVERIFY(pick);
        QCOMPARE(pick->reason, u"round-robin"_s);
        order.append(pick->phoneId);
        rotation.release(pick->phoneId, Monday + i, false);
    }

    QCOMPARE(order, (QStringList{u"a"_s, u"b"_s, u"c"_s, u"a"_s, u"b"_s}));
}

void TestCallerRotation::roundRobinSkipsBusyNumbers()
{
    CallerRotation rotation(RotationStrategy::RoundRobin,
                            {phone(u"a"_s, u"+12127365000"_s), phone(u"b"_s, u"+13127445000"_s),
                             phone(u"c"_s, u"+16172530000"_s)});

    QCOMPARE(pickedId(rotation, Monday), u"a"_s); // a stays in its call
    QCOMPARE(pickedId(rotation, Monday), u"b"_s);
    rotation.release(u"b"_s, Monday, false);
    QCOMPARE(pickedId(rotation, Monday), u"c"_s);
    rotation.release(u"c"_s, Monday, false);
    QCOMPARE(pickedId(rotation, Monday), u"b"_s);
}

void TestCallerRotation::leastRecentlyUsedPicksOldest()
{
    CallerRotation rotation(RotationStrategy::LeastRecentlyUsed,
                            {phone(u"a"_s, u"+12127365000"_s), phone(u"b"_s, u"+13127445000"_s),
                             phone(u"c"_s, u"+16172530000"_s)});

    // Never-used numbers first, in the given order.
    QCOMPARE(pickedId(rotation, Monday), u"a"_s);
    QCOMPARE(pickedId(rotation, Monday), u"b"_s);
    rotation.release(u"a"_s, Monday + 3000, false);
    rotation.release(u"b"_s, Monday + 1000, false);

    const std::optional<CallerPick> third = rotation.pick(u"+12127365001"_s, Monday + 4000);
    QVERIFY(third);
    QCOMPARE(third->phoneId, u"c"_s);
    QCOMPARE(third->reason, u"least recently used"_s);
    rotation.release(u"c"_s, Monday + 5000, false);

    // b ended its call before a did.
    QCOMPARE(pickedId(rotation, Monday + 6000), u"b"_s);
    QCOMPARE(pickedId(rotation, Monday + 6000), u"a"_s);
    QCOMPARE(pickedId(rotation, Monday + 6000), u"c"_s);
}

void TestCallerRotation::numberBusyUntilRelease()
{
    CallerRotation rotation(RotationStrategy::RoundRobin, {phone(u"a"_s, u"+12127365000"_s)});

    QCOMPARE(pickedId(rotation, Monday), u"a"_s);
    QCOMPARE(pickedId(rotation, Monday + 60'000), u"none"_s);
    QCOMPARE(rotation.nextAvailableMs(Monday + 60'000), qint64(-1));
    QVERIFY(usageOf(rotation, u"a"_s, Monday)->inCall);

    rotation.release(u"a"_s, Monday + 90'000, true);

    QCOMPARE(rotation.nextAvailableMs(Monday + 90'000), Monday + 90'000);
    QCOMPARE(pickedId(rotation, Monday + 90'000), u"a"_s);
}

void TestCallerRotation::cooldownAfterRelease()
{
    CallerRotation rotation(RotationStrategy::RoundRobin,
                            {phone(u"a"_s, u"+12127365000"_s, 60)});

    QCOMPARE(pickedId(rotation, Monday), u"a"_s);
    rotation.release(u"a"_s, Monday + 1000, false);

    QCOMPARE(rotation.nextAvailableMs(Monday + 2000), Monday + 61'000);
    const std::optional<CallerUsage> resting = usageOf(rotation, u"a"_s, Monday + 2000);
    QVERIFY(resting->resting);
    QCOMPARE(resting->restingUntilMs, Monday + 61'000);
    QCOMPARE(pickedId(rotation, Monday + 60'999), u"none"_s);
    QCOMPARE(pickedId(rotation, Monday + 61'000), u"a"_s);
}

void TestCallerRotation::dailyCapBlocksUntilUtcMidnight()
{
    CallerRotation rotation(RotationStrategy::RoundRobin,
                            {phone(u"a"_s, u"+12127365000"_s, 0, 2)});
    const qint64 evening = utc(u"2026-03-09T22:00:00Z"_s);

    for (int i = 0; i < 2; ++i) {
        QCOMPARE(pickedId(rotation, evening + i), u"a"_s);
        rotation.release(u"a"_s, evening + i, false);
    }

    QCOMPARE(pickedId(rotation, evening + 10), u"none"_s);
    QCOMPARE(rotation.nextAvailableMs(evening + 10), utc(u"2026-03-10T00:00:00Z"_s));
    const std::optional<CallerUsage> capped = usageOf(rotation, u"a"_s, evening + 10);
    QVERIFY(capped->capReached);
    QCOMPARE(capped->callsToday, 2);

    const qint64 midnight = utc(u"2026-03-10T00:00:00Z"_s);
    QCOMPARE(pickedId(rotation, midnight - 1), u"none"_s);
    QCOMPARE(usageOf(rotation, u"a"_s, midnight)->callsToday, 0);
    QCOMPARE(pickedId(rotation, midnight), u"a"_s);
    QCOMPARE(usageOf(rotation, u"a"_s, midnight)->callsToday, 1);
}

void TestCallerRotation::disabledNumbersNeverPicked()
{
    Phone disabled = phone(u"a"_s, u"+12127365000"_s);
    disabled.enabled = false;
    CallerRotation rotation(RotationStrategy::LocalPresence,
                            {disabled, phone(u"b"_s, u"+13127445000"_s)});

    // a would match the callee's area code 212 but is disabled.
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(pickedId(rotation, Monday + i), u"b"_s);
        rotation.release(u"b"_s, Monday + i, false);
    }
    QVERIFY(rotation.hasUsableNumbers());
    QVERIFY(!usageOf(rotation, u"a"_s, Monday));
}

void TestCallerRotation::noEnabledNumbers()
{
    Phone disabled = phone(u"a"_s, u"+12127365000"_s);
    disabled.enabled = false;
    CallerRotation rotation(RotationStrategy::RoundRobin, {disabled});

    QVERIFY(!rotation.hasUsableNumbers());
    QCOMPARE(pickedId(rotation, Monday), u"none"_s);
    QCOMPARE(rotation.nextAvailableMs(Monday), qint64(-1));
    QVERIFY(rotation.usage(Monday).isEmpty());
}

void TestCallerRotation::localPresence_data()
{
    QTest::addColumn<QString>("callee");
    QTest::addColumn<QString>("phoneId");
    QTest::addColumn<QString>("reason");

    QTest::newRow("New York 212 callee")
        << u"+12125550147"_s << u"ny"_s << u"local presence: same area code 212"_s;
    QTest::newRow("Chicago 312 callee")
        << u"+13125550147"_s << u"chi"_s << u"local presence: same area code 312"_s;
    QTest::newRow("London 20 callee")
        << u"+442079460123"_s << u"ldn"_s << u"local presence: same area code 20"_s;
    QTest::newRow("Manchester callee, same country")
        << u"+441612345678"_s << u"ldn"_s << u"local presence: same country, no area-code match"_s;
    QTest::newRow("Paris callee, any number")
        << u"+33142685300"_s << u"ny"_s
        << u"local presence: no same-country number available, any number"_s;
}

void TestCallerRotation::localPresence()
{
    QFETCH(QString, callee);
    QFETCH(QString, phoneId);
    QFETCH(QString, reason);

    CallerRotation rotation(RotationStrategy::LocalPresence,
                            {phone(u"ny"_s, u"+12127365000"_s), phone(u"chi"_s, u"+13127445000"_s),
                             phone(u"ldn"_s, u"+442079460000"_s)});

    const std::optional<CallerPick> pick = rotation.pick(callee, Monday);

    QVERIFY(pick);
    QCOMPARE(pick->phoneId, phoneId);
    QCOMPARE(pick->reason, reason);
}

void TestCallerRotation::localPresenceFallsBackWhenAreaBusy()
{
    CallerRotation rotation(RotationStrategy::LocalPresence,
                            {phone(u"ldn"_s, u"+442079460000"_s), phone(u"ny"_s, u"+12127365000"_s),
                             phone(u"chi"_s, u"+13127445000"_s)});

    const std::optional<CallerPick> first = rotation.pick(u"+12125550147"_s, Monday);
    QCOMPARE(first->phoneId, u"ny"_s);

    const std::optional<CallerPick> second = rotation.pick(u"+12125550148"_s, Monday);
    QVERIFY(second);
    QCOMPARE(second->phoneId, u"chi"_s);
    QCOMPARE(second->reason, u"local presence: same country, no area-code match"_s);

    const std::optional<CallerPick> third = rotation.pick(u"+12125550149"_s, Monday);
    QVERIFY(third);
    QCOMPARE(third->phoneId, u"ldn"_s);
    QCOMPARE(third->reason, u"local presence: no same-country number available, any number"_s);

    QVERIFY(!rotation.pick(u"+12125550150"_s, Monday));
}

void TestCallerRotation::localPresenceSharesEqualNumbers()
{
    CallerRotation rotation(RotationStrategy::LocalPresence,
                            {phone(u"ny1"_s, u"+12127365000"_s), phone(u"chi"_s, u"+13127445000"_s),
                             phone(u"ny2"_s, u"+12127365002"_s)});

    QStringList order;
    for (int i = 0; i < 4; ++i) {
        const std::optional<CallerPick> pick = rotation.pick(u"+12125550147"_s, Monday + i);
        QVERIFY(pick);
        order.append(pick->phoneId);
        rotation.release(pick->phoneId, Monday + i, false);
    }

    QCOMPARE(order, (QStringList{u"ny1"_s, u"ny2"_s, u"ny1"_s, u"ny2"_s}));
}

void TestCallerRotation::restoreUsageAfterRestart()
{
    CallerRotation rotation(RotationStrategy::RoundRobin,
                            {phone(u"a"_s, u"+12127365000"_s, 0, 5),
                             phone(u"b"_s, u"+13127445000"_s, 120),
                             phone(u"c"_s, u"+16172530000"_s)});

    rotation.restoreUsage(u"a"_s, 5, Monday - 60'000, false);
    rotation.restoreUsage(u"b"_s, 1, Monday - 60'000, false);
    rotation.restoreUsage(u"c"_s, 1, Monday - 10'000, true);

    // a is capped for today, b rests until 120 s after its last use, c is in a call.
    QVERIFY(usageOf(rotation, u"a"_s, Monday)->capReached);
    QVERIFY(usageOf(rotation, u"b"_s, Monday)->resting);
    QVERIFY(usageOf(rotation, u"c"_s, Monday)->inCall);
    QCOMPARE(pickedId(rotation, Monday), u"none"_s);
    QCOMPARE(rotation.nextAvailableMs(Monday), Monday + 60'000);
    QCOMPARE(pickedId(rotation, Monday + 60'000), u"b"_s);
}

void TestCallerRotation::usageCountsAnsweredAndEnded()
{
    CallerRotation rotation(RotationStrategy::RoundRobin, {phone(u"a"_s, u"+12127365000"_s)});

    for (int i = 0; i < 3; ++i) {
        QCOMPARE(pickedId(rotation, Monday + i * 1000), u"a"_s);
        rotation.release(u"a"_s, Monday + i * 1000 + 500, i != 1);
    }

    const std::optional<CallerUsage> usage = usageOf(rotation, u"a"_s, Monday + 5000);
    QVERIFY(usage);
    QCOMPARE(usage->e164, u"+12127365000"_s);
    QCOMPARE(usage->label, u"Line a"_s);
    QCOMPARE(usage->callsToday, 3);
    QCOMPARE(usage->answered, 2);
    QCOMPARE(usage->ended, 3);
    QCOMPARE(usage->lastUsedMs, Monday + 2500);
    QVERIFY(!usage->inCall);
    QVERIFY(!usage->capReached);
}

QTEST_GUILESS_MAIN(TestCallerRotation)
#include "tst_callerrotation.moc"
