#pragma once

#include "core/result.h"

#include <QString>

namespace Dialdeck {

// A number ready to dial.
struct NormalisedPhone
{
    // "+" and up to 15 digits.
    QString e164;
    // ISO 3166 region code the number belongs to, such as "US".
    QString region;
    // Digits after "ext", "x" or "#" in the source value; not dialed.
    QString extension;
};

// Turns a phone value as people write it into E.164 with libphonenumber.
// Repairs only what is unambiguous: surrounding and Unicode spaces, a leading
// apostrophe (spreadsheet text marker), the "00" international prefix and a
// trailing extension. Everything else is rejected with a reason code (see
// RejectionReason): empty, scientific_notation, invalid, not_valid_for_region,
// too_short. Values written as digits alone go through MetadataNumberParser
// first, which reads libphonenumber's metadata with faster regular expressions.
// Thread-safe: one instance may serve several threads at once.
class PhoneNormaliser
{
public:
    PhoneNormaliser();

    // Normalises `raw`, reading a number without a country calling code as a
    // number of `region` (ISO 3166 alpha-2). The Error carries the reason code
    // and a sentence naming the value.
    Result<NormalisedPhone> normalise(QStringView raw, const QString &region) const;

    // Same, for a national number whose country calling code comes separately,
    // as in VICIdial's phone_code column. An empty code means normalise(raw, region).
    Result<NormalisedPhone> normaliseWithCallingCode(QStringView raw, QStringView callingCode,
                                                     const QString &region) const;

    // True when libphonenumber supports `region` (ISO 3166 alpha-2).
    static bool isSupportedRegion(const QString &region);

    // Replaces every Unicode space, including no-break spaces, with a plain
    // space, drops invisible format characters and trims.
    static QString cleanSpaces(QStringView raw);

    // True for spreadsheet scientific notation such as "4.15555E+09" or "4,15555E+09".
    static bool isScientificNotation(QStringView value);

    // Splits a trailing extension ("ext 12", "ext. 12", "x12", "#12") off `value`.
    // Returns the extension digits and leaves the number part in `value`.
    static QString takeExtension(QString &value);
};

} // namespace Dialdeck
