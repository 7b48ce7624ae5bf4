#include "metadatanumberparser.h"

#include "core/logging.h"

#include <QRegularExpression>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <string>
#include <unordered_map>
#include <vector>

namespace i18n::phonenumbers {
// Exported by libphonenumber and declared in its metadata.h, which Debian does
// not install: the serialized PhoneMetadataCollection that PhoneNumberUtil
// itself loads at start-up.
int metadata_size();
const void *metadata_get();
} // namespace i18n::phonenumbers

namespace Dialdeck {

namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

// libphonenumber's bounds for a national significant number, in digits.
constexpr std::size_t MinNationalLength = 2;
constexpr std::size_t MaxNationalLength = 17;
// Country calling codes have one to three digits.
constexpr std::size_t MaxCallingCodeLength = 3;
constexpr int CallingCodeLimit = 1000;
// Digits in an input this parser reads; shorter and longer inputs go to
// libphonenumber. E.164 allows 15 digits, so 20 leaves room for prefixes.
constexpr std::size_t MinInputDigits = 4;
constexpr std::size_t MaxInputDigits = 20;

struct Desc
{
    std::string pattern;
    std::vector<int> lengths;
};

// One region's share of the metadata, copied out of the protocol buffer.
struct RegionData
{
    std::string id;
    int callingCode = 0;
    std::string callingCodeText;
    Desc general;
    std::vector<int> localOnlyLengths;
    // The types GetNumberTypeHelper() tries before mobile, in its order:
    // premium rate, toll free, shared cost, VoIP, personal, pager, UAN,
    // voicemail and fixed line.
    std::array<Desc, 9> beforeMobile;
    Desc mobile;
    bool sameMobileAndFixedLine = false;
    std::string nationalPrefixForParsing;
    bool hasTransformRule = false;
    std::string internationalPrefix;
};

Desc descOf(const PhoneNumberDesc &desc)
{
    return Desc{desc.national_number_pattern(),
                std::vector<int>(desc.possible_length().begin(), desc.possible_length().end())};
}

RegionData regionDataOf(const PhoneMetadata &metadata)
{
    RegionData region;
    region.id = metadata.id();
    region.callingCode = metadata.country_code();
    region.callingCodeText = std::to_string(metadata.country_code());
    region.general = descOf(metadata.general_desc());
    region.localOnlyLengths.assign(metadata.general_desc().possible_length_local_only().begin(),
                                   metadata.general_desc().possible_length_local_only().end());
    region.beforeMobile = {descOf(metadata.premium_rate()),
                           descOf(metadata.toll_free()),
                           descOf(metadata.shared_cost()),
                           descOf(metadata.voip()),
                           descOf(metadata.personal_number()),
                           descOf(metadata.pager()),
                           descOf(metadata.uan()),
                           descOf(metadata.voicemail()),
                           descOf(metadata.fixed_line())};
    region.mobile = descOf(metadata.mobile());
    region.sameMobileAndFixedLine = metadata.same_mobile_and_fixed_line_pattern();
    region.nationalPrefixForParsing = metadata.national_prefix_for_parsing();
    region.hasTransformRule = !metadata.national_prefix_transform_rule().empty();
    region.internationalPrefix = metadata.international_prefix();
    return region;
}

// A Desc's pattern compiled for a full match. An empty pattern matches nothing,
// as in libphonenumber's RegexBasedMatcher.
struct CompiledDesc
{
    const Desc *desc = nullptr;
    QRegularExpression whole;
};

struct CompiledRegion
{
    CompiledDesc general;
    std::array<CompiledDesc, 9> beforeMobile;
    CompiledDesc mobile;
    // Anchored at the start only, like RegExp::Consume().
    QRegularExpression nationalPrefix;
    QRegularExpression internationalPrefix;
};

QRegularExpression compiledWhole(const std::string &pattern)
{
    if (pattern.empty())
        return {};
    QRegularExpression expression(
        QRegularExpression::anchoredPattern(QString::fromStdString(pattern)),
        QRegularExpression::DontCaptureOption);
    expression.optimize();
    return expression;
}

QRegularExpression compiledPrefix(const std::string &pattern)
{
    if (pattern.empty())
        return {};
    QRegularExpression expression(u"\\A(?:" + QString::fromStdString(pattern) + u')',
                                  QRegularExpression::DontCaptureOption);
    expression.optimize();
    return expression;
}

CompiledDesc compiledDesc(const Desc &desc)
{
    return CompiledDesc{&desc, compiledWhole(desc.pattern)};
}

std::unique_ptr<CompiledRegion> compiledRegion(const RegionData &region)
{
    auto compiled = std::make_unique<CompiledRegion>();
    compiled->general = compiledDesc(region.general);
    for (std::size_t i = 0; i < region.beforeMobile.size(); ++i)
        compiled->beforeMobile[i] = compiledDesc(region.beforeMobile[i]);
    compiled->mobile = compiledDesc(region.mobile);
    compiled->nationalPrefix = compiledPrefix(region.nationalPrefixForParsing);
    compiled->internationalPrefix = compiledPrefix(region.internationalPrefix);
    return compiled;
}

// RegexBasedMatcher::MatchNationalNumber() without prefix matching.
bool matchesPattern(const CompiledDesc &desc, const QString &number)
{
    return !desc.desc->pattern.empty() && desc.whole.match(number).hasMatch();
}

// PhoneNumberUtil::IsNumberMatchingDesc().
bool matchesDesc(const CompiledDesc &desc, const QString &number)
{
    const std::vector<int> &lengths = desc.desc->lengths;
    if (!lengths.empty() &&
        std::find(lengths.begin(), lengths.end(), int(number.size())) == lengths.end()) {
        return false;
    }
    return matchesPattern(desc, number);
}

// The length of the prefix `expression` matches at the start of `number`, or
// -1 when it does not match there.
qsizetype prefixLength(const QRegularExpression &expression, const QString &number)
{
    if (expression.pattern().isEmpty())
        return -1;
    const QRegularExpressionMatch match = expression.match(number);
    return match.hasMatch() ? match.capturedEnd(0) : -1;
}

enum class LengthCheck
{
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    InvalidLength
};

// TestNumberLength() for the general description, the check Parse() makes.
LengthCheck checkLength(const RegionData &region, std::size_t length)
{
    const std::vector<int> &lengths = region.general.lengths;
    const int actual = int(length);
    if (lengths.empty() || lengths.front() == -1)
        return LengthCheck::InvalidLength;
    if (std::find(region.localOnlyLengths.begin(), region.localOnlyLengths.end(), actual) !=
        region.localOnlyLengths.end()) {
        return LengthCheck::LocalOnly;
    }
    if (lengths.front() == actual)
        return LengthCheck::Possible;
    if (lengths.front() > actual)
        return LengthCheck::TooShort;
    if (lengths.back() < actual)
        return LengthCheck::TooLong;
    return std::find(lengths.begin() + 1, lengths.end(), actual) != lengths.end()
               ? LengthCheck::Possible
               : LengthCheck::InvalidLength;
}

enum class Strip
{
    Kept,
    Stripped,
    AskLibrary
};

// MaybeStripNationalPrefixAndCarrierCode(). A prefix that a transform rule
// would rewrite is left to libphonenumber.
Strip stripNationalPrefix(const RegionData &region, const CompiledRegion &compiled, QString &number)
{
    if (number.isEmpty() || region.nationalPrefixForParsing.empty())
        return Strip::Kept;

    const qsizetype prefix = prefixLength(compiled.nationalPrefix, number);
    if (prefix < 0)
        return Strip::Kept;
    if (region.hasTransformRule)
        return Strip::AskLibrary;

    const QString rest = number.sliced(prefix);
    if (matchesPattern(compiled.general, number) && !matchesPattern(compiled.general, rest))
        return Strip::Kept;
    number = rest;
    return Strip::Stripped;
}

// GetNumberTypeHelper() != UNKNOWN.
bool isValidIn(const RegionData &region, const CompiledRegion &compiled, const QString &number)
{
    if (!matchesDesc(compiled.general, number))
        return false;
    for (const CompiledDesc &desc : compiled.beforeMobile) {
        if (matchesDesc(desc, number))
            return true;
    }
    return !region.sameMobileAndFixedLine && matchesDesc(compiled.mobile, number);
}

bool isAsciiDigits(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

struct MetadataNumberParser::Rules
{
    std::vector<RegionData> regions;
    std::unordered_map<std::string, std::size_t> geographicById;
    // Index into `regions` of the main region of each calling code; -1 for a
    // code that is unknown or belongs to a non-geographic entity ("001").
    std::array<int, CallingCodeLimit> mainByCallingCode{};
    std::bitset<CallingCodeLimit> knownCallingCodes;

    const CompiledRegion &compiled(std::size_t index) const;
    int extractCallingCode(QString &digits) const;
    std::optional<MetadataNumber> parse(std::string_view compact, std::string_view regionId) const;
};

const CompiledRegion &MetadataNumberParser::Rules::compiled(std::size_t index) const
{
    // QRegularExpression is reentrant, not thread-safe, so every thread of the
    // import pool compiles the regions it meets itself.
    // There is one Rules object, the one instance() holds.
    thread_local std::vector<std::unique_ptr<CompiledRegion>> cache;
    if (cache.empty())
        cache.resize(regions.size());
    if (!cache[index])
        cache[index] = compiledRegion(regions[index]);
    return *cache[index];
}

// ExtractCountryCode(): the first one to three digits that form a known code.
int MetadataNumberParser::Rules::extractCallingCode(QString &digits) const
{
    if (digits.isEmpty() || digits.front() == u'0')
        return 0;
    int code = 0;
    for (qsizetype length = 1; length <= qsizetype(MaxCallingCodeLength) && length < digits.size();
         ++length) {
        code = code * 10 + digits[length - 1].digitValue();
        if (knownCallingCodes.test(std::size_t(code))) {
            digits.remove(0, length);
            return code;
        }
    }
    return 0;
}

std::optional<MetadataNumber> MetadataNumberParser::Rules::parse(std::string_view compact,
                                                                 std::string_view regionId) const
{
    const bool plus = !compact.empty() && compact.front() == '+';
    const std::string_view digitText = plus ? compact.substr(1) : compact;
    if (digitText.size() < MinInputDigits || digitText.size() > MaxInputDigits ||
        !isAsciiDigits(digitText)) {
        return std::nullopt;
    }

    QString national = QString::fromLatin1(digitText.data(), qsizetype(digitText.size()));
    int callingCode = 0;
    std::size_t metadataIndex = 0;
    if (plus) {
        // MaybeExtractCountryCode() after a plus sign.
        callingCode = extractCallingCode(national);
        if (callingCode == 0 || mainByCallingCode[std::size_t(callingCode)] < 0)
            return std::nullopt;
        metadataIndex = std::size_t(mainByCallingCode[std::size_t(callingCode)]);
    } else {
        const auto home = geographicById.find(std::string(regionId));
        if (home == geographicById.end())
            return std::nullopt;
        const RegionData &region = regions[home->second];
        const CompiledRegion &rules = compiled(home->second);

        // An international prefix such as 011 or 00 is libphonenumber's case.
        if (prefixLength(rules.internationalPrefix, national) >= 0)
            return std::nullopt;

        // MaybeExtractCountryCode(): digits that start with the home calling
        // code lose it when the rest fits the home region better.
        metadataIndex = home->second;
        callingCode = region.callingCode;
        if (national.startsWith(QLatin1StringView(region.callingCodeText))) {
            QString rest = national.sliced(qsizetype(region.callingCodeText.size()));
            if (stripNationalPrefix(region, rules, rest) == Strip::AskLibrary)
                return std::nullopt;
            if ((!matchesPattern(rules.general, national) && matchesPattern(rules.general, rest)) ||
                checkLength(region, std::size_t(national.size())) == LengthCheck::TooLong) {
                national = rest;
                if (mainByCallingCode[std::size_t(callingCode)] < 0)
                    return std::nullopt;
                metadataIndex = std::size_t(mainByCallingCode[std::size_t(callingCode)]);
            }
        }
    }
    if (std::size_t(national.size()) < MinNationalLength)
        return std::nullopt;

    // ParseHelper(): the national prefix goes when what remains has a possible length.
    const RegionData &region = regions[metadataIndex];
    QString withoutPrefix = national;
    if (stripNationalPrefix(region, compiled(metadataIndex), withoutPrefix) == Strip::AskLibrary)
        return std::nullopt;
    const LengthCheck length = checkLength(region, std::size_t(withoutPrefix.size()));
    if (length != LengthCheck::TooShort && length != LengthCheck::LocalOnly &&
        length != LengthCheck::InvalidLength) {
        national = withoutPrefix;
    }
    if (std::size_t(national.size()) < MinNationalLength ||
        std::size_t(national.size()) > MaxNationalLength) {
        return std::nullopt;
    }

    // IsValidNumberForRegion() for the main region of the calling code. The
    // digits kept here are the national significant number, leading zeros included.
    const int mainIndex = mainByCallingCode[std::size_t(callingCode)];
    if (mainIndex < 0)
        return std::nullopt;
    const RegionData &main = regions[std::size_t(mainIndex)];
    if (main.general.pattern.empty() ||
        !isValidIn(main, compiled(std::size_t(mainIndex)), national))
        return std::nullopt;

    return MetadataNumber{u'+' + QString::number(callingCode) + national,
                          QString::fromStdString(main.id)};
}

MetadataNumberParser::MetadataNumberParser()
{
    auto rules = std::make_unique<Rules>();
    rules->mainByCallingCode.fill(-1);

    PhoneMetadataCollection collection;
    if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                   i18n::phonenumbers::metadata_size())) {
        qCWarning(lcImport) << "libphonenumber's metadata could not be read; every number goes "
                               "through PhoneNumberUtil";
        m_rules = std::move(rules);
        return;
    }

    for (const PhoneMetadata &metadata : collection.metadata()) {
        if (metadata.country_code() <= 0 || metadata.country_code() >= CallingCodeLimit)
            continue;
        rules->knownCallingCodes.set(std::size_t(metadata.country_code()));
        rules->regions.push_back(regionDataOf(metadata));
        if (metadata.id().size() == 2)
            rules->geographicById.emplace(metadata.id(), rules->regions.size() - 1);
    }

    // The main region is the one GetRegionCodeForCountryCode() names.
    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    for (int code = 1; code < CallingCodeLimit; ++code) {
        if (!rules->knownCallingCodes.test(std::size_t(code)))
            continue;
        std::string main;
        util.GetRegionCodeForCountryCode(code, &main);
        const auto found = rules->geographicById.find(main);
        if (found != rules->geographicById.end())
            rules->mainByCallingCode[std::size_t(code)] = int(found->second);
    }
    m_rules = std::move(rules);
}

MetadataNumberParser::~MetadataNumberParser() = default;

const MetadataNumberParser &MetadataNumberParser::instance()
{
    static const MetadataNumberParser parser;
    return parser;
}

std::optional<MetadataNumber> MetadataNumberParser::parse(std::string_view compact,
                                                          std::string_view region) const
{
    return m_rules->parse(compact, region);
}

} // namespace Dialdeck
