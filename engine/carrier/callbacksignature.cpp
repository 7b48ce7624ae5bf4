#include "callbacksignature.h"

#include <QHttpServerRequest>

namespace Dialdeck {

QString CallbackSignature::signedUrl(QString publicBase, const QString &path,
                                     const QHttpServerRequest &request)
{
    if (!publicBase.endsWith(u'/'))
        publicBase += u'/';
    QString url = publicBase + path;
    const QString query = request.url().query(QUrl::FullyEncoded);
    if (!query.isEmpty())
        url += u'?' + query;
    return url;
}

bool CallbackSignature::matches(const QHttpServerRequest &request, const QString &url,
                                const QList<QByteArray> &authTokens,
                                const PlivoSignature::Params &bodyParams)
{
    const QByteArray v3 = request.value("X-Plivo-Signature-V3");
    const QByteArray mainV3 = request.value("X-Plivo-Signature-Ma-V3");
    const QString nonce = QString::fromUtf8(request.value("X-Plivo-Signature-V3-Nonce"));
    if (nonce.isEmpty() || (v3.isEmpty() && mainV3.isEmpty()))
        return false;

    const QByteArray method = request.method() == QHttpServerRequest::Method::Get ? "GET" : "POST";
    for (const QByteArray &token : authTokens) {
        if (!v3.isEmpty() && PlivoSignature::verifyV3(token, method, url, bodyParams, nonce, v3))
            return true;
        if (!mainV3.isEmpty()
            && PlivoSignature::verifyV3(token, method, url, bodyParams, nonce, mainV3))
            return true;
    }
    return false;
}

} // namespace Dialdeck
