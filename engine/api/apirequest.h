#pragma once

#include <QByteArray>
#include <QString>
#include <QUrlQuery>

class QHttpServerRequest;

namespace Dialdeck {

// The parts of one HTTP request that REST handlers read, copied out of the
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
