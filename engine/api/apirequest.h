#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

class QHttpServerRequest;

namespace Dialdeck {

// What a REST handler needs of one HTTP request, copied out of the
// QHttpServerRequest so asynchronous steps never reach back into it.
struct ApiRequest
{
    QString method;
    QString path;
    QUrlQuery query;
    QByteArray contentType;
    // Kept only to authenticate; never logged.
    QByteArray authorization;
    QByteArray body;

    static ApiRequest from(const QHttpServerRequest &request);
};

} // namespace Dialdeck
