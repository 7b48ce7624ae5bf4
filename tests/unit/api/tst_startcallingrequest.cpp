#include "api/startcallingrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString batchId = u"0123456789abcdef01234567"_s;
const QString userId = u"89abcdef0123456789abcdef"_s;

QByteArray body(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject minimal()
{
    return {{u"batchId"_s, batchId}, {u"userId"_s, userId}};
}

QJsonObject with(const QString &field, const QJsonValue &value)
{
    QJsonObject object = minimal();
    object.insert(field, value);
    return object;
}

QJsonObject without(const QString &field)
{
    QJsonObject object = minimal();
    object.remove(field);
    return object;
}

} // namespace

// Checks the parser of the start-calling body: each malformed field is an
// error that names it, and valid bodies keep every field.
class TestStartCallingRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void minimalBodyParses();
    void fullBodyKeepsEveryField();
    void emptyPhoneIdsMeanBatchNumbers();
    void duplicatePhoneIdsAreDroppedInOrder();
    void malformedBodyNamesField_data();
    void malformedBodyNamesField();
    void tooManyCallDataRecordsIsTooLarge();
    void recordCapIsAccepted();
};

void TestStartCallingRequest::minimalBodyParses()
{
    Result<StartCallingRequest> parsed = StartCallingRequest::parse(body(minimal()));

    QVERIFY(parsed.ok());
    QCOMPARE(parsed->batchId, batchId);
    QCOMPARE(parsed->userId, userId);
    QVERIFY(!parsed->phoneIds.has_value());
    QVERIFY(!parsed->callData.has_value());
    QVERIFY(parsed->sessionId.isEmpty());
}

void TestStartCallingRequest::fullBodyKeepsEveryField()
{
    QJsonObject object = minimal();
    object.insert(u"phoneIds"_s,
                  QJsonArray{u"aaaaaaaaaaaaaaaaaaaaaaaa"_s, u"bbbbbbbbbbbbbbbbbbbbbbbb"_s});
    object.insert(u"sessionId"_s, u"3F2504E0-4F89-41D3-9A0C-0305E82C3301"_s);
    object.insert(u"callData"_s,
                  QJsonArray{QJsonObject{
                      {u"phone"_s, u"+12125550142"_s}, {u"name"_s, u"Avery"_s}, {u"crmId"_s, 17}}});

    Result<StartCallingRequest> parsed = StartCallingRequest::parse(body(object));

    QVERIFY(parsed.ok());
    QCOMPARE(parsed->phoneIds.value(),
             QStringList({u"aaaaaaaaaaaaaaaaaaaaaaaa"_s, u"bbbbbbbbbbbbbbbbbbbbbbbb"_s}));
    QCOMPARE(parsed->sessionId, u"3f2504e0-4f89-41d3-9a0c-0305e82c3301"_s);
    QCOMPARE(parsed->callData->size(), 1);
    QCOMPARE(parsed->callData->first().value(u"crmId"_s).toInt(), 17);
}

void TestStartCallingRequest::emptyPhoneIdsMeanBatchNumbers()
{
    Result<StartCallingRequest> parsed =
        StartCallingRequest::parse(body(with(u"phoneIds"_s, QJsonArray())));

    QVERIFY(parsed.ok());
    QVERIFY(!parsed->phoneIds.has_value());
}

void TestStartCallingRequest::duplicatePhoneIdsAreDroppedInOrder()
{
    Result<StartCallingRequest> parsed =
        StartCallingRequest::parse(body(with(u"phoneIds"_s, QJsonArray{u"b"_s, u"a"_s, u"b"_s})));

    QVERIFY(parsed.ok());
    QCOMPARE(parsed->phoneIds.value(), QStringList({u"b"_s, u"a"_s}));
}

void TestStartCallingRequest::malformedBodyNamesField_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("field");

    QTest::newRow("not json") << "{\"batchId\": "_ba << u"not valid JSON"_s;
    QTest::newRow("array body") << "[]"_ba << u"not a JSON object"_s;
    QTest::newRow("empty body") << QByteArray() << u"not valid JSON"_s;
    QTest::newRow("batchId missing") << body(without(u"batchId"_s)) << u"\"batchId\""_s;
    QTest::newRow("batchId null") << body(with(u"batchId"_s, QJsonValue::Null)) << u"\"batchId\""_s;
    QTest::newRow("batchId number") << body(with(u"batchId"_s, 12)) << u"\"batchId\""_s;
    QTest::newRow("batchId empty") << body(with(u"batchId"_s, u""_s)) << u"\"batchId\""_s;
    QTest::newRow("batchId not hex") << body(with(u"batchId"_s, u"batch-1"_s)) << u"\"batchId\""_s;
    QTest::newRow("batchId upper case")
        << body(with(u"batchId"_s, batchId.toUpper())) << u"\"batchId\""_s;
    QTest::newRow("userId missing") << body(without(u"userId"_s)) << u"\"userId\""_s;
    QTest::newRow("userId object") << body(with(u"userId"_s, QJsonObject())) << u"\"userId\""_s;
    QTest::newRow("userId empty") << body(with(u"userId"_s, u""_s)) << u"\"userId\""_s;
    QTest::newRow("phoneIds string") << body(with(u"phoneIds"_s, u"abc"_s)) << u"\"phoneIds\""_s;
    QTest::newRow("phoneIds number element")
        << body(with(u"phoneIds"_s, QJsonArray{u"abc"_s, 5})) << u"phoneIds[1]"_s;
    QTest::newRow("phoneIds empty string")
        << body(with(u"phoneIds"_s, QJsonArray{u""_s})) << u"phoneIds[0]"_s;
    QTest::newRow("sessionId not uuid")
        << body(with(u"sessionId"_s, u"run-7"_s)) << u"\"sessionId\""_s;
    QTest::newRow("sessionId braces")
        << body(with(u"sessionId"_s, u"{3f2504e0-4f89-41d3-9a0c-0305e82c3301}"_s))
        << u"\"sessionId\""_s;
    QTest::newRow("sessionId nil uuid")
        << body(with(u"sessionId"_s, u"00000000-0000-0000-0000-000000000000"_s))
        << u"\"sessionId\""_s;
    QTest::newRow("sessionId number") << body(with(u"sessionId"_s, 7)) << u"\"sessionId\""_s;
    QTest::newRow("callData object")
        << body(with(u"callData"_s, QJsonObject())) << u"\"callData\""_s;
    QTest::newRow("callData string element")
        << body(with(u"callData"_s, QJsonArray{QJsonObject(), u"+12125550142"_s}))
        << u"callData[1]"_s;
}

void TestStartCallingRequest::malformedBodyNamesField()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, field);

    Result<StartCallingRequest> parsed = StartCallingRequest::parse(input);

    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, u"invalid_argument"_s);
    QVERIFY2(parsed.error().message.contains(field), qPrintable(parsed.error().message));
}

void TestStartCallingRequest::tooManyCallDataRecordsIsTooLarge()
{
    QJsonArray records;
    for (int i = 0; i <= StartCallingRequest::MaxCallDataRecords; ++i)
        records.append(QJsonObject());

    Result<StartCallingRequest> parsed =
        StartCallingRequest::parse(body(with(u"callData"_s, records)));

    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, u"payload_too_large"_s);
    QVERIFY2(parsed.error().message.contains(u"callData"_s), qPrintable(parsed.error().message));
}

void TestStartCallingRequest::recordCapIsAccepted()
{
    QJsonArray records;
    for (int i = 0; i < StartCallingRequest::MaxCallDataRecords; ++i)
        records.append(QJsonObject{{u"phone"_s, u"+12125550142"_s}});

    Result<StartCallingRequest> parsed =
        StartCallingRequest::parse(body(with(u"callData"_s, records)));

    QVERIFY(parsed.ok());
    QCOMPARE(parsed->callData->size(), StartCallingRequest::MaxCallDataRecords);
}

QTEST_GUILESS_MAIN(TestStartCallingRequest)
#include "tst_startcallingrequest.moc"
