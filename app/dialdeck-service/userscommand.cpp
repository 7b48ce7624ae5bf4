#include "userscommand.h"

#include "api/apiusers.h"
#include "exitcodes.h"
#include "servicecommands.h"
#include "store/connection.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Maximum token lifetime that --expires-in accepts, in days (ten years).
constexpr int MaxExpiryDays = 3650;
const QString callingManagement = u"calling-management"_s;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::UsersCommand", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// Parses `arguments`; returns the exit code when the command must stop at
// once (after --help or a usage error), or nothing to go on.
std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments,
                                  int minPositional)
{
    const QCommandLineOption help({u"h"_s, u"help"_s}, tr("Shows this help."));
    parser.addOption(help);
    if (!parser.parse(arguments))
        return ServiceCommands::fail(ExitCode::Usage, parser.errorText() + u"; see --help."_s);
    if (parser.isSet(help)) {
        out() << parser.helpText();
        return ExitCode::Ok;
    }
    if (parser.positionalArguments().size() < minPositional) {
        return ServiceCommands::fail(
            ExitCode::Usage, tr("Missing argument; see %1 --help.").arg(arguments.value(0)));
    }
    return std::nullopt;
}

// The expiry instant of --expires-in DAYS counted from `now`; invalid when the option is absent.
Result<QDateTime> expiryFrom(const QCommandLineParser &parser, const QDateTime &now)
{
    if (!parser.isSet(u"expires-in"_s))
        return QDateTime();

    bool ok = false;
    const int days = parser.value(u"expires-in"_s).toInt(&ok);
    if (!ok || days < 1 || days > MaxExpiryDays) {
        return Error{u"invalid_argument"_s,
                     tr("The expiry \"%1\" is not a whole number of days from 1 to %2.")
                         .arg(parser.value(u"expires-in"_s))
                         .arg(MaxExpiryDays)};
    }
    return now.addDays(days);
}

void printNewToken(const IssuedToken &token)
{
    QTextStream(stderr) << tr("dialdeck-service: the token below is shown only this once; keep "
                              "it where secrets belong.")
                        << Qt::endl;
    out() << token.text << Qt::endl;
}

} // namespace

int UsersCommand::runUsers(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Adds, lists and revokes the users of the REST API.\n"
           "  users add NAME [--id ID] [--permission calling-management] [--expires-in DAYS]\n"
           "      prints the new user's id, then its token alone on the last line\n"
           "  users list\n"
           "  users revoke USER_ID   revokes every token of the user"));
    parser.addPositionalArgument(u"ACTION"_s, tr("add, list or revoke."));
    parser.addOptions({
        {u"id"_s,
         tr("For add: id of the new user, 24 lowercase hexadecimal digits (default: a "
            "new random id)."),
         u"ID"_s},
        {u"permission"_s,
         tr("For add: grant a permission; calling-management lets the user "
            "start, pause, resume and stop calling. Without it the user gets "
            "403 from those endpoints."),
         u"NAME"_s},
        {u"expires-in"_s,
         tr("For add: the token expires after this many days (default: "
            "never)."),
         u"DAYS"_s},
    });
    if (std::optional<int> stop = parseArguments(parser, arguments, 1))
        return *stop;

    const QStringList positional = parser.positionalArguments();
    const QString action = positional.at(0);
    const bool known = (action == u"list" && positional.size() == 1) ||
                       (action == u"add" && positional.size() == 2) ||
                       (action == u"revoke" && positional.size() == 2);
    if (!known) {
        return ServiceCommands::fail(ExitCode::Usage, tr("Use \"users add NAME\", \"users list\" "
                                                         "or \"users revoke USER_ID\"; see users "
                                                         "--help."));
    }

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"users"_s);
    if (!connection)
        return ServiceCommands::fail(connection.error());
    if (action == u"list")
        return list(connection.value());
    if (action == u"add")
        return add(parser, connection.value());
    return revoke(positional.at(1), connection.value());
}

int UsersCommand::runTokens(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Replaces the REST API tokens of a user.\n"
           "  tokens rotate USER_ID [--expires-in DAYS]\n"
           "      revokes the user's tokens and prints a new one alone on the last line"));
    parser.addPositionalArgument(u"ACTION"_s, tr("rotate."));
    parser.addPositionalArgument(u"USER_ID"_s, tr("The user."));
    parser.addOption({u"expires-in"_s,
                      tr("The new token expires after this many days "
                         "(default: never)."),
                      u"DAYS"_s});
    if (std::optional<int> stop = parseArguments(parser, arguments, 1))
        return *stop;
    if (parser.positionalArguments().at(0) != u"rotate" || parser.positionalArguments().size() != 2)
        return ServiceCommands::fail(ExitCode::Usage, tr("Use \"tokens rotate USER_ID\"."));

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"tokens"_s);
    if (!connection)
        return ServiceCommands::fail(connection.error());
    return rotate(parser, connection.value());
}

int UsersCommand::add(const QCommandLineParser &parser, Connection &connection)
{
    if (parser.isSet(u"permission"_s) && parser.value(u"permission"_s) != callingManagement) {
        return ServiceCommands::fail(ExitCode::InvalidInput,
                                     tr("The permission \"%1\" is unknown; the one "
                                        "permission is calling-management.")
                                         .arg(parser.value(u"permission"_s)));
    }
    Result<QDateTime> expiresAt = expiryFrom(parser, QDateTime::currentDateTimeUtc());
    if (!expiresAt)
        return ServiceCommands::fail(expiresAt.error());

    Result<NewApiUser> created =
        ApiUsers::add(connection.database(), parser.positionalArguments().at(1),
                      parser.value(u"id"_s), parser.isSet(u"permission"_s), *expiresAt);
    if (!created)
        return ServiceCommands::fail(created.error());

    out() << created->user.id << Qt::endl;
    printNewToken(created->token);
    return ExitCode::Ok;
}

int UsersCommand::list(Connection &connection)
{
    Result<QList<ApiUserSummary>> users = ApiUsers::list(connection.database());
    if (!users)
        return ServiceCommands::fail(users.error());

    for (const ApiUserSummary &summary : *users) {
        out() << summary.user.id << '\t'
              << (summary.user.canManageCalling ? callingManagement : u"-"_s) << '\t'
              << tr("%1 usable tokens").arg(summary.usableTokens) << '\t' << summary.user.name
              << Qt::endl;
    }
    return ExitCode::Ok;
}

int UsersCommand::revoke(const QString &userId, Connection &connection)
{
    Result<int> revoked = ApiUsers::revokeTokens(connection.database(), userId);
    if (!revoked)
        return ServiceCommands::fail(revoked.error());

    out() << tr("Revoked %1 tokens of user %2.").arg(*revoked).arg(userId) << Qt::endl;
    return ExitCode::Ok;
}

int UsersCommand::rotate(const QCommandLineParser &parser, Connection &connection)
{
    const QString userId = parser.positionalArguments().at(1);
    Result<QDateTime> expiresAt = expiryFrom(parser, QDateTime::currentDateTimeUtc());
    if (!expiresAt)
        return ServiceCommands::fail(expiresAt.error());

    Result<std::pair<IssuedToken, int>> rotated =
        ApiUsers::rotate(connection.database(), userId, *expiresAt);
    if (!rotated)
        return ServiceCommands::fail(rotated.error());

    out() << tr("Revoked %1 earlier tokens of user %2.").arg(rotated->second).arg(userId)
          << Qt::endl;
    printNewToken(rotated->first);
    return ExitCode::Ok;
}

} // namespace Dialdeck
