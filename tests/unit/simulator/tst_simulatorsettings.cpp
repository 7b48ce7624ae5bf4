#include "simulator/callplan.h"
#include "simulator/simulatorsettings.h"

#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

// Checks how dialdeck-sim's command-line values are parsed and rejected, and
// that outcome plans follow the seed and the mix.
class TestSimulatorSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validValuesApply();
    void invalidValueRejected_data();
    void invalidValueRejected();
    void mixKeepsUnnamedOutcomesAtZero();
    void validateRequiresToken();
    void planFollowsSeedAndMix();
};

void TestSimulatorSettings::validValuesApply()
{
    SimulatorSettings settings;

    QVERIFY(settings.apply(u"listen"_s, u"[::1]:0"_s).ok());
    QVERIFY(settings.apply(u"cps"_s, u"10"_s).ok());
    QVERIFY(settings.apply(u"rest-limit"_s, u"100/2"_s).ok());
    QVERIFY(settings.apply(u"ring-time"_s, u"2-5"_s).ok());
    QVERIFY(settings.apply(u"talk-time"_s, u"30"_s).ok());
    QVERIFY(settings.apply(u"numbers"_s, u"+14155550100, +442071838750"_s).ok());
    QVERIFY(settings.apply(u"timezone"_s, u"America/New_York"_s).ok());
    QVERIFY(settings.apply(u"fault-stall"_s, u"0.25"_s).ok());
    QVERIFY(settings.apply(u"stall-ms"_s, u"6000"_s).ok());
    QVERIFY(settings.apply(u"seed"_s, u"99"_s).ok());

    QCOMPARE(settings.listenAddress, QHostAddress(QHostAddress::LocalHostIPv6));
    QCOMPARE(settings.listenPort, quint16(0));
    QCOMPARE(settings.callsPerSecond, 10.0);
    QCOMPARE(settings.restLimit, 100);
    QCOMPARE(settings.restWindowMs, 2000);
    QCOMPARE(settings.ringTime.min, 2.0);
    QCOMPARE(settings.ringTime.max, 5.0);
    QCOMPARE(settings.talkTime.min, 30.0);
    QCOMPARE(settings.talkTime.max, 30.0);
    QCOMPARE(settings.numbers, (QStringList{u"+14155550100"_s, u"+442071838750"_s}));
    QCOMPARE(settings.faults.stall, 0.25);
    QCOMPARE(settings.faults.stallMs, 6000);
    QCOMPARE(settings.seed, quint64(99));
}

void TestSimulatorSettings::invalidValueRejected_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("value");

    QTest::newRow("listen without port") << u"listen"_s << u"127.0.0.1"_s;
    QTest::newRow("listen bad host") << u"listen"_s << u"localhost-ish:80"_s;
    QTest::newRow("cps zero") << u"cps"_s << u"0"_s;
    QTest::newRow("rest-limit shape") << u"rest-limit"_s << u"300"_s;
    QTest::newRow("speed text") << u"speed"_s << u"fast"_s;
    QTest::newRow("range reversed") << u"ring-time"_s << u"20-3"_s;
    QTest::newRow("mix unknown key") << u"mix"_s << u"answered=1,voicemail=2"_s;
    QTest::newRow("mix all zero") << u"mix"_s << u"answered=0"_s;
    QTest::newRow("share above one") << u"fault-drop-callbacks"_s << u"1.5"_s;
    QTest::newRow("number without plus") << u"numbers"_s << u"14155550100"_s;
    QTest::newRow("unknown zone") << u"timezone"_s << u"Mars/Olympus"_s;
    QTest::newRow("auth id shape") << u"auth-id"_s << u"XX123"_s;
    QTest::newRow("too many retries") << u"callback-retries"_s << u"6"_s;
    QTest::newRow("unknown option") << u"colour"_s << u"blue"_s;
}

void TestSimulatorSettings::invalidValueRejected()
{
    QFETCH(QString, option);
    QFETCH(QString, value);
    SimulatorSettings settings;
    const SimulatorSettings before = settings;

    const Result<void> result = settings.apply(option, value);

    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, u"invalid_argument"_s);
    QVERIFY2(result.error().message.contains(u"--"_s + option), qPrintable(result.error().message));
    QCOMPARE(settings.callsPerSecond, before.callsPerSecond);
    QCOMPARE(settings.listenPort, before.listenPort);
    QCOMPARE(settings.mix.answered, before.mix.answered);
}

void TestSimulatorSettings::mixKeepsUnnamedOutcomesAtZero()
{
    const Result<OutcomeMix> mix = OutcomeMix::parse(u"answered=3, busy=1"_s);

    QVERIFY(mix.ok());
    QCOMPARE(mix->answered, 3.0);
    QCOMPARE(mix->busy, 1.0);
    QCOMPARE(mix->noAnswer, 0.0);
    QCOMPARE(mix->machine, 0.0);
    QCOMPARE(mix->total(), 4.0);
}

void TestSimulatorSettings::validateRequiresToken()
{
    SimulatorSettings settings;
    QVERIFY(!settings.validate().ok());
    QVERIFY(settings.validate().error().message.contains(u"DIALDECK_SIM_AUTH_TOKEN"));

    settings.authToken = "token";
    QVERIFY(settings.validate().ok());
}

void TestSimulatorSettings::planFollowsSeedAndMix()
{
    SimulatorSettings settings;
    settings.seed = 5;
    settings.ringTime = {3, 20};

    QList<int> outcomes;
    for (quint64 index = 0; index < 200; ++index) {
        const CallPlan plan = CallPlan::draw(settings, index);
        const CallPlan again = CallPlan::draw(settings, index);
        QCOMPARE(int(again.outcome), int(plan.outcome));
        QCOMPARE(again.ringSeconds, plan.ringSeconds);
        QVERIFY(plan.ringSeconds >= 3.0 && plan.ringSeconds <= 20.0);
        outcomes.append(int(plan.outcome));
    }
    // With the default mix (60 % answered) about 120 of 200 calls are answered.
    const qsizetype answered = outcomes.count(int(CallPlan::Outcome::Answered));
    QVERIFY2(answered > 90 && answered < 150, qPrintable(QString::number(answered)));

    settings.mix = OutcomeMix{0, 1, 0, 0, 0, 0, 0};
    for (quint64 index = 0; index < 50; ++index)
        QCOMPARE(int(CallPlan::draw(settings, index).outcome), int(CallPlan::Outcome::Busy));
}

QTEST_GUILESS_MAIN(TestSimulatorSettings)
#include "tst_simulatorsettings.moc"
