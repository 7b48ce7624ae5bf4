#include "carrier/plivosettings.h"
#include "simulator/plivosimulator.h"
#include "simulator/simulatorsettings.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

enum ExitCode
{
    Ok = 0,
    Usage = 1,
    CannotStart = 3,
};

QString trMain(const char *text)
{
    return QCoreApplication::translate("main", text);
}

struct OptionHelp
{
    const char *name;
    const char *valueName;
    const char *description;
};

// Every option that SimulatorSettings::apply() takes, with its help text.
const OptionHelp settingOptions[] = {
    {"listen", "ADDRESS:PORT",
     QT_TRANSLATE_NOOP("main", "Address to listen on (default 127.0.0.1:8790); port 0 picks a "
                               "free port.")},
    {"auth-id", "ID",
     QT_TRANSLATE_NOOP("main", "The simulated account's Auth ID (default MADIALDECKSIMULATOR0).")},
    {"cps", "N",
     QT_TRANSLATE_NOOP("main", "Calls dialed per second (default 2); more are queued.")},
    {"rest-limit", "N/SECONDS",
     QT_TRANSLATE_NOOP("main", "REST requests allowed per window before HTTP 429 (default "
                               "300/5).")},
    {"speed", "N",
     QT_TRANSLATE_NOOP("main", "Simulated seconds per real second for call play-out (default "
                               "1; 60 plays a minute per second).")},
    {"seed", "N", QT_TRANSLATE_NOOP("main", "Seed of every random draw (default 1).")},
    {"mix", "KEY=WEIGHT,...",
     QT_TRANSLATE_NOOP("main", "Outcome weights (default answered=60,busy=10,no-answer=15,"
                               "failed=5,machine=10; also rejected, timeout).")},
    {"setup-time", "MIN-MAX",
     QT_TRANSLATE_NOOP("main", "Seconds from dial to ringing (default 1-3).")},
    {"ring-time", "MIN-MAX",
     QT_TRANSLATE_NOOP("main", "Seconds of ringing before an answer (default 3-20).")},
    {"no-answer-time", "MIN-MAX",
     QT_TRANSLATE_NOOP("main", "Seconds of ringing before the network gives up (default "
                               "30-60).")},
    {"talk-time", "MIN-MAX",
     QT_TRANSLATE_NOOP("main", "Seconds from answer to hangup (default 10-120).")},
    {"rate", "USD",
     QT_TRANSLATE_NOOP("main", "Price per minute in US dollars (default 0.0085).")},
    {"billing-interval", "SECONDS",
     QT_TRANSLATE_NOOP("main", "Calls are charged per started interval (default 60).")},
    {"cash-credits", "USD",
     QT_TRANSLATE_NOOP("main", "The account's starting balance in US dollars (default 100).")},
    {"timezone", "ZONE",
     QT_TRANSLATE_NOOP("main", "IANA time zone of CDR and hangup times (default UTC).")},
    {"numbers", "+1...,+1...",
     QT_TRANSLATE_NOOP("main", "The account's numbers in E.164 (default +14155550100 to "
                               "+14155550109).")},
    {"journal", "FILE",
     QT_TRANSLATE_NOOP("main", "Append a JSON line per placed call and per outcome to FILE.")},
    {"callback-retries", "N",
     QT_TRANSLATE_NOOP("main", "Retries of a callback that fails to connect or times out "
                               "(default 1, at most 5).")},
    {"fault-drop-callbacks", "SHARE",
     QT_TRANSLATE_NOOP("main", "Share (0-1) of ring, machine and hangup callbacks never sent.")},
    {"fault-duplicate-callbacks", "SHARE",
     QT_TRANSLATE_NOOP("main", "Share (0-1) of those callbacks sent twice.")},
    {"fault-reorder-callbacks", "SHARE",
     QT_TRANSLATE_NOOP("main", "Share (0-1) of calls whose ring and machine callbacks follow "
                               "the hangup callback.")},
    {"fault-delay-callbacks-ms", "MS",
     QT_TRANSLATE_NOOP("main", "Delay each of those callbacks by a random 0 to MS "
                               "milliseconds.")},
    {"fault-500-after-place", "SHARE",
     QT_TRANSLATE_NOOP("main", "Share (0-1) of create requests that place the call but answer "
                               "HTTP 500.")},
    {"fault-stall", "SHARE",
     QT_TRANSLATE_NOOP("main", "Share (0-1) of create requests that place the call but answer "
                               "only after --stall-ms.")},
    {"stall-ms", "MS",
     QT_TRANSLATE_NOOP("main", "How long a stalled create request waits (default 8000).")},
};

int fail(int code, const QString &message)
{
    QTextStream(stderr) << "dialdeck-sim: " << message << '\n';
    return code;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"dialdeck-sim"_s);
    QCoreApplication::setApplicationVersion(u"" DIALDECK_VERSION ""_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        trMain("A Plivo-compatible Voice API simulator: place calls with Plivo's REST API and "
               "receive signed callbacks, without a Plivo account.\n"
               "The Auth Token comes from --auth-token-file or DIALDECK_SIM_AUTH_TOKEN."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption tokenFile(
        u"auth-token-file"_s,
        trMain("File that holds the Auth Token on its first line; only its owner may read it."),
        u"FILE"_s);
    parser.addOption(tokenFile);
    for (const OptionHelp &option : settingOptions) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(option.name),
                                            trMain(option.description),
                                            QString::fromLatin1(option.valueName)));
    }
    if (!parser.parse(app.arguments()))
        return fail(Usage, parser.errorText());
    if (parser.isSet(u"help"_s))
        parser.showHelp(Ok);
    if (parser.isSet(u"version"_s))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty()) {
        return fail(Usage, trMain("Unexpected argument %1; see --help.")
                               .arg(parser.positionalArguments().first()));
    }

    SimulatorSettings settings;
    for (const OptionHelp &option : settingOptions) {
        const QString name = QString::fromLatin1(option.name);
        if (!parser.isSet(name))
            continue;
        const Result<void> applied = settings.apply(name, parser.value(name));
        if (!applied)
            return fail(Usage, applied.error().message);
    }

    if (parser.isSet(tokenFile)) {
        const Result<QByteArray> token = PlivoSettings::readTokenFile(parser.value(tokenFile));
        if (!token)
            return fail(Usage, token.error().message);
        settings.authToken = token.value();
    } else {
        settings.authToken = qgetenv("DIALDECK_SIM_AUTH_TOKEN").trimmed();
    }
    const Result<void> valid = settings.validate();
    if (!valid)
        return fail(Usage, valid.error().message);

    PlivoSimulator simulator(settings);
    const Result<quint16> started = simulator.start();
    if (!started)
        return fail(CannotStart, started.error().message);

    // Scripts and tests read the port from this one line.
    std::fprintf(stdout, "dialdeck-sim listening on %s\n",
                 simulator.baseUrl().toString().toUtf8().constData());
    std::fflush(stdout);
    return app.exec();
}
