#pragma once

#include "store/tokenrepository.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Dialdeck {

// A token just issued: the text to hand to the user once, and the record to store.
struct IssuedToken
{
    QString text;
    ApiTokenRecord record;
};

// The parts of a token text "<id>.<secret>".
struct TokenParts
{
    QString id;
    // The decoded secret, SecretBytes long.
    QByteArray secret;
};

// Creation and checking of REST API bearer tokens. A token text is the
// token's id (24 hexadecimal digits, used to find its record) and a secret of
// 32 random bytes from the system's cryptographic source in unpadded
// base64url, joined by a dot. The store keeps SHA-256(salt || secret) with a
// random 16-byte salt per token.
class ApiToken final
{
public:
    static constexpr int SecretBytes = 32;
    static constexpr int SaltBytes = 16;

    // Creates a token for `userId`; an invalid `expiresAt` means it never expires.
    static IssuedToken issue(const QString &userId, const QDateTime &createdAt,
                             const QDateTime &expiresAt);

    // Splits a token text; nullopt when it does not have the form of a token.
    static std::optional<TokenParts> split(QByteArrayView text);

    static QByteArray hashSecret(QByteArrayView salt, QByteArrayView secret);

    // Returns true when `secret` hashes to the record's hash and the token is
    // neither revoked nor expired at `now`. The hash comparison takes the same
    // time wherever the first differing byte is.
    static bool verify(const ApiTokenRecord &record, QByteArrayView secret, const QDateTime &now);

    // Compares two byte strings in time that depends only on their lengths.
    static bool constantTimeEquals(QByteArrayView left, QByteArrayView right);
};

} // namespace Dialdeck
