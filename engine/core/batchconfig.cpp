#include "batchconfig.h"

#include <QJsonArray>
#include <QTimeZone>

#include <array>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<const char16_t *, 7> dayNames = {u"mon", u"tue", u"wed", u"thu",
                                                      u"fri", u"sat", u"sun"};

constexpr std::array<const char16_t *, 3> rotationNames = {u"round_robin", u"least_recently_used",
                                                           u"local_presence"};

QJsonObject retryToJson(const RetryRule &rule)
{
    return {{u"maxAttempts"_s, rule.maxAttempts}, {u"delaySeconds"_s, rule.delaySeconds}};
}

RetryRule retryFromJson(const QJsonValue &value, const RetryRule &fallback)
{
    if (!value.isObject())
        return fallback;

    const QJsonObject object = value.toObject();
    RetryRule rule = fallback;
    rule.maxAttempts = object.value(u"maxAttempts").toInt(fallback.maxAttempts);
    rule.delaySeconds = object.value(u"delaySeconds").toInt(fallback.delaySeconds);
    return rule;
}

void checkRetry(QList<ConfigProblem> &problems, const QString &field, const RetryRule &rule)
{
    if (rule.maxAttempts < 1 || rule.maxAttempts > 20) {
        problems.append({field + u".maxAttempts"_s,
                         QObject::tr("Max attempts must be between 1 and 20; it is %1.")
                             .arg(rule.maxAttempts)});
    }
    if (rule.delaySeconds < 0 || rule.delaySeconds > 7 * 86400) {
        problems.append({field + u".delaySeconds"_s,
                         QObject::tr("The retry delay must be between 0 and 604800 seconds "
                                     "(7 days); it is %1.")
                             .arg(rule.delaySeconds)});
    }
}

} // namespace

QString toString(RotationStrategy strategy)
{
    return QString::fromUtf16(rotationNames[std::size_t(strategy)]);
}

std::optional<RotationStrategy> rotationStrategyFromString(QStringView text)
{
    for (std::size_t i = 0; i < rotationNames.size(); ++i) {
        if (text == QStringView(rotationNames[i]))
            return RotationStrategy(i);
    }
    return std::nullopt;
}

void BatchConfig::setDayAllowed(Qt::DayOfWeek day, bool allowed)
{
    const quint8 bit = quint8(1u << (int(day) - 1));
    allowedDays = allowed ? quint8(allowedDays | bit) : quint8(allowedDays & ~bit);
}

const RetryRule *BatchConfig::retryRuleFor(CallOutcome outcome) const
{
    switch (outcome) {
    case CallOutcome::Busy:
        return &retryBusy;
    case CallOutcome::NoAnswer:
        return &retryNoAnswer;
    case CallOutcome::Failed:
        return &retryFailed;
    case CallOutcome::Machine:
        return &retryMachine;
    case CallOutcome::Answered:
    case CallOutcome::Cancelled:
        return nullptr;
    }
    return nullptr;
}

QList<ConfigProblem> BatchConfig::validate() const
{
    QList<ConfigProblem> problems;

    if (!windowStart.isValid() || !windowEnd.isValid() || windowStart >= windowEnd) {
        problems.append({u"window"_s,
                         QObject::tr("The calling window must start before it ends on the same "
                                     "day, for example 09:00-20:00; it is %1-%2.")
                             .arg(windowStart.toString(u"HH:mm"), windowEnd.toString(u"HH:mm"))});
    }
    if ((allowedDays & 0x7f) == 0)
        problems.append({u"days"_s, QObject::tr("Allow calling on at least one weekday.")});
    if (!QTimeZone(defaultTimeZone).isValid()) {
        problems.append({u"defaultTimeZone"_s,
                         QObject::tr("The default time zone \"%1\" is not a known IANA zone; "
                                     "use a name such as America/New_York.")
                             .arg(QString::fromUtf8(defaultTimeZone))});
    }
    if (defaultRegion.size() != 2 || defaultRegion != defaultRegion.toUpper()) {
        problems.append({u"defaultRegion"_s,
                         QObject::tr("The default region must be a two-letter ISO 3166 code "
                                     "such as US or DE; it is \"%1\".")
                             .arg(defaultRegion)});
    }
    if (!(maxCallsPerSecond > 0.0) || maxCallsPerSecond > 1000.0) {
        problems.append({u"maxCallsPerSecond"_s,
                         QObject::tr("Calls per second must be above 0 and at most 1000; it is "
                                     "%1.")
                             .arg(maxCallsPerSecond)});
    }
    if (maxConcurrentCalls < 1 || maxConcurrentCalls > 10000) {
        problems.append({u"maxConcurrentCalls"_s,
                         QObject::tr("Concurrent calls must be between 1 and 10000; it is %1.")
                             .arg(maxConcurrentCalls)});
    }
    if (ringTimeoutSeconds < 5 || ringTimeoutSeconds > 120) {
        problems.append({u"ringTimeoutSeconds"_s,
                         QObject::tr("The ring timeout must be between 5 and 120 seconds; it "
                                     "is %1.")
                             .arg(ringTimeoutSeconds)});
    }
    if (timeLimitSeconds < 10 || timeLimitSeconds > 86400) {
        problems.append({u"timeLimitSeconds"_s,
                         QObject::tr("The call time limit must be between 10 and 86400 "
                                     "seconds; it is %1.")
                             .arg(timeLimitSeconds)});
    }
    checkRetry(problems, u"retry.busy"_s, retryBusy);
    checkRetry(problems, u"retry.noAnswer"_s, retryNoAnswer);
    checkRetry(problems, u"retry.failed"_s, retryFailed);
    checkRetry(problems, u"retry.machine"_s, retryMachine);
    problems.append(answer.validate());
    return problems;
}

QJsonObject BatchConfig::toJson() const
{
    QJsonArray holidayArray;
    for (QDate date : holidays)
        holidayArray.append(date.toString(Qt::ISODate));

    QJsonArray dayArray;
    for (int day = 1; day <= 7; ++day) {
        if (isDayAllowed(Qt::DayOfWeek(day)))
            dayArray.append(QString::fromUtf16(dayNames[std::size_t(day - 1)]));
    }

    return {
        {u"window"_s,
         QJsonObject{{u"start"_s, windowStart.toString(u"HH:mm")},
                     {u"end"_s, windowEnd.toString(u"HH:mm")}}},
        {u"days"_s, dayArray},
        {u"holidays"_s, holidayArray},
        {u"defaultRegion"_s, defaultRegion},
        {u"defaultTimeZone"_s, QString::fromUtf8(defaultTimeZone)},
        {u"maxCallsPerSecond"_s, maxCallsPerSecond},
        {u"maxConcurrentCalls"_s, maxConcurrentCalls},
        {u"rotation"_s, toString(rotation)},
        {u"retry"_s,
         QJsonObject{{u"busy"_s, retryToJson(retryBusy)},
                     {u"noAnswer"_s, retryToJson(retryNoAnswer)},
                     {u"failed"_s, retryToJson(retryFailed)},
                     {u"machine"_s, retryToJson(retryMachine)}}},
        {u"ringTimeoutSeconds"_s, ringTimeoutSeconds},
        {u"timeLimitSeconds"_s, timeLimitSeconds},
        {u"answer"_s, answer.toJson()},
    };
}

Result<BatchConfig> BatchConfig::fromJson(const QJsonObject &json)
{
    BatchConfig config;

    const QJsonObject window = json.value(u"window").toObject();
    if (!window.isEmpty()) {
        config.windowStart = QTime::fromString(window.value(u"start").toString(), u"HH:mm");
        config.windowEnd = QTime::fromString(window.value(u"end").toString(), u"HH:mm");
    }

    if (json.contains(u"days")) {
        QStringList names;
        for (const QJsonValue &value : json.value(u"days").toArray())
            names.append(value.toString());
        Result<quint8> days = parseDays(names.join(u','));
        if (!days)
            return days.error();
        config.allowedDays = *days;
    }

    for (const QJsonValue &value : json.value(u"holidays").toArray()) {
        const QDate date = QDate::fromString(value.toString(), Qt::ISODate);
        if (!date.isValid()) {
            return Error{u"invalid_holiday"_s,
                         QObject::tr("The holiday \"%1\" is not a date; write it as YYYY-MM-DD.")
                             .arg(value.toString())};
        }
        config.holidays.append(date);
    }

    config.defaultRegion = json.value(u"defaultRegion").toString(config.defaultRegion);
    config.defaultTimeZone = json.value(u"defaultTimeZone")
                                 .toString(QString::fromUtf8(config.defaultTimeZone))
                                 .toUtf8();
    config.maxCallsPerSecond = json.value(u"maxCallsPerSecond").toDouble(config.maxCallsPerSecond);
    config.maxConcurrentCalls = json.value(u"maxConcurrentCalls").toInt(config.maxConcurrentCalls);

    if (json.contains(u"rotation")) {
        const QString name = json.value(u"rotation").toString();
        const std::optional<RotationStrategy> strategy = rotationStrategyFromString(name);
        if (!strategy) {
            return Error{u"invalid_rotation"_s,
                         QObject::tr("The rotation strategy \"%1\" is unknown; use round_robin, "
                                     "least_recently_used or local_presence.")
                             .arg(name)};
        }
        config.rotation = *strategy;
    }

    const QJsonObject retry = json.value(u"retry").toObject();
    config.retryBusy = retryFromJson(retry.value(u"busy"), config.retryBusy);
    config.retryNoAnswer = retryFromJson(retry.value(u"noAnswer"), config.retryNoAnswer);
    config.retryFailed = retryFromJson(retry.value(u"failed"), config.retryFailed);
    config.retryMachine = retryFromJson(retry.value(u"machine"), config.retryMachine);
    config.ringTimeoutSeconds = json.value(u"ringTimeoutSeconds").toInt(config.ringTimeoutSeconds);
    config.timeLimitSeconds = json.value(u"timeLimitSeconds").toInt(config.timeLimitSeconds);

    if (json.contains(u"answer")) {
        if (!json.value(u"answer").isObject()) {
            return Error{u"invalid_answer"_s,
                         QObject::tr("The answer setting must be a JSON object such as "
                                     "{\"kind\": \"speak\", \"text\": \"Hello\"}.")};
        }
        Result<AnswerAction> answer = AnswerAction::fromJson(json.value(u"answer").toObject());
        if (!answer)
            return answer.error();
        config.answer = *answer;
    }
    return config;
}

Result<quint8> BatchConfig::parseDays(QStringView text)
{
    quint8 days = 0;
    for (QStringView part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString name = part.trimmed().toString().toLower().left(3);
        bool found = false;
        for (std::size_t i = 0; i < dayNames.size(); ++i) {
            if (name == QStringView(dayNames[i])) {
                days |= quint8(1u << i);
                found = true;
            }
        }
        if (!found) {
            return Error{u"invalid_day"_s,
                         QObject::tr("\"%1\" is not a weekday; use mon, tue, wed, thu, fri, sat "
                                     "or sun.")
                             .arg(part.toString())};
        }
    }
    return days;
}

Result<std::pair<QTime, QTime>> BatchConfig::parseWindow(QStringView text)
{
    const QList<QStringView> parts = text.split(u'-');
    const Error error{u"invalid_window"_s,
                      QObject::tr("The calling window \"%1\" is not HH:MM-HH:MM; write it as, "
                                  "for example, 09:00-20:00.")
                          .arg(text.toString())};
    if (parts.size() != 2)
        return error;

    const QTime start = QTime::fromString(parts[0].trimmed().toString(), u"H:mm");
    const QTime end = QTime::fromString(parts[1].trimmed().toString(), u"H:mm");
    if (!start.isValid() || !end.isValid())
        return error;
    return std::pair{start, end};
}

QString BatchConfig::daysToString(quint8 days)
{
    QStringList names;
    for (std::size_t i = 0; i < dayNames.size(); ++i) {
        if (days & (1u << i))
            names.append(QString::fromUtf16(dayNames[i]));
    }
    return names.join(u',');
}

} // namespace Dialdeck
