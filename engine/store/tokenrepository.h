#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

#include <optional>

namespace Dialdeck {

// One REST API token as the store keeps it: the secret itself is never
// stored, only its salted SHA-256 hash.
struct ApiTokenRecord
{
    // 24 lowercase hexadecimal digits, the public part of the token text.
    QString id;
    QString userId;
    QByteArray salt;
    QByteArray secretHash;
    QDateTime createdAt;
    // Invalid when the token does not expire.
    QDateTime expiresAt;
    // Invalid while the token is not revoked.
    QDateTime revokedAt;
};

// Reads and writes REST API tokens.
class TokenRepository
{
public:
    explicit TokenRepository(QSqlDatabase db)
        : m_db(std::move(db))
    {}

    Result<void> insert(const ApiTokenRecord &token);
    Result<std::optional<ApiTokenRecord>> find(const QString &id);

    // Revokes every token of the user that is not revoked yet and returns how many.
    Result<int> revokeAllOf(const QString &userId, const QDateTime &when);

    // Number of the user's tokens that are neither revoked nor expired at `now`.
    Result<int> countUsable(const QString &userId, const QDateTime &now);

private:
    QSqlDatabase m_db;
};

} // namespace Dialdeck
