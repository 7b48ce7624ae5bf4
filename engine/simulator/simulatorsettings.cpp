#include "simulatorsettings.h"

#include <QCoreApplication>
#include <QHash>
#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>
#include <functional>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString trSettings(const char *text)
{
    return QCoreApplication::translate("Dialdeck::SimulatorSettings", text);
}

Error invalidOption(const QString &option, const QString &value, const QString &expected)
{
    return Error{u"invalid_argument"_s,
                 trSettings("Invalid value \"%1\" for --%2: %3").arg(value, option, expected)};
}

Result<double> parseNumber(const QString &option, const QString &value, double min, double max)
{
    bool ok = false;
    const double number = value.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(number) || number < min || number > max) {
        return invalidOption(option, value,
                             trSettings("give a number from %1 to %2.").arg(min).arg(max));
    }
    return number;
}

Result<int> parseInteger(const QString &option, const QString &value, int min, int max)
{
    bool ok = false;
    const int number = value.trimmed().toInt(&ok);
    if (!ok || number < min || number > max) {
        return invalidOption(option, value,
                             trSettings("give a whole number from %1 to %2.").arg(min).arg(max));
    }
    return number;
}

// "MIN-MAX" or a single value for both ends, in seconds.
Result<SecondsRange> parseRange(const QString &option, const QString &value)
{
    const QStringList parts = value.split(u'-');
    const QString expected = trSettings("give seconds as MIN-MAX, e.g. 3-20, or one number.");
    if (parts.size() > 2)
        return invalidOption(option, value, expected);

    bool minOk = false;
    bool maxOk = false;
    const double min = parts.first().trimmed().toDouble(&minOk);
    const double max = parts.size() == 2 ? parts.last().trimmed().toDouble(&maxOk) : min;
    if (parts.size() == 1)
        maxOk = minOk;
    if (!minOk || !maxOk || !std::isfinite(min) || !std::isfinite(max) || min < 0 || max < min)
        return invalidOption(option, value, expected);
    return SecondsRange{min, max};
}

Result<void> parseListen(SimulatorSettings &settings, const QString &value)
{
    const QString expected = trSettings("give ADDRESS:PORT, e.g. 127.0.0.1:8790 or [::1]:0.");
    const qsizetype colon = value.lastIndexOf(u':');
    if (colon <= 0)
        return invalidOption(u"listen"_s, value, expected);

    QString host = value.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    const QHostAddress address(host);
    bool portOk = false;
    const uint port = value.mid(colon + 1).toUInt(&portOk);
    if (address.isNull() || !portOk || port > 65535)
        return invalidOption(u"listen"_s, value, expected);

    settings.listenAddress = address;
    settings.listenPort = quint16(port);
    return {};
}

// "N/S": N requests per S seconds.
Result<void> parseRestLimit(SimulatorSettings &settings, const QString &value)
{
    const QStringList parts = value.split(u'/');
    const QString expected = trSettings("give REQUESTS/SECONDS, e.g. 300/5.");
    if (parts.size() != 2)
        return invalidOption(u"rest-limit"_s, value, expected);

    bool countOk = false;
    bool secondsOk = false;
    const int count = parts.first().trimmed().toInt(&countOk);
    const int seconds = parts.last().trimmed().toInt(&secondsOk);
    if (!countOk || !secondsOk || count < 1 || seconds < 1 || seconds > 3600)
        return invalidOption(u"rest-limit"_s, value, expected);

    settings.restLimit = count;
    settings.restWindowMs = seconds * 1000;
    return {};
}

Result<void> parseNumbers(SimulatorSettings &settings, const QString &value)
{
    static const QRegularExpression e164(u"^\\+[1-9][0-9]{6,14}$"_s);
    QStringList numbers;
    for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
        const QString number = part.trimmed();
        if (!e164.match(number).hasMatch()) {
            return invalidOption(u"numbers"_s, number,
                                 trSettings("give E.164 numbers separated by commas, e.g. "
                                            "+14155550100,+14155550101."));
        }
        numbers.append(number);
    }
    if (numbers.isEmpty())
        return invalidOption(u"numbers"_s, value, trSettings("give at least one number."));

    settings.numbers = numbers;
    return {};
}

Result<void> parseAuthId(SimulatorSettings &settings, const QString &value)
{
    // Plivo's SDKs accept 20 characters starting with MA (main account) or SA (subaccount).
    static const QRegularExpression shape(u"^(MA|SA)[A-Z0-9]{18}$"_s);
    if (!shape.match(value).hasMatch()) {
        return invalidOption(u"auth-id"_s, value,
                             trSettings("an Auth ID is 20 capital letters and digits starting "
                                        "with MA or SA."));
    }
    settings.authId = value;
    return {};
}

Result<void> parseTimeZone(SimulatorSettings &settings, const QString &value)
{
    if (!QTimeZone(value.toUtf8()).isValid()) {
        return invalidOption(u"timezone"_s, value,
                             trSettings("give an IANA time zone name such as UTC or "
                                        "America/New_York."));
    }
    settings.timeZone = value;
    return {};
}

using Applier = std::function<Result<void>(SimulatorSettings &, const QString &)>;

// Assigns a parsed value to a field when parsing succeeded.
template<typename T, typename Parse>
Applier assign(T SimulatorSettings::*field, Parse parse)
{
    return [field, parse](SimulatorSettings &settings, const QString &value) -> Result<void> {
        auto parsed = parse(value);
        if (!parsed)
            return parsed.error();
        settings.*field = T(parsed.value());
        return {};
    };
}

template<typename T, typename Parse>
Applier assignFault(T FaultSettings::*field, Parse parse)
{
    return [field, parse](SimulatorSettings &settings, const QString &value) -> Result<void> {
        auto parsed = parse(value);
        if (!parsed)
            return parsed.error();
        settings.faults.*field = T(parsed.value());
        return {};
    };
}

auto number(const QString &option, double min, double max)
{
    return [=](const QString &value) { return parseNumber(option, value, min, max); };
}

auto integer(const QString &option, int min, int max)
{
    return [=](const QString &value) { return parseInteger(option, value, min, max); };
}

auto range(const QString &option)
{
    return [=](const QString &value) { return parseRange(option, value); };
}

auto share(const QString &option)
{
    return number(option, 0.0, 1.0);
}

const QHash<QString, Applier> &appliers()
{
    static const QHash<QString, Applier> table = {
        {u"listen"_s, parseListen},
        {u"auth-id"_s, parseAuthId},
        {u"cps"_s, assign(&SimulatorSettings::callsPerSecond, number(u"cps"_s, 0.01, 10000))},
        {u"rest-limit"_s, parseRestLimit},
        {u"speed"_s, assign(&SimulatorSettings::speed, number(u"speed"_s, 0.01, 100000))},
        {u"seed"_s,
         [](SimulatorSettings &settings, const QString &value) -> Result<void> {
             bool ok = false;
             const quint64 seed = value.trimmed().toULongLong(&ok);
             if (!ok)
                 return invalidOption(u"seed"_s, value, trSettings("give a whole number >= 0."));
             settings.seed = seed;
             return {};
         }},
        {u"mix"_s, assign(&SimulatorSettings::mix, OutcomeMix::parse)},
        {u"setup-time"_s, assign(&SimulatorSettings::setupTime, range(u"setup-time"_s))},
        {u"ring-time"_s, assign(&SimulatorSettings::ringTime, range(u"ring-time"_s))},
        {u"no-answer-time"_s,
         assign(&SimulatorSettings::noAnswerTime, range(u"no-answer-time"_s))},
        {u"talk-time"_s, assign(&SimulatorSettings::talkTime, range(u"talk-time"_s))},
        {u"rate"_s, assign(&SimulatorSettings::ratePerMinute, number(u"rate"_s, 0.0, 100.0))},
        {u"billing-interval"_s,
         assign(&SimulatorSettings::billingIntervalSeconds,
                integer(u"billing-interval"_s, 1, 3600))},
        {u"cash-credits"_s,
         assign(&SimulatorSettings::cashCredits, number(u"cash-credits"_s, 0.0, 1e9))},
        {u"timezone"_s, parseTimeZone},
        {u"numbers"_s, parseNumbers},
        {u"journal"_s,
         [](SimulatorSettings &settings, const QString &value) -> Result<void> {
             settings.journalPath = value;
             return {};
         }},
        {u"callback-retries"_s,
         assign(&SimulatorSettings::callbackRetries, integer(u"callback-retries"_s, 0, 5))},
        {u"fault-drop-callbacks"_s,
         assignFault(&FaultSettings::dropCallbacks, share(u"fault-drop-callbacks"_s))},
        {u"fault-duplicate-callbacks"_s,
         assignFault(&FaultSettings::duplicateCallbacks, share(u"fault-duplicate-callbacks"_s))},
        {u"fault-reorder-callbacks"_s,
         assignFault(&FaultSettings::reorderCallbacks, share(u"fault-reorder-callbacks"_s))},
        {u"fault-delay-callbacks-ms"_s,
         assignFault(&FaultSettings::delayCallbacksMs,
                     integer(u"fault-delay-callbacks-ms"_s, 0, 600000))},
        {u"fault-500-after-place"_s,
         assignFault(&FaultSettings::error500AfterPlace, share(u"fault-500-after-place"_s))},
        {u"fault-stall"_s, assignFault(&FaultSettings::stall, share(u"fault-stall"_s))},
        {u"stall-ms"_s, assignFault(&FaultSettings::stallMs, integer(u"stall-ms"_s, 0, 600000))},
    };
    return table;
}

} // namespace

double OutcomeMix::total() const
{
    return answered + busy + noAnswer + failed + machine + rejected + timeout;
}

Result<OutcomeMix> OutcomeMix::parse(const QString &text)
{
    const QString expected = trSettings("give KEY=WEIGHT pairs separated by commas, with keys "
                                        "answered, busy, no-answer, failed, machine, rejected "
                                        "and timeout.");
    OutcomeMix mix{0, 0, 0, 0, 0, 0, 0};
    const QHash<QString, double OutcomeMix::*> fields = {
        {u"answered"_s, &OutcomeMix::answered}, {u"busy"_s, &OutcomeMix::busy},
        {u"no-answer"_s, &OutcomeMix::noAnswer}, {u"failed"_s, &OutcomeMix::failed},
        {u"machine"_s, &OutcomeMix::machine},   {u"rejected"_s, &OutcomeMix::rejected},
        {u"timeout"_s, &OutcomeMix::timeout},
    };

    for (const QString &pair : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(u'=');
        const QString key = pair.left(equals).trimmed();
        bool ok = false;
        const double weight = pair.mid(equals + 1).trimmed().toDouble(&ok);
        const auto field = fields.constFind(key);
        if (equals < 0 || field == fields.cend() || !ok || !std::isfinite(weight) || weight < 0)
            return invalidOption(u"mix"_s, pair, expected);
        mix.*(field.value()) = weight;
    }

    if (mix.total() <= 0)
        return invalidOption(u"mix"_s, text, trSettings("at least one weight must be above 0."));
    return mix;
}

Result<void> SimulatorSettings::apply(const QString &option, const QString &value)
{
    const auto applier = appliers().constFind(option);
    if (applier == appliers().cend()) {
        return Error{u"invalid_argument"_s,
                     trSettings("Unknown option --%1; see --help.").arg(option)};
    }
    return applier.value()(*this, value);
}

QStringList SimulatorSettings::optionNames()
{
    QStringList names = appliers().keys();
    names.sort();
    return names;
}

Result<void> SimulatorSettings::validate() const
{
    if (authToken.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     trSettings("No Auth Token: give --auth-token-file FILE or set "
                                "DIALDECK_SIM_AUTH_TOKEN.")};
    }
    if (mix.total() <= 0) {
        return Error{u"invalid_argument"_s,
                     trSettings("The outcome mix has no weight above 0; set --mix.")};
    }
    if (!QTimeZone(timeZone.toUtf8()).isValid()) {
        return Error{u"invalid_argument"_s,
                     trSettings("Unknown time zone \"%1\"; set --timezone to an IANA name.")
                         .arg(timeZone)};
    }
    if (callsPerSecond <= 0 || speed <= 0 || restLimit < 1 || restWindowMs < 1) {
        return Error{u"invalid_argument"_s,
                     trSettings("--cps, --speed and --rest-limit must be above 0.")};
    }
    return {};
}

} // namespace Dialdeck
