#pragma once

#include "carrier/plivosignature.h"

#include <QByteArray>
#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QHttpServerRequest;
QT_END_NAMESPACE

namespace Dialdeck {

// Checks the V3 signature of a Plivo callback that reached an HTTP server.
// Shared by the engine's own webhook intake and dialdeck-relay, so both accept
// exactly the same requests.
class CallbackSignature final
{
public:
    // Builds the URL Plivo signed: `publicBase` (the address Plivo calls, with
    // a trailing slash added when missing), then `path` (e.g. "plivo/ring"),
    // then the request's query exactly as received.
    static QString signedUrl(QString publicBase, const QString &path,
                             const QHttpServerRequest &request);

    // True when X-Plivo-Signature-V3 or X-Plivo-Signature-Ma-V3 matches
    // `url` under any of `authTokens`. A request without a nonce or without
    // either header fails. `bodyParams` are the decoded form fields of a POST
    // and empty for a GET.
    static bool matches(const QHttpServerRequest &request, const QString &url,
                        const QList<QByteArray> &authTokens,
                        const PlivoSignature::Params &bodyParams);
};

} // namespace Dialdeck
