#include "restclient.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>

using namespace Qt::StringLiterals;

RestClient::RestClient(const QUrl &baseUrl, const QString &authId, const QByteArray &authToken)
    : m_baseUrl(baseUrl)
    , m_authId(authId)
    , m_user(authId)
    , m_token(authToken)
{
}

QString RestClient::accountPath() const
{
    return u"/v1/Account/%1/"_s.arg(m_authId);
}

void RestClient::setCredentials(const QString &user, const QByteArray &token)
{
    m_user = user;
    m_token = token;
}

RestResult RestClient::get(const QString &path, const QUrlQuery &query)
{
    QString absolute = accountPath() + path;
    if (!query.isEmpty())
        absolute += u'?' + query.toString(QUrl::FullyEncoded);
    return send("GET", absolute);
}

RestResult RestClient::post(const QString &path, const QJsonObject &body)
{
    return send("POST", accountPath() + path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                "application/json");
}

RestResult RestClient::remove(const QString &path)
{
    return send("DELETE", accountPath() + path);
}

RestResult RestClient::send(const QByteArray &method, const QString &absolutePath,
                            const QByteArray &body, const QByteArray &contentType, int timeoutMs)
{
    QUrl url = m_baseUrl;
    const qsizetype question = absolutePath.indexOf(u'?');
    url.setPath(absolutePath.left(question));
    if (question >= 0)
        url.setQuery(absolutePath.mid(question + 1), QUrl::StrictMode);

    QNetworkRequest request(url);
    if (!m_user.isEmpty() || !m_token.isEmpty()) {
        const QByteArray credentials = QByteArray(m_user.toUtf8() + ':' + m_token).toBase64();
        request.setRawHeader("Authorization", "Basic " + credentials);
    }
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setTransferTimeout(timeoutMs > 0 ? timeoutMs : 10000);

    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(60000);

    RestResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    if (result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}
