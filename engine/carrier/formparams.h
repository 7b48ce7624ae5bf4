#pragma once

#include "carrier/plivosignature.h"
#include "core/result.h"

#include <QByteArrayView>
#include <QStringView>

namespace Dialdeck {

// Reads and writes application/x-www-form-urlencoded text: a POST body or a
// URL query, as Plivo sends its callback fields.
class FormParams
{
public:
    // The maximum number of fields parse() accepts. Plivo's documented
    // callbacks carry fewer than 30, so a body with more is not a Plivo callback.
    static constexpr qsizetype MaxPairs = 1000;

    // Parses encoded text into decoded pairs in their original order. "+" is a
    // space, "%XX" is a byte, and the bytes must form UTF-8. A field without "="
    // has an empty value, and empty fields ("a=1&&b=2") are skipped. Fails with
    // code invalid_argument on a malformed escape, invalid UTF-8 or more than
    // MaxPairs fields, naming the field.
    static Result<PlivoSignature::Params> parse(QByteArrayView encoded);

    // Parses like parse() but never fails: a malformed escape stays as written
    // and invalid UTF-8 becomes U+FFFD. Signature checks use it on URL queries,
    // because a URL that cannot be decoded must still produce a signature
    // (one that will not match) instead of an error.
    static PlivoSignature::Params parseLenient(QByteArrayView encoded);

    // Encodes pairs in order. Letters, digits and "-._~" stay as they are, a
    // space becomes "+", every other UTF-8 byte becomes "%XX".
    static QByteArray encode(const PlivoSignature::Params &params);

    // Returns the first value stored under key, or an empty string.
    static QString value(const PlivoSignature::Params &params, QStringView key);
};

} // namespace Dialdeck
