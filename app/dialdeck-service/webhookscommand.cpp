#include "webhookscommand.h"

#include "core/ids.h"
#include "exitcodes.h"
#include "servicecommands.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/webhookdeliveryrepository.h"
#include "store/webhookendpointrepository.h"
#include "webhooks/webhookendpointcheck.h"
#include "webhooks/webhooksecretstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>
#include <QUrl>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Default of `webhooks deliveries --limit`: the number of rows printed.
constexpr int DefaultDeliveryLimit = 50;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::WebhooksCommand", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString isoTime(qint64 ms)
{
    if (ms < 0)
        return u"-"_s;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString deliveryState(const WebhookDelivery &delivery)
{
    if (delivery.isDelivered())
        return u"delivered"_s;
    return delivery.hasFailed() ? u"failed"_s : u"pending"_s;
}

} // namespace

int WebhooksCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Manages the endpoints that receive outbound progress webhooks.\n"
           "  webhooks add --url URL --secret-file FILE [--batch ID]\n"
           "  webhooks list\n"
           "  webhooks remove|enable|disable ENDPOINT_ID\n"
           "  webhooks deliveries [--failed] [--limit N]\n"
           "  webhooks retry [ENDPOINT_ID]   make failed deliveries due now\n"
           "Deliveries are sent while the engine runs (start, serve or the console)."));
    parser.addPositionalArgument(u"ACTION"_s, tr("add, list, remove, enable, disable, deliveries "
                                                 "or retry."));
    parser.addOptions({
        {u"url"_s, tr("For add: the http or https URL the events are POSTed to."), u"URL"_s},
        {u"secret-file"_s, tr("For add: a file only you can read (chmod 600) holding the signing "
                              "secret, at least 16 bytes."),
         u"FILE"_s},
        {u"batch"_s, tr("For add: send only this batch's events (default: every batch)."),
         u"ID"_s},
        {u"failed"_s, tr("For deliveries: list only deliveries whose last try failed.")},
        {u"limit"_s, tr("For deliveries: the number of newest deliveries to list."), u"N"_s,
         QString::number(DefaultDeliveryLimit)},
    });
    const QCommandLineOption help({u"h"_s, u"help"_s}, tr("Shows this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return ServiceCommands::fail(ExitCode::Usage, parser.errorText() + u"; see --help."_s);
    if (parser.isSet(help)) {
        out() << parser.helpText();
        return ExitCode::Ok;
    }

    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const QStringList needsId = {u"remove"_s, u"enable"_s, u"disable"_s};
    const QStringList known = needsId + QStringList{u"add"_s, u"list"_s, u"deliveries"_s, u"retry"_s};
    if (!known.contains(action)) {
        return ServiceCommands::fail(ExitCode::Usage,
                                     tr("Unknown webhooks action \"%1\"; use add, list, remove, "
                                        "enable, disable, deliveries or retry.")
                                         .arg(action));
    }
    if (needsId.contains(action) && positional.size() < 2) {
        return ServiceCommands::fail(ExitCode::Usage,
                                     tr("Name the endpoint: webhooks %1 ENDPOINT_ID.").arg(action));
    }

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"webhooks"_s);
    if (!connection)
        return ServiceCommands::fail(connection.error());

    if (action == u"add")
        return add(parser, *connection);
    if (action == u"list")
        return list(*connection);
    if (action == u"remove")
        return remove(positional.at(1), *connection);
    if (action == u"enable" || action == u"disable")
        return setEnabled(positional.at(1), action == u"enable", *connection);
    if (action == u"deliveries")
        return deliveries(parser, *connection);
    return retry(positional.value(1), *connection);
}

int WebhooksCommand::add(const QCommandLineParser &parser, const Connection &connection)
{
    if (!parser.isSet(u"url"_s) || !parser.isSet(u"secret-file"_s)) {
        return ServiceCommands::fail(ExitCode::Usage,
                                     tr("webhooks add needs --url URL and --secret-file FILE."));
    }

    const QString url = parser.value(u"url"_s);
    if (const std::optional<QString> problem = WebhookEndpointCheck::urlProblem(url))
        return ServiceCommands::fail(ExitCode::InvalidInput, *problem);
    if (WebhookEndpointCheck::isUnencryptedRemote(QUrl(url))) {
        err() << tr("dialdeck-service: warning: %1 uses plain http, so the events (with the "
                    "numbers called) cross the network unencrypted; use https outside a trusted "
                    "network.")
                     .arg(url)
              << Qt::endl;
    }

    const QString secretFile = parser.value(u"secret-file"_s);
    if (Result<QByteArray> secret = WebhookSecretStore::readFile(secretFile); !secret)
        return ServiceCommands::fail(secret.error());

    const QString batchId = parser.value(u"batch"_s);
    if (parser.isSet(u"batch"_s)) {
        if (!Ids::isValid(batchId)) {
            return ServiceCommands::fail(ExitCode::InvalidInput,
                                         tr("The batch id \"%1\" is not 24 lowercase hexadecimal "
                                            "digits.")
                                             .arg(batchId));
        }
        Result<std::optional<Batch>> batch = BatchRepository(connection.database()).find(batchId);
        if (!batch)
            return ServiceCommands::fail(batch.error());
        if (!batch->has_value()) {
            return ServiceCommands::fail(ExitCode::NotFound,
                                         tr("Batch %1 does not exist.").arg(batchId));
        }
    }

    WebhookEndpoint endpoint;
    endpoint.id = Ids::generate();
    endpoint.batchId = batchId;
    endpoint.url = url;
    endpoint.secretLocation = WebhookSecretStore::fileLocation(secretFile);
    endpoint.createdAt = QDateTime::currentDateTimeUtc();
    if (Result<void> saved = WebhookEndpointRepository(connection.database()).insert(endpoint);
        !saved) {
        return ServiceCommands::fail(saved.error());
    }

    out() << endpoint.id << Qt::endl;
    return ExitCode::Ok;
}

int WebhooksCommand::list(const Connection &connection)
{
    Result<QList<WebhookEndpointSummary>> endpoints
        = WebhookEndpointRepository(connection.database()).list();
    if (!endpoints)
        return ServiceCommands::fail(endpoints.error());

    if (endpoints->isEmpty()) {
        out() << tr("No webhook endpoints; add one with \"webhooks add --url URL --secret-file "
                    "FILE\".")
              << Qt::endl;
        return ExitCode::Ok;
    }
    out() << "id\tstate\tbatch\turl\tpending\tfailed\tdelivered\tsecret" << Qt::endl;
    for (const WebhookEndpointSummary &summary : std::as_const(*endpoints)) {
        const WebhookEndpoint &endpoint = summary.endpoint;
        out() << endpoint.id << '\t' << (endpoint.enabled ? "enabled" : "disabled") << '\t'
              << (endpoint.batchId.isEmpty() ? u"all"_s : endpoint.batchId) << '\t'
              << endpoint.url << '\t' << summary.pending << '\t' << summary.failed << '\t'
              << summary.delivered << '\t' << endpoint.secretLocation << Qt::endl;
    }
    return ExitCode::Ok;
}

int WebhooksCommand::remove(const QString &id, const Connection &connection)
{
    Result<qint64> dropped = WebhookEndpointRepository(connection.database()).remove(id);
    if (!dropped)
        return ServiceCommands::fail(dropped.error());

    out() << tr("Removed webhook endpoint %1; %2 undelivered events to it were dropped.")
                 .arg(id)
                 .arg(*dropped)
          << Qt::endl;
    return ExitCode::Ok;
}

int WebhooksCommand::setEnabled(const QString &id, bool enabled, const Connection &connection)
{
    if (Result<void> saved = WebhookEndpointRepository(connection.database()).setEnabled(id, enabled);
        !saved) {
        return ServiceCommands::fail(saved.error());
    }

    out() << (enabled ? tr("Webhook endpoint %1 is enabled.")
                      : tr("Webhook endpoint %1 is disabled; it gets no new events, and its "
                           "pending deliveries wait until it is enabled again."))
                 .arg(id)
          << Qt::endl;
    return ExitCode::Ok;
}

int WebhooksCommand::deliveries(const QCommandLineParser &parser, const Connection &connection)
{
    bool limitOk = false;
    const int limit = parser.value(u"limit"_s).toInt(&limitOk);
    if (!limitOk || limit < 1) {
        return ServiceCommands::fail(ExitCode::InvalidInput,
                                     tr("The limit \"%1\" is not a whole number of 1 or more.")
                                         .arg(parser.value(u"limit"_s)));
    }

    const auto filter = parser.isSet(u"failed"_s) ? WebhookDeliveryRepository::Filter::Failed
                                                  : WebhookDeliveryRepository::Filter::All;
    Result<QList<WebhookDelivery>> rows = WebhookDeliveryRepository(connection.database())
                                              .list(filter, limit);
    if (!rows)
        return ServiceCommands::fail(rows.error());

    out() << "id\tendpoint\tbatch\tsequence\tevent\tstate\ttries\tlast_status\tnext_try\t"
             "delivered_at\tlast_error"
          << Qt::endl;
    for (const WebhookDelivery &row : std::as_const(*rows)) {
        out() << row.id << '\t' << row.endpointId << '\t' << row.batchId << '\t' << row.sequence
              << '\t' << row.kind << '\t' << deliveryState(row) << '\t' << row.attemptCount << '\t'
              << (row.lastStatus ? QString::number(*row.lastStatus) : u"-"_s) << '\t'
              << (row.isDelivered() ? u"-"_s : isoTime(row.nextAttemptAtMs)) << '\t'
              << isoTime(row.deliveredAtMs) << '\t' << row.lastError << Qt::endl;
    }
    return ExitCode::Ok;
}

int WebhooksCommand::retry(const QString &id, const Connection &connection)
{
    if (!id.isEmpty()) {
        Result<std::optional<WebhookEndpoint>> endpoint
            = WebhookEndpointRepository(connection.database()).find(id);
        if (!endpoint)
            return ServiceCommands::fail(endpoint.error());
        if (!endpoint->has_value()) {
            return ServiceCommands::fail(ExitCode::NotFound,
                                         tr("Webhook endpoint %1 does not exist; list them with "
                                            "\"webhooks list\".")
                                             .arg(id));
        }
    }

    Result<qint64> changed = WebhookDeliveryRepository(connection.database())
                                 .retryFailedNow(id, QDateTime::currentMSecsSinceEpoch());
    if (!changed)
        return ServiceCommands::fail(changed.error());

    out() << tr("%1 failed deliveries are due now; a running engine sends them within a few "
                "seconds.")
                 .arg(*changed)
          << Qt::endl;
    return ExitCode::Ok;
}

} // namespace Dialdeck
