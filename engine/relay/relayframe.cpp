#include "relayframe.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <array>
#include <cmath>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// JSON numbers are doubles, so integers are exact up to 2^53.
constexpr double MaxExactInteger = 9007199254740992.0;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::RelayFrame", text);
}

Error frameError(const QString &message)
{
    return Error{u"invalid_argument"_s, message};
}

constexpr std::array<std::pair<RelayFrame::Type, const char16_t *>, 7> TypeNames = {{
    {RelayFrame::Type::Hello, u"hello"},
    {RelayFrame::Type::Event, u"event"},
    {RelayFrame::Type::Ack, u"ack"},
    {RelayFrame::Type::Ping, u"ping"},
    {RelayFrame::Type::Pong, u"pong"},
    {RelayFrame::Type::Reset, u"reset"},
    {RelayFrame::Type::Error, u"error"},
}};

std::optional<RelayFrame::Type> typeFromName(const QString &name)
{
    for (const auto &[type, text] : TypeNames) {
        if (name == QStringView(text))
            return type;
    }
    return std::nullopt;
}

// Reads a whole number >= minimum from `member`; fails when it is missing,
// fractional or out of range.
Result<qint64> readCount(const QJsonObject &json, const QString &member, qint64 minimum)
{
    const QJsonValue value = json.value(member);
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number < double(minimum) || number > MaxExactInteger
        || std::floor(number) != number) {
        return frameError(tr("The relay frame member \"%1\" must be a whole number of at least "
                             "%2.")
                              .arg(member)
                              .arg(minimum));
    }
    return qint64(number);
}

Result<QString> readText(const QJsonObject &json, const QString &member, bool mayBeEmpty)
{
    const QJsonValue value = json.value(member);
    if (!value.isString() || (!mayBeEmpty && value.toString().isEmpty())) {
        return frameError(tr("The relay frame member \"%1\" must be a%2 string.")
                              .arg(member, mayBeEmpty ? QString() : tr(" non-empty")));
    }
    return value.toString();
}

Result<void> readEvent(const QJsonObject &json, RelayFrame &frame)
{
    Result<QString> kind = readText(json, u"kind"_s, false);
    Result<qint64> receivedAt = readCount(json, u"receivedAt"_s, 0);
    Result<QString> method = readText(json, u"method"_s, false);
    Result<QString> url = readText(json, u"url"_s, false);
    Result<QString> contentType = readText(json, u"contentType"_s, true);
    Result<QString> body = readText(json, u"body"_s, true);
    for (const Error *error : {kind ? nullptr : &kind.error(),
                               receivedAt ? nullptr : &receivedAt.error(),
                               method ? nullptr : &method.error(), url ? nullptr : &url.error(),
                               contentType ? nullptr : &contentType.error(),
                               body ? nullptr : &body.error()}) {
        if (error)
            return *error;
    }
    if (*method != u"GET" && *method != u"POST") {
        return frameError(tr("The relay event method \"%1\" is neither GET nor POST.")
                              .arg(*method));
    }

    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        body->toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return frameError(tr("The relay event body is not valid Base64."));

    frame.kind = *kind;
    frame.receivedAtMs = *receivedAt;
    frame.method = *method;
    frame.url = *url;
    frame.contentType = *contentType;
    frame.body = *decoded;
    return {};
}

} // namespace

RelayFrame RelayFrame::hello(qint64 lastSeq)
{
    RelayFrame frame;
    frame.type = Type::Hello;
    frame.seq = lastSeq;
    return frame;
}

RelayFrame RelayFrame::ack(qint64 seq)
{
    RelayFrame frame;
    frame.type = Type::Ack;
    frame.seq = seq;
    return frame;
}

RelayFrame RelayFrame::ping()
{
    return RelayFrame{};
}

RelayFrame RelayFrame::pong()
{
    RelayFrame frame;
    frame.type = Type::Pong;
    return frame;
}

RelayFrame RelayFrame::reset(qint64 firstSeq)
{
    RelayFrame frame;
    frame.type = Type::Reset;
    frame.seq = firstSeq;
    return frame;
}

RelayFrame RelayFrame::error(const QString &code, const QString &message)
{
    RelayFrame frame;
    frame.type = Type::Error;
    frame.code = code;
    frame.message = message;
    return frame;
}

QString RelayFrame::typeName(Type type)
{
    for (const auto &[known, text] : TypeNames) {
        if (known == type)
            return QString::fromUtf16(text);
    }
    return {};
}

QByteArray RelayFrame::toJson() const
{
    QJsonObject json{{u"type"_s, typeName(type)}};
    switch (type) {
    case Type::Hello:
        json.insert(u"lastSeq"_s, seq);
        break;
    case Type::Ack:
        json.insert(u"seq"_s, seq);
        break;
    case Type::Reset:
        json.insert(u"firstSeq"_s, seq);
        break;
    case Type::Event:
        json.insert(u"seq"_s, seq);
        json.insert(u"kind"_s, kind);
        json.insert(u"receivedAt"_s, receivedAtMs);
        json.insert(u"method"_s, method);
        json.insert(u"url"_s, url);
        json.insert(u"contentType"_s, contentType);
        json.insert(u"body"_s, QString::fromLatin1(body.toBase64()));
        break;
    case Type::Error:
        json.insert(u"code"_s, code);
        json.insert(u"message"_s, message);
        break;
    case Type::Ping:
    case Type::Pong:
        break;
    }
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

Result<RelayFrame> RelayFrame::parse(QByteArrayView text)
{
    if (text.size() > MaxFrameBytes) {
        return frameError(tr("The relay frame has %1 bytes; the limit is %2.")
                              .arg(text.size())
                              .arg(MaxFrameBytes));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toByteArray(), &parseError);
    if (!document.isObject()) {
        return frameError(tr("The relay frame is not a JSON object (%1).")
                              .arg(parseError.error == QJsonParseError::NoError
                                       ? tr("another JSON value")
                                       : parseError.errorString()));
    }

    const QJsonObject json = document.object();
    const QString name = json.value(u"type"_s).toString();
    const std::optional<Type> type = typeFromName(name);
    if (!type)
        return frameError(tr("The relay frame type \"%1\" is unknown.").arg(name));

    RelayFrame frame;
    frame.type = *type;
    Result<qint64> count = qint64(0);
    switch (*type) {
    case Type::Hello:
        count = readCount(json, u"lastSeq"_s, 0);
        break;
    case Type::Ack:
        count = readCount(json, u"seq"_s, 0);
        break;
    case Type::Reset:
        count = readCount(json, u"firstSeq"_s, 1);
        break;
    case Type::Event:
        count = readCount(json, u"seq"_s, 1);
        if (count) {
            if (Result<void> event = readEvent(json, frame); !event)
                return event.error();
        }
        break;
    case Type::Error:
        frame.code = json.value(u"code"_s).toString();
        frame.message = json.value(u"message"_s).toString();
        break;
    case Type::Ping:
    case Type::Pong:
        break;
    }
    if (!count)
        return count.error();
    frame.seq = *count;
    return frame;
}

} // namespace Dialdeck
