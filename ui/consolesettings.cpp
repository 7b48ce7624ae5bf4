#include "consolesettings.h"

#include "relay/relayclient.h"
#include "relay/relayhealthcheck.h"

#include <QCoreApplication>
#include <QSettings>

namespace Dialdeck {

using namespace Qt::StringLiterals;

ConsoleSettings ConsoleSettings::load()
{
    QSettings settings;
    ConsoleSettings loaded;
    BatchConfig &defaults = loaded.newBatchDefaults;

    loaded.carrier = settings.value(u"carrier/name"_s, loaded.carrier).toString();
    loaded.simulationSeed = settings.value(u"carrier/seed"_s, loaded.simulationSeed).toULongLong();
    loaded.clockSpeed = settings.value(u"carrier/clockSpeed"_s, loaded.clockSpeed).toDouble();
    loaded.storePath = settings.value(u"store/path"_s).toString();
    loaded.plivoBaseUrl = settings.value(u"plivo/baseUrl"_s).toString();
    loaded.plivoAuthId = settings.value(u"plivo/authId"_s).toString();
    loaded.plivoListen = settings.value(u"plivo/listen"_s, loaded.plivoListen).toString();
    loaded.plivoPublicUrl = settings.value(u"plivo/publicUrl"_s).toString();
    loaded.plivoMachineDetection = settings.value(u"plivo/machineDetection"_s).toString();
    loaded.plivoCallbacks = settings.value(u"plivo/callbacks"_s, loaded.plivoCallbacks).toString();
    loaded.relayUrl = settings.value(u"relay/url"_s).toString();

    settings.beginGroup(u"newBatch"_s);
    const QTime start = QTime::fromString(settings.value(u"windowStart"_s).toString(), u"HH:mm");
    const QTime end = QTime::fromString(settings.value(u"windowEnd"_s).toString(), u"HH:mm");
    if (start.isValid())
        defaults.windowStart = start;
    if (end.isValid())
        defaults.windowEnd = end;
    if (Result<quint8> days = BatchConfig::parseDays(settings.value(u"days"_s).toString());
        days && *days != 0) {
        defaults.allowedDays = *days;
    }
    defaults.defaultRegion = settings.value(u"region"_s, defaults.defaultRegion).toString();
    defaults.defaultTimeZone = settings.value(u"timeZone"_s, QString::fromUtf8(defaults.defaultTimeZone))
                                   .toString()
                                   .toUtf8();
    defaults.maxCallsPerSecond = settings.value(u"callsPerSecond"_s, defaults.maxCallsPerSecond).toDouble();
    defaults.maxConcurrentCalls = settings.value(u"concurrentCalls"_s, defaults.maxConcurrentCalls).toInt();
    settings.endGroup();

    return loaded;
}

void ConsoleSettings::save() const
{
    QSettings settings;
    settings.setValue(u"carrier/name"_s, carrier);
    settings.setValue(u"carrier/seed"_s, simulationSeed);
    settings.setValue(u"carrier/clockSpeed"_s, clockSpeed);
    settings.setValue(u"store/path"_s, storePath);
    settings.setValue(u"plivo/baseUrl"_s, plivoBaseUrl);
    settings.setValue(u"plivo/authId"_s, plivoAuthId);
    settings.setValue(u"plivo/listen"_s, plivoListen);
    settings.setValue(u"plivo/publicUrl"_s, plivoPublicUrl);
    settings.setValue(u"plivo/machineDetection"_s, plivoMachineDetection);
    settings.setValue(u"plivo/callbacks"_s, plivoCallbacks);
    settings.setValue(u"relay/url"_s, relayUrl);

    settings.beginGroup(u"newBatch"_s);
    settings.setValue(u"windowStart"_s, newBatchDefaults.windowStart.toString(u"HH:mm"));
    settings.setValue(u"windowEnd"_s, newBatchDefaults.windowEnd.toString(u"HH:mm"));
    settings.setValue(u"days"_s, BatchConfig::daysToString(newBatchDefaults.allowedDays));
    settings.setValue(u"region"_s, newBatchDefaults.defaultRegion);
    settings.setValue(u"timeZone"_s, QString::fromUtf8(newBatchDefaults.defaultTimeZone));
    settings.setValue(u"callsPerSecond"_s, newBatchDefaults.maxCallsPerSecond);
    settings.setValue(u"concurrentCalls"_s, newBatchDefaults.maxConcurrentCalls);
    settings.endGroup();
}

PlivoSettings ConsoleSettings::plivoSettings(const QByteArray &authToken) const
{
    PlivoSettings plivo;
    if (!plivoBaseUrl.isEmpty())
        plivo.baseUrl = QUrl(plivoBaseUrl);
    plivo.authId = plivoAuthId;
    plivo.authToken = authToken;
    plivo.publicUrl = plivoPublicUrl;
    plivo.machineDetection = plivoMachineDetection;
    if (usesRelay()) {
        plivo.publicUrl = relayPublicUrl();
        plivo.relayChannel = RelayClient::channelOf(QUrl(relayUrl));
    }
    return plivo;
}

bool ConsoleSettings::usesRelay() const
{
    return carrier == u"plivo" && plivoCallbacks == u"relay";
}

QString ConsoleSettings::relayPublicUrl() const
{
    if (!plivoPublicUrl.isEmpty() || !relayUrlProblem(relayUrl).isEmpty())
        return plivoPublicUrl;

    // The relay prints its WebSocket URL as <public URL>ws/<channel>.
    return RelayHealthCheck::baseUrlOf(QUrl(relayUrl)).toString();
}

QString ConsoleSettings::relayUrlProblem(const QString &url)
{
    if (RelayClient::isChannelUrl(QUrl(url)))
        return {};
    return QCoreApplication::translate("Dialdeck::ConsoleSettings",
                                       "The relay URL \"%1\" is not a ws:// or wss:// URL ending "
                                       "in /ws/ and the channel; copy the WebSocket URL that "
                                       "\"dialdeck-relay channel add\" printed, e.g. "
                                       "wss://relay.example.com/ws/office.")
        .arg(url);
}

void ConsoleSettings::applyDefaultsTo(BatchConfig &config) const
{
    config.windowStart = newBatchDefaults.windowStart;
    config.windowEnd = newBatchDefaults.windowEnd;
    config.allowedDays = newBatchDefaults.allowedDays;
    config.defaultRegion = newBatchDefaults.defaultRegion;
    config.defaultTimeZone = newBatchDefaults.defaultTimeZone;
    config.maxCallsPerSecond = newBatchDefaults.maxCallsPerSecond;
    config.maxConcurrentCalls = newBatchDefaults.maxConcurrentCalls;
}

} // namespace Dialdeck
