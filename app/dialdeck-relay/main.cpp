#include "carrier/plivosettings.h"
#include "core/answeraction.h"
#include "relay/relayconfig.h"
#include "relay/relayserver.h"
#include "relay/relaystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QTextStream>
#include <QUrl>

#include <csignal>
#include <cstdio>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

enum ExitCode
{
    Ok = 0,
    Usage = 1,
    InvalidInput = 2,
    CannotStart = 3,
};

QString trMain(const char *text)
{
    return QCoreApplication::translate("main", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

int fail(int code, const QString &message)
{
    QTextStream(stderr) << "dialdeck-relay: " << message << Qt::endl;
    return code;
}

// Command-line options and the configuration keys they set.
struct SettingOption
{
    const char *name;
    const char *key;
    const char *valueName;
    const char *description;
};

const SettingOption settingOptions[] = {
    {"listen", "listen", "ADDR:PORT",
     QT_TRANSLATE_NOOP("main", "Address and port to listen on (default 127.0.0.1:8089); port 0 "
                               "picks a free port.")},
    {"public-url", "publicUrl", "URL",
     QT_TRANSLATE_NOOP("main", "The address Plivo calls, as Plivo calls it; behind a reverse "
                               "proxy the proxy's https address.")},
    {"database", "database", "FILE", QT_TRANSLATE_NOOP("main", "The SQLite event log.")},
    {"tls-cert", "tlsCertificate", "FILE",
     QT_TRANSLATE_NOOP("main", "PEM certificate; with --tls-key serves HTTPS and WSS.")},
    {"tls-key", "tlsKey", "FILE", QT_TRANSLATE_NOOP("main", "PEM private key, unencrypted.")},
    {"retention-days", "retentionDays", "DAYS",
     QT_TRANSLATE_NOOP("main", "Days an event is kept (default 7).")},
    {"retention-events", "retentionEvents", "N",
     QT_TRANSLATE_NOOP("main", "Events kept per channel at most (default 1000000).")},
    {"intake-rate", "intakeRatePerSecond", "N",
     QT_TRANSLATE_NOOP("main", "Callbacks per second allowed from one address (default 100).")},
    {"intake-burst", "intakeBurst", "N",
     QT_TRANSLATE_NOOP("main", "Callbacks one address may send at once (default 500).")},
    {"max-connections", "maxConnectionsPerToken", "N",
     QT_TRANSLATE_NOOP("main", "WebSocket connections per channel token (default 4).")},
    {"window", "window", "N",
     QT_TRANSLATE_NOOP("main", "Unacknowledged events per connection (default 256).")},
};

void addSettingOptions(QCommandLineParser &parser)
{
    parser.addOption({u"config"_s,
                      trMain("A JSON (*.json) or INI file with the settings below; options "
                             "given here override it."),
                      u"FILE"_s});
    for (const SettingOption &option : settingOptions) {
        parser.addOption({QString::fromLatin1(option.name), trMain(option.description),
                          QString::fromLatin1(option.valueName)});
    }
}

Result<RelayConfig> loadConfig(const QCommandLineParser &parser)
{
    RelayConfig config;
    if (parser.isSet(u"config"_s)) {
        Result<RelayConfig> loaded = RelayConfig::load(parser.value(u"config"_s));
        if (!loaded)
            return loaded;
        config = *loaded;
    }
    for (const SettingOption &option : settingOptions) {
        const QString name = QString::fromLatin1(option.name);
        if (!parser.isSet(name))
            continue;
        if (Result<void> set = config.set(QString::fromLatin1(option.key), parser.value(name));
            !set)
            return set.error();
    }
    if (Result<void> valid = config.validate(); !valid)
        return valid.error();
    return config;
}

QString webSocketUrl(const RelayConfig &config, const QString &channel)
{
    QUrl url(config.publicUrl);
    url.setScheme(url.scheme() == u"https" ? u"wss"_s : u"ws"_s);
    QString base = url.toString();
    if (!base.endsWith(u'/'))
        base += u'/';
    return base + u"ws/"_s + channel;
}

Result<AnswerAction> answerFrom(const QCommandLineParser &parser)
{
    AnswerAction action;
    int given = 0;
    if (parser.isSet(u"answer-speak"_s)) {
        action.kind = AnswerKind::Speak;
        action.text = parser.value(u"answer-speak"_s);
        ++given;
    }
    if (parser.isSet(u"answer-play"_s)) {
        action.kind = AnswerKind::Play;
        action.url = parser.value(u"answer-play"_s);
        ++given;
    }
    if (parser.isSet(u"answer-redirect"_s)) {
        action.kind = AnswerKind::Redirect;
        action.url = parser.value(u"answer-redirect"_s);
        ++given;
    }
    if (given > 1) {
        return Error{u"invalid_argument"_s,
                     trMain("Give only one of --answer-speak, --answer-play and "
                            "--answer-redirect.")};
    }
    if (const QList<ConfigProblem> problems = action.validate(); !problems.isEmpty())
        return Error{u"invalid_argument"_s, problems.first().message};
    return action;
}

int runChannelAdd(const RelayConfig &config, RelayStore &store, const QCommandLineParser &parser,
                  const QString &name)
{
    if (!parser.isSet(u"auth-token-file"_s)) {
        return fail(Usage, trMain("Give the Plivo Auth Token's file with --auth-token-file "
                                  "FILE (readable only by its owner)."));
    }
    const QString tokenFile = QFileInfo(parser.value(u"auth-token-file"_s)).absoluteFilePath();
    if (Result<QByteArray> token = PlivoSettings::readTokenFile(tokenFile); !token)
        return fail(InvalidInput, token.error().message);
    Result<AnswerAction> answer = answerFrom(parser);
    if (!answer)
        return fail(InvalidInput, answer.error().message);

    Result<QString> clientToken =
        store.addChannel(name, tokenFile, *answer, QDateTime::currentMSecsSinceEpoch());
    if (!clientToken)
        return fail(InvalidInput, clientToken.error().message);

    QString base = config.publicUrl;
    if (!base.endsWith(u'/'))
        base += u'/';
    out() << trMain("Channel %1 created.").arg(name) << Qt::endl
          << trMain("Client token (shown only now; store it in an owner-only file):") << Qt::endl
          << *clientToken << Qt::endl
          << trMain("WebSocket URL for the console: %1").arg(webSocketUrl(config, name))
          << Qt::endl
          << trMain("Plivo callback URLs:") << Qt::endl;
    for (const char *kind : {"answer", "fallback", "ring", "hangup", "machine"})
        out() << u"  %1plivo/%2/%3"_s.arg(base, name, QString::fromLatin1(kind)) << Qt::endl;
    out() << trMain("For dialdeck-service: --public-url %1 --relay-url %2 --relay-token-file FILE")
                 .arg(base, webSocketUrl(config, name))
          << Qt::endl;
    return Ok;
}

int runChannelList(RelayStore &store)
{
    Result<QList<RelayChannel>> channels = store.channels();
    if (!channels)
        return fail(CannotStart, channels.error().message);
    for (const RelayChannel &channel : std::as_const(*channels)) {
        out() << channel.name << '\t' << toString(channel.answer.kind) << '\t'
              << trMain("last seq %1").arg(channel.lastSeq) << '\t' << channel.authTokenFile
              << Qt::endl;
    }
    return Ok;
}

int runChannel(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        trMain("Manages relay channels: add NAME, list, set-answer NAME."));
    parser.addHelpOption();
    parser.addPositionalArgument(u"ACTION"_s, trMain("add, list or set-answer"));
    parser.addPositionalArgument(u"NAME"_s, trMain("The channel (letters, digits, - and _)."));
    addSettingOptions(parser);
    parser.addOptions({
        {u"auth-token-file"_s,
         trMain("A file, readable only by you, holding the Plivo Auth Token; the relay keeps "
                "its path, never the token."),
         u"FILE"_s},
        {u"answer-speak"_s, trMain("Answer calls by speaking TEXT (the default action)."),
         u"TEXT"_s},
        {u"answer-play"_s, trMain("Answer calls by playing the audio file at URL."), u"URL"_s},
        {u"answer-redirect"_s, trMain("Answer calls with the Plivo XML that URL returns."),
         u"URL"_s},
    });
    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(u"help"_s)) {
        out() << parser.helpText();
        return Ok;
    }

    const QStringList positional = parser.positionalArguments().mid(1);
    const QString action = positional.value(0);
    Result<RelayConfig> config = loadConfig(parser);
    if (!config)
        return fail(Usage, config.error().message);
    Result<std::unique_ptr<RelayStore>> store = RelayStore::open(config->databasePath);
    if (!store)
        return fail(CannotStart, store.error().message);

    if (action == u"list")
        return runChannelList(**store);
    if (positional.size() != 2)
        return fail(Usage, trMain("Give the channel: dialdeck-relay channel %1 NAME.").arg(action));
    if (action == u"add")
        return runChannelAdd(*config, **store, parser, positional.at(1));
    if (action == u"set-answer") {
        Result<AnswerAction> answer = answerFrom(parser);
        if (!answer)
            return fail(InvalidInput, answer.error().message);
        if (Result<void> set = (*store)->setAnswer(positional.at(1), *answer); !set)
            return fail(InvalidInput, set.error().message);
        return Ok;
    }
    return fail(Usage, trMain("The channel action \"%1\" is unknown; use add, list or set-answer.")
                           .arg(action));
}

int runServe(QCoreApplication &app, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        trMain("Receives Plivo's signed callbacks, stores each durably and streams them to "
               "consoles over WebSockets that resume without loss or repetition."));
    parser.addHelpOption();
    parser.addVersionOption();
    addSettingOptions(parser);
    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(u"help"_s)) {
        out() << parser.helpText()
              << trMain("\nCommands:\n  serve            run the relay (the default)\n"
                        "  channel add NAME --auth-token-file FILE   create a channel\n"
                        "  channel list     list channels\n")
              << Qt::endl;
        return Ok;
    }
    if (parser.isSet(u"version"_s)) {
        out() << "dialdeck-relay " << DIALDECK_VERSION << Qt::endl;
        return Ok;
    }

    Result<RelayConfig> config = loadConfig(parser);
    if (!config)
        return fail(Usage, config.error().message);
    Result<std::unique_ptr<RelayStore>> store = RelayStore::open(config->databasePath);
    if (!store)
        return fail(CannotStart, store.error().message);

    RelayServer server(*config, **store);
    Result<quint16> port = server.start();
    if (!port)
        return fail(CannotStart, port.error().message);

    RelayConfig bound = *config;
    bound.port = *port;
    const QString scheme = config->tlsCertificateFile.isEmpty() ? u"http"_s : u"https"_s;
    out() << trMain("dialdeck-relay listening at %1://%2/ (public URL %3)")
                 .arg(scheme, bound.listenText(), config->publicUrl)
          << Qt::endl;

    // SIGTERM (systemd stop) and SIGINT end the event loop, so the log closes cleanly.
    std::signal(SIGTERM, [](int) { QCoreApplication::quit(); });
    std::signal(SIGINT, [](int) { QCoreApplication::quit(); });
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"dialdeck-relay"_s);
    QCoreApplication::setApplicationVersion(QString::fromLatin1(DIALDECK_VERSION));

    QStringList arguments = app.arguments();
    const QString command = arguments.value(1);
    if (command == u"channel")
        return runChannel(arguments);
    if (command == u"serve")
        arguments.removeAt(1);
    return runServe(app, arguments);
}
