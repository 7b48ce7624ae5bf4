#include "apiusers.h"

#include "core/ids.h"
#include "store/tokenrepository.h"
#include "store/userrepository.h"

#include <QCoreApplication>
#include <QSqlError>

#include <functional>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::ApiUsers", text);
}

Result<void> inTransaction(QSqlDatabase db, const std::function<Result<void>()> &steps)
{
    if (!db.transaction()) {
        return Error{u"store_failed"_s,
                     tr("Could not start a transaction: %1").arg(db.lastError().text())};
    }
    Result<void> done = steps();
    if (done && !db.commit()) {
        done = Error{u"store_failed"_s,
                     tr("Could not save the change: %1").arg(db.lastError().text())};
    }
    if (!done)
        db.rollback();
    return done;
}

Result<void> checkUserExists(QSqlDatabase db, const QString &userId)
{
    Result<std::optional<User>> user = UserRepository(db).find(userId);
    if (!user)
        return user.error();
    if (!user->has_value()) {
        return Error{u"not_found"_s,
                     tr("User %1 does not exist; list the users to find the id.").arg(userId)};
    }
    return {};
}

} // namespace

Result<NewApiUser> ApiUsers::add(QSqlDatabase db, const QString &name, const QString &id,
                                 bool canManageCalling, const QDateTime &expiresAt)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    NewApiUser created;
    created.user.id = id.isEmpty() ? Ids::generate() : id;
    created.user.name = name.trimmed();
    created.user.canManageCalling = canManageCalling;
    created.user.createdAt = now;

    if (created.user.name.isEmpty())
        return Error{u"invalid_argument"_s, tr("The user name is empty; give the user a name.")};
    if (!Ids::isValid(created.user.id)) {
        return Error{u"invalid_argument"_s,
                     tr("The id \"%1\" is not 24 lowercase hexadecimal digits.").arg(id)};
    }

    UserRepository users(db);
    Result<std::optional<User>> existing = users.find(created.user.id);
    if (!existing)
        return existing.error();
    if (existing->has_value()) {
        return Error{
            u"conflict"_s,
            tr("A user with the id %1 already exists; choose another id.").arg(created.user.id)};
    }

    created.token = ApiToken::issue(created.user.id, now, expiresAt);
    Result<void> saved = inTransaction(db, [&] {
        Result<void> inserted = users.insert(created.user);
        if (inserted)
            inserted = TokenRepository(db).insert(created.token.record);
        return inserted;
    });
    if (!saved)
        return saved.error();
    return created;
}

Result<QList<ApiUserSummary>> ApiUsers::list(QSqlDatabase db)
{
    Result<QList<User>> users = UserRepository(db).list();
    if (!users)
        return users.error();

    TokenRepository tokens(db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<ApiUserSummary> summaries;
    for (const User &user : *users) {
        Result<int> usable = tokens.countUsable(user.id, now);
        if (!usable)
            return usable.error();
        summaries.append({user, *usable});
    }
    return summaries;
}

Result<int> ApiUsers::revokeTokens(QSqlDatabase db, const QString &userId)
{
    if (Result<void> exists = checkUserExists(db, userId); !exists)
        return exists.error();
    return TokenRepository(db).revokeAllOf(userId, QDateTime::currentDateTimeUtc());
}

Result<std::pair<IssuedToken, int>> ApiUsers::rotate(QSqlDatabase db, const QString &userId,
                                                     const QDateTime &expiresAt)
{
    if (Result<void> exists = checkUserExists(db, userId); !exists)
        return exists.error();

    const QDateTime now = QDateTime::currentDateTimeUtc();
    const IssuedToken token = ApiToken::issue(userId, now, expiresAt);
    TokenRepository tokens(db);
    int revoked = 0;
    Result<void> saved = inTransaction(db, [&]() -> Result<void> {
        Result<int> count = tokens.revokeAllOf(userId, now);
        if (!count)
            return count.error();
        revoked = *count;
        return tokens.insert(token.record);
    });
    if (!saved)
        return saved.error();
    return std::pair<IssuedToken, int>(token, revoked);
}

} // namespace Dialdeck
