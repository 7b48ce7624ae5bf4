#pragma once

#include <QByteArray>

namespace Dialdeck::WebhookSignature {

// The name of the request header that carries the signature.
inline constexpr char HeaderName[] = "X-Dialdeck-Signature";

// Returns the X-Dialdeck-Signature value for `body`: "sha256=" followed by the
// lowercase hexadecimal HMAC-SHA256 of the exact body bytes, keyed with `secret`.
QByteArray sign(const QByteArray &secret, const QByteArray &body);

// Returns true when `headerValue` is the signature of `body` under `secret`.
// The comparison takes the same time wherever the values differ, so a
// receiver using it leaks nothing about the expected value.
bool verify(const QByteArray &secret, const QByteArray &body, const QByteArray &headerValue);

} // namespace Dialdeck::WebhookSignature
