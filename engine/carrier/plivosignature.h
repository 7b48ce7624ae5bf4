#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace Dialdeck {

// Computes and checks the signatures Plivo puts on its webhook requests.
//
// V3 (headers X-Plivo-Signature-V3 and X-Plivo-Signature-Ma-V3, nonce in
// X-Plivo-Signature-V3-Nonce) covers the URL, its query and the form body.
// V2 (X-Plivo-Signature-V2, nonce in X-Plivo-Signature-V2-Nonce) covers only
// the URL without its query. Both are HMAC-SHA256 keyed with an auth token and
// sent as standard Base64 with padding (44 characters).
//
// `url` is the exact public URL Plivo sent the request to. Its scheme, user
// info, host, port and path are signed byte for byte as given, so a trailing
// slash or a port changes the signature. A #fragment is ignored. Each query key
// and value is decoded once ("+" and "%20" become a space) and signed decoded.
class PlivoSignature
{
public:
    // Decoded form or query fields in any order; a key may repeat.
    using Params = QList<std::pair<QString, QString>>;

    // Builds the UTF-8 message that V3 signs. For a GET callback pass the full
    // request URL and empty bodyParams, because Plivo puts the fields in the query.
    static QByteArray signedStringV3(QByteArrayView method, const QString &url,
                                     const Params &bodyParams, const QString &nonce);
    // Returns the Base64 V3 signature of a request.
    static QByteArray computeV3(QByteArrayView authToken, QByteArrayView method, const QString &url,
                                const Params &bodyParams, const QString &nonce);
    // Checks a V3 header value. The header may contain several signatures
    // separated by commas (one per active auth token); any match passes. The
    // comparison takes the same time wherever the signatures differ.
    static bool verifyV3(QByteArrayView authToken, QByteArrayView method, const QString &url,
                         const Params &bodyParams, const QString &nonce,
                         QByteArrayView headerValue);

    // Builds the UTF-8 message that V2 signs: the URL without query and
    // fragment, followed directly by the nonce.
    static QByteArray signedStringV2(const QString &url, const QString &nonce);
    static QByteArray computeV2(QByteArrayView authToken, const QString &url, const QString &nonce);
    // Checks a V2 header value; like verifyV3 it accepts a comma-separated list.
    static bool verifyV2(QByteArrayView authToken, const QString &url, const QString &nonce,
                         QByteArrayView headerValue);

    // Compares two byte strings in time that depends only on their lengths.
    static bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

    // Returns a fresh nonce of 20 decimal digits, the shape Plivo sends,
    // drawn from the operating system's random source.
    static QString makeNonce();
};

} // namespace Dialdeck
