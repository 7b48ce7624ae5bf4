#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QSqlDatabase>

namespace Dialdeck {

// Finds the user of an "Authorization: Bearer <token>" header value.
class ApiAuthenticator final
{
public:
    // Returns the token's user. No header, another scheme, and a malformed,
    // unknown, wrong, expired or revoked token all give the same unauthorized
    // error, so a caller learns nothing about which part was wrong. Store
    // failures give store_failed.
    static Result<User> authenticate(QSqlDatabase db, QByteArrayView authorization,
                                     const QDateTime &now);
};

} // namespace Dialdeck
