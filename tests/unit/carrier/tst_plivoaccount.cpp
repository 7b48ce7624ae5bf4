#include "carrier/plivoaccount.h"
#include "simulator/plivosimulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <optional>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray SimToken = "plivo-account-test-token";

QJsonObject parseJson(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

} // namespace

// Reads numbers and credit from an in-process dialdeck simulator on
// 127.0.0.1, and checks how odd or failed answers are reported.
class TestPlivoAccount : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void listNumbersReadsEveryPage();
    void listNumbersOfSmallAccount();
    void creditReadsAccount();
    void wrongTokenAsksToCheckCredentials();
    void unknownAccountIsNotFound();
    void closedPortNamesBaseUrl();
    void missingTokenFailsBeforeRequest();
    void parseNumberPageFields();
    void parseNumberPageRejectsBadShape_data();
    void parseNumberPageRejectsBadShape();
    void parseCreditNeedsCashCredits();

private:
    void startSimulator(const QStringList &numbers);
    PlivoSettings settingsForSimulator() const;
    Result<QList<PlivoNumber>> listNumbers(const PlivoSettings &settings);
    Result<PlivoCredit> readCredit(const PlivoSettings &settings);

    std::unique_ptr<PlivoSimulator> m_simulator;
};

void TestPlivoAccount::cleanup()
{
    m_simulator.reset();
}

void TestPlivoAccount::startSimulator(const QStringList &numbers)
{
    SimulatorSettings settings;
    settings.listenPort = 0;
    settings.authToken = SimToken;
    settings.numbers = numbers;
    settings.cashCredits = 12.5;
    settings.timeZone = u"America/New_York"_s;
    m_simulator = std::make_unique<PlivoSimulator>(settings);
    Result<quint16> port = m_simulator->start();
    QVERIFY2(port.ok(), port.ok() ? "" : qPrintable(port.error().message));
}

PlivoSettings TestPlivoAccount::settingsForSimulator() const
{
    PlivoSettings settings;
    settings.baseUrl = m_simulator->baseUrl();
    settings.authId = m_simulator->settings().authId;
    settings.authToken = SimToken;
    return settings;
}

Result<QList<PlivoNumber>> TestPlivoAccount::listNumbers(const PlivoSettings &settings)
{
    PlivoAccount account(settings);
    std::optional<Result<QList<PlivoNumber>>> outcome;
    int calls = 0;
    account.listNumbers([&](const Result<QList<PlivoNumber>> &numbers) {
        ++calls;
        outcome = numbers;
    });
    if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 20000))
        return Error{u"test"_s, u"listNumbers did not finish in 20 s"_s};
    // A second call of the handler would arrive on a later turn of the loop.
    QTest::qWait(50);
    if (calls != 1)
        return Error{u"test"_s, u"the handler ran %1 times"_s.arg(calls)};
    return *outcome;
}

Result<PlivoCredit> TestPlivoAccount::readCredit(const PlivoSettings &settings)
{
    PlivoAccount account(settings);
    std::optional<Result<PlivoCredit>> outcome;
    account.credit([&](const Result<PlivoCredit> &credit) { outcome = credit; });
    if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 20000))
        return Error{u"test"_s, u"credit did not finish in 20 s"_s};
    return *outcome;
}

void TestPlivoAccount::listNumbersReadsEveryPage()
{
    // 45 numbers make pages of 20, 20 and 5.
    QStringList numbers;
    for (int i = 0; i < 45; ++i)
        numbers.append(u"+1415555%1"_s.arg(1000 + i));
    startSimulator(numbers);

    const Result<QList<PlivoNumber>> listed = listNumbers(settingsForSimulator());
    QVERIFY2(listed.ok(), listed.ok() ? "" : qPrintable(listed.error().message));
    QCOMPARE(listed->size(), 45);
    for (int i = 0; i < 45; ++i) {
        QCOMPARE(listed->at(i).e164, numbers.at(i));
        QVERIFY(listed->at(i).voiceEnabled);
    }
    QCOMPARE(listed->first().country, u"UNITED STATES"_s);
    QVERIFY(listed->first().alias.isEmpty());
}

void TestPlivoAccount::listNumbersOfSmallAccount()
{
    startSimulator({u"+14155550100"_s, u"+14155550101"_s});

    const Result<QList<PlivoNumber>> listed = listNumbers(settingsForSimulator());
    QVERIFY2(listed.ok(), listed.ok() ? "" : qPrintable(listed.error().message));
    QCOMPARE(listed->size(), 2);
    QCOMPARE(listed->at(1).e164, u"+14155550101"_s);
}

void TestPlivoAccount::creditReadsAccount()
{
    startSimulator({});

    const Result<PlivoCredit> credit = readCredit(settingsForSimulator());
    QVERIFY2(credit.ok(), credit.ok() ? "" : qPrintable(credit.error().message));
    QCOMPARE(credit->cashCredits, u"12.50000"_s);
    QCOMPARE(credit->billingMode, u"prepaid"_s);
    QCOMPARE(credit->accountType, u"standard"_s);
    QCOMPARE(credit->timeZone, u"America/New_York"_s);
}

void TestPlivoAccount::wrongTokenAsksToCheckCredentials()
{
    startSimulator({});
    PlivoSettings settings = settingsForSimulator();
    settings.authToken = "not-the-token";

    const Result<PlivoCredit> credit = readCredit(settings);
    QVERIFY(!credit.ok());
    QCOMPARE(credit.error().code, u"unauthorized"_s);
    QVERIFY2(credit.error().message.contains(u"check the Plivo credentials"_s),
             qPrintable(credit.error().message));
    QVERIFY2(credit.error().message.contains(settings.authId), qPrintable(credit.error().message));

    const Result<QList<PlivoNumber>> listed = listNumbers(settings);
    QVERIFY(!listed.ok());
    QCOMPARE(listed.error().code, u"unauthorized"_s);
}

void TestPlivoAccount::unknownAccountIsNotFound()
{
    startSimulator({});
    PlivoSettings settings = settingsForSimulator();
    settings.authId = u"MAOTHERACCOUNT000000"_s;

    const Result<PlivoCredit> credit = readCredit(settings);
    QVERIFY(!credit.ok());
    QVERIFY2(credit.error().code == u"unauthorized" || credit.error().code == u"not_found",
             qPrintable(credit.error().code));
    QVERIFY2(credit.error().message.contains(u"MAOTHERACCOUNT000000"_s),
             qPrintable(credit.error().message));
}

void TestPlivoAccount::closedPortNamesBaseUrl()
{
    // A port that was free a moment ago: nothing listens on it.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();

    PlivoSettings settings;
    settings.baseUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(port));
    settings.authId = u"MADIALDECKSIMULATOR0"_s;
    settings.authToken = SimToken;

    const Result<PlivoCredit> credit = readCredit(settings);
    QVERIFY(!credit.ok());
    QCOMPARE(credit.error().code, u"carrier_failed"_s);
    QVERIFY2(credit.error().message.contains(settings.baseUrl.toString()),
             qPrintable(credit.error().message));
}

void TestPlivoAccount::missingTokenFailsBeforeRequest()
{
    startSimulator({});
    PlivoSettings settings = settingsForSimulator();
    settings.authToken.clear();

    const Result<QList<PlivoNumber>> listed = listNumbers(settings);
    QVERIFY(!listed.ok());
    QCOMPARE(listed.error().code, u"invalid_argument"_s);
    QVERIFY2(listed.error().message.contains(u"Auth Token"_s), qPrintable(listed.error().message));
}

void TestPlivoAccount::parseNumberPageFields()
{
    // Shape of Plivo's number list (field names from the Numbers API reference).
    const QJsonObject json = parseJson(R"({
        "api_id": "x",
        "meta": {"limit": 2, "offset": 0, "total_count": 3, "previous": null,
                 "next": "/v1/Account/MA0/Number/?limit=2&offset=2"},
        "objects": [
            {"number": "14155550100", "alias": "Sales", "region": "California, UNITED STATES",
             "country": "UNITED STATES", "voice_enabled": true},
            {"number": "447700900123", "alias": null, "region": "", "country": "UNITED KINGDOM",
             "voice_enabled": false}
        ]})");

    const Result<PlivoNumberPage> page = PlivoAccount::parseNumberPage(json);
    QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error().message));
    QCOMPARE(page->numbers.size(), 2);
    QCOMPARE(page->numbers.at(0).e164, u"+14155550100"_s);
    QCOMPARE(page->numbers.at(0).alias, u"Sales"_s);
    QCOMPARE(page->numbers.at(0).region, u"California, UNITED STATES"_s);
    QVERIFY(page->numbers.at(0).voiceEnabled);
    QCOMPARE(page->numbers.at(1).e164, u"+447700900123"_s);
    QVERIFY(page->numbers.at(1).alias.isEmpty());
    QVERIFY(!page->numbers.at(1).voiceEnabled);
    QCOMPARE(page->nextOffset, std::optional<int>(2));
}

void TestPlivoAccount::parseNumberPageRejectsBadShape_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("fragment");

    QTest::newRow("no objects") << QByteArray(R"({"meta": {"next": null}})") << u"objects"_s;
    QTest::newRow("no meta") << QByteArray(R"({"objects": []})") << u"meta"_s;
    QTest::newRow("number missing")
        << QByteArray(R"({"meta": {"next": null}, "objects": [{"alias": "x"}]})") << u"number"_s;
    QTest::newRow("next without offset")
        << QByteArray(R"({"meta": {"next": "/v1/Account/MA0/Number/?limit=20"}, "objects": []})")
        << u"offset"_s;
}

void TestPlivoAccount::parseNumberPageRejectsBadShape()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, fragment);

    const Result<PlivoNumberPage> page =
        PlivoAccount::parseNumberPage(QJsonDocument::fromJson(json).object());
    QVERIFY(!page.ok());
    QCOMPARE(page.error().code, u"carrier_failed"_s);
    QVERIFY2(page.error().message.contains(fragment), qPrintable(page.error().message));
}

void TestPlivoAccount::parseCreditNeedsCashCredits()
{
    const Result<PlivoCredit> missing = PlivoAccount::parseCredit(parseJson(R"({"api_id": "x"})"));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().message.contains(u"cash_credits"_s));

    const Result<PlivoCredit> numeric =
        PlivoAccount::parseCredit(parseJson(R"({"cash_credits": 4.8886})"));
    QVERIFY(numeric.ok());
    QCOMPARE(numeric->cashCredits, u"4.88860"_s);
}

QTEST_MAIN(TestPlivoAccount)
#include "tst_plivoaccount.moc"
