#include "import/metadatanumberparser.h"

#include <QRandomGenerator>
#include <QTest>

#include <phonenumbers/phonenumberutil.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace Dialdeck;
using namespace Qt::StringLiterals;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// What the importer concluded before the metadata parser existed: Parse(),
// then IsValidNumberForRegion() for the main region of the calling code.
std::optional<MetadataNumber> viaPhoneNumberUtil(const std::string &compact,
                                                 const std::string &region)
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    if (util.Parse(compact, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return std::nullopt;

    std::string main;
    util.GetRegionCodeForCountryCode(number.country_code(), &main);
    if (!util.IsValidNumberForRegion(number, main))
        return std::nullopt;

    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return MetadataNumber{QString::fromStdString(e164), QString::fromStdString(main)};
}

std::string digitsOf(const std::string &text, bool keepPlus)
{
    std::string digits;
    for (char c : text) {
        if ((c >= '0' && c <= '9') || (keepPlus && c == '+' && digits.empty()))
            digits.push_back(c);
    }
    return digits;
}

// Counts of one comparison run, so that a test can also require that the
// metadata parser parsed most valid numbers.
struct Agreement
{
    int compared = 0;
    int validByLibrary = 0;
    int parsed = 0;
    QStringList disagreements;

    void compare(const std::string &compact, const std::string &region)
    {
        ++compared;
        const std::optional<MetadataNumber> expected = viaPhoneNumberUtil(compact, region);
        const std::optional<MetadataNumber> actual =
            MetadataNumberParser::instance().parse(compact, region);
        if (expected)
            ++validByLibrary;
        if (!actual)
            return;
        ++parsed;
        if (!expected || expected->e164 != actual->e164 || expected->region != actual->region) {
            disagreements.append(u"%1 in %2: library %3, parser %4 %5"_s.arg(
                QString::fromStdString(compact), QString::fromStdString(region),
                expected ? expected->e164 : u"not valid"_s, actual->e164, actual->region));
        }
    }

    // The first disagreements, one a line, for a failure message.
    QByteArray firstDisagreements() const
    {
        return disagreements.mid(0, 20).join(u'\n').toLocal8Bit();
    }

    void logCounts() const
    {
        qInfo("%d comparisons, %d valid for PhoneNumberUtil, %d parsed by the metadata parser",
              compared, validByLibrary, parsed);
    }
};

const std::vector<std::string> &homeRegions()
{
    // Regions with a national prefix (GB, DE, AU, RU, HU, FR), a shared
    // calling code (US, CA), a leading zero kept (IT), prefix transform rules
    // (AR, BR, MX) and no prefix at all (ES, PL).
    static const std::vector<std::string> regions{"US", "CA", "GB", "DE", "IT", "AU",
                                                  "AR", "BR", "MX", "ES", "IN", "JP",
                                                  "RU", "HU", "FR", "PL", "CN", "NL"};
    return regions;
}

} // namespace

class TestMetadataNumberParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exampleNumbersAgreeWithPhoneNumberUtil();
    void randomDigitsAgreeWithPhoneNumberUtil();
    void commonWritingsAreParsed_data();
    void commonWritingsAreParsed();
    void casesLeftToPhoneNumberUtil_data();
    void casesLeftToPhoneNumberUtil();
};

// Every region's example number of every type, written several ways and read
// with several home regions: the parser never returns a number that
// PhoneNumberUtil would not, and it parses most valid numbers.
void TestMetadataNumberParser::exampleNumbersAgreeWithPhoneNumberUtil()
{
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    std::set<std::string> regions;
    util.GetSupportedRegions(&regions);
    const PhoneNumberUtil::PhoneNumberType types[] = {
        PhoneNumberUtil::FIXED_LINE,   PhoneNumberUtil::MOBILE,          PhoneNumberUtil::TOLL_FREE,
        PhoneNumberUtil::PREMIUM_RATE, PhoneNumberUtil::SHARED_COST,     PhoneNumberUtil::VOIP,
        PhoneNumberUtil::PAGER,        PhoneNumberUtil::PERSONAL_NUMBER, PhoneNumberUtil::UAN,
        PhoneNumberUtil::VOICEMAIL};

    Agreement agreement;
    for (const std::string &region : regions) {
        for (PhoneNumberUtil::PhoneNumberType type : types) {
            PhoneNumber example;
            if (!util.GetExampleNumberForType(region, type, &example))
                continue;

            std::string e164, national, significant;
            util.Format(example, PhoneNumberUtil::E164, &e164);
            util.Format(example, PhoneNumberUtil::NATIONAL, &national);
            util.GetNationalSignificantNumber(example, &significant);
            const std::string code = std::to_string(example.country_code());
            const std::string lastChanged = significant.substr(0, significant.size() - 1) +
                                            char('0' + (significant.back() - '0' + 3) % 10);
            const std::vector<std::string> writings{
                e164,
                digitsOf(national, false),
                significant,
                code + significant,
                "+" + code + "0" + significant,
                "+" + code + lastChanged,
                lastChanged,
                "+" + code + significant.substr(0, significant.size() - 1),
                "+" + code + significant + "7",
            };

            std::vector<std::string> homes = homeRegions();
            homes.push_back(region);
            for (const std::string &writing : writings) {
                for (const std::string &home : homes)
                    agreement.compare(writing, home);
            }
        }
    }

    QVERIFY2(agreement.disagreements.isEmpty(), agreement.firstDisagreements().constData());
    agreement.logCounts();
    QVERIFY(agreement.validByLibrary > 1000);
    QVERIFY2(agreement.parsed * 10 >= agreement.validByLibrary * 8,
             "the parser parsed fewer than 80 % of the valid numbers");
}

// Random digit strings, with and without a plus sign, a calling code or a
// national prefix: the parser never returns a number PhoneNumberUtil would not.
void TestMetadataNumberParser::randomDigitsAgreeWithPhoneNumberUtil()
{
    const std::string starts[] = {"",    "+",   "0",   "1",   "8",   "06",   "+1",  "+44", "+49",
                                  "+39", "+61", "+54", "+55", "+52", "+7",   "+78", "+36", "+3606",
                                  "44",  "49",  "7",   "00",  "011", "+440", "+390"};
    QRandomGenerator random(20261205);
    Agreement agreement;
    for (int i = 0; i < 60000; ++i) {
        std::string compact = starts[random.bounded(int(std::size(starts)))];
        const int length = random.bounded(4, 14);
        for (int digit = 0; digit < length; ++digit)
            compact.push_back(char('0' + random.bounded(10)));
        const std::string &home =
            homeRegions()[std::size_t(random.bounded(int(homeRegions().size())))];
        agreement.compare(compact, home);
    }

    QVERIFY2(agreement.disagreements.isEmpty(), agreement.firstDisagreements().constData());
    agreement.logCounts();
    QVERIFY(agreement.parsed > 100);
}

void TestMetadataNumberParser::commonWritingsAreParsed_data()
{
    QTest::addColumn<QString>("compact");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QString>("validIn");

    QTest::newRow("US national") << u"2125550142"_s << u"US"_s << u"+12125550142"_s << u"US"_s;
    QTest::newRow("US with trunk 1") << u"12015550123"_s << u"US"_s << u"+12015550123"_s << u"US"_s;
    QTest::newRow("US E.164 read in DE")
        << u"+12125550188"_s << u"DE"_s << u"+12125550188"_s << u"US"_s;
    QTest::newRow("GB national") << u"02079460958"_s << u"GB"_s << u"+442079460958"_s << u"GB"_s;
    QTest::newRow("GB with (0)") << u"+4402079460321"_s << u"US"_s << u"+442079460321"_s << u"GB"_s;
    QTest::newRow("GB calling code without plus")
        << u"442079460958"_s << u"GB"_s << u"+442079460958"_s << u"GB"_s;
    QTest::newRow("DE mobile") << u"015123456789"_s << u"DE"_s << u"+4915123456789"_s << u"DE"_s;
    QTest::newRow("IT keeps its leading zero")
        << u"+390612345678"_s << u"US"_s << u"+390612345678"_s << u"IT"_s;
    QTest::newRow("AU mobile") << u"0491570156"_s << u"AU"_s << u"+61491570156"_s << u"AU"_s;
}

void TestMetadataNumberParser::commonWritingsAreParsed()
{
    QFETCH(QString, compact);
    QFETCH(QString, region);
    QFETCH(QString, e164);
    QFETCH(QString, validIn);

    const std::optional<MetadataNumber> number =
        MetadataNumberParser::instance().parse(compact.toStdString(), region.toStdString());
    QVERIFY(number.has_value());
    QCOMPARE(number->e164, e164);
    QCOMPARE(number->region, validIn);
}

void TestMetadataNumberParser::casesLeftToPhoneNumberUtil_data()
{
    QTest::addColumn<QString>("compact");
    QTest::addColumn<QString>("region");

    QTest::newRow("US international prefix 011") << u"011442079460958"_s << u"US"_s;
    QTest::newRow("non-geographic +800") << u"+80012345678"_s << u"US"_s;
    QTest::newRow("letters") << u"1-800-FLOWERS"_s << u"US"_s;
    QTest::newRow("invalid US area code") << u"+10005550142"_s << u"US"_s;
    QTest::newRow("too short") << u"555"_s << u"US"_s;
    QTest::newRow("unknown calling code") << u"+9991234567"_s << u"US"_s;
    QTest::newRow("unknown home region") << u"2125550142"_s << u"ZZ"_s;
    // Argentina's national prefix is rewritten by a transform rule.
    QTest::newRow("AR mobile with 0 and 15") << u"0111512345678"_s << u"AR"_s;
}

void TestMetadataNumberParser::casesLeftToPhoneNumberUtil()
{
    QFETCH(QString, compact);
    QFETCH(QString, region);

    QVERIFY(!MetadataNumberParser::instance().parse(compact.toStdString(), region.toStdString()));
}

QTEST_GUILESS_MAIN(TestMetadataNumberParser)
#include "tst_metadatanumberparser.moc"
