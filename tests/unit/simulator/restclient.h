#pragma once

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QUrl>
#include <QUrlQuery>

// What one REST request came back with.
struct RestResult
{
    // 0 when no response arrived (time-out or network error).
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QString networkError;
};

// A blocking Plivo REST client for tests: HTTP Basic authentication and JSON
// bodies, paths relative to /v1/Account/{auth_id}/.
class RestClient
{
public:
    RestClient(const QUrl &baseUrl, const QString &authId, const QByteArray &authToken);

    RestResult get(const QString &path, const QUrlQuery &query = {});
    RestResult post(const QString &path, const QJsonObject &body);
    RestResult remove(const QString &path);

    // Sends any request to an absolute path; empty credentials send no
    // Authorization header. timeoutMs 0 waits up to 10 s.
    RestResult send(const QByteArray &method, const QString &absolutePath,
                    const QByteArray &body = {}, const QByteArray &contentType = {},
                    int timeoutMs = 0);

    void setCredentials(const QString &user, const QByteArray &token);
    QString accountPath() const;

private:
    QUrl m_baseUrl;
    QString m_authId;
    QString m_user;
    QByteArray m_token;
    QNetworkAccessManager m_network;
};
