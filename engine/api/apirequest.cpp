#include "apirequest.h"

#include <QHttpServerRequest>
#include <QMetaEnum>

namespace Dialdeck {

namespace {

QString methodName(QHttpServerRequest::Method method)
{
    const QMetaEnum methods = QMetaEnum::fromType<QHttpServerRequest::Method>();
    const char *name = methods.valueToKey(int(method));
    return name ? QString::fromLatin1(name).toUpper() : QStringLiteral("UNKNOWN");
}

} // namespace

ApiRequest ApiRequest::from(const QHttpServerRequest &request)
{
    ApiRequest captured;
    captured.method = methodName(request.method());
    captured.path = request.url().path();
    captured.query = request.query();
    captured.contentType = request.value("Content-Type");
    captured.authorization = request.value("Authorization");
    captured.body = request.body();
    return captured;
}

} // namespace Dialdeck
