#include "apiauthenticator.h"

#include "apitoken.h"
#include "store/tokenrepository.h"
#include "store/userrepository.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Error unauthorized()
{
    return Error{u"unauthorized"_s,
                 QCoreApplication::translate("Dialdeck::ApiAuthenticator",
                                             "The request has no valid API token; send "
                                             "\"Authorization: Bearer TOKEN\" with a token from "
                                             "\"dialdeck-service users add\" or \"tokens "
                                             "rotate\".")};
}

} // namespace

Result<User> ApiAuthenticator::authenticate(QSqlDatabase db, QByteArrayView authorization,
                                            const QDateTime &now)
{
    // The scheme name is case-insensitive (RFC 9110, section 11.1).
    constexpr QByteArrayView scheme = "bearer ";
    const QByteArrayView value = authorization.trimmed();
    if (value.size() <= scheme.size() ||
        QByteArrayView(value.first(scheme.size())).compare(scheme, Qt::CaseInsensitive) != 0) {
        return unauthorized();
    }

    const std::optional<TokenParts> parts = ApiToken::split(value.sliced(scheme.size()).trimmed());
    if (!parts)
        return unauthorized();

    Result<std::optional<ApiTokenRecord>> record = TokenRepository(db).find(parts->id);
    if (!record)
        return record.error();
    if (!record->has_value() || !ApiToken::verify(record->value(), parts->secret, now))
        return unauthorized();

    Result<std::optional<User>> user = UserRepository(db).find(record->value().userId);
    if (!user)
        return user.error();
    if (!user->has_value())
        return unauthorized();
    return user->value();
}

} // namespace Dialdeck
