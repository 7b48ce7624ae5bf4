#include "plivosignature.h"

#include "formparams.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <algorithm>

// The V3 message layout follows the validator in Plivo's Python SDK
// (plivo-python plivo/utils/signature_v3.py). tst_plivosignature checks it
// against the test vectors published in Plivo's SDK test suites.

namespace Dialdeck {

namespace {

using BytePairs = QList<std::pair<QByteArray, QByteArray>>;

// The parts of a callback URL that the signatures use.
struct SplitUrl
{
    QByteArray base;  // scheme://authority/path exactly as given
    QByteArray query; // the raw text after "?", without the fragment
};

SplitUrl splitUrl(const QString &url)
{
    QByteArray bytes = url.toUtf8();

    const qsizetype hash = bytes.indexOf('#');
    if (hash >= 0)
        bytes.truncate(hash);

    const qsizetype question = bytes.indexOf('?');
    if (question < 0)
        return {bytes, QByteArray()};
    return {bytes.first(question), bytes.sliced(question + 1)};
}

// Converts decoded pairs to UTF-8 and sorts them by key, then value, in byte
// order. Byte order is case-sensitive ("To" sorts before "a") and equals
// sorting by Unicode code point, as Plivo's Python SDK sorts decoded strings.
BytePairs sortedUtf8(const PlivoSignature::Params &params)
{
    BytePairs pairs;
    pairs.reserve(params.size());
    for (const auto &[key, value] : params)
        pairs.append({key.toUtf8(), value.toUtf8()});

    std::sort(pairs.begin(), pairs.end());
    return pairs;
}

// "k1=v1&k2=v2" with the decoded bytes, not re-encoded.
QByteArray joinAsQuery(const BytePairs &pairs)
{
    QByteArray joined;
    for (const auto &[key, value] : pairs) {
        if (!joined.isEmpty())
            joined.append('&');
        joined.append(key);
        joined.append('=');
        joined.append(value);
    }
    return joined;
}

// "k1v1k2v2": body fields without any separator.
QByteArray concatenate(const BytePairs &pairs)
{
    QByteArray joined;
    for (const auto &[key, value] : pairs) {
        joined.append(key);
        joined.append(value);
    }
    return joined;
}

bool isGet(QByteArrayView method)
{
    return method.compare("GET", Qt::CaseInsensitive) == 0;
}

// The V3 message before ".nonce". A GET merges query and body fields into one
// sorted query. A POST with a body appends "?", the sorted query and "." when
// the URL has a query, then the sorted body fields. A POST without a body
// signs the URL with its sorted query.
QByteArray baseStringV3(QByteArrayView method, const QString &url,
                        const PlivoSignature::Params &bodyParams)
{
    const SplitUrl split = splitUrl(url);
    PlivoSignature::Params queryParams = FormParams::parseLenient(split.query);

    if (isGet(method)) {
        queryParams.append(bodyParams);
        const QByteArray query = joinAsQuery(sortedUtf8(queryParams));
        return query.isEmpty() ? split.base : split.base + '?' + query;
    }

    const QByteArray query = joinAsQuery(sortedUtf8(queryParams));
    if (bodyParams.isEmpty())
        return query.isEmpty() ? split.base : split.base + '?' + query;

    QByteArray base = split.base + '?';
    if (!query.isEmpty())
        base += query + '.';
    return base + concatenate(sortedUtf8(bodyParams));
}

QByteArray hmacBase64(QByteArrayView authToken, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, authToken.toByteArray(),
                                            QCryptographicHash::Sha256)
        .toBase64();
}

// Compares against every comma-separated signature in a header value; blanks
// around each one are ignored.
bool matchesAny(const QByteArray &expected, QByteArrayView headerValue)
{
    qsizetype start = 0;
    while (start <= headerValue.size()) {
        qsizetype end = headerValue.indexOf(',', start);
        if (end < 0)
            end = headerValue.size();

        const QByteArrayView candidate = headerValue.sliced(start, end - start).trimmed();
        if (!candidate.isEmpty() && PlivoSignature::constantTimeEquals(expected, candidate))
            return true;
        start = end + 1;
    }
    return false;
}

} // namespace

QByteArray PlivoSignature::signedStringV3(QByteArrayView method, const QString &url,
                                          const Params &bodyParams, const QString &nonce)
{
    return baseStringV3(method, url, bodyParams) + '.' + nonce.toUtf8();
}

QByteArray PlivoSignature::computeV3(QByteArrayView authToken, QByteArrayView method,
                                     const QString &url, const Params &bodyParams,
                                     const QString &nonce)
{
    return hmacBase64(authToken, signedStringV3(method, url, bodyParams, nonce));
}

bool PlivoSignature::verifyV3(QByteArrayView authToken, QByteArrayView method, const QString &url,
                              const Params &bodyParams, const QString &nonce,
                              QByteArrayView headerValue)
{
    return matchesAny(computeV3(authToken, method, url, bodyParams, nonce), headerValue);
}

QByteArray PlivoSignature::signedStringV2(const QString &url, const QString &nonce)
{
    return splitUrl(url).base + nonce.toUtf8();
}

QByteArray PlivoSignature::computeV2(QByteArrayView authToken, const QString &url,
                                     const QString &nonce)
{
    return hmacBase64(authToken, signedStringV2(url, nonce));
}

bool PlivoSignature::verifyV2(QByteArrayView authToken, const QString &url, const QString &nonce,
                              QByteArrayView headerValue)
{
    return matchesAny(computeV2(authToken, url, nonce), headerValue);
}

bool PlivoSignature::constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;

    // Every byte is visited and no branch depends on the contents, so the time
    // does not reveal where the first difference is.
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

QString PlivoSignature::makeNonce()
{
    constexpr int digits = 20;
    QString nonce;
    nonce.reserve(digits);
    for (int i = 0; i < digits; ++i)
        nonce.append(QChar(u'0' + QRandomGenerator::system()->bounded(10)));
    return nonce;
}

} // namespace Dialdeck
