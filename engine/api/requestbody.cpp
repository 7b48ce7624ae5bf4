#include "requestbody.h"

#include "core/ids.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::RequestBody", text);
}

Error invalid(const QString &message)
{
    return Error{u"invalid_argument"_s, message};
}

} // namespace

Result<QJsonObject> RequestBody::parseObject(QByteArrayView body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return invalid(tr("The request body is not valid JSON (%1 at byte %2); send one JSON "
                          "object.")
                           .arg(parseError.errorString())
                           .arg(parseError.offset));
    }
    if (!document.isObject())
        return invalid(tr("The request body is not a JSON object; send one JSON object."));
    return document.object();
}

Result<QString> RequestBody::requiredId(const QJsonObject &object, const QString &field)
{
    const QJsonValue value = object.value(field);
    if (value.isUndefined() || value.isNull())
        return invalid(tr("The field \"%1\" is missing; send it as a string of 24 hexadecimal "
                          "digits.")
                           .arg(field));
    if (!value.isString())
        return invalid(tr("The field \"%1\" is not a string; send it as a string of 24 "
                          "hexadecimal digits.")
                           .arg(field));

    const QString id = value.toString();
    if (id.isEmpty())
        return invalid(tr("The field \"%1\" is empty; send it as a string of 24 hexadecimal "
                          "digits.")
                           .arg(field));
    if (!Ids::isValid(id))
        return invalid(tr("The field \"%1\" (\"%2\") is not 24 lowercase hexadecimal digits.")
                           .arg(field, id.left(64)));
    return id;
}

} // namespace Dialdeck
