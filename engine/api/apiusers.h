#pragma once

#include "apitoken.h"
#include "core/domain.h"
#include "core/result.h"

#include <QSqlDatabase>

namespace Dialdeck {

// A user just created, with the token to show once.
struct NewApiUser
{
    User user;
    IssuedToken token;
};

// One row of the user list: never a token, only how many are usable.
struct ApiUserSummary
{
    User user;
    int usableTokens = 0;
};

// Adds REST API users and manages their tokens; `dialdeck-service users` and
// the console's user management both go through it. Each change is one
// transaction on `db`.
class ApiUsers final
{
public:
    // Creates a user and its first token. An empty `id` gets a new random id;
    // an invalid `expiresAt` means the token never expires. Errors:
    // invalid_argument (empty name, malformed id), conflict (id taken),
    // store_failed.
    static Result<NewApiUser> add(QSqlDatabase db, const QString &name, const QString &id,
                                  bool canManageCalling, const QDateTime &expiresAt);

    static Result<QList<ApiUserSummary>> list(QSqlDatabase db);

    // Revokes every token of the user and returns how many; not_found for an unknown user.
    static Result<int> revokeTokens(QSqlDatabase db, const QString &userId);

    // Revokes the user's tokens and issues a new one; returns it with the
    // number revoked. not_found for an unknown user.
    static Result<std::pair<IssuedToken, int>> rotate(QSqlDatabase db, const QString &userId,
                                                      const QDateTime &expiresAt);
};

} // namespace Dialdeck
