#include "carrier/plivosignature.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Published test vectors. The V3 inputs and signatures are those of Plivo's
// SDK test suites: plivo-go utils_test.go (TestValidateSignatureV3Pass*,
// commit 273a8369467eeb2e2603d3916a0f6587dbde4ec4). The V2 vector is in plivo-python
// tests/resources/test_signature.py and plivo-go utils_test.go
// (TestValidateSignatureV2Pass).
const QByteArray vectorToken = "Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4";
const QString vectorNonce = u"31627761595286130198"_s;
const QString vectorUuid = u"3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"_s;

PlivoSignature::Params vectorParams()
{
    return {
        {u"Direction"_s, u"outbound"_s},
        {u"From"_s, u"19792014278"_s},
        {u"ALegUUID"_s, vectorUuid},
        {u"BillRate"_s, u"0.002"_s},
        {u"ParentAuthID"_s, u"MANWVLYTK4ZWU1YTY4QA"_s},
        {u"To"_s, u"sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com"_s},
        {u"ALegRequestUUID"_s, vectorUuid},
        {u"CallUUID"_s, vectorUuid},
        {u"SIP-H-To"_s,
         u"<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1"_s},
        {u"SessionStart"_s, u"2020-04-08 11:34:33.238707"_s},
        {u"CallStatus"_s, u"in-progress"_s},
        {u"RequestUUID"_s, vectorUuid},
        {u"Event"_s, u"StartApp"_s},
    };
}

// The sorted "keyvalue" run of vectorParams(), as it appears in the signed string.
const QByteArray vectorParamRun =
    "ALegRequestUUID3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
    "ALegUUID3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
    "BillRate0.002"
    "CallStatusin-progress"
    "CallUUID3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
    "Directionoutbound"
    "EventStartApp"
    "From19792014278"
    "ParentAuthIDMANWVLYTK4ZWU1YTY4QA"
    "RequestUUID3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
    "SIP-H-To<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1"
    "SessionStart2020-04-08 11:34:33.238707"
    "Tosip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com";

const QString vectorUrlWithQuery =
    u"https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d"_s;
const QString vectorUrlWithoutQuery =
    u"https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml"_s;

const QByteArray token = "local-test-token";
const QString nonce = u"12345678901234567890"_s;

} // namespace

class TestPlivoSignature : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void v3VectorWithoutQuery();
    void v3VectorWithQuery();
    void v3IgnoresParamOrder();
    void v3RejectsWrongToken();
    void v3AcceptsOneOfSeveralSignatures();
    void v3RejectsEmptyOrForeignHeader();
    void v3KeepsPort();
    void v3TrailingSlashChangesResult();
    void v3DropsFragment();
    void v3GetSignsSortedQuery();
    void v3GetMergesBodyParams();
    void v3PostWithEmptyBody_data();
    void v3PostWithEmptyBody();
    void v3RepeatedKeysSortValues();
    void v3DecodesQueryOnce();
    void v3HashesNonAsciiAsUtf8();
    void v2Vector();
    void v2RejectsWrongToken();
    void v2IgnoresQueryAndKeepsPort();
    void constantTimeEqualsCompares();
    void makeNonceReturnsTwentyDigits();
};

void TestPlivoSignature::v3VectorWithoutQuery()
{
    const QByteArray expectedString =
        "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml?" + vectorParamRun +
        ".31627761595286130198";

    QCOMPARE(
        PlivoSignature::signedStringV3("POST", vectorUrlWithoutQuery, vectorParams(), vectorNonce),
        expectedString);
    QCOMPARE(PlivoSignature::computeV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                       vectorNonce),
             QByteArray("iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0="));
    QVERIFY(PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                     vectorNonce, "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0="));
}

void TestPlivoSignature::v3VectorWithQuery()
{
    const QByteArray expectedString =
        "https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml/?a=b&c=d." +
        vectorParamRun + ".31627761595286130198";

    QCOMPARE(
        PlivoSignature::signedStringV3("POST", vectorUrlWithQuery, vectorParams(), vectorNonce),
        expectedString);
    QCOMPARE(PlivoSignature::computeV3(vectorToken, "POST", vectorUrlWithQuery, vectorParams(),
                                       vectorNonce),
             QByteArray("k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="));
}

void TestPlivoSignature::v3IgnoresParamOrder()
{
    PlivoSignature::Params reversed = vectorParams();
    std::reverse(reversed.begin(), reversed.end());

    QCOMPARE(
        PlivoSignature::computeV3(vectorToken, "POST", vectorUrlWithQuery, reversed, vectorNonce),
        QByteArray("k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="));
}

void TestPlivoSignature::v3RejectsWrongToken()
{
    QVERIFY(!PlivoSignature::verifyV3("Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc5", "POST",
                                      vectorUrlWithoutQuery, vectorParams(), vectorNonce,
                                      "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0="));
}

void TestPlivoSignature::v3AcceptsOneOfSeveralSignatures()
{
    const QByteArray matching = "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0=";
    const QByteArray other = "k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c=";

    QVERIFY(PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                     vectorNonce, QByteArray(other + ',' + matching)));
    QVERIFY(PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                     vectorNonce, QByteArray(matching + ", " + other)));
    QVERIFY(!PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                      vectorNonce, QByteArray(other + ',' + other)));
}

void TestPlivoSignature::v3RejectsEmptyOrForeignHeader()
{
    const QByteArray matching = "iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0=";

    QVERIFY(!PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                      vectorNonce, ""));
    QVERIFY(!PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                      vectorNonce, ",,"));
    QVERIFY(!PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                      vectorNonce, matching.chopped(1)));
    QVERIFY(!PlivoSignature::verifyV3(vectorToken, "POST", vectorUrlWithoutQuery, vectorParams(),
                                      vectorNonce, QByteArray(matching + "A")));
}

void TestPlivoSignature::v3KeepsPort()
{
    const PlivoSignature::Params params = {{u"CallUUID"_s, u"abc"_s}};
    const QString withPort = u"https://hooks.example.com:8443/plivo/answer"_s;
    const QString withoutPort = u"https://hooks.example.com/plivo/answer"_s;

    QCOMPARE(PlivoSignature::signedStringV3("POST", withPort, params, nonce),
             QByteArray("https://hooks.example.com:8443/plivo/answer?CallUUIDabc."
                        "12345678901234567890"));
    QVERIFY(PlivoSignature::computeV3(token, "POST", withPort, params, nonce) !=
            PlivoSignature::computeV3(token, "POST", withoutPort, params, nonce));
}

void TestPlivoSignature::v3TrailingSlashChangesResult()
{
    const PlivoSignature::Params params = {{u"CallUUID"_s, u"abc"_s}};
    const QString withSlash = u"https://hooks.example.com/plivo/answer/"_s;
    const QString withoutSlash = u"https://hooks.example.com/plivo/answer"_s;

    QCOMPARE(
        PlivoSignature::signedStringV3("POST", withSlash, params, nonce),
        QByteArray("https://hooks.example.com/plivo/answer/?CallUUIDabc.12345678901234567890"));
    QVERIFY(PlivoSignature::computeV3(token, "POST", withSlash, params, nonce) !=
            PlivoSignature::computeV3(token, "POST", withoutSlash, params, nonce));
}

void TestPlivoSignature::v3DropsFragment()
{
    const PlivoSignature::Params params = {{u"CallUUID"_s, u"abc"_s}};
    const QString plain = u"https://hooks.example.com/answer?attempt=7"_s;
    const QString withFragment = u"https://hooks.example.com/answer?attempt=7#ct=2000&rc=2"_s;

    QCOMPARE(PlivoSignature::signedStringV3("POST", withFragment, params, nonce),
             PlivoSignature::signedStringV3("POST", plain, params, nonce));
}

void TestPlivoSignature::v3GetSignsSortedQuery()
{
    const QString url =
        u"https://hooks.example.com/ring?attempt=7&To=%2B15550100&From=%2B15550199&Event=Ring"_s;

    QCOMPARE(PlivoSignature::signedStringV3("GET", url, {}, nonce),
             QByteArray("https://hooks.example.com/ring?Event=Ring&From=+15550199&To=+15550100&"
                        "attempt=7.12345678901234567890"));
}

void TestPlivoSignature::v3GetMergesBodyParams()
{
    const QString url = u"https://hooks.example.com/ring?b=2"_s;
    const PlivoSignature::Params extra = {{u"a"_s, u"1"_s}};

    QCOMPARE(PlivoSignature::signedStringV3("GET", url, extra, nonce),
             QByteArray("https://hooks.example.com/ring?a=1&b=2.12345678901234567890"));
    QCOMPARE(PlivoSignature::signedStringV3("GET", u"https://hooks.example.com/ring"_s, {}, nonce),
             QByteArray("https://hooks.example.com/ring.12345678901234567890"));
}

void TestPlivoSignature::v3PostWithEmptyBody_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("no query") << u"https://hooks.example.com/hangup"_s
                              << QByteArray(
                                     "https://hooks.example.com/hangup.12345678901234567890");
    QTest::newRow("query sorted")
        << u"https://hooks.example.com/hangup?b=2&a=1"_s
        << QByteArray("https://hooks.example.com/hangup?a=1&b=2.12345678901234567890");
    QTest::newRow("bare question mark")
        << u"https://hooks.example.com/hangup?"_s
        << QByteArray("https://hooks.example.com/hangup.12345678901234567890");
}

void TestPlivoSignature::v3PostWithEmptyBody()
{
    QFETCH(QString, url);
    QFETCH(QByteArray, expected);

    QCOMPARE(PlivoSignature::signedStringV3("POST", url, {}, nonce), expected);
}

void TestPlivoSignature::v3RepeatedKeysSortValues()
{
    const PlivoSignature::Params body = {{u"b"_s, u"x"_s}, {u"a"_s, u"2"_s}, {u"a"_s, u"1"_s}};

    QCOMPARE(PlivoSignature::signedStringV3("POST", u"https://h.example/p"_s, body, nonce),
             QByteArray("https://h.example/p?a1a2bx.12345678901234567890"));
    QCOMPARE(PlivoSignature::signedStringV3("GET", u"https://h.example/p?a=2&b=x&a=1"_s, {}, nonce),
             QByteArray("https://h.example/p?a=1&a=2&b=x.12345678901234567890"));
}

void TestPlivoSignature::v3DecodesQueryOnce()
{
    // "%2520" decodes once to "%20", which must stay as written.
    const QString url = u"https://h.example/p?name=Ann+Lee&sum=1%2B1&raw=%2520&k%3D=v%26"_s;

    QCOMPARE(PlivoSignature::signedStringV3("POST", url, {}, nonce),
             QByteArray("https://h.example/p?k==v&&name=Ann Lee&raw=%20&sum=1+1."
                        "12345678901234567890"));
}

void TestPlivoSignature::v3HashesNonAsciiAsUtf8()
{
    const PlivoSignature::Params body = {{u"CallerName"_s, u"Zoë Ōtani 日本"_s}};
    const QString url = u"https://h.example/p?city=K%C3%B6ln"_s;

    const QByteArray signedString = PlivoSignature::signedStringV3("POST", url, body, nonce);
    const QByteArray expectedString = u"https://h.example/p?city=Köln.CallerNameZoë Ōtani 日本."
                                      "12345678901234567890"_s.toUtf8();
    QCOMPARE(signedString, expectedString);

    const QByteArray expectedSignature =
        QMessageAuthenticationCode::hash(expectedString, token, QCryptographicHash::Sha256)
            .toBase64();
    QCOMPARE(PlivoSignature::computeV3(token, "POST", url, body, nonce), expectedSignature);
}

void TestPlivoSignature::v2Vector()
{
    QCOMPARE(PlivoSignature::signedStringV2(u"https://answer.url"_s, u"12345"_s),
             QByteArray("https://answer.url12345"));
    QCOMPARE(PlivoSignature::computeV2("my_auth_token", u"https://answer.url"_s, u"12345"_s),
             QByteArray("ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="));
    QVERIFY(PlivoSignature::verifyV2("my_auth_token", u"https://answer.url"_s, u"12345"_s,
                                     "ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="));
}

void TestPlivoSignature::v2RejectsWrongToken()
{
    QVERIFY(!PlivoSignature::verifyV2("my_auth_tokens", u"https://answer.url"_s, u"12345"_s,
                                      "ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="));
}

void TestPlivoSignature::v2IgnoresQueryAndKeepsPort()
{
    QCOMPARE(
        PlivoSignature::signedStringV2(u"https://h.example:8443/answer/?a=b#ct=100"_s, u"42"_s),
        QByteArray("https://h.example:8443/answer/42"));
    QVERIFY(PlivoSignature::computeV2(token, u"https://answer.url/"_s, nonce) !=
            PlivoSignature::computeV2(token, u"https://answer.url"_s, nonce));
}

void TestPlivoSignature::constantTimeEqualsCompares()
{
    QVERIFY(PlivoSignature::constantTimeEquals("abc", "abc"));
    QVERIFY(PlivoSignature::constantTimeEquals("", ""));
    QVERIFY(!PlivoSignature::constantTimeEquals("abc", "abd"));
    QVERIFY(!PlivoSignature::constantTimeEquals("abc", "xbc"));
    QVERIFY(!PlivoSignature::constantTimeEquals("abc", "abcd"));
    QVERIFY(!PlivoSignature::constantTimeEquals("abc", ""));
}

void TestPlivoSignature::makeNonceReturnsTwentyDigits()
{
    static const QRegularExpression digits(u"^[0-9]{20}$"_s);
    const QString first = PlivoSignature::makeNonce();
    const QString second = PlivoSignature::makeNonce();

    QVERIFY2(digits.match(first).hasMatch(), qPrintable(first));
    QVERIFY2(digits.match(second).hasMatch(), qPrintable(second));
    QVERIFY(first != second);
}

QTEST_GUILESS_MAIN(TestPlivoSignature)
#include "tst_plivosignature.moc"
