#include "startcallingrequest.h"

#include "requestbody.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::StartCallingRequest", text);
}

Error invalid(const QString &message)
{
    return Error{u"invalid_argument"_s, message};
}

Result<std::optional<QStringList>> parsePhoneIds(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return std::optional<QStringList>();
    if (!value.isArray())
        return invalid(tr("The field \"phoneIds\" is not an array; send an array of caller "
                          "number ids (strings)."));

    const QJsonArray array = value.toArray();
    QStringList ids;
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array[i].isString() || array[i].toString().isEmpty()) {
            return invalid(tr("The element phoneIds[%1] is not a non-empty string; send caller "
                              "number ids as strings.")
                               .arg(i));
        }
        if (!ids.contains(array[i].toString()))
            ids.append(array[i].toString());
    }
    if (ids.isEmpty())
        return std::optional<QStringList>();
    return std::optional<QStringList>(ids);
}

Result<std::optional<QList<QJsonObject>>> parseCallData(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return std::optional<QList<QJsonObject>>();
    if (!value.isArray())
        return invalid(tr("The field \"callData\" is not an array; send an array of call "
                          "records (objects)."));

    const QJsonArray array = value.toArray();
    if (array.size() > StartCallingRequest::MaxCallDataRecords) {
        return Error{u"payload_too_large"_s,
                     tr("The field \"callData\" has %1 records, more than the %2 one request "
                        "may carry; split the list or import it as a file.")
                         .arg(array.size())
                         .arg(StartCallingRequest::MaxCallDataRecords)};
    }

    QList<QJsonObject> records;
    records.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array[i].isObject()) {
            return invalid(tr("The element callData[%1] is not an object; send each call as an "
                              "object with \"phone\" and \"name\".")
                               .arg(i));
        }
        records.append(array[i].toObject());
    }
    return std::optional<QList<QJsonObject>>(std::move(records));
}

Result<QString> parseSessionId(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return QString();

    static const QRegularExpression uuidPattern(
        u"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"_s);
    const QString text = value.isString() ? value.toString() : QString();
    if (!value.isString() || !uuidPattern.match(text).hasMatch() ||
        text == u"00000000-0000-0000-0000-000000000000") {
        return invalid(tr("The field \"sessionId\" is not a UUID; send it as "
                          "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx with hexadecimal digits, or "
                          "leave it out."));
    }
    return text.toLower();
}

} // namespace

Result<StartCallingRequest> StartCallingRequest::parse(QByteArrayView body)
{
    Result<QJsonObject> object = RequestBody::parseObject(body);
    if (!object)
        return object.error();

    Result<QString> batchId = RequestBody::requiredId(*object, u"batchId"_s);
    if (!batchId)
        return batchId.error();
    Result<QString> userId = RequestBody::requiredId(*object, u"userId"_s);
    if (!userId)
        return userId.error();
    Result<std::optional<QStringList>> phoneIds = parsePhoneIds(object->value(u"phoneIds"_s));
    if (!phoneIds)
        return phoneIds.error();
    Result<QString> sessionId = parseSessionId(object->value(u"sessionId"_s));
    if (!sessionId)
        return sessionId.error();
    Result<std::optional<QList<QJsonObject>>> callData =
        parseCallData(object->value(u"callData"_s));
    if (!callData)
        return callData.error();

    StartCallingRequest request;
    request.batchId = *batchId;
    request.userId = *userId;
    request.phoneIds = *phoneIds;
    request.sessionId = *sessionId;
    request.callData = std::move(callData).value();
    return request;
}

} // namespace Dialdeck
