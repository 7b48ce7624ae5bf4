#include "userscommand.h"

#include "api/apitoken.h"
#include "core/ids.h"
#include "exitcodes.h"
#include "servicecommands.h"
#include "store/connection.h"
#include "store/tokenrepository.h"
#include "store/userrepository.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSqlError>
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

Result<User> findUser(Connection &connection, const QString &userId)
{
    Result<std::optional<User>> user = UserRepository(connection.database()).find(userId);
    if (!user)
        return user.error();
    if (!user->has_value()) {
        return Error{u"not_found"_s, tr("User %1 does not exist; list the users with \"users "
                                        "list\".")
                                         .arg(userId)};
    }
    return user->value();
}

// Runs `steps` in one transaction and commits it, or rolls it back on the first error.
Result<void> inTransaction(Connection &connection, const std::function<Result<void>()> &steps)
{
    QSqlDatabase db = connection.database();
    if (!db.transaction()) {
        return Error{u"store_failed"_s, tr("Could not start a transaction in %1: %2")
                                            .arg(connection.path(), db.lastError().text())};
    }
    Result<void> done = steps();
    if (done && !db.commit()) {
        done = Error{u"store_failed"_s, tr("Could not save the change to %1: %2")
                                            .arg(connection.path(), db.lastError().text())};
    }
    if (!done)
        db.rollback();
    return done;
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
    const QDateTime now = QDateTime::currentDateTimeUtc();
    User user;
    user.id = parser.isSet(u"id"_s) ? parser.value(u"id"_s) : Ids::generate();
    user.name = parser.positionalArguments().at(1).trimmed();
    user.canManageCalling = false;
    user.createdAt = now;

    if (user.name.isEmpty())
        return ServiceCommands::fail(ExitCode::InvalidInput, tr("The user name is empty; give "
                                                                "the user a name."));
    if (!Ids::isValid(user.id)) {
        return ServiceCommands::fail(
            ExitCode::InvalidInput,
            tr("The id \"%1\" is not 24 lowercase hexadecimal digits.").arg(user.id));
    }
    if (parser.isSet(u"permission"_s)) {
        if (parser.value(u"permission"_s) != callingManagement) {
            return ServiceCommands::fail(ExitCode::InvalidInput,
                                         tr("The permission \"%1\" is unknown; the one "
                                            "permission is calling-management.")
                                             .arg(parser.value(u"permission"_s)));
        }
        user.canManageCalling = true;
    }
    Result<QDateTime> expiresAt = expiryFrom(parser, now);
    if (!expiresAt)
        return ServiceCommands::fail(expiresAt.error());

    UserRepository users(connection.database());
    Result<std::optional<User>> existing = users.find(user.id);
    if (!existing)
        return ServiceCommands::fail(existing.error());
    if (existing->has_value()) {
        return ServiceCommands::fail(ExitCode::Rejected, tr("A user with the id %1 already "
                                                            "exists; choose another id.")
                                                             .arg(user.id));
    }

    const IssuedToken token = ApiToken::issue(user.id, now, *expiresAt);
    Result<void> saved = inTransaction(connection, [&] {
        Result<void> inserted = users.insert(user);
        if (inserted)
            inserted = TokenRepository(connection.database()).insert(token.record);
        return inserted;
    });
    if (!saved)
        return ServiceCommands::fail(saved.error());

    out() << user.id << Qt::endl;
    printNewToken(token);
    return ExitCode::Ok;
}

int UsersCommand::list(Connection &connection)
{
    Result<QList<User>> users = UserRepository(connection.database()).list();
    if (!users)
        return ServiceCommands::fail(users.error());

    TokenRepository tokens(connection.database());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const User &user : *users) {
        Result<int> usable = tokens.countUsable(user.id, now);
        if (!usable)
            return ServiceCommands::fail(usable.error());
        out() << user.id << '\t' << (user.canManageCalling ? callingManagement : u"-"_s) << '\t'
              << tr("%1 usable tokens").arg(*usable) << '\t' << user.name << Qt::endl;
    }
    return ExitCode::Ok;
}

int UsersCommand::revoke(const QString &userId, Connection &connection)
{
    Result<User> user = findUser(connection, userId);
    if (!user)
        return ServiceCommands::fail(user.error());

    Result<int> revoked =
        TokenRepository(connection.database()).revokeAllOf(userId, QDateTime::currentDateTimeUtc());
    if (!revoked)
        return ServiceCommands::fail(revoked.error());

    out() << tr("Revoked %1 tokens of user %2.").arg(*revoked).arg(userId) << Qt::endl;
    return ExitCode::Ok;
}

int UsersCommand::rotate(const QCommandLineParser &parser, Connection &connection)
{
    const QString userId = parser.positionalArguments().at(1);
    Result<User> user = findUser(connection, userId);
    if (!user)
        return ServiceCommands::fail(user.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Result<QDateTime> expiresAt = expiryFrom(parser, now);
    if (!expiresAt)
        return ServiceCommands::fail(expiresAt.error());

    const IssuedToken token = ApiToken::issue(userId, now, *expiresAt);
    TokenRepository tokens(connection.database());
    int revoked = 0;
    Result<void> saved = inTransaction(connection, [&]() -> Result<void> {
        Result<int> count = tokens.revokeAllOf(userId, now);
        if (!count)
            return count.error();
        revoked = *count;
        return tokens.insert(token.record);
    });
    if (!saved)
        return ServiceCommands::fail(saved.error());

    out() << tr("Revoked %1 earlier tokens of user %2.").arg(revoked).arg(userId) << Qt::endl;
    printNewToken(token);
    return ExitCode::Ok;
}

} // namespace Dialdeck
