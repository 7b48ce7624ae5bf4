#include "apienvelope.h"

#include <QHttpServerResponse>
#include <QJsonDocument>

namespace Dialdeck {

using namespace Qt::StringLiterals;

ApiEnvelope ApiEnvelope::success(QJsonObject data, int httpStatus)
{
    ApiEnvelope envelope;
    envelope.m_httpStatus = httpStatus;
    envelope.m_data = std::move(data);
    return envelope;
}

ApiEnvelope ApiEnvelope::failure(int httpStatus, QString errorMessage, QJsonObject data)
{
    ApiEnvelope envelope;
    envelope.m_ok = false;
    envelope.m_httpStatus = httpStatus;
    envelope.m_errorMessage = std::move(errorMessage);
    envelope.m_data = std::move(data);
    return envelope;
}

int ApiEnvelope::httpStatusFor(const QString &errorCode)
{
    if (errorCode == u"invalid_argument")
        return 400;
    if (errorCode == u"unauthorized")
        return 401;
    if (errorCode == u"forbidden")
        return 403;
    if (errorCode == u"not_found")
        return 404;
    if (errorCode == u"payload_too_large")
        return 413;
    if (errorCode == u"conflict")
        return 409;
    if (errorCode == u"unprocessable")
        return 422;
    return 500;
}

void ApiEnvelope::addHeader(QByteArray name, QByteArray value)
{
    m_headers.append({std::move(name), std::move(value)});
}

QJsonObject ApiEnvelope::toJson() const
{
    return {
        {u"message"_s, QString()},           {u"status"_s, m_ok}, {u"code"_s, m_httpStatus},
        {u"errorMessage"_s, m_errorMessage}, {u"data"_s, m_data},
    };
}

QHttpServerResponse ApiEnvelope::toResponse() const
{
    QHttpServerResponse response("application/json"_ba,
                                 QJsonDocument(toJson()).toJson(QJsonDocument::Compact),
                                 QHttpServerResponse::StatusCode(m_httpStatus));
    for (const auto &[name, value] : m_headers)
        response.addHeader(name, value);
    return response;
}

} // namespace Dialdeck
