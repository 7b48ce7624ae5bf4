#include "phonenormaliser.h"

#include "importtypes.h"
#include "metadatanumberparser.h"

#include <QCoreApplication>

#include <phonenumbers/phonenumberutil.h>

#include <set>
#include <string>
#include <vector>

namespace Dialdeck {

using namespace Qt::StringLiterals;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::Import", text);
}

Error rejection(RejectionReason reason, const QString &message)
{
    return Error{toString(reason), message};
}

// Reduces a value made only of digits and the usual separators to "+digits" or
// "digits", with every Unicode decimal digit as its ASCII digit. libphonenumber
// ignores those separators anyway, and parses the short form about a third
// faster. Values with letters or other signs are returned unchanged so that
// libphonenumber judges them itself.
std::string compactDigits(const QString &value)
{
    std::string compact;
    compact.reserve(std::size_t(value.size()));
    for (QChar c : value) {
        if (c.isDigit()) {
            compact.push_back(char('0' + c.digitValue()));
        } else if (c == u'+' && compact.empty()) {
            compact.push_back('+');
        } else if (c != u' ' && c != u'-' && c != u'.' && c != u'(' && c != u')' && c != u'/') {
            return value.toStdString();
        }
    }
    return compact;
}

// Region codes are two ASCII letters, so no UTF-8 encoder is needed.
std::string asciiRegion(const QString &region)
{
    std::string code;
    code.reserve(std::size_t(region.size()));
    for (QChar c : region)
        code.push_back(char(c.unicode() < 0x80 ? c.unicode() : u'?'));
    return code;
}

struct MainRegion
{
    std::string code;
    QString text;
};

// Country calling codes have at most three digits.
constexpr int callingCodeLimit = 1000;

// The main region of every country calling code, indexed by the code, as
// GetRegionCodeForCountryCode() returns it. That call copies a list of region
// strings each time, about 7 % of the instructions of a normalisation (callgrind).
const std::vector<MainRegion> &mainRegions()
{
    static const std::vector<MainRegion> regions = [] {
        const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
        std::set<int> codes;
        util.GetSupportedCallingCodes(&codes);

        std::vector<MainRegion> table(callingCodeLimit);
        for (int code : codes) {
            if (code <= 0 || code >= callingCodeLimit)
                continue;
            std::string region;
            util.GetRegionCodeForCountryCode(code, &region);
            table[std::size_t(code)] = MainRegion{region, QString::fromStdString(region)};
        }
        return table;
    }();
    return regions;
}

MainRegion mainRegionOf(const PhoneNumberUtil &util, const PhoneNumber &number)
{
    const int code = number.country_code();
    if (code > 0 && code < callingCodeLimit && !mainRegions()[std::size_t(code)].code.empty())
        return mainRegions()[std::size_t(code)];

    std::string region;
    util.GetRegionCodeForCountryCode(code, &region);
    return MainRegion{region, QString::fromStdString(region)};
}

QString regionOf(const PhoneNumberUtil &util, const PhoneNumber &number)
{
    return mainRegionOf(util, number).text;
}

// Returns the region the number is valid in, or an empty string when it is
// valid nowhere. The result equals IsValidNumber() plus GetRegionCodeForNumber(),
// except that the main region of the country calling code is tried first.
// libphonenumber lists that region first anyway, and most numbers are valid
// there, so one full pattern check is saved.
QString validRegion(const PhoneNumberUtil &util, const PhoneNumber &number)
{
    const MainRegion main = mainRegionOf(util, number);
    if (util.IsValidNumberForRegion(number, main.code))
        return main.text;

    std::string region;
    util.GetRegionCodeForNumber(number, &region);
    if (region == main.code || !util.IsValidNumberForRegion(number, region))
        return {};
    return QString::fromStdString(region);
}

Error parsingError(PhoneNumberUtil::ErrorType error, const QString &value, const QString &region)
{
    switch (error) {
    case PhoneNumberUtil::TOO_SHORT_NSN:
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        return rejection(RejectionReason::TooShort,
                         tr("The phone number \"%1\" is too short; add the missing digits or the "
                            "area code.")
                             .arg(value));
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return rejection(RejectionReason::Invalid,
                         tr("The phone number \"%1\" starts with an unknown country calling code "
                            "(read as a number of region %2); correct the country code.")
                             .arg(value, region));
    case PhoneNumberUtil::TOO_LONG_NSN:
        return rejection(RejectionReason::Invalid,
                         tr("The phone number \"%1\" has too many digits; correct it in the file.")
                             .arg(value));
    case PhoneNumberUtil::NOT_A_NUMBER:
    case PhoneNumberUtil::NO_PARSING_ERROR:
        break;
    }
    return rejection(RejectionReason::Invalid,
                     tr("\"%1\" is not a phone number; correct it in the file.").arg(value));
}

Error invalidNumberError(const PhoneNumberUtil &util, const PhoneNumber &number,
                         const QString &value)
{
    const QString region = regionOf(util, number);
    switch (util.IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::IS_POSSIBLE:
        return rejection(RejectionReason::NotValidForRegion,
                         tr("The phone number \"%1\" has a possible length but is not a valid "
                            "number in region %2; check the digits and the country.")
                             .arg(value, region));
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
        return rejection(RejectionReason::TooShort,
                         tr("The phone number \"%1\" can only be dialed locally in region %2; add "
                            "the area code.")
                             .arg(value, region));
    case PhoneNumberUtil::TOO_SHORT:
        return rejection(RejectionReason::TooShort,
                         tr("The phone number \"%1\" is too short for region %2; add the missing "
                            "digits or the area code.")
                             .arg(value, region));
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
    case PhoneNumberUtil::INVALID_LENGTH:
    case PhoneNumberUtil::TOO_LONG:
        break;
    }
    return rejection(RejectionReason::Invalid,
                     tr("The phone number \"%1\" has a number of digits that no number of region "
                        "%2 has; correct it in the file.")
                         .arg(value, region));
}

} // namespace

PhoneNormaliser::PhoneNormaliser()
{
    // Loads libphonenumber's metadata and the region tables now rather than in
    // the first worker thread.
    mainRegions();
    MetadataNumberParser::instance();
}

bool PhoneNormaliser::isSupportedRegion(const QString &region)
{
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    return regions.count(region.toStdString()) > 0;
}

QString PhoneNormaliser::cleanSpaces(QStringView raw)
{
    // Most values are printable ASCII, where only the trimming applies.
    const bool printableAscii = std::all_of(raw.begin(), raw.end(), [](QChar c) {
        return c.unicode() >= u' ' && c.unicode() < 0x7f;
    });
    if (printableAscii)
        return raw.trimmed().toString();

    QString cleaned;
    cleaned.reserve(raw.size());
    for (QChar c : raw) {
        if (c.isSpace())
            cleaned.append(u' ');
        else if (c.category() != QChar::Other_Format)
            cleaned.append(c);
    }
    return cleaned.trimmed();
}

bool PhoneNormaliser::isScientificNotation(QStringView value)
{
    qsizetype i = 0;
    if (i < value.size() && (value[i] == u'+' || value[i] == u'-'))
        ++i;

    const auto skipDigits = [&value, &i] {
        const qsizetype start = i;
        while (i < value.size() && value[i].isDigit())
            ++i;
        return i > start;
    };
    if (!skipDigits())
        return false;
    if (i < value.size() && (value[i] == u'.' || value[i] == u',')) {
        ++i;
        if (!skipDigits())
            return false;
    }
    if (i >= value.size() || (value[i] != u'e' && value[i] != u'E'))
        return false;
    ++i;
    if (i < value.size() && (value[i] == u'+' || value[i] == u'-'))
        ++i;
    return skipDigits() && i == value.size();
}

QString PhoneNormaliser::takeExtension(QString &value)
{
    qsizetype digitsStart = value.size();
    while (digitsStart > 0 && value[digitsStart - 1].isDigit())
        --digitsStart;
    const qsizetype digitCount = value.size() - digitsStart;
    if (digitCount == 0 || digitCount > 7)
        return {};

    qsizetype markerEnd = digitsStart;
    while (markerEnd > 0 && (value[markerEnd - 1] == u' ' || value[markerEnd - 1] == u'.'
                             || value[markerEnd - 1] == u':')) {
        --markerEnd;
    }

    static constexpr QStringView markers[] = {u"extension", u"ext", u"x", u"#"};
    for (QStringView marker : markers) {
        const qsizetype markerStart = markerEnd - marker.size();
        if (markerStart <= 0)
            continue;
        if (QStringView(value).sliced(markerStart, marker.size()).compare(marker, Qt::CaseInsensitive) != 0)
            continue;

        // "x" must follow the number directly or after a space, so that a word
        // ending in x is not read as a marker.
        const QChar before = value[markerStart - 1];
        if (!before.isDigit() && before != u' ' && before != u')')
            continue;

        const QString number = value.left(markerStart).trimmed();
        if (!std::any_of(number.cbegin(), number.cend(), [](QChar c) { return c.isDigit(); }))
            return {};
        const QString extension = value.sliced(digitsStart);
        value = number;
        return extension;
    }
    return {};
}

Result<NormalisedPhone> PhoneNormaliser::normalise(QStringView raw, const QString &region) const
{
    QString value = cleanSpaces(raw);
    if (value.startsWith(u'\'') || value.startsWith(u'\u2019') || value.startsWith(u'`'))
        value = value.sliced(1).trimmed();

    if (value.isEmpty()) {
        return rejection(RejectionReason::Empty,
                         tr("The phone number is empty; fill it in or remove the row."));
    }
    if (isScientificNotation(value)) {
        return rejection(RejectionReason::ScientificNotation,
                         tr("The phone number \"%1\" is in scientific notation, so a spreadsheet "
                            "has rounded off its digits; format the column as text and export "
                            "the file again.")
                             .arg(value));
    }

    const QString display = value;
    NormalisedPhone phone;
    phone.extension = takeExtension(value);
    if (value.startsWith(u"00") && value.size() > 2 && value[2] >= u'1' && value[2] <= u'9')
        value = u'+' + value.sliced(2);

    const std::string compact = compactDigits(value);
    const std::string regionCode = asciiRegion(region);
    if (const auto valid = MetadataNumberParser::instance().parse(compact, regionCode)) {
        phone.e164 = valid->e164;
        phone.region = valid->region;
        return phone;
    }

    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    PhoneNumber number;
    const PhoneNumberUtil::ErrorType error = util.Parse(compact, regionCode, &number);
    if (error != PhoneNumberUtil::NO_PARSING_ERROR)
        return parsingError(error, display, region);

    phone.region = validRegion(util, number);
    if (phone.region.isEmpty())
        return invalidNumberError(util, number, display);

    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    phone.e164 = QString::fromStdString(e164);
    return phone;
}

Result<NormalisedPhone> PhoneNormaliser::normaliseWithCallingCode(QStringView raw,
                                                                  QStringView callingCode,
                                                                  const QString &region) const
{
    const QString code = cleanSpaces(callingCode).remove(u'+');
    const QString number = cleanSpaces(raw);
    const bool international = number.startsWith(u'+') || number.startsWith(u"00");
    const bool codeIsNumeric = !code.isEmpty()
                               && std::all_of(code.cbegin(), code.cend(),
                                              [](QChar c) { return c.isDigit(); });
    if (!codeIsNumeric || international || number.isEmpty())
        return normalise(number, region);
    return normalise(QString(u'+' + code + u' ' + number), region);
}

} // namespace Dialdeck
