#include "exitcodes.h"
#include "plivocommand.h"
#include "servecommand.h"
#include "servicecommands.h"
#include "signaturecommand.h"
#include "store/connection.h"
#include "userscommand.h"
#include "webhookscommand.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

QString usage()
{
    return QCoreApplication::translate(
        "main",
        "Usage: dialdeck-service [--db PATH] COMMAND [options]\n"
        "\n"
        "Dialdeck's dialing engine without the console.\n"
        "\n"
        "Commands (each takes --help):\n"
        "  import FILE     import a contact list into a new batch and print its id\n"
        "  phones add|list add or list caller numbers\n"
        "  phones import-plivo  add a Plivo account's voice numbers as caller numbers\n"
        "  plivo account   print a Plivo account's credit and billing mode\n"
        "  start BATCH_ID  call a batch and run it here until it ends\n"
        "  status BATCH_ID print a batch's progress (--json for JSON)\n"
        "  export BATCH_ID write the call report (--format csv --output FILE)\n"
        "  serve           run the engine and the REST API until SIGINT or SIGTERM\n"
        "  users ACTION    add, list or revoke REST API users\n"
        "  tokens rotate USER_ID  replace a user's REST API tokens\n"
        "  webhook-signature  compute or check a Plivo callback signature\n"
        "  webhooks ACTION add, list or remove progress webhook endpoints; list deliveries\n"
        "\n"
        "Options:\n"
        "  --db PATH       the store file (default: %1)\n"
        "  -h, --help      show this help\n"
        "\n"
        "Exit codes: 0 success, 1 usage error, 2 invalid input, 3 not found,\n"
        "4 rejected in the batch's current state, 5 store failure, 130 interrupted.\n")
        .arg(Connection::defaultPath());
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(u"Dialdeck"_s);
    QCoreApplication::setApplicationName(u"Dialdeck"_s);
    QCoreApplication::setApplicationVersion(u"" DIALDECK_VERSION ""_s);

    QStringList arguments = app.arguments().mid(1);
    QString storePath = Connection::defaultPath();
    while (!arguments.isEmpty() && arguments.first().startsWith(u'-')) {
        const QString option = arguments.takeFirst();
        if (option == u"-h" || option == u"--help") {
            QTextStream(stdout) << usage();
            return ExitCode::Ok;
        }
        if (option == u"--db" && !arguments.isEmpty()) {
            storePath = arguments.takeFirst();
        } else if (option.startsWith(u"--db=")) {
            storePath = option.mid(5);
        } else {
            return ServiceCommands::fail(ExitCode::Usage,
                                         QCoreApplication::translate("main",
                                                                     "Unknown option %1; see "
                                                                     "--help.")
                                             .arg(option));
        }
    }

    if (arguments.isEmpty()) {
        QTextStream(stderr) << usage();
        return ExitCode::Usage;
    }

    ServiceCommands commands(storePath);
    const QString command = arguments.first();
    if (command == u"import")
        return commands.runImport(arguments);
    if (command == u"phones")
        return commands.runPhones(arguments);
    if (command == u"start")
        return commands.runStart(arguments);
    if (command == u"status")
        return commands.runStatus(arguments);
    if (command == u"export")
        return commands.runExport(arguments);
    if (command == u"serve")
        return ServeCommand(storePath).run(arguments);
    if (command == u"users")
        return UsersCommand(storePath).runUsers(arguments);
    if (command == u"tokens")
        return UsersCommand(storePath).runTokens(arguments);
    if (command == u"webhook-signature")
        return SignatureCommand::run(arguments);
    if (command == u"webhooks")
        return WebhooksCommand(storePath).run(arguments);
    if (command == u"plivo")
        return PlivoCommand(storePath).runPlivo(arguments);

    return ServiceCommands::fail(ExitCode::Usage,
                                 QCoreApplication::translate("main", "Unknown command \"%1\"; see "
                                                                     "--help.")
                                     .arg(command));
}
