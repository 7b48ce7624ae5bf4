#include "apitoken.h"

#include "core/ids.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace Dialdeck {

namespace {

constexpr auto base64UrlOptions = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes;
}

} // namespace

IssuedToken ApiToken::issue(const QString &userId, const QDateTime &createdAt,
                            const QDateTime &expiresAt)
{
    const QByteArray secret = randomBytes(SecretBytes);

    IssuedToken issued;
    issued.record.id = Ids::generate();
    issued.record.userId = userId;
    issued.record.salt = randomBytes(SaltBytes);
    issued.record.secretHash = hashSecret(issued.record.salt, secret);
    issued.record.createdAt = createdAt;
    issued.record.expiresAt = expiresAt;
    issued.text = issued.record.id + u'.' + QString::fromLatin1(secret.toBase64(base64UrlOptions));
    return issued;
}

std::optional<TokenParts> ApiToken::split(QByteArrayView text)
{
    const qsizetype dot = text.indexOf('.');
    if (dot != Ids::Length)
        return std::nullopt;

    const QString id = QString::fromLatin1(text.first(dot));
    if (!Ids::isValid(id))
        return std::nullopt;

    const QByteArray encoded = text.sliced(dot + 1).toByteArray();
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        encoded, base64UrlOptions | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != SecretBytes)
        return std::nullopt;
    // Reject other spellings of the same bytes (padding, trailing bits), so a
    // token has exactly one valid text.
    if (decoded.decoded.toBase64(base64UrlOptions) != encoded)
        return std::nullopt;

    return TokenParts{id, decoded.decoded};
}

QByteArray ApiToken::hashSecret(QByteArrayView salt, QByteArrayView secret)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(salt);
    hash.addData(secret);
    return hash.result();
}

bool ApiToken::verify(const ApiTokenRecord &record, QByteArrayView secret, const QDateTime &now)
{
    const bool hashMatches = constantTimeEquals(hashSecret(record.salt, secret), record.secretHash);
    const bool revoked = record.revokedAt.isValid();
    const bool expired = record.expiresAt.isValid() && record.expiresAt <= now;
    return hashMatches && !revoked && !expired;
}

bool ApiToken::constantTimeEquals(QByteArrayView left, QByteArrayView right)
{
    if (left.size() != right.size())
        return false;

    unsigned char difference = 0;
    for (qsizetype i = 0; i < left.size(); ++i)
        difference |= static_cast<unsigned char>(left[i] ^ right[i]);
    return difference == 0;
}

} // namespace Dialdeck
