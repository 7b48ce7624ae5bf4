#include "metadatanumberparser.h"

#include "core/logging.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <mutex>
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
// Digits in an input this parser reads. Shorter and longer inputs go to
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
    Desc fixedLine;
    Desc mobile;
    // Premium rate, toll free, shared cost, VoIP, personal, pager, UAN and voicemail.
    std::array<Desc, 8> otherTypes;
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
    region.fixedLine = descOf(metadata.fixed_line());
    region.mobile = descOf(metadata.mobile());
    region.otherTypes = {descOf(metadata.premium_rate()),
                         descOf(metadata.toll_free()),
                         descOf(metadata.shared_cost()),
                         descOf(metadata.voip()),
                         descOf(metadata.personal_number()),
                         descOf(metadata.pager()),
                         descOf(metadata.uan()),
                         descOf(metadata.voicemail())};
    region.sameMobileAndFixedLine = metadata.same_mobile_and_fixed_line_pattern();
    region.nationalPrefixForParsing = metadata.national_prefix_for_parsing();
    region.hasTransformRule = !metadata.national_prefix_transform_rule().empty();
    region.internationalPrefix = metadata.international_prefix();
    return region;
}

// A pattern of the metadata compiled by PCRE2 with its JIT. PCRE2 allows one
// compiled pattern to be matched by several threads at once, each with its
// own match data. An empty pattern matches nothing, as in libphonenumber's
// RegexBasedMatcher.
class Pattern
{
public:
    enum class Extent
    {
        Whole,
        Prefix
    };

    Pattern() = default;
    Pattern(const std::string &text, Extent extent);
    ~Pattern() { pcre2_code_free(m_code); }
    Pattern(const Pattern &) = delete;
    Pattern &operator=(const Pattern &) = delete;

    // The length of the match at the start of `subject`, or -1 when there is
    // none. A Whole pattern matches only all of `subject`.
    std::ptrdiff_t matchLength(std::string_view subject) const;

    // True when the pattern was not empty but PCRE2 could not compile it.
    bool failed() const { return m_failed; }

private:
    pcre2_code *m_code = nullptr;
    bool m_failed = false;
};

Pattern::Pattern(const std::string &text, Extent extent)
{
    if (text.empty())
        return;

    // The metadata's patterns are written for ICU, RE2 and Java alike. They
    // use groups, classes, \d and counted repeats, which PCRE2 reads the same way.
    const std::string anchored =
        extent == Extent::Whole ? "(?:" + text + ")\\z" : "(?:" + text + ")";
    int error = 0;
    PCRE2_SIZE offset = 0;
    m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(anchored.c_str()), anchored.size(),
                           PCRE2_ANCHORED | PCRE2_NO_AUTO_CAPTURE, &error, &offset, nullptr);
    if (!m_code) {
        m_failed = true;
        qCWarning(lcImport) << "A libphonenumber pattern did not compile in PCRE2, error" << error
                            << "at" << offset << "in" << text.c_str();
        return;
    }
    pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE);
}

// Match data for one thread, which pcre2_match() fills.
class MatchData
{
public:
    MatchData()
        : m_data(pcre2_match_data_create(1, nullptr))
    {}
    ~MatchData() { pcre2_match_data_free(m_data); }
    MatchData(const MatchData &) = delete;
    MatchData &operator=(const MatchData &) = delete;

    pcre2_match_data *get() const { return m_data; }

private:
    pcre2_match_data *m_data;
};

std::ptrdiff_t Pattern::matchLength(std::string_view subject) const
{
    if (!m_code)
        return -1;

    thread_local const MatchData matchData;
    const int result = pcre2_match(m_code, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                                   subject.size(), 0, 0, matchData.get(), nullptr);
    if (result < 0)
        return -1;
    return std::ptrdiff_t(pcre2_get_ovector_pointer(matchData.get())[1]);
}

struct CompiledDesc
{
    const Desc *desc = nullptr;
    std::unique_ptr<const Pattern> whole;
};

struct CompiledRegion
{
    CompiledDesc general;
    CompiledDesc fixedLine;
    CompiledDesc mobile;
    std::array<CompiledDesc, 8> otherTypes;
    // Anchored at the start only, like RegExp::Consume().
    std::unique_ptr<const Pattern> nationalPrefix;
    std::unique_ptr<const Pattern> internationalPrefix;
    // False when a pattern failed to compile: numbers of the region then go to libphonenumber.
    bool usable = true;
};

CompiledDesc compiledDesc(const Desc &desc)
{
    return CompiledDesc{&desc,
                        std::make_unique<const Pattern>(desc.pattern, Pattern::Extent::Whole)};
}

std::unique_ptr<const CompiledRegion> compiledRegion(const RegionData &region)
{
    auto compiled = std::make_unique<CompiledRegion>();
    compiled->general = compiledDesc(region.general);
    compiled->fixedLine = compiledDesc(region.fixedLine);
    compiled->mobile = compiledDesc(region.mobile);
    for (std::size_t i = 0; i < region.otherTypes.size(); ++i)
        compiled->otherTypes[i] = compiledDesc(region.otherTypes[i]);
    compiled->nationalPrefix =
        std::make_unique<const Pattern>(region.nationalPrefixForParsing, Pattern::Extent::Prefix);
    compiled->internationalPrefix =
        std::make_unique<const Pattern>(region.internationalPrefix, Pattern::Extent::Prefix);

    std::vector<const Pattern *> patterns{
        compiled->general.whole.get(), compiled->fixedLine.whole.get(),
        compiled->mobile.whole.get(), compiled->nationalPrefix.get(),
        compiled->internationalPrefix.get()};
    for (const CompiledDesc &desc : compiled->otherTypes)
        patterns.push_back(desc.whole.get());
    compiled->usable = std::none_of(patterns.begin(), patterns.end(),
                                    [](const Pattern *pattern) { return pattern->failed(); });
    return compiled;
}

// RegexBasedMatcher::MatchNationalNumber() without prefix matching.
bool matchesPattern(const CompiledDesc &desc, std::string_view number)
{
    return desc.whole->matchLength(number) >= 0;
}

// PhoneNumberUtil::IsNumberMatchingDesc().
bool matchesDesc(const CompiledDesc &desc, std::string_view number)
{
    const std::vector<int> &lengths = desc.desc->lengths;
    if (!lengths.empty() &&
        std::find(lengths.begin(), lengths.end(), int(number.size())) == lengths.end()) {
        return false;
    }
    return matchesPattern(desc, number);
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
Strip stripNationalPrefix(const RegionData &region, const CompiledRegion &compiled,
                          std::string &number)
{
    if (number.empty() || region.nationalPrefixForParsing.empty())
        return Strip::Kept;

    const std::ptrdiff_t prefix = compiled.nationalPrefix->matchLength(number);
    if (prefix < 0)
        return Strip::Kept;
    if (region.hasTransformRule)
        return Strip::AskLibrary;

    const std::string_view rest = std::string_view(number).substr(std::size_t(prefix));
    if (matchesPattern(compiled.general, number) && !matchesPattern(compiled.general, rest))
        return Strip::Kept;
    number.erase(0, std::size_t(prefix));
    return Strip::Stripped;
}

// GetNumberTypeHelper() != UNKNOWN: the general pattern and that of any type.
// Fixed line and mobile come first here because most numbers are one of them.
// The order does not change the result. Mobile counts only when its pattern
// differs from fixed line's.
bool isValidIn(const RegionData &region, const CompiledRegion &compiled, std::string_view number)
{
    if (!matchesDesc(compiled.general, number))
        return false;
    if (matchesDesc(compiled.fixedLine, number))
        return true;
    if (!region.sameMobileAndFixedLine && matchesDesc(compiled.mobile, number))
        return true;
    return std::any_of(compiled.otherTypes.begin(), compiled.otherTypes.end(),
                       [&number](const CompiledDesc &desc) { return matchesDesc(desc, number); });
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
    // Index into `regions` of the main region of each calling code, or -1 for
    // a code that is unknown or belongs to a non-geographic entity ("001").
    std::array<int, CallingCodeLimit> mainByCallingCode{};
    std::bitset<CallingCodeLimit> knownCallingCodes;
    // Each region's patterns, compiled the first time a number needs them.
    mutable std::unique_ptr<std::once_flag[]> compiledOnce;
    mutable std::vector<std::unique_ptr<const CompiledRegion>> compiledRegions;

    const CompiledRegion &compiled(std::size_t index) const;
    int extractCallingCode(std::string &digits) const;
    std::optional<MetadataNumber> parse(std::string_view compact, std::string_view regionId) const;
};

const CompiledRegion &MetadataNumberParser::Rules::compiled(std::size_t index) const
{
    std::call_once(compiledOnce[index],
                   [this, index] { compiledRegions[index] = compiledRegion(regions[index]); });
    return *compiledRegions[index];
}

// ExtractCountryCode(): the first one to three digits that form a known code.
int MetadataNumberParser::Rules::extractCallingCode(std::string &digits) const
{
    if (digits.empty() || digits.front() == '0')
        return 0;
    int code = 0;
    for (std::size_t length = 1; length <= MaxCallingCodeLength && length < digits.size();
         ++length) {
        code = code * 10 + (digits[length - 1] - '0');
        if (knownCallingCodes.test(std::size_t(code))) {
            digits.erase(0, length);
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

    std::string national(digitText);
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
        if (!rules.usable)
            return std::nullopt;

        // An international prefix such as 011 or 00 is libphonenumber's case.
        if (rules.internationalPrefix->matchLength(national) >= 0)
            return std::nullopt;

        // MaybeExtractCountryCode(): digits that start with the home calling
        // code lose it when the rest fits the home region better.
        metadataIndex = home->second;
        callingCode = region.callingCode;
        if (national.starts_with(region.callingCodeText)) {
            std::string rest = national.substr(region.callingCodeText.size());
            if (stripNationalPrefix(region, rules, rest) == Strip::AskLibrary)
                return std::nullopt;
            if ((!matchesPattern(rules.general, national) && matchesPattern(rules.general, rest)) ||
                checkLength(region, std::size_t(national.size())) == LengthCheck::TooLong) {
                national = std::move(rest);
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
    std::string withoutPrefix = national;
    const CompiledRegion &regionRules = compiled(metadataIndex);
    if (!regionRules.usable ||
        stripNationalPrefix(region, regionRules, withoutPrefix) == Strip::AskLibrary)
        return std::nullopt;
    const LengthCheck length = checkLength(region, std::size_t(withoutPrefix.size()));
    if (length != LengthCheck::TooShort && length != LengthCheck::LocalOnly &&
        length != LengthCheck::InvalidLength) {
        national = std::move(withoutPrefix);
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

    const std::string e164 = '+' + std::to_string(callingCode) + national;
    return MetadataNumber{QString::fromLatin1(e164.data(), qsizetype(e164.size())),
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

    rules->compiledOnce = std::make_unique<std::once_flag[]>(rules->regions.size());
    rules->compiledRegions.resize(rules->regions.size());

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
