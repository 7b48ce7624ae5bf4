#include "tokenrepository.h"

#include "sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

Result<void> TokenRepository::insert(const ApiTokenRecord &token)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO api_tokens (id, user_id, salt, secret_hash, created_at, "
                  "expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
    query.addBindValue(token.id);
    query.addBindValue(token.userId);
    query.addBindValue(token.salt);
    query.addBindValue(token.secretHash);
    query.addBindValue(token.createdAt.isValid() ? token.createdAt.toMSecsSinceEpoch()
                                                 : QDateTime::currentMSecsSinceEpoch());
    query.addBindValue(sqlTime(token.expiresAt));
    query.addBindValue(sqlTime(token.revokedAt));
    return execQuery(query, QObject::tr("Saving a token of user %1").arg(token.userId));
}

Result<std::optional<ApiTokenRecord>> TokenRepository::find(const QString &id)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, user_id, salt, secret_hash, created_at, expires_at, revoked_at "
                  "FROM api_tokens WHERE id = ?"_s);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Reading token %1").arg(id)); !done)
        return done.error();
    if (!query.next())
        return std::optional<ApiTokenRecord>();

    ApiTokenRecord token;
    token.id = query.value(0).toString();
    token.userId = query.value(1).toString();
    token.salt = query.value(2).toByteArray();
    token.secretHash = query.value(3).toByteArray();
    token.createdAt = timeFromSql(query.value(4));
    token.expiresAt = timeFromSql(query.value(5));
    token.revokedAt = timeFromSql(query.value(6));
    return std::optional<ApiTokenRecord>(std::move(token));
}

Result<int> TokenRepository::revokeAllOf(const QString &userId, const QDateTime &when)
{
    QSqlQuery query(m_db);
    query.prepare(
        u"UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"_s);
    query.addBindValue(when.toMSecsSinceEpoch());
    query.addBindValue(userId);
    if (Result<void> done =
            execQuery(query, QObject::tr("Revoking the tokens of user %1").arg(userId));
        !done) {
        return done.error();
    }
    return query.numRowsAffected();
}

Result<int> TokenRepository::countUsable(const QString &userId, const QDateTime &now)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL "
                  "AND (expires_at IS NULL OR expires_at > ?)"_s);
    query.addBindValue(userId);
    query.addBindValue(now.toMSecsSinceEpoch());
    if (Result<void> done =
            execQuery(query, QObject::tr("Counting the tokens of user %1").arg(userId));
        !done) {
        return done.error();
    }
    return query.next() ? query.value(0).toInt() : 0;
}

} // namespace Dialdeck
