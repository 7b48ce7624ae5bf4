#include "carrieroptions.h"

#include "carrier/plivosettings.h"
#include "dialer/enginesettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::CarrierOptions", text);
}

// A mistake on the command line itself, which exits with the usage code.
Error usageError(const QString &message)
{
    return Error{u"usage"_s, message};
}

} // namespace

QList<QCommandLineOption> CarrierOptions::options()
{
    return {
        {u"carrier"_s,
         tr("The carrier to dial through: simulated (in this process) or plivo (Plivo's Voice "
            "API, or a Plivo-compatible service such as dialdeck-sim with --plivo-url)."),
         u"NAME"_s, u"simulated"_s},
        {u"plivo-url"_s, tr("Base URL of Plivo's API (default https://api.plivo.com)."),
         u"URL"_s, u"https://api.plivo.com"_s},
        {u"plivo-auth-id"_s,
         tr("The Plivo Auth ID (default: the DIALDECK_PLIVO_AUTH_ID environment variable)."),
         u"ID"_s},
        {u"plivo-token-file"_s,
         tr("A file, readable only by you, holding the Plivo Auth Token (default: the "
            "DIALDECK_PLIVO_AUTH_TOKEN environment variable)."),
         u"FILE"_s},
        {u"webhook-listen"_s,
         tr("Address and port at which Plivo's callbacks are received (default 127.0.0.1:0, "
            "a free port)."),
         u"ADDR:PORT"_s, u"127.0.0.1:0"_s},
        {u"public-url"_s,
         tr("The URL at which Plivo reaches the callback listener, as Plivo calls it (behind "
            "a proxy: the proxy's scheme, host and port). Default: the listener's own address."),
         u"URL"_s},
        {u"relay-url"_s,
         tr("Receive Plivo's callbacks through dialdeck-relay: the channel's WebSocket URL, "
            "e.g. wss://relay.example.com/ws/office. --public-url is then the relay's public "
            "URL."),
         u"URL"_s},
        {u"relay-token-file"_s,
         tr("A file, readable only by you, holding the relay channel's client token."),
         u"FILE"_s},
        {u"machine-detection"_s, tr("Plivo's answering-machine detection: off, true or hangup."),
         u"MODE"_s, u"off"_s},
        {u"reconcile-after"_s,
         tr("Seconds after which a call without a final callback is looked up in Plivo's "
            "live, queued and completed calls (default: the ring timeout plus 30)."),
         u"SECONDS"_s},
    };
}

QString CarrierOptions::webhookListen(const QCommandLineParser &parser)
{
    return parser.value(u"webhook-listen"_s);
}

Result<std::optional<RelayClient::Settings>> CarrierOptions::relay(
    const QCommandLineParser &parser, const QString &storePath)
{
    if (!parser.isSet(u"relay-url"_s))
        return std::optional<RelayClient::Settings>();

    const QUrl url(parser.value(u"relay-url"_s));
    if (!RelayClient::isChannelUrl(url)) {
        return usageError(tr("The relay URL \"%1\" is not a ws:// or wss:// URL ending in /ws/ "
                             "and the channel; copy the URL \"dialdeck-relay channel add\" "
                             "printed, e.g. wss://relay.example.com/ws/office.")
                              .arg(parser.value(u"relay-url"_s)));
    }
    if (!parser.isSet(u"relay-token-file"_s)) {
        return usageError(tr("--relay-url needs --relay-token-file: a file, readable only by "
                             "you, with the token \"dialdeck-relay channel add\" printed."));
    }
    Result<QByteArray> token = PlivoSettings::readTokenFile(parser.value(u"relay-token-file"_s));
    if (!token)
        return token.error();

    RelayClient::Settings settings;
    settings.url = url;
    settings.token = *token;
    settings.storePath = storePath;
    return std::optional<RelayClient::Settings>(settings);
}

QList<QCommandLineOption> CarrierOptions::apiAccessOptions()
{
    QList<QCommandLineOption> access;
    for (const QCommandLineOption &option : options()) {
        const QString name = option.names().constFirst();
        if (name == u"plivo-url" || name == u"plivo-auth-id" || name == u"plivo-token-file")
            access.append(option);
    }
    return access;
}

Result<PlivoSettings> CarrierOptions::apiAccess(const QCommandLineParser &parser)
{
    PlivoSettings plivo;
    plivo.baseUrl = QUrl(parser.value(u"plivo-url"_s));
    plivo.authId = parser.isSet(u"plivo-auth-id"_s)
                       ? parser.value(u"plivo-auth-id"_s)
                       : qEnvironmentVariable("DIALDECK_PLIVO_AUTH_ID");
    if (parser.isSet(u"plivo-token-file"_s)) {
        Result<QByteArray> token = PlivoSettings::readTokenFile(parser.value(u"plivo-token-file"_s));
        if (!token)
            return token.error();
        plivo.authToken = *token;
    } else {
        plivo.authToken = qgetenv("DIALDECK_PLIVO_AUTH_TOKEN").trimmed();
    }
    return plivo;
}

Result<void> CarrierOptions::apply(const QCommandLineParser &parser, EngineSettings &settings)
{
    const QString carrier = parser.value(u"carrier"_s);
    if (carrier == u"simulated") {
        settings.carrier = carrier;
        return {};
    }
    if (carrier != u"plivo") {
        return usageError(tr("The carrier \"%1\" does not exist; use simulated or plivo.")
                              .arg(carrier));
    }

    Result<PlivoSettings> access = apiAccess(parser);
    if (!access)
        return access.error();

    PlivoSettings plivo = *access;
    plivo.publicUrl = parser.value(u"public-url"_s);
    if (parser.isSet(u"relay-url"_s)) {
        plivo.relayChannel = RelayClient::channelOf(QUrl(parser.value(u"relay-url"_s)));
        if (plivo.publicUrl.isEmpty()) {
            return usageError(tr("--relay-url needs --public-url: the relay's public URL that "
                                 "Plivo calls, e.g. https://relay.example.com/."));
        }
    }

    const QString detection = parser.value(u"machine-detection"_s);
    plivo.machineDetection = detection == u"off" ? QString() : detection;

    if (parser.isSet(u"reconcile-after"_s)) {
        bool ok = false;
        const double seconds = parser.value(u"reconcile-after"_s).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 86400) {
            return usageError(tr("The look-up delay \"%1\" is not a number of seconds from 0 to "
                                 "86400.")
                                  .arg(parser.value(u"reconcile-after"_s)));
        }
        plivo.reconcileAfterMs = int(seconds * 1000);
    }

    settings.carrier = carrier;
    settings.plivo = plivo;
    return {};
}

} // namespace Dialdeck
