#include "webhooksignature.h"

#include <QMessageAuthenticationCode>

namespace Dialdeck::WebhookSignature {

QByteArray sign(const QByteArray &secret, const QByteArray &body)
{
    const QByteArray mac = QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256);
    QByteArray value("sha256=");
    value += mac.toHex();
    return value;
}

bool verify(const QByteArray &secret, const QByteArray &body, const QByteArray &headerValue)
{
    const QByteArray expected = sign(secret, body);
    if (headerValue.size() != expected.size())
        return false;

    // Accumulates every difference instead of returning at the first one.
    unsigned char difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= static_cast<unsigned char>(expected[i] ^ headerValue[i]);
    return difference == 0;
}

} // namespace Dialdeck::WebhookSignature
