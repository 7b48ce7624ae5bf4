#pragma once

#include <QString>

#include <memory>
#include <optional>
#include <string_view>

namespace Dialdeck {

// A number the metadata parser read and found valid.
struct MetadataNumber
{
    // "+", the country calling code and the national significant number.
    QString e164;
    // The main region of the country calling code, such as "US".
    QString region;
};

// Reads phone numbers written as digits alone ("+442079460000", "02079460000")
// with libphonenumber's own metadata, matched by PCRE2 (QRegularExpression)
// in place of ICU. It follows PhoneNumberUtil::Parse() and then
// IsValidNumberForRegion() for the main region of the calling code, step by
// step, and returns a number only when it is valid in that region.
//
// Everything it does not follow returns std::nullopt, so that libphonenumber
// decides: letters and signs, an international prefix such as 011 or 00,
// national prefix transform rules, non-geographic calling codes, and every
// number it finds invalid. A rejection's reason therefore always comes from
// libphonenumber.
//
// Why it exists: ICU's regular expressions make Parse() and the validity check
// cost about 40 µs of CPU per number on the benchmark machine, most of an
// import's time.
//
// Thread-safe: the metadata is read once; the compiled expressions are kept
// per thread.
class MetadataNumberParser
{
public:
    // The parser over the metadata built into the linked libphonenumber.
    static const MetadataNumberParser &instance();

    ~MetadataNumberParser();
    MetadataNumberParser(const MetadataNumberParser &) = delete;
    MetadataNumberParser &operator=(const MetadataNumberParser &) = delete;

    // `compact` is "+" and digits or digits alone (ASCII); `region` is the
    // ISO 3166 alpha-2 region that a number without a calling code belongs to.
    std::optional<MetadataNumber> parse(std::string_view compact, std::string_view region) const;

private:
    MetadataNumberParser();

    struct Rules;
    std::unique_ptr<const Rules> m_rules;
};

} // namespace Dialdeck
