#include "servecommand.h"

#include "carrieroptions.h"

#include "api/apiserver.h"
#include "core/logging.h"
#include "dialer/engine.h"
#include "dialer/enginethread.h"
#include "dialer/webhooklistener.h"
#include "exitcodes.h"
#include "servicecommands.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "webhookrunner.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostInfo>
#include <QHttpServer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

std::atomic<bool> stopRequested = false;

void onStopSignal(int)
{
    stopRequested = true;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::ServeCommand", text);
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

Result<QByteArray> readFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{u"invalid_argument"_s,
                     tr("Could not read the %1 %2: %3.").arg(what, path, file.errorString())};
    }
    return file.readAll();
}

// Starts the batches the store lists as running or queued: their engine
// stopped (a shutdown, a crash) without finishing them. Paused batches stay
// paused. A batch that another live engine has leased is left to that engine.
void resumeInterruptedBatches(const QString &storePath, Engine &engine)
{
    Result<Connection> connection =
        Connection::openSqlite(storePath, u"serve"_s, Connection::Mode::ReadOnly);
    if (!connection) {
        qCWarning(lcService).noquote()
            << "Could not look for batches to resume:" << connection.error().message;
        return;
    }
    Result<QList<Batch>> batches = BatchRepository(connection->database()).list();
    if (!batches) {
        qCWarning(lcService).noquote()
            << "Could not look for batches to resume:" << batches.error().message;
        return;
    }

    for (const Batch &batch : *batches) {
        if (batch.status != BatchStatus::Running && batch.status != BatchStatus::Queued)
            continue;
        StartRequest request;
        request.batchId = batch.id;
        engine.requestStart(request).then(qApp, [batchId = batch.id](const CommandResult &result) {
            if (result.ok())
                qCInfo(lcService) << "Resumed batch" << batchId << "session" << result.sessionId;
            else
                qCWarning(lcService).noquote()
                    << "Did not resume batch" << batchId << ":" << result.errorMessage;
        });
    }
}

} // namespace

int ServeCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Runs the dialing engine and the REST API (POST /api/call/start-calling and the "
           "endpoints beside it) until SIGINT or SIGTERM. Batches that were running when the "
           "store's last engine stopped are resumed."));
    parser.addOptions({
        {u"listen"_s,
         tr("Address and port of the REST API, HOST:PORT ([HOST]:PORT for IPv6); "
            "port 0 picks a free one."),
         u"ADDRESS"_s, u"127.0.0.1:8080"_s},
        {u"tls-cert"_s, tr("PEM certificate (chain) to serve HTTPS with; needs --tls-key."),
         u"FILE"_s},
        {u"tls-key"_s, tr("PEM private key (RSA or EC) of --tls-cert."), u"FILE"_s},
        {u"speed"_s,
         tr("Clock speed of the simulation: 1 is real time, 60 a minute per second, "
            "0 as fast as possible."),
         u"N"_s, u"1"_s},
        {u"start-at"_s,
         tr("Start the simulated clock at this instant (ISO 8601, e.g. "
            "2026-12-07T14:00:00Z)."),
         u"TIME"_s},
        {u"seed"_s, tr("Seed of the simulated carrier, for reproducible runs."), u"N"_s, u"1"_s},
    });
    // Without --webhook-listen, Plivo's callbacks arrive on the REST API's server.
    parser.addOptions(CarrierOptions::options());
    const QCommandLineOption help({u"h"_s, u"help"_s}, tr("Shows this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return ServiceCommands::fail(ExitCode::Usage, parser.errorText() + u"; see --help."_s);
    if (parser.isSet(help)) {
        QTextStream(stdout) << parser.helpText();
        return ExitCode::Ok;
    }
    if (!parser.positionalArguments().isEmpty()) {
        return ServiceCommands::fail(ExitCode::Usage,
                                     tr("serve takes no argument \"%1\"; see "
                                        "serve --help.")
                                         .arg(parser.positionalArguments().first()));
    }

    Result<ListenAddress> address = parseListen(parser.value(u"listen"_s));
    if (!address)
        return ServiceCommands::fail(ExitCode::InvalidInput, address.error().message);
    Result<EngineSettings> settings = engineSettings(parser);
    if (!settings)
        return ServiceCommands::fail(ExitCode::InvalidInput, settings.error().message);
    if (Result<void> carrier = CarrierOptions::apply(parser, settings.value()); !carrier)
        return ServiceCommands::fail(carrier.error());

    // Listening comes first, so that the callback URLs given to Plivo carry the real port.
    auto server = std::make_unique<QHttpServer>();
    if (Result<void> tls = setUpTls(parser, *server); !tls)
        return ServiceCommands::fail(ExitCode::InvalidInput, tls.error().message);
    const bool secure = parser.isSet(u"tls-cert"_s);
    if (!secure && !address->host.isLoopback()) {
        err() << tr("dialdeck-service: warning: the REST API listens on %1 without TLS, so API "
                    "tokens cross the network unencrypted; use --tls-cert and --tls-key outside "
                    "a trusted network.")
                     .arg(address->host.toString())
              << Qt::endl;
    }
    const quint16 port = server->listen(address->host, address->port);
    if (port == 0) {
        return ServiceCommands::fail(
            ExitCode::InvalidInput,
            tr("Could not listen on %1; is the port in use?").arg(parser.value(u"listen"_s)));
    }
    QString host = address->host.toString();
    if (address->host.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    const QString baseUrl = u"%1://%2:%3/"_s.arg(secure ? u"https"_s : u"http"_s, host).arg(port);

    WebhookListener callbacks(m_storePath);
    Result<std::optional<RelayClient::Settings>> relaySettings =
        CarrierOptions::relay(parser, m_storePath);
    if (!relaySettings)
        return ServiceCommands::fail(relaySettings.error());
    const bool plivo = settings->carrier == u"plivo";
    const bool viaRelay = plivo && relaySettings->has_value();
    const bool ownListener = plivo && !viaRelay && parser.isSet(u"webhook-listen"_s);
    if (ownListener) {
        if (Result<void> listening =
                callbacks.listen(CarrierOptions::webhookListen(parser), settings->plivo);
            !listening) {
            return ServiceCommands::fail(ExitCode::InvalidInput, listening.error().message);
        }
    } else if (plivo && !viaRelay && settings->plivo.publicUrl.isEmpty()) {
        settings->plivo.publicUrl = baseUrl;
    }
    if (plivo) {
        if (Result<void> valid = settings->plivo.validate(); !valid)
            return ServiceCommands::fail(ExitCode::InvalidInput, valid.error().message);
    }

    // Destroyed in reverse order: the server stops accepting requests, then
    // the API's store thread ends, then the engine shuts down on its thread.
    EngineThread thread(*settings);
    Engine *engine = thread.engine();
    ApiServer api(*engine, m_storePath);
    // Opened before the engine's thread starts, so the two never migrate the store at once.
    if (Result<void> opened = api.open(); !opened)
        return ServiceCommands::fail(opened.error());
    // Delivers the outbound progress webhooks that the engine writes.
    WebhookRunner webhooks(m_storePath, 0);
    if (Result<void> attached = webhooks.attach(engine); !attached)
        return ServiceCommands::fail(attached.error());

    api.registerRoutes(*server);
    std::unique_ptr<RelayClient> relay;
    if (viaRelay) {
        relay = std::make_unique<RelayClient>(**relaySettings, engine);
        QObject::connect(relay.get(), &RelayClient::failed, qApp, [](const QString &message) {
            QCoreApplication::exit(ServiceCommands::fail(ExitCode::InvalidInput, message));
        });
        // Plivo fetches every answer URL from the relay, so a batch started
        // while the relay is unreachable would have its answered calls hung up.
        api.setStartGate([&relay, url = (*relaySettings)->url]() -> std::optional<Error> {
            if (relay->isConnected())
                return std::nullopt;
            return Error{u"relay_unavailable"_s,
                         tr("The relay at %1 is not connected, so no call was dialed; start "
                            "dialdeck-relay or check --relay-url, then send the request again.")
                             .arg(url.toString())};
        });
        QTextStream(stdout) << "Receiving Plivo's callbacks through relay channel "
                            << settings->plivo.relayChannel << " (public URL "
                            << settings->plivo.publicUrl << ")" << Qt::endl;
    } else if (plivo) {
        callbacks.attach(engine, settings->plivo, ownListener ? nullptr : server.get());
        QTextStream(stdout) << "Receiving Plivo's callbacks at "
                            << (ownListener ? callbacks.localUrl() : baseUrl)
                            << "plivo/ (public URL " << settings->plivo.publicUrl << ")"
                            << Qt::endl;
    }

    int result = ExitCode::Ok;
    QObject::connect(engine, &Engine::openFailed, qApp, [&result](const QString &message) {
        result = ServiceCommands::fail(ExitCode::StoreFailed, message);
        QCoreApplication::exit(result);
    });
    QObject::connect(
        engine, &Engine::opened, qApp, [this, engine, address, port, secure, host, &relay] {
            resumeInterruptedBatches(m_storePath, *engine);
            // NOTE: events of attempts whose batch is not running here are passed
            // over; such attempts are looked up in Plivo when their batch runs again.
            if (relay)
                relay->start();
            QTextStream(stdout) << "dialdeck-service listening on " << (secure ? "https" : "http")
                                << "://" << host << ':' << port << Qt::endl;
            qCInfo(lcService) << "REST API listening on" << address->host.toString() << "port"
                              << port;
        });
    QObject::connect(engine, &Engine::operatorMessage, qApp, [](QtMsgType, const QString &text) {
        err() << "dialdeck-service: " << text << Qt::endl;
    });

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, qApp, [] {
        if (!stopRequested)
            return;
        qCInfo(lcService) << "Stopping on a signal; running batches resume with the next serve";
        QCoreApplication::exit(ExitCode::Ok);
    });
    stopPoll.start(100);

    thread.start();
    const int loopResult = QCoreApplication::exec();
    return loopResult != ExitCode::Ok ? loopResult : result;
}

Result<ServeCommand::ListenAddress> ServeCommand::parseListen(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);

    bool portOk = false;
    const uint port = text.mid(colon + 1).toUInt(&portOk);
    const QHostAddress address(host);
    if (colon <= 0 || !portOk || port > 65535 || address.isNull()) {
        return Error{u"invalid_argument"_s,
                     tr("The listen address \"%1\" is not HOST:PORT with an IP address and a "
                        "port from 0 to 65535, e.g. 127.0.0.1:8080 or [::1]:8080.")
                         .arg(text)};
    }
    return ListenAddress{address, quint16(port)};
}

Result<EngineSettings> ServeCommand::engineSettings(const QCommandLineParser &parser) const
{
    EngineSettings settings;
    settings.storePath = m_storePath;
    settings.ownerName = u"dialdeck-service-serve@%1:%2"_s.arg(QHostInfo::localHostName())
                             .arg(QCoreApplication::applicationPid());

    bool speedOk = false;
    bool seedOk = false;
    settings.clockSpeed = parser.value(u"speed"_s).toDouble(&speedOk);
    settings.simulation.seed = parser.value(u"seed"_s).toULongLong(&seedOk);
    if (!speedOk || settings.clockSpeed < 0) {
        return Error{
            u"invalid_argument"_s,
            tr("The speed \"%1\" is not a number of 0 or more.").arg(parser.value(u"speed"_s))};
    }
    if (!seedOk) {
        return Error{u"invalid_argument"_s,
                     tr("The seed \"%1\" is not a whole number.").arg(parser.value(u"seed"_s))};
    }
    if (parser.isSet(u"start-at"_s)) {
        const QDateTime startAt = QDateTime::fromString(parser.value(u"start-at"_s), Qt::ISODate);
        if (!startAt.isValid()) {
            return Error{u"invalid_argument"_s, tr("The start time \"%1\" is not ISO 8601; write "
                                                   "it as 2026-12-07T14:00:00Z.")
                                                    .arg(parser.value(u"start-at"_s))};
        }
        settings.clockStartMs = startAt.toMSecsSinceEpoch();
    }
    return settings;
}

Result<void> ServeCommand::setUpTls(const QCommandLineParser &parser, QHttpServer &server)
{
    const bool hasCert = parser.isSet(u"tls-cert"_s);
    const bool hasKey = parser.isSet(u"tls-key"_s);
    if (!hasCert && !hasKey)
        return {};
    if (hasCert != hasKey) {
        return Error{u"invalid_argument"_s, tr("--tls-cert and --tls-key go together; give "
                                               "both or neither.")};
    }

    Result<QByteArray> certificateText = readFile(parser.value(u"tls-cert"_s), tr("certificate"));
    if (!certificateText)
        return certificateText.error();
    Result<QByteArray> keyText = readFile(parser.value(u"tls-key"_s), tr("private key"));
    if (!keyText)
        return keyText.error();

    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificateText, QSsl::Pem);
    if (chain.isEmpty()) {
        return Error{u"invalid_argument"_s, tr("The certificate file %1 contains no PEM "
                                               "certificate.")
                                                .arg(parser.value(u"tls-cert"_s))};
    }
    QSslKey key(*keyText, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(*keyText, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        return Error{u"invalid_argument"_s, tr("The key file %1 contains no unencrypted PEM RSA or "
                                               "EC private key.")
                                                .arg(parser.value(u"tls-key"_s))};
    }

    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    server.sslSetup(configuration);
    return {};
}

} // namespace Dialdeck
