#include "import/phonenormaliser.h"

#include <QtConcurrent/QtConcurrentMap>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestPhoneNormaliser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalise_data();
    void normalise();
    void extensionIsKeptApart_data();
    void extensionIsKeptApart();
    void callingCodeColumn_data();
    void callingCodeColumn();
    void scientificNotationDetection_data();
    void scientificNotationDetection();
    void rejectionMessageNamesValue();
    void concurrentUseGivesSameResults();
};

void TestPhoneNormaliser::normalise_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("region");
    // E.164 for accepted values, the reason code for rejected ones.
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("expectedRegion");

    QTest::newRow("US national with punctuation") << u"(212) 555-0142"_s << u"US"_s << u"+12125550142"_s << u"US"_s;
    QTest::newRow("US dotted") << u"212.555.0187"_s << u"US"_s << u"+12125550187"_s << u"US"_s;
    QTest::newRow("US with trunk 1") << u"1-201-555-0123"_s << u"US"_s << u"+12015550123"_s << u"US"_s;
    QTest::newRow("US E.164 given, other region") << u"+1 212-555-0188"_s << u"DE"_s << u"+12125550188"_s << u"US"_s;
    QTest::newRow("leading apostrophe") << u"'+1 305 555 0144"_s << u"US"_s << u"+13055550144"_s << u"US"_s;
    QTest::newRow("no-break spaces") << u"+1\u00A0312\u00A0555\u00A00166"_s << u"US"_s << u"+13125550166"_s << u"US"_s;
    QTest::newRow("narrow no-break and thin spaces") << u"\u202F+44\u200920 7946 0321\u2007"_s << u"US"_s << u"+442079460321"_s << u"GB"_s;
    QTest::newRow("zero-width space") << u"212\u200B555\u200B0142"_s << u"US"_s << u"+12125550142"_s << u"US"_s;
    QTest::newRow("surrounding spaces and tab") << u" \t(415) 555-0132  "_s << u"US"_s << u"+14155550132"_s << u"US"_s;
    QTest::newRow("00 prefix, US region") << u"0044 20 7946 0958"_s << u"US"_s << u"+442079460958"_s << u"GB"_s;
    QTest::newRow("00 prefix, NL region") << u"0031 20 123 4567"_s << u"NL"_s << u"+31201234567"_s << u"NL"_s;
    QTest::newRow("UK national London") << u"020 7946 0958"_s << u"GB"_s << u"+442079460958"_s << u"GB"_s;
    QTest::newRow("UK with (0)") << u"+44 (0)20 7946 0321"_s << u"US"_s << u"+442079460321"_s << u"GB"_s;
    QTest::newRow("DE national Berlin") << u"030 901820"_s << u"DE"_s << u"+4930901820"_s << u"DE"_s;
    QTest::newRow("DE mobile") << u"0151 23456789"_s << u"DE"_s << u"+4915123456789"_s << u"DE"_s;
    QTest::newRow("FR national") << u"01 99 00 45 67"_s << u"FR"_s << u"+33199004567"_s << u"FR"_s;
    QTest::newRow("AU mobile international") << u"+61 491 570 156"_s << u"US"_s << u"+61491570156"_s << u"AU"_s;
    QTest::newRow("AU national") << u"0491 570 156"_s << u"AU"_s << u"+61491570156"_s << u"AU"_s;
    QTest::newRow("empty") << QString() << u"US"_s << u"empty"_s << QString();
    QTest::newRow("only spaces") << u" \u00A0 "_s << u"US"_s << u"empty"_s << QString();
    QTest::newRow("only apostrophe") << u"'"_s << u"US"_s << u"empty"_s << QString();
    QTest::newRow("N/A") << u"N/A"_s << u"US"_s << u"invalid"_s << QString();
    QTest::newRow("words") << u"call reception"_s << u"US"_s << u"invalid"_s << QString();
    QTest::newRow("scientific, dot") << u"4.15555E+09"_s << u"US"_s << u"scientific_notation"_s << QString();
    QTest::newRow("scientific, comma") << u"4,15555E+09"_s << u"US"_s << u"scientific_notation"_s << QString();
    QTest::newRow("scientific, lower case") << u"'4.15555e+09"_s << u"US"_s << u"scientific_notation"_s << QString();
    QTest::newRow("seven-digit US number") << u"555-0100"_s << u"US"_s << u"too_short"_s << QString();
    QTest::newRow("two digits") << u"12"_s << u"US"_s << u"too_short"_s << QString();
    QTest::newRow("US nine digits") << u"+1 212 555 01"_s << u"US"_s << u"too_short"_s << QString();
    QTest::newRow("US area code 200, possible not valid") << u"+1 200 555 0100"_s << u"US"_s << u"not_valid_for_region"_s << QString();
    QTest::newRow("UK 07700 drama range") << u"07700 900123"_s << u"GB"_s << u"not_valid_for_region"_s << QString();
    QTest::newRow("US eleven digits") << u"+1 212 555 01423"_s << u"US"_s << u"invalid"_s << QString();
    QTest::newRow("unknown country code") << u"+999 1234 5678"_s << u"US"_s << u"invalid"_s << QString();
}

void TestPhoneNormaliser::normalise()
{
    QFETCH(QString, raw);
    QFETCH(QString, region);
    QFETCH(QString, expected);
    QFETCH(QString, expectedRegion);

    const PhoneNormaliser normaliser;
    const Result<NormalisedPhone> phone = normaliser.normalise(raw, region);
    if (expected.startsWith(u'+')) {
        QVERIFY2(phone, qPrintable(phone.ok() ? QString() : phone.error().message));
        QCOMPARE(phone->e164, expected);
        QCOMPARE(phone->region, expectedRegion);
        QCOMPARE(phone->extension, QString());
    } else {
        QVERIFY2(!phone, qPrintable(phone.ok() ? phone->e164 : QString()));
        QCOMPARE(phone.error().code, expected);
        QVERIFY(!phone.error().message.isEmpty());
    }
}

void TestPhoneNormaliser::extensionIsKeptApart_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QString>("extension");

    QTest::newRow("ext 12") << u"+1 (415) 555-0199 ext 12"_s << u"+14155550199"_s << u"12"_s;
    QTest::newRow("ext. 345") << u"(415) 555-0199 ext. 345"_s << u"+14155550199"_s << u"345"_s;
    QTest::newRow("Extension: 7") << u"415-555-0199 Extension: 7"_s << u"+14155550199"_s << u"7"_s;
    QTest::newRow("x12 attached") << u"415-555-0199x12"_s << u"+14155550199"_s << u"12"_s;
    QTest::newRow("X 12 spaced") << u"415 555 0199 X 12"_s << u"+14155550199"_s << u"12"_s;
    QTest::newRow("#12") << u"4155550199#12"_s << u"+14155550199"_s << u"12"_s;
    QTest::newRow("no extension") << u"415 555 0199"_s << u"+14155550199"_s << QString();
}

void TestPhoneNormaliser::extensionIsKeptApart()
{
    QFETCH(QString, raw);
    QFETCH(QString, e164);
    QFETCH(QString, extension);

    const Result<NormalisedPhone> phone = PhoneNormaliser().normalise(raw, u"US"_s);
    QVERIFY2(phone, qPrintable(phone.ok() ? QString() : phone.error().message));
    QCOMPARE(phone->e164, e164);
    QCOMPARE(phone->extension, extension);
}

void TestPhoneNormaliser::callingCodeColumn_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("callingCode");
    QTest::addColumn<QString>("expected");

    QTest::newRow("US code 1") << u"2125550142"_s << u"1"_s << u"+12125550142"_s;
    QTest::newRow("UK code 44") << u"2079460321"_s << u"44"_s << u"+442079460321"_s;
    QTest::newRow("UK code with trunk 0") << u"02079460321"_s << u"44"_s << u"+442079460321"_s;
    QTest::newRow("DE code +49") << u"30901820"_s << u"+49"_s << u"+4930901820"_s;
    QTest::newRow("number already international") << u"+4930901820"_s << u"1"_s << u"+4930901820"_s;
    QTest::newRow("no code: default region") << u"2125550142"_s << QString() << u"+12125550142"_s;
}

void TestPhoneNormaliser::callingCodeColumn()
{
    QFETCH(QString, raw);
    QFETCH(QString, callingCode);
    QFETCH(QString, expected);

    const Result<NormalisedPhone> phone = PhoneNormaliser().normaliseWithCallingCode(raw, callingCode, u"US"_s);
    QVERIFY2(phone, qPrintable(phone.ok() ? QString() : phone.error().message));
    QCOMPARE(phone->e164, expected);
}

void TestPhoneNormaliser::scientificNotationDetection_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("scientific");

    QTest::newRow("dot") << u"4.15555E+09"_s << true;
    QTest::newRow("comma") << u"4,15555E+09"_s << true;
    QTest::newRow("no fraction") << u"4E9"_s << true;
    QTest::newRow("negative exponent") << u"1.2e-3"_s << true;
    QTest::newRow("plain digits") << u"4155550100"_s << false;
    QTest::newRow("letters after") << u"4.1E+09 ext"_s << false;
    QTest::newRow("E without exponent") << u"415E"_s << false;
}

void TestPhoneNormaliser::scientificNotationDetection()
{
    QFETCH(QString, value);
    QFETCH(bool, scientific);

    QCOMPARE(PhoneNormaliser::isScientificNotation(value), scientific);
}

void TestPhoneNormaliser::rejectionMessageNamesValue()
{
    const Result<NormalisedPhone> phone = PhoneNormaliser().normalise(u"4.15555E+09", u"US"_s);
    QVERIFY(!phone);
    QVERIFY2(phone.error().message.contains(u"4.15555E+09"), qPrintable(phone.error().message));
}

void TestPhoneNormaliser::concurrentUseGivesSameResults()
{
    QStringList inputs;
    for (int i = 0; i < 4000; ++i)
        inputs.append(u"(%1) 555-%2"_s.arg(200 + i % 700).arg(i % 10000, 4, 10, QChar(u'0')));

    const PhoneNormaliser normaliser;
    const auto normalise = [&normaliser](const QString &raw) {
        const Result<NormalisedPhone> phone = normaliser.normalise(raw, u"US"_s);
        return phone ? phone->e164 : phone.error().code;
    };

    QStringList sequential;
    for (const QString &raw : inputs)
        sequential.append(normalise(raw));
    const QStringList parallel = QtConcurrent::blockingMapped(inputs, normalise);

    QCOMPARE(parallel, sequential);
    QVERIFY(sequential.contains(u"+12125550012"_s));
    QVERIFY(sequential.contains(u"not_valid_for_region"_s));
}

QTEST_GUILESS_MAIN(TestPhoneNormaliser)
#include "tst_phonenormaliser.moc"
