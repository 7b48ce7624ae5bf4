#include "core/batchconfig.h"

#include <QJsonDocument>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestBatchConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsAreValid();
    void jsonRoundTripKeepsEverySetting();
    void validateNamesEachInvalidField_data();
    void validateNamesEachInvalidField();
    void parseDaysAcceptsNamesAndRejectsTypos();
    void parseWindowReadsHoursAndMinutes();
    void fromJsonRejectsUnknownRotation();
    void fromJsonRejectsAnswerThatIsNotObject();
};

void TestBatchConfig::defaultsAreValid()
{
    QVERIFY(BatchConfig().validate().isEmpty());
}

void TestBatchConfig::jsonRoundTripKeepsEverySetting()
{
    BatchConfig config;
    config.windowStart = QTime(8, 30);
    config.windowEnd = QTime(17, 45);
    config.allowedDays = 0b1000001;
    config.holidays = {QDate(2026, 12, 25), QDate(2027, 1, 1)};
    config.defaultRegion = u"DE"_s;
    config.defaultTimeZone = "Europe/Berlin";
    config.maxCallsPerSecond = 2.5;
    config.maxConcurrentCalls = 7;
    config.rotation = RotationStrategy::LocalPresence;
    config.retryBusy = {5, 120};
    config.retryNoAnswer = {4, 60};
    config.retryFailed = {1, 0};
    config.retryMachine = {2, 30};
    config.ringTimeoutSeconds = 45;
    config.timeLimitSeconds = 600;
    config.answer.text = u"Your appointment is tomorrow at 9."_s;
    config.answer.voice = SpeakVoice::Man;
    config.answer.language = u"en-GB"_s;

    const QByteArray text = QJsonDocument(config.toJson()).toJson();
    Result<BatchConfig> read = BatchConfig::fromJson(QJsonDocument::fromJson(text).object());

    QVERIFY(read.ok());
    QCOMPARE(*read, config);
}

void TestBatchConfig::validateNamesEachInvalidField_data()
{
    QTest::addColumn<QString>("field");

    QTest::newRow("window reversed") << u"window"_s;
    QTest::newRow("no days") << u"days"_s;
    QTest::newRow("unknown zone") << u"defaultTimeZone"_s;
    QTest::newRow("lowercase region") << u"defaultRegion"_s;
    QTest::newRow("zero rate") << u"maxCallsPerSecond"_s;
    QTest::newRow("zero concurrency") << u"maxConcurrentCalls"_s;
    QTest::newRow("short ring timeout") << u"ringTimeoutSeconds"_s;
    QTest::newRow("zero busy attempts") << u"retry.busy.maxAttempts"_s;
    QTest::newRow("empty answer text") << u"answer.text"_s;
}

void TestBatchConfig::validateNamesEachInvalidField()
{
    QFETCH(QString, field);

    BatchConfig config;
    if (field == u"window") {
        config.windowStart = QTime(20, 0);
        config.windowEnd = QTime(9, 0);
    } else if (field == u"days") {
        config.allowedDays = 0;
    } else if (field == u"defaultTimeZone") {
        config.defaultTimeZone = "Mars/Olympus_Mons";
    } else if (field == u"defaultRegion") {
        config.defaultRegion = u"us"_s;
    } else if (field == u"maxCallsPerSecond") {
        config.maxCallsPerSecond = 0;
    } else if (field == u"maxConcurrentCalls") {
        config.maxConcurrentCalls = 0;
    } else if (field == u"ringTimeoutSeconds") {
        config.ringTimeoutSeconds = 1;
    } else if (field == u"answer.text") {
        config.answer.text.clear();
    } else {
        config.retryBusy.maxAttempts = 0;
    }

    const QList<ConfigProblem> problems = config.validate();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.first().field, field);
    QVERIFY(!problems.first().message.isEmpty());
}

void TestBatchConfig::parseDaysAcceptsNamesAndRejectsTypos()
{
    Result<quint8> days = BatchConfig::parseDays(u"mon, Tue,friday"_s);
    QVERIFY(days.ok());
    QCOMPARE(*days, quint8(0b0010011));

    Result<quint8> typo = BatchConfig::parseDays(u"mon,xyz"_s);
    QVERIFY(!typo.ok());
    QVERIFY(typo.error().message.contains(u"xyz"_s));
}

void TestBatchConfig::parseWindowReadsHoursAndMinutes()
{
    auto window = BatchConfig::parseWindow(u"9:00-20:30"_s);
    QVERIFY(window.ok());
    QCOMPARE(window->first, QTime(9, 0));
    QCOMPARE(window->second, QTime(20, 30));

    QVERIFY(!BatchConfig::parseWindow(u"nine to five"_s).ok());
}

void TestBatchConfig::fromJsonRejectsUnknownRotation()
{
    Result<BatchConfig> read = BatchConfig::fromJson({{u"rotation"_s, u"random"_s}});
    QVERIFY(!read.ok());
    QVERIFY(read.error().message.contains(u"random"_s));
}

void TestBatchConfig::fromJsonRejectsAnswerThatIsNotObject()
{
    Result<BatchConfig> read = BatchConfig::fromJson({{u"answer"_s, u"speak"_s}});
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, u"invalid_answer"_s);
}

QTEST_GUILESS_MAIN(TestBatchConfig)
#include "tst_batchconfig.moc"
