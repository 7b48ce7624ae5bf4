#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

namespace Dialdeck {

// Field checks shared by the parsers of REST request bodies. Every error has
// the code invalid_argument (HTTP 400) and a message that names the field.
class RequestBody final
{
public:
    // Parses `body` as one JSON object.
    static Result<QJsonObject> parseObject(QByteArrayView body);

    // Reads a required id field: a string of 24 lowercase hexadecimal digits.
    static Result<QString> requiredId(const QJsonObject &object, const QString &field);
};

} // namespace Dialdeck
