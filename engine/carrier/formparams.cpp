#include "formparams.h"

#include <QCoreApplication>
#include <QStringDecoder>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString trForm(const char *text)
{
    return QCoreApplication::translate("Dialdeck::FormParams", text);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The bytes of one key or value after "+" and "%XX" decoding. A malformed
// escape is copied as written and the offset of the first one is kept, so the
// strict parser can reject it and the lenient one can ignore it.
struct PercentDecoded
{
    QByteArray bytes;
    qsizetype malformedAt = -1;
};

PercentDecoded percentDecode(QByteArrayView raw)
{
    PercentDecoded decoded;
    decoded.bytes.reserve(raw.size());

    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw.at(i);
        if (c == '+') {
            decoded.bytes.append(' ');
            continue;
        }
        if (c != '%') {
            decoded.bytes.append(c);
            continue;
        }

        const int high = i + 1 < raw.size() ? hexValue(raw.at(i + 1)) : -1;
        const int low = i + 2 < raw.size() ? hexValue(raw.at(i + 2)) : -1;
        if (high < 0 || low < 0) {
            if (decoded.malformedAt < 0)
                decoded.malformedAt = i;
            decoded.bytes.append(c);
            continue;
        }
        decoded.bytes.append(char(high * 16 + low));
        i += 2;
    }
    return decoded;
}

// Decodes UTF-8 and keeps a leading byte order mark as U+FEFF, because in a
// field value it is data. Invalid sequences become U+FFFD and set *valid to false.
QString decodeUtf8(const QByteArray &bytes, bool *valid)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    QString text = decoder(bytes);
    *valid = !decoder.hasError();
    return text;
}

// The first characters of a raw key, for error messages; a hostile body may
// send a key of megabytes.
QString keyForMessage(QByteArrayView rawKey)
{
    constexpr qsizetype maxShown = 64;
    const QString key = QString::fromUtf8(rawKey.first(std::min(rawKey.size(), maxShown)));
    return rawKey.size() > maxShown ? key + u"…"_s : key;
}

Error malformedEscape(QByteArrayView rawKey, QByteArrayView raw, qsizetype offset)
{
    const QString escape =
        QString::fromLatin1(raw.sliced(offset, std::min<qsizetype>(3, raw.size() - offset)));
    return Error{u"invalid_argument"_s,
                 trForm("The form field \"%1\" contains the malformed escape \"%2\". "
                        "A percent sign must be followed by two hexadecimal digits; "
                        "send a literal percent sign as %25.")
                     .arg(keyForMessage(rawKey), escape)};
}

Error invalidUtf8(QByteArrayView rawKey)
{
    return Error{u"invalid_argument"_s,
                 trForm("The form field \"%1\" is not valid UTF-8 after decoding its "
                        "percent escapes. Encode the text as UTF-8 before escaping it.")
                     .arg(keyForMessage(rawKey))};
}

Error tooManyFields()
{
    return Error{u"invalid_argument"_s,
                 trForm("The form data contains more than %1 fields, far more than a Plivo "
                        "callback contains; check that the request comes from Plivo.")
                     .arg(FormParams::MaxPairs)};
}

// Splits one "key=value" field at its first "=".
std::pair<QByteArrayView, QByteArrayView> splitField(QByteArrayView field)
{
    const qsizetype equals = field.indexOf('=');
    if (equals < 0)
        return {field, QByteArrayView()};
    return {field.first(equals), field.sliced(equals + 1)};
}

// Calls visit(field) for every non-empty field between "&" separators and
// stops early when visit returns false.
template<typename Visitor> void forEachField(QByteArrayView encoded, Visitor visit)
{
    qsizetype start = 0;
    while (start <= encoded.size()) {
        qsizetype end = encoded.indexOf('&', start);
        if (end < 0)
            end = encoded.size();

        const QByteArrayView field = encoded.sliced(start, end - start);
        if (!field.isEmpty() && !visit(field))
            return;
        start = end + 1;
    }
}

} // namespace

Result<PlivoSignature::Params> FormParams::parse(QByteArrayView encoded)
{
    PlivoSignature::Params params;
    std::optional<Error> failure;

    forEachField(encoded, [&](QByteArrayView field) {
        if (params.size() == MaxPairs) {
            failure = tooManyFields();
            return false;
        }

        const auto [rawKey, rawValue] = splitField(field);
        const PercentDecoded key = percentDecode(rawKey);
        const PercentDecoded value = percentDecode(rawValue);
        if (key.malformedAt >= 0) {
            failure = malformedEscape(rawKey, rawKey, key.malformedAt);
            return false;
        }
        if (value.malformedAt >= 0) {
            failure = malformedEscape(rawKey, rawValue, value.malformedAt);
            return false;
        }

        bool keyValid = false;
        bool valueValid = false;
        QString keyText = decodeUtf8(key.bytes, &keyValid);
        QString valueText = decodeUtf8(value.bytes, &valueValid);
        if (!keyValid || !valueValid) {
            failure = invalidUtf8(rawKey);
            return false;
        }

        params.append({std::move(keyText), std::move(valueText)});
        return true;
    });

    if (failure)
        return *failure;
    return params;
}

PlivoSignature::Params FormParams::parseLenient(QByteArrayView encoded)
{
    PlivoSignature::Params params;

    forEachField(encoded, [&](QByteArrayView field) {
        const auto [rawKey, rawValue] = splitField(field);
        bool ignored = false;
        params.append({decodeUtf8(percentDecode(rawKey).bytes, &ignored),
                       decodeUtf8(percentDecode(rawValue).bytes, &ignored)});
        return true;
    });
    return params;
}

QByteArray FormParams::encode(const PlivoSignature::Params &params)
{
    const auto encodeText = [](const QString &text) {
        QByteArray bytes = text.toUtf8().toPercentEncoding(QByteArrayLiteral(" "));
        return bytes.replace(' ', '+');
    };

    QByteArray encoded;
    for (const auto &[key, value] : params) {
        if (!encoded.isEmpty())
            encoded.append('&');
        encoded.append(encodeText(key));
        encoded.append('=');
        encoded.append(encodeText(value));
    }
    return encoded;
}

QString FormParams::value(const PlivoSignature::Params &params, QStringView key)
{
    for (const auto &[name, text] : params) {
        if (name == key)
            return text;
    }
    return {};
}

} // namespace Dialdeck
