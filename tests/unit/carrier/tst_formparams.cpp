#include "carrier/formparams.h"

#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

using Params = PlivoSignature::Params;

class TestFormParams : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseDecodesFields_data();
    void parseDecodesFields();
    void parseRejectsMalformedEscape_data();
    void parseRejectsMalformedEscape();
    void parseRejectsInvalidUtf8();
    void parseCapsFieldCount();
    void parseLenientKeepsMalformedText();
    void encodeRoundTrips();
    void encodeEscapesReservedBytes();
    void valueReturnsFirstMatch();
};

void TestFormParams::parseDecodesFields_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<Params>("expected");

    QTest::newRow("empty") << QByteArray() << Params{};
    QTest::newRow("order kept") << QByteArray("To=2&From=1")
                                << Params{{u"To"_s, u"2"_s}, {u"From"_s, u"1"_s}};
    QTest::newRow("plus is space") << QByteArray("SessionStart=2020-04-08+11%3A34%3A33")
                                   << Params{{u"SessionStart"_s, u"2020-04-08 11:34:33"_s}};
    QTest::newRow("encoded plus") << QByteArray("From=%2B15550100")
                                  << Params{{u"From"_s, u"+15550100"_s}};
    QTest::newRow("lower-case hex") << QByteArray("a=%3c%3E") << Params{{u"a"_s, u"<>"_s}};
    QTest::newRow("key without equals")
        << QByteArray("flag&a=1") << Params{{u"flag"_s, QString()}, {u"a"_s, u"1"_s}};
    QTest::newRow("empty value") << QByteArray("a=") << Params{{u"a"_s, QString()}};
    QTest::newRow("empty fields skipped")
        << QByteArray("&a=1&&b=2&") << Params{{u"a"_s, u"1"_s}, {u"b"_s, u"2"_s}};
    QTest::newRow("second equals kept") << QByteArray("a=b=c") << Params{{u"a"_s, u"b=c"_s}};
    QTest::newRow("repeated key") << QByteArray("a=1&a=2")
                                  << Params{{u"a"_s, u"1"_s}, {u"a"_s, u"2"_s}};
    QTest::newRow("utf-8") << QByteArray("name=Zo%C3%AB+%E6%97%A5%E6%9C%AC")
                           << Params{{u"name"_s, u"Zoë 日本"_s}};
    QTest::newRow("encoded key") << QByteArray("SIP-H-X%20Y=1") << Params{{u"SIP-H-X Y"_s, u"1"_s}};
    QTest::newRow("decoded once") << QByteArray("a=%2541") << Params{{u"a"_s, u"%41"_s}};
    QTest::newRow("leading bom kept")
        << QByteArray("a=%EF%BB%BFx") << Params{{u"a"_s, u"\uFEFFx"_s}};
}

void TestFormParams::parseDecodesFields()
{
    QFETCH(QByteArray, encoded);
    QFETCH(Params, expected);

    const Result<Params> parsed = FormParams::parse(encoded);

    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(*parsed, expected);
}

void TestFormParams::parseRejectsMalformedEscape_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QString>("key");

    QTest::newRow("not hex") << QByteArray("From=1&CallUUID=%G1") << u"CallUUID"_s;
    QTest::newRow("one digit at end") << QByteArray("Duration=%4") << u"Duration"_s;
    QTest::newRow("bare percent") << QByteArray("a=1&To=50%&b=2") << u"To"_s;
    QTest::newRow("in key") << QByteArray("Bad%ZZKey=1") << u"Bad%ZZKey"_s;
}

void TestFormParams::parseRejectsMalformedEscape()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QString, key);

    const Result<Params> parsed = FormParams::parse(encoded);

    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, u"invalid_argument"_s);
    QVERIFY2(parsed.error().message.contains(u'"' + key + u'"'),
             qPrintable(parsed.error().message));
}

void TestFormParams::parseRejectsInvalidUtf8()
{
    const Result<Params> parsed = FormParams::parse("From=1&CallerName=%C3%28");

    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, u"invalid_argument"_s);
    QVERIFY2(parsed.error().message.contains(u"\"CallerName\""_s),
             qPrintable(parsed.error().message));
    QVERIFY2(parsed.error().message.contains(u"UTF-8"_s), qPrintable(parsed.error().message));
}

void TestFormParams::parseCapsFieldCount()
{
    QByteArray atLimit;
    for (int i = 0; i < FormParams::MaxPairs; ++i)
        atLimit += "k" + QByteArray::number(i) + "=v&";

    const Result<Params> accepted = FormParams::parse(atLimit);
    QVERIFY(accepted.ok());
    QCOMPARE(accepted->size(), FormParams::MaxPairs);

    const Result<Params> rejected = FormParams::parse(QByteArray(atLimit + "one=more"));
    QVERIFY(!rejected.ok());
    QCOMPARE(rejected.error().code, u"invalid_argument"_s);
    QVERIFY2(rejected.error().message.contains(u"1000"_s), qPrintable(rejected.error().message));
}

void TestFormParams::parseLenientKeepsMalformedText()
{
    const Params parsed = FormParams::parseLenient("a=50%&b=%G1&c=%C3%28&d=%41");

    QCOMPARE(parsed.size(), 4);
    QCOMPARE(parsed.at(0).second, u"50%"_s);
    QCOMPARE(parsed.at(1).second, u"%G1"_s);
    QCOMPARE(parsed.at(2).second, u"\uFFFD("_s);
    QCOMPARE(parsed.at(3).second, u"A"_s);
}

void TestFormParams::encodeRoundTrips()
{
    const Params params = {
        {u"From"_s, u"+15550100"_s},
        {u"SIP-H-To"_s, u"<sip:a@b;transport=udp>;tag=1"_s},
        {u"SessionStart"_s, u"2020-04-08 11:34:33.238707"_s},
        {u"Note"_s, u"a&b=c%d"_s},
        {u"Name"_s, u"Zoë 日本"_s},
        {u"Empty"_s, QString()},
        {u"Empty"_s, u"again"_s},
    };

    const Result<Params> parsed = FormParams::parse(FormParams::encode(params));

    QVERIFY(parsed.ok());
    QCOMPARE(*parsed, params);
}

void TestFormParams::encodeEscapesReservedBytes()
{
    const Params params = {{u"a b"_s, u"1+1=2 & ~ok._-"_s}, {u"n"_s, u"ë"_s}};

    QCOMPARE(FormParams::encode(params), QByteArray("a+b=1%2B1%3D2+%26+~ok._-&n=%C3%AB"));
    QCOMPARE(FormParams::encode({}), QByteArray());
}

void TestFormParams::valueReturnsFirstMatch()
{
    const Params params = {{u"Event"_s, u"Ring"_s}, {u"event"_s, u"x"_s}, {u"Event"_s, u"y"_s}};

    QCOMPARE(FormParams::value(params, u"Event"), u"Ring"_s);
    QCOMPARE(FormParams::value(params, u"event"), u"x"_s);
    QVERIFY(FormParams::value(params, u"CallUUID").isEmpty());
}

QTEST_GUILESS_MAIN(TestFormParams)
#include "tst_formparams.moc"
