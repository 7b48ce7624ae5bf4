#include "callrequest.h"

#include "carrier/formparams.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Error texts follow Plivo's wording where it is known ("answer_url parameter
// is missing"); they are protocol text, like Plivo's, and not translated.
Error badRequest(const QString &text)
{
    return Error{u"invalid_argument"_s, text};
}

Error missing(const QString &name)
{
    return badRequest(u"%1 parameter is missing"_s.arg(name));
}

Result<QString> jsonValueText(const QString &key, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::floor(number) == number && std::abs(number) < 1e15)
            return QString::number(qint64(number));
        return QString::number(number);
    }
    default:
        return badRequest(u"invalid value for %1: give a string or a number"_s.arg(key));
    }
}

bool isNumber(const QString &value)
{
    static const QRegularExpression digits(u"^\\+?[0-9]{3,20}$"_s);
    return digits.match(value).hasMatch();
}

bool isSipUri(const QString &value)
{
    static const QRegularExpression sip(u"^sip:[^@\\s<>]+@[^@\\s<>]+$"_s);
    return sip.match(value).hasMatch();
}

Result<QStringList> parseDestinations(const QString &to)
{
    QStringList destinations;
    QSet<QString> seen;
    for (const QString &part : to.split(u'<', Qt::SkipEmptyParts)) {
        const QString destination = part.trimmed();
        if (destination.isEmpty())
            continue;
        if (!isNumber(destination) && !isSipUri(destination)) {
            return badRequest(
                u"invalid to parameter: \"%1\" is neither a phone number nor a sip: URI"_s.arg(
                    destination));
        }
        // NOTE: Plivo counts unique destinations toward its limit of 1000; that
        // it also dials a repeated destination only once is assumed.
        if (seen.contains(destination))
            continue;
        seen.insert(destination);
        destinations.append(destination);
    }

    if (destinations.isEmpty())
        return missing(u"to"_s);
    if (destinations.size() > CallRequest::MaxDestinations) {
        return badRequest(u"too many destinations in to: %1, at most %2 per request"_s.arg(
            destinations.size())
                              .arg(CallRequest::MaxDestinations));
    }
    return destinations;
}

class ParamReader
{
public:
    explicit ParamReader(const QHash<QString, QString> &params) : m_params(params) {}

    QString text(const QString &name) const { return m_params.value(name).trimmed(); }
    bool has(const QString &name) const { return !text(name).isEmpty(); }

    Result<CallbackTarget> target(const QString &urlName, const QString &methodName) const
    {
        CallbackTarget target;
        const QString urlText = text(urlName);
        if (!urlText.isEmpty()) {
            const QUrl url(urlText, QUrl::StrictMode);
            const QString scheme = url.scheme();
            if (!url.isValid() || url.host().isEmpty()
                || (scheme != u"http" && scheme != u"https")) {
                return badRequest(
                    u"invalid %1: \"%2\" is not an absolute http or https URL"_s.arg(urlName,
                                                                                     urlText));
            }
            target.url = url;
        }

        const QString method = text(methodName).toUpper();
        if (method.isEmpty())
            return target;
        if (method != u"GET" && method != u"POST")
            return badRequest(u"invalid %1: use GET or POST"_s.arg(methodName));
        target.method = method.toLatin1();
        return target;
    }

    // Returns `fallback` when the parameter is absent.
    Result<int> integer(const QString &name, int fallback, int min, int max) const
    {
        if (!has(name))
            return fallback;
        bool ok = false;
        const qint64 value = text(name).toLongLong(&ok);
        if (!ok || value < min || value > max) {
            return badRequest(
                u"invalid %1: give a whole number from %2 to %3"_s.arg(name).arg(min).arg(max));
        }
        return int(value);
    }

    Result<bool> boolean(const QString &name) const
    {
        const QString value = text(name).toLower();
        if (value.isEmpty() || value == u"false")
            return false;
        if (value == u"true")
            return true;
        return badRequest(u"invalid %1: use true or false"_s.arg(name));
    }

private:
    const QHash<QString, QString> &m_params;
};

Result<PlivoSignature::Params> parseSipHeaders(const QString &text)
{
    // Keys are letters and digits; values may also carry %-escapes.
    static const QRegularExpression pair(u"^([A-Za-z0-9]+)=([A-Za-z0-9%]+)$"_s);
    PlivoSignature::Params headers;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QRegularExpressionMatch match = pair.match(part.trimmed());
        if (!match.hasMatch()) {
            return badRequest(u"invalid sip_headers: \"%1\" is not key=value with letters and "
                              u"digits"_s.arg(part));
        }
        headers.append({u"X-PH-"_s + match.captured(1), match.captured(2)});
    }
    return headers;
}

Result<void> readTargets(const ParamReader &reader, CallRequest &request)
{
    const std::array<std::tuple<QString, QString, CallbackTarget *>, 5> targets = {{
        {u"answer_url"_s, u"answer_method"_s, &request.answer},
        {u"ring_url"_s, u"ring_method"_s, &request.ring},
        {u"hangup_url"_s, u"hangup_method"_s, &request.hangup},
        {u"fallback_url"_s, u"fallback_method"_s, &request.fallback},
        {u"machine_detection_url"_s, u"machine_detection_method"_s,
         &request.machineDetectionTarget},
    }};
    for (const auto &[urlName, methodName, target] : targets) {
        auto parsed = reader.target(urlName, methodName);
        if (!parsed)
            return parsed.error();
        *target = parsed.value();
    }
    return {};
}

Result<void> readMachineDetection(const ParamReader &reader, CallRequest &request)
{
    const QString mode = reader.text(u"machine_detection"_s).toLower();
    if (mode == u"true" || mode == u"hangup")
        request.machineDetection = mode;
    else if (!mode.isEmpty() && mode != u"false")
        return badRequest(u"invalid machine_detection: use true or hangup"_s);

    auto time = reader.integer(u"machine_detection_time"_s, 5000, 2000, 10000);
    if (!time)
        return time.error();
    request.machineDetectionTimeMs = time.value();
    return {};
}

Result<void> readLimits(const ParamReader &reader, CallRequest &request)
{
    auto ringTimeout = reader.integer(u"ring_timeout"_s, 120, 0, 86400);
    if (!ringTimeout)
        return ringTimeout.error();
    request.ringTimeoutSeconds = ringTimeout.value();

    // Plivo cuts a time limit of 24 hours or more to 24 hours.
    auto timeLimit = reader.integer(u"time_limit"_s, 14400, 1, std::numeric_limits<int>::max());
    if (!timeLimit)
        return timeLimit.error();
    request.timeLimitSeconds = std::min(timeLimit.value(), 86400);

    auto hangupOnRing = reader.integer(u"hangup_on_ring"_s, 0, 1, 86400);
    if (!hangupOnRing)
        return hangupOnRing.error();
    request.hangupOnRingSeconds = hangupOnRing.value();
    return {};
}

} // namespace

Result<QHash<QString, QString>> CallRequest::paramsFromBody(const QByteArray &body,
                                                            const QByteArray &contentType)
{
    QHash<QString, QString> params;
    const QByteArray trimmed = body.trimmed();
    const bool json = contentType.toLower().contains("json")
                      || (!contentType.toLower().contains("form") && trimmed.startsWith('{'));

    if (json) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(trimmed, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return badRequest(u"invalid JSON body: %1"_s.arg(error.errorString()));
        const QJsonObject object = document.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.value().isNull())
                continue;
            auto text = jsonValueText(it.key(), it.value());
            if (!text)
                return text.error();
            params.insert(it.key(), text.value());
        }
        return params;
    }

    auto pairs = FormParams::parse(trimmed);
    if (!pairs)
        return badRequest(u"invalid form body: %1"_s.arg(pairs.error().message));
    for (const auto &[key, value] : pairs.value()) {
        if (!params.contains(key))
            params.insert(key, value);
    }
    return params;
}

Result<CallRequest> CallRequest::fromParams(const QHash<QString, QString> &params)
{
    const ParamReader reader(params);
    CallRequest request;

    if (!reader.has(u"from"_s))
        return missing(u"from"_s);
    if (!reader.has(u"to"_s))
        return missing(u"to"_s);
    if (!reader.has(u"answer_url"_s))
        return missing(u"answer_url"_s);

    request.from = reader.text(u"from"_s);
    if (!isNumber(request.from) && !isSipUri(request.from))
        return badRequest(u"invalid from parameter: \"%1\" is not a phone number"_s.arg(
            request.from));

    auto destinations = parseDestinations(reader.text(u"to"_s));
    if (!destinations)
        return destinations.error();
    request.destinations = destinations.value();

    request.callerName = reader.text(u"caller_name"_s);
    if (request.callerName.size() > 50)
        return badRequest(u"invalid caller_name: at most 50 characters"_s);

    for (const auto &step : {readTargets, readMachineDetection, readLimits}) {
        const Result<void> result = step(reader, request);
        if (!result)
            return result.error();
    }

    auto sipHeaders = parseSipHeaders(reader.text(u"sip_headers"_s));
    if (!sipHeaders)
        return sipHeaders.error();
    request.sipHeaders = sipHeaders.value();

    request.parentCallUuid = reader.text(u"parent_call_uuid"_s);
    auto errorIfMissing = reader.boolean(u"error_if_parent_not_found"_s);
    if (!errorIfMissing)
        return errorIfMissing.error();
    request.errorIfParentNotFound = errorIfMissing.value();
    return request;
}

} // namespace Dialdeck
