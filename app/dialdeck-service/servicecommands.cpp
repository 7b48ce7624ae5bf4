#include "servicecommands.h"

#include "carrieroptions.h"

#include "core/ids.h"
#include "core/logging.h"
#include "dialer/engine.h"
#include "dialer/enginethread.h"
#include "dialer/progressreader.h"
#include "dialer/webhooklistener.h"
#include "exitcodes.h"
#include "followprinter.h"
#include "import/importer.h"
#include "import/phonenormaliser.h"
#include "plivocommand.h"
#include "relay/relayhealthcheck.h"
#include "report/csvreportwriter.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"
#include "webhookrunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHostInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>
#include <QTimeZone>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

std::atomic<bool> interruptRequested = false;

void onInterrupt(int)
{
    interruptRequested = true;
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

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::ServiceCommands", text);
}

Result<QHash<QString, QString>> parseMapping(const QString &text)
{
    QHash<QString, QString> mapping;
    for (const QString &pair : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(u'=');
        if (equals <= 0 || equals == pair.size() - 1) {
            return Error{u"invalid_argument"_s,
                         tr("The mapping \"%1\" is not field=column; write, for example, "
                            "--map phone=Mobile,name=Full Name.")
                             .arg(pair)};
        }
        mapping.insert(pair.left(equals).trimmed(), pair.mid(equals + 1).trimmed());
    }
    return mapping;
}

// Reads batch settings in the JSON form of BatchConfig::toJson(); absent fields keep their defaults.
Result<BatchConfig> configFromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{u"invalid_argument"_s, tr("Could not read the batch settings file %1: %2.")
                                                .arg(path, file.errorString())};
    }
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!json.isObject()) {
        return Error{u"invalid_argument"_s,
                     tr("The batch settings file %1 is not a JSON object: %2.")
                         .arg(path, parseError.error == QJsonParseError::NoError
                                        ? tr("it holds another JSON value")
                                        : parseError.errorString())};
    }
    return BatchConfig::fromJson(json.object());
}

Result<BatchConfig> configFromOptions(const QCommandLineParser &parser)
{
    BatchConfig config;
    if (parser.isSet(u"settings"_s)) {
        Result<BatchConfig> fromFile = configFromFile(parser.value(u"settings"_s));
        if (!fromFile)
            return fromFile.error();
        config = *fromFile;
    }
    if (parser.isSet(u"region"_s))
        config.defaultRegion = parser.value(u"region"_s).toUpper();
    if (parser.isSet(u"timezone"_s))
        config.defaultTimeZone = parser.value(u"timezone"_s).toUtf8();
    if (parser.isSet(u"window"_s)) {
        Result<std::pair<QTime, QTime>> window = BatchConfig::parseWindow(parser.value(u"window"_s));
        if (!window)
            return window.error();
        config.windowStart = window->first;
        config.windowEnd = window->second;
    }
    if (parser.isSet(u"days"_s)) {
        Result<quint8> days = BatchConfig::parseDays(parser.value(u"days"_s));
        if (!days)
            return days.error();
        config.allowedDays = *days;
    }

    const QList<ConfigProblem> problems = config.validate();
    if (!problems.isEmpty())
        return Error{u"invalid_argument"_s, problems.first().message};
    return config;
}

Error rejectsWriteError(const QSaveFile &file)
{
    return Error{u"invalid_argument"_s, tr("Could not write the rejected rows to %1: %2.")
                                            .arg(file.fileName(), file.errorString())};
}

// Opens the rejects file before the import runs, so an unwritable path fails before a batch
// exists and a re-run cannot create a second batch. QSaveFile drops the file unless committed.
Result<void> openRejects(QSaveFile &file)
{
    if (!file.open(QIODevice::WriteOnly))
        return rejectsWriteError(file);
    return {};
}

Result<void> writeRejects(QSaveFile &file, const QList<RejectedRow> &rejected)
{
    auto quote = [](QString value) -> QString {
        value.replace(u'"', u"\"\""_s);
        return u'"' + value + u'"';
    };
    QTextStream stream(&file);
    stream << "line,value,reason_code,reason\r\n";
    for (const RejectedRow &row : rejected) {
        stream << row.line << ',' << quote(row.value) << ',' << row.reasonCode << ','
               << quote(row.reason) << "\r\n";
    }
    stream.flush();
    if (!file.commit())
        return rejectsWriteError(file);
    return {};
}

// The user --owner names, or the local operator without it.
Result<User> importOwner(QSqlDatabase db, const QString &ownerId)
{
    UserRepository users(db);
    if (ownerId.isEmpty())
        return users.ensureLocalOperator();

    Result<std::optional<User>> owner = users.find(ownerId);
    if (!owner)
        return owner.error();
    if (!owner->has_value()) {
        return Error{u"not_found"_s, tr("User %1 does not exist; list the users with \"users "
                                        "list\".")
                                         .arg(ownerId)};
    }
    return owner->value();
}

Result<void> checkPhonesExist(QSqlDatabase db, const QStringList &phoneIds)
{
    PhoneRepository phones(db);
    for (const QString &id : phoneIds) {
        Result<std::optional<Phone>> phone = phones.find(id);
        if (!phone)
            return phone.error();
        if (!phone->has_value()) {
            return Error{u"not_found"_s, tr("Caller number %1 does not exist; list them with "
                                            "\"phones list\".")
                                             .arg(id)};
        }
    }
    return {};
}

void printImportSummary(const ImportSummary &summary, const QString &name)
{
    out() << summary.batchId << Qt::endl;
    out() << tr("Imported %1 calls into batch \"%2\" from %3 rows (%4).")
                 .arg(summary.imported)
                 .arg(name)
                 .arg(summary.totalRows)
                 .arg(displayName(summary.format))
          << Qt::endl;
    if (summary.rejected.isEmpty())
        return;

    out() << tr("Rejected %1 rows:").arg(summary.rejected.size()) << Qt::endl;
    QStringList reasons = summary.rejectedByReason.keys();
    reasons.sort();
    for (const QString &reason : reasons)
        out() << "  " << reason << ": " << summary.rejectedByReason.value(reason) << Qt::endl;

    const int shown = int(std::min<qsizetype>(summary.rejected.size(), 10));
    for (int i = 0; i < shown; ++i) {
        const RejectedRow &row = summary.rejected[i];
        out() << tr("  line %1: \"%2\": %3").arg(row.line).arg(row.value, row.reason) << Qt::endl;
    }
    if (summary.rejected.size() > shown) {
        out() << tr("  … and %1 more; write them all with --rejects FILE.")
                     .arg(summary.rejected.size() - shown)
              << Qt::endl;
    }
}

} // namespace

int ServiceCommands::exitCodeFor(const QString &errorCode)
{
    if (errorCode == u"usage")
        return ExitCode::Usage;
    if (errorCode == u"invalid_argument")
        return ExitCode::InvalidInput;
    if (errorCode == u"not_found")
        return ExitCode::NotFound;
    if (errorCode == u"conflict" || errorCode == u"unprocessable" || errorCode == u"forbidden")
        return ExitCode::Rejected;
    if (errorCode.startsWith(u"store") || errorCode.startsWith(u"schema"))
        return ExitCode::StoreFailed;
    return ExitCode::InvalidInput;
}

int ServiceCommands::fail(const Error &error)
{
    return fail(exitCodeFor(error.code), error.message);
}

int ServiceCommands::fail(int exitCode, const QString &message)
{
    err() << "dialdeck-service: " << message << Qt::endl;
    return exitCode;
}

bool ServiceCommands::parse(QCommandLineParser &parser, const QStringList &arguments,
                            int minPositional, int &exitCode)
{
    const QCommandLineOption help({u"h"_s, u"help"_s}, tr("Shows this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        exitCode = fail(ExitCode::Usage, parser.errorText() + u"; see --help."_s);
        return false;
    }
    if (parser.isSet(help)) {
        out() << parser.helpText();
        exitCode = ExitCode::Ok;
        return false;
    }
    if (parser.positionalArguments().size() < minPositional) {
        exitCode = fail(ExitCode::Usage, tr("Missing argument; see %1 --help.")
                                             .arg(arguments.value(0)));
        return false;
    }
    return true;
}

int ServiceCommands::runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Imports a contact list (CSV, Google Contacts, VICIdial "
                                        "lead file) into a new batch and prints its id."));
    parser.addPositionalArgument(u"FILE"_s, tr("The contact list to import."));
    parser.addOptions({
        {u"name"_s, tr("Name of the new batch (default: the file name)."), u"NAME"_s},
        {u"batch-id"_s, tr("Id of the new batch: 24 lowercase hexadecimal digits."), u"ID"_s},
        {u"region"_s, tr("Default country (ISO 3166 code, e.g. US) for numbers without one."),
         u"CC"_s},
        {u"map"_s, tr("Columns to use, as field=column pairs; fields: phone, name, firstName, "
                      "lastName, country, timeZone."),
         u"PAIRS"_s},
        {u"timezone"_s, tr("Default IANA time zone when a number's zone is unknown."), u"ZONE"_s},
        {u"window"_s, tr("Calling window in each callee's local time, HH:MM-HH:MM."), u"WINDOW"_s},
        {u"days"_s, tr("Allowed weekdays, e.g. mon,tue,wed,thu,fri."), u"DAYS"_s},
        {u"format"_s, tr("Force the file format: delimited, google_contacts or vicidial."),
         u"FORMAT"_s},
        {u"rejects"_s, tr("Write every rejected row with its reason to this CSV file."), u"FILE"_s},
        {u"owner"_s, tr("Id of the user who owns the batch (default: the local operator)."),
         u"USER_ID"_s},
        {u"phones"_s, tr("Caller number ids the batch rotates through, comma separated."),
         u"IDS"_s},
        {u"settings"_s, tr("A JSON file of batch settings, for example {\"maxCallsPerSecond\": "
                           "5, \"maxConcurrentCalls\": 20, \"retry\": {\"busy\": "
                           "{\"maxAttempts\": 2, \"delaySeconds\": 60}}}; the options above "
                           "override it."),
         u"FILE"_s},
    });
    int exitCode = ExitCode::Ok;
    if (!parse(parser, arguments, 1, exitCode))
        return exitCode;

    Result<BatchConfig> config = configFromOptions(parser);
    if (!config)
        return fail(config.error());
    Result<QHash<QString, QString>> mapping = parseMapping(parser.value(u"map"_s));
    if (!mapping)
        return fail(mapping.error());

    ImportOptions options;
    options.filePath = parser.positionalArguments().first();
    options.batchId = parser.value(u"batch-id"_s);
    options.batchName = parser.value(u"name"_s);
    if (options.batchName.isEmpty())
        options.batchName = QFileInfo(options.filePath).completeBaseName();
    options.config = *config;
    options.mapping = *mapping;
    if (parser.isSet(u"format"_s)) {
        options.format = contactFormatFromString(parser.value(u"format"_s));
        if (!options.format) {
            return fail(ExitCode::Usage, tr("The format \"%1\" is unknown; use delimited, "
                                            "google_contacts or vicidial.")
                                             .arg(parser.value(u"format"_s)));
        }
    }
    if (!options.batchId.isEmpty() && !Ids::isValid(options.batchId)) {
        return fail(ExitCode::InvalidInput, tr("The batch id \"%1\" is not 24 lowercase "
                                               "hexadecimal digits.")
                                                .arg(options.batchId));
    }

    QSaveFile rejectsFile(parser.value(u"rejects"_s));
    if (parser.isSet(u"rejects"_s)) {
        if (Result<void> opened = openRejects(rejectsFile); !opened)
            return fail(opened.error());
    }

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"import"_s);
    if (!connection)
        return fail(connection.error());
    Result<User> owner = importOwner(connection->database(), parser.value(u"owner"_s));
    if (!owner)
        return fail(owner.error());
    options.ownerUserId = owner->id;
    options.phoneIds = parser.value(u"phones"_s).split(u',', Qt::SkipEmptyParts);
    if (Result<void> known = checkPhonesExist(connection->database(), options.phoneIds); !known)
        return fail(known.error());

    Result<ImportSummary> summary = Importer::run(connection->database(), options, {});
    if (!summary)
        return fail(summary.error());

    printImportSummary(*summary, options.batchName);
    if (parser.isSet(u"rejects"_s)) {
        if (Result<void> written = writeRejects(rejectsFile, summary->rejected); !written)
            return fail(written.error());
    }
    return ExitCode::Ok;
}

int ServiceCommands::runPhones(const QStringList &arguments)
{
    // import-plivo takes the Plivo options instead of the ones below.
    if (arguments.value(1) == u"import-plivo")
        return PlivoCommand(m_storePath).runImportNumbers(arguments);

    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Adds or lists the caller numbers the dialer rotates "
                                        "through.\n  phones add NUMBER [options]\n  phones list"
                                        "\n  phones import-plivo [options] (see its --help)"));
    parser.addPositionalArgument(u"ACTION"_s, tr("add or list."));
    parser.addPositionalArgument(u"NUMBER"_s, tr("For add: the number, in E.164 (+12125550100)."));
    parser.addOptions({
        {u"id"_s, tr("Id of the new number: 24 lowercase hexadecimal digits."), u"ID"_s},
        {u"label"_s, tr("A label for the number, e.g. \"NYC main\"."), u"TEXT"_s},
        {u"daily-cap"_s, tr("Calls per UTC day from this number; 0 means no cap."), u"N"_s,
         u"0"_s},
        {u"cooldown"_s, tr("Seconds the number rests after each call."), u"SECONDS"_s, u"0"_s},
    });
    int exitCode = ExitCode::Ok;
    if (!parse(parser, arguments, 1, exitCode))
        return exitCode;

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"phones"_s);
    if (!connection)
        return fail(connection.error());
    PhoneRepository phones(connection->database());

    const QString action = parser.positionalArguments().first();
    if (action == u"list") {
        Result<QList<Phone>> list = phones.list();
        if (!list)
            return fail(list.error());
        for (const Phone &phone : *list) {
            out() << phone.id << '\t' << phone.e164 << '\t' << (phone.enabled ? "enabled" : "disabled")
                  << '\t' << phone.dailyCap << '\t' << phone.cooldownSeconds << '\t' << phone.label
                  << Qt::endl;
        }
        return ExitCode::Ok;
    }
    if (action != u"add" || parser.positionalArguments().size() < 2)
        return fail(ExitCode::Usage, tr("Use \"phones add NUMBER\" or \"phones list\"."));

    const QString number = parser.positionalArguments().at(1);
    if (!number.startsWith(u'+')) {
        return fail(ExitCode::InvalidInput, tr("The caller number \"%1\" is not in E.164 form; "
                                               "write it with + and the country code, e.g. "
                                               "+12125550100.")
                                                .arg(number));
    }
    Result<NormalisedPhone> normalised = PhoneNormaliser().normalise(number, u"US"_s);
    if (!normalised) {
        return fail(ExitCode::InvalidInput, tr("The caller number \"%1\" is not valid: %2")
                                                .arg(number, normalised.error().message));
    }

    bool capOk = false;
    bool cooldownOk = false;
    Phone phone;
    phone.id = parser.isSet(u"id"_s) ? parser.value(u"id"_s) : Ids::generate();
    phone.e164 = normalised->e164;
    phone.label = parser.value(u"label"_s);
    phone.dailyCap = parser.value(u"daily-cap"_s).toInt(&capOk);
    phone.cooldownSeconds = parser.value(u"cooldown"_s).toInt(&cooldownOk);
    phone.createdAt = QDateTime::currentDateTimeUtc();
    if (!Ids::isValid(phone.id)) {
        return fail(ExitCode::InvalidInput, tr("The id \"%1\" is not 24 lowercase hexadecimal "
                                               "digits.")
                                                .arg(phone.id));
    }
    if (!capOk || phone.dailyCap < 0 || !cooldownOk || phone.cooldownSeconds < 0) {
        return fail(ExitCode::InvalidInput, tr("--daily-cap and --cooldown take whole numbers of "
                                               "0 or more."));
    }

    Result<std::optional<Phone>> existing = phones.findByE164(phone.e164);
    if (!existing)
        return fail(existing.error());
    if (existing->has_value()) {
        return fail(ExitCode::Rejected, tr("The caller number %1 already exists with id %2.")
                                            .arg(phone.e164, existing->value().id));
    }
    if (Result<void> saved = phones.insert(phone); !saved)
        return fail(saved.error());

    out() << phone.id << Qt::endl;
    return ExitCode::Ok;
}

int ServiceCommands::runStatus(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Prints the progress of a batch."));
    parser.addPositionalArgument(u"BATCH_ID"_s, tr("The batch."));
    parser.addOption({u"json"_s, tr("Print the progress as JSON.")});
    int exitCode = ExitCode::Ok;
    if (!parse(parser, arguments, 1, exitCode))
        return exitCode;

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"status"_s,
                                                           Connection::Mode::ReadOnly);
    if (!connection)
        return fail(connection.error());

    const QString batchId = parser.positionalArguments().first();
    Result<BatchProgress> progress = ProgressReader::read(connection->database(), batchId,
                                                          QDateTime::currentMSecsSinceEpoch());
    if (!progress)
        return fail(progress.error());

    if (parser.isSet(u"json"_s))
        out() << QJsonDocument(progress->toJson()).toJson(QJsonDocument::Indented);
    else
        out() << FollowPrinter::describe(*progress);
    return ExitCode::Ok;
}

int ServiceCommands::runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Writes the call report of a batch."));
    parser.addPositionalArgument(u"BATCH_ID"_s, tr("The batch."));
    parser.addOptions({
        {u"format"_s, tr("Report format; csv is the one available."), u"FORMAT"_s, u"csv"_s},
        {u"output"_s, tr("The file to write."), u"FILE"_s},
        {u"attempts"_s, tr("One row per attempt, with the rule that allowed it, instead of one "
                           "row per call.")},
    });
    int exitCode = ExitCode::Ok;
    if (!parse(parser, arguments, 1, exitCode))
        return exitCode;
    if (parser.value(u"format"_s) != u"csv") {
        return fail(ExitCode::Usage, tr("The report format \"%1\" is not available; use csv.")
                                         .arg(parser.value(u"format"_s)));
    }
    if (!parser.isSet(u"output"_s))
        return fail(ExitCode::Usage, tr("Name the report file with --output FILE."));

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"export"_s,
                                                           Connection::Mode::ReadOnly);
    if (!connection)
        return fail(connection.error());

    ReportOptions options;
    options.batchId = parser.positionalArguments().first();
    options.kind = parser.isSet(u"attempts"_s) ? ReportKind::Attempts : ReportKind::Calls;
    options.outputPath = parser.value(u"output"_s);
    Result<qint64> rows = CsvReportWriter::write(connection->database(), options);
    if (!rows)
        return fail(rows.error());

    out() << tr("Wrote %1 rows to %2.").arg(*rows).arg(options.outputPath) << Qt::endl;
    return ExitCode::Ok;
}

int ServiceCommands::runStart(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Starts calling a batch and runs it in this process until it ends, is paused by a "
           "store failure, or Ctrl+C stops this process (the batch then resumes with the next "
           "start)."));
    parser.addPositionalArgument(u"BATCH_ID"_s, tr("The batch to start."));
    parser.addOptions({
        {u"phones"_s, tr("Caller number ids to rotate through, comma separated (default: the "
                         "batch's own)."),
         u"IDS"_s},
        {u"speed"_s, tr("Clock speed of the simulation: 1 is real time, 60 a minute per second, "
                        "0 as fast as possible."),
         u"N"_s, u"1"_s},
        {u"start-at"_s, tr("Start the simulated clock at this instant (ISO 8601, e.g. "
                           "2026-12-07T14:00:00Z)."),
         u"TIME"_s},
        {u"seed"_s, tr("Seed of the simulated carrier, for reproducible runs."), u"N"_s, u"1"_s},
        {u"session-id"_s, tr("A UUID that tags this run in attempts and reports."), u"UUID"_s},
        {u"follow"_s, tr("Print progress until the batch ends.")},
        {u"webhook-wait"_s, tr("Seconds to wait, once the batch ends, for its webhook "
                               "deliveries; undelivered ones are sent by the next run."),
         u"SECONDS"_s, QString::number(WebhookRunner::DefaultFinishWaitSeconds)},
    });
    parser.addOptions(CarrierOptions::options());
    int exitCode = ExitCode::Ok;
    if (!parse(parser, arguments, 1, exitCode))
        return exitCode;

    EngineSettings settings;
    settings.storePath = m_storePath;
    if (Result<void> carrier = CarrierOptions::apply(parser, settings); !carrier)
        return fail(carrier.error());
    // Plivo's callbacks need a listener before the engine opens, so that the
    // callback URLs it gives Plivo carry the listener's real port.
    WebhookListener callbacks(m_storePath);
    Result<std::optional<RelayClient::Settings>> relaySettings =
        CarrierOptions::relay(parser, m_storePath);
    if (!relaySettings)
        return fail(relaySettings.error());
    if (settings.carrier == u"plivo" && relaySettings->has_value()) {
        if (Result<void> valid = settings.plivo.validate(); !valid)
            return fail(ExitCode::InvalidInput, valid.error().message);
        out() << tr("Receiving Plivo's callbacks through relay channel %1 (public URL %2)")
                     .arg(settings.plivo.relayChannel, settings.plivo.publicUrl)
              << Qt::endl;
    } else if (settings.carrier == u"plivo") {
        if (Result<void> listening
            = callbacks.listen(CarrierOptions::webhookListen(parser), settings.plivo);
            !listening) {
            return fail(ExitCode::InvalidInput, listening.error().message);
        }
        if (Result<void> valid = settings.plivo.validate(); !valid)
            return fail(ExitCode::InvalidInput, valid.error().message);
        out() << tr("Receiving Plivo's callbacks at %1 (public URL %2)")
                     .arg(callbacks.localUrl(), settings.plivo.publicUrl)
              << Qt::endl;
    }
    settings.ownerName = u"dialdeck-service@%1:%2"_s.arg(QHostInfo::localHostName())
                             .arg(QCoreApplication::applicationPid());
    bool speedOk = false;
    bool seedOk = false;
    settings.clockSpeed = parser.value(u"speed"_s).toDouble(&speedOk);
    settings.simulation.seed = parser.value(u"seed"_s).toULongLong(&seedOk);
    if (!speedOk || settings.clockSpeed < 0) {
        return fail(ExitCode::InvalidInput, tr("The speed \"%1\" is not a number of 0 or more.")
                                                .arg(parser.value(u"speed"_s)));
    }
    if (!seedOk) {
        return fail(ExitCode::InvalidInput, tr("The seed \"%1\" is not a whole number.")
                                                .arg(parser.value(u"seed"_s)));
    }
    if (parser.isSet(u"start-at"_s)) {
        const QDateTime startAt = QDateTime::fromString(parser.value(u"start-at"_s), Qt::ISODate);
        if (!startAt.isValid()) {
            return fail(ExitCode::InvalidInput, tr("The start time \"%1\" is not ISO 8601; write "
                                                   "it as 2026-12-07T14:00:00Z.")
                                                    .arg(parser.value(u"start-at"_s)));
        }
        settings.clockStartMs = startAt.toMSecsSinceEpoch();
    }

    StartRequest request;
    request.batchId = parser.positionalArguments().first();
    request.sessionId = parser.value(u"session-id"_s);
    if (parser.isSet(u"phones"_s))
        request.phoneIds = parser.value(u"phones"_s).split(u',', Qt::SkipEmptyParts);

    EngineThread thread(settings);
    Engine *engine = thread.engine();
    std::unique_ptr<RelayClient> relay;
    if (settings.carrier == u"plivo" && relaySettings->has_value()) {
        relay = std::make_unique<RelayClient>(**relaySettings, engine);
        QObject::connect(relay.get(), &RelayClient::failed, qApp, [](const QString &message) {
            QCoreApplication::exit(fail(ExitCode::InvalidInput, message));
        });
    } else if (settings.carrier == u"plivo") {
        callbacks.attach(engine, settings.plivo);
    }
    bool webhookWaitOk = false;
    const int webhookWait = parser.value(u"webhook-wait"_s).toInt(&webhookWaitOk);
    if (!webhookWaitOk || webhookWait < 0 || webhookWait > 3600) {
        return fail(ExitCode::InvalidInput, tr("The webhook wait \"%1\" is not a whole number "
                                               "of seconds from 0 to 3600.")
                                                .arg(parser.value(u"webhook-wait"_s)));
    }
    // Attached before the engine's thread starts, so the two never migrate the store at once.
    WebhookRunner webhooks(m_storePath, webhookWait * 1000);
    if (Result<void> attached = webhooks.attach(engine); !attached)
        return fail(attached.error());
    FollowPrinter printer(request.batchId, parser.isSet(u"follow"_s));
    QFutureWatcher<CommandResult> startWatcher;
    QTimer interruptPoll;
    int result = ExitCode::Ok;

    QObject::connect(engine, &Engine::openFailed, qApp, [&result](const QString &message) {
        result = fail(ExitCode::StoreFailed, message);
        QCoreApplication::exit(result);
    });
    // With a relay, Plivo fetches every answer URL from it, so the batch
    // starts only once the relay passes its health check.
    RelayHealthCheck relayHealth;
    QObject::connect(&relayHealth, &RelayHealthCheck::finished, qApp,
                     [engine, request, &startWatcher, &result](const QString &problem) {
                         if (!problem.isEmpty()) {
                             result = fail(ExitCode::Rejected,
                                           problem + u' ' + tr("No call was dialed."));
                             QCoreApplication::exit(result);
                             return;
                         }
                         startWatcher.setFuture(engine->requestStart(request));
                     });
    QObject::connect(engine, &Engine::opened, qApp,
                     [engine, request, &startWatcher, &relay, &relaySettings, &relayHealth] {
                         if (relay) {
                             relayHealth.check((*relaySettings)->url);
                             return;
                         }
                         startWatcher.setFuture(engine->requestStart(request));
                     });
    QObject::connect(&startWatcher, &QFutureWatcher<CommandResult>::finished, qApp,
                     [&startWatcher, &result, &printer] {
                         const CommandResult started = startWatcher.result();
                         if (!started.ok()) {
                             result = fail(exitCodeFor(started.errorCode), started.errorMessage);
                             QCoreApplication::exit(result);
                             return;
                         }
                         printer.printStarted(started.sessionId, started.alreadyStarted);
                         if (started.alreadyStarted)
                             QCoreApplication::exit(ExitCode::Ok);
                     });
    if (relay) {
        // Events reach the engine only once the batch runs, because the
        // engine passes over events of attempts that no running batch owns.
        QObject::connect(&startWatcher, &QFutureWatcher<CommandResult>::finished, relay.get(),
                         [&startWatcher, &relay] {
                             if (startWatcher.result().ok())
                                 relay->start();
                         });
    }
    QObject::connect(engine, &Engine::progressUpdated, &printer, &FollowPrinter::onProgress);
    QObject::connect(engine, &Engine::operatorMessage, qApp, [](QtMsgType, const QString &text) {
        err() << "dialdeck-service: " << text << Qt::endl;
    });
    QObject::connect(engine, &Engine::batchStatusChanged, qApp,
                     [batchId = request.batchId, &result](const QString &id, BatchStatus status,
                                                          const QString &reason) {
                         if (id != batchId || status != BatchStatus::Paused
                             || reason.isEmpty()) {
                             return;
                         }
                         // Only an error pauses a batch that no operator can resume here.
                         result = fail(ExitCode::StoreFailed, reason);
                         QCoreApplication::exit(result);
                     });
    QObject::connect(engine, &Engine::batchFinished, &printer,
                     [&printer, &webhooks, batchId = request.batchId](const QString &id,
                                                                      BatchStatus status) {
                         if (id != batchId)
                             return;
                         printer.printFinished(status);
                         webhooks.finishThen([] { QCoreApplication::exit(ExitCode::Ok); });
                     });

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    QObject::connect(&interruptPoll, &QTimer::timeout, qApp, [&result] {
        if (!interruptRequested)
            return;
        err() << tr("dialdeck-service: interrupted; calls in flight are reconciled when the batch "
                    "is started again.")
              << Qt::endl;
        result = ExitCode::Interrupted;
        QCoreApplication::exit(result);
    });
    interruptPoll.start(100);

    thread.start();
    const int loopResult = QCoreApplication::exec();
    return loopResult != ExitCode::Ok ? loopResult : result;
}

} // namespace Dialdeck
