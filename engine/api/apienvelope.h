#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <utility>

class QHttpServerResponse;

namespace Dialdeck {

// The JSON envelope of every REST API response:
// {"message": "", "status": true, "code": 200, "errorMessage": "", "data": {...}}.
// A failure has status false, the HTTP status in code and a readable
// errorMessage. A copyable value, so handlers can pass it through QFuture
// continuations and convert it to a QHttpServerResponse at the end.
class ApiEnvelope
{
public:
    ApiEnvelope() = default;

    static ApiEnvelope success(QJsonObject data, int httpStatus = 200);
    // `data` may carry details of the failure, such as rejected records.
    static ApiEnvelope failure(int httpStatus, QString errorMessage, QJsonObject data = {});

    // Maps an error code (invalid_argument, unauthorized, forbidden, not_found,
    // payload_too_large, conflict, unprocessable) to its HTTP status; any
    // other code, such as store_failed, is 500.
    static int httpStatusFor(const QString &errorCode);

    bool ok() const { return m_ok; }
    int httpStatus() const { return m_httpStatus; }
    const QString &errorMessage() const { return m_errorMessage; }
    const QJsonObject &data() const { return m_data; }

    void addHeader(QByteArray name, QByteArray value);

    QJsonObject toJson() const;
    // The response with Content-Type application/json and the added headers.
    QHttpServerResponse toResponse() const;

private:
    bool m_ok = true;
    int m_httpStatus = 200;
    QString m_errorMessage;
    QJsonObject m_data;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
};

} // namespace Dialdeck
