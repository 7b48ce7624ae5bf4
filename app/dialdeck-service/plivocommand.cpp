#include "plivocommand.h"

#include "carrier/plivoaccount.h"
#include "carrieroptions.h"
#include "dialer/callernumberimport.h"
#include "exitcodes.h"
#include "servicecommands.h"
#include "store/connection.h"
#include "store/phonerepository.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::PlivoCommand", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// Reads the Plivo options and checks that none is missing. Returns the
// exit code when the command must stop.
std::optional<int> readAccess(const QCommandLineParser &parser, PlivoSettings &settings)
{
    Result<PlivoSettings> access = CarrierOptions::apiAccess(parser);
    if (!access)
        return ServiceCommands::fail(access.error());
    if (Result<void> valid = access->validateApiAccess(); !valid)
        return ServiceCommands::fail(ExitCode::InvalidInput, valid.error().message);
    settings = *access;
    return std::nullopt;
}

void printOutcome(const CallerNumberImport::Outcome &outcome, qsizetype listed)
{
    for (const Phone &phone : outcome.added) {
        out() << tr("Added %1 as caller number %2 (%3)").arg(phone.e164, phone.id, phone.label)
              << Qt::endl;
    }
    for (const QString &number : outcome.alreadyPresent)
        out() << tr("Skipped %1: already a caller number").arg(number) << Qt::endl;
    for (const QString &number : outcome.notVoiceEnabled)
        out() << tr("Skipped %1: voice is not enabled for it at Plivo").arg(number) << Qt::endl;
    for (const QString &number : outcome.invalid)
        out() << tr("Skipped %1: not a valid phone number").arg(number) << Qt::endl;

    out() << tr("Added %1 of the account's %2 numbers.").arg(outcome.added.size()).arg(listed)
          << Qt::endl;
}

} // namespace

int PlivoCommand::runImportNumbers(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Adds the voice-enabled numbers of a Plivo account as caller numbers and prints each "
           "one it adds; numbers already present are skipped.\n"
           "  phones import-plivo [--plivo-url URL] [--plivo-auth-id ID] [--plivo-token-file "
           "FILE]"));
    parser.addPositionalArgument(u"import-plivo"_s, tr("The action."));
    parser.addOptions(CarrierOptions::apiAccessOptions());
    int exitCode = ExitCode::Ok;
    if (!ServiceCommands::parse(parser, arguments, 1, exitCode))
        return exitCode;

    PlivoSettings settings;
    if (std::optional<int> stop = readAccess(parser, settings))
        return *stop;

    // Checked before the request, so a store that cannot be opened costs no REST call.
    Result<Connection> connection = Connection::openSqlite(m_storePath, u"phones"_s);
    if (!connection)
        return ServiceCommands::fail(connection.error());

    PlivoAccount account(settings);
    account.listNumbers([&connection](const Result<QList<PlivoNumber>> &numbers) {
        if (!numbers) {
            QCoreApplication::exit(ServiceCommands::fail(numbers.error()));
            return;
        }
        PhoneRepository phones(connection->database());
        Result<CallerNumberImport::Outcome> outcome =
            CallerNumberImport::addNumbers(phones, *numbers);
        if (!outcome) {
            QCoreApplication::exit(ServiceCommands::fail(outcome.error()));
            return;
        }
        printOutcome(*outcome, numbers->size());
        QCoreApplication::exit(ExitCode::Ok);
    });
    return QCoreApplication::exec();
}

int PlivoCommand::runPlivo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Reads the Plivo account.\n"
           "  plivo account [--plivo-url URL] [--plivo-auth-id ID] [--plivo-token-file FILE]\n"
           "      prints the cash credits, billing mode, account type and time zone"));
    parser.addPositionalArgument(u"ACTION"_s, tr("account."));
    parser.addOptions(CarrierOptions::apiAccessOptions());
    int exitCode = ExitCode::Ok;
    if (!ServiceCommands::parse(parser, arguments, 1, exitCode))
        return exitCode;

    const QString action = parser.positionalArguments().first();
    if (action != u"account") {
        return ServiceCommands::fail(
            ExitCode::Usage, tr("Unknown action \"%1\"; use \"plivo account\".").arg(action));
    }

    PlivoSettings settings;
    if (std::optional<int> stop = readAccess(parser, settings))
        return *stop;

    PlivoAccount account(settings);
    account.credit([authId = settings.authId](const Result<PlivoCredit> &credit) {
        if (!credit) {
            QCoreApplication::exit(ServiceCommands::fail(credit.error()));
            return;
        }
        out() << tr("Account: %1").arg(authId) << Qt::endl;
        out() << tr("Cash credits: %1 USD").arg(credit->cashCredits) << Qt::endl;
        out() << tr("Billing mode: %1").arg(credit->billingMode) << Qt::endl;
        out() << tr("Account type: %1").arg(credit->accountType) << Qt::endl;
        out() << tr("Time zone: %1").arg(credit->timeZone) << Qt::endl;
        QCoreApplication::exit(ExitCode::Ok);
    });
    return QCoreApplication::exec();
}

} // namespace Dialdeck
