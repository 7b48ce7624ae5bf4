#pragma once

#include <QStringList>

namespace Dialdeck {

// `dialdeck-service webhook-signature`: computes the Plivo signature of a
// callback from its URL, method, parameters and nonce, prints the exact string
// that is signed and, given --signature, whether that signature matches. The
// auth token is read from a file and never printed.
class SignatureCommand final
{
public:
    // Runs the command ("webhook-signature" first in arguments) and returns
    // the exit code. It is 0 when the signature matches or none was given, and
    // 1 when it does not match or the command line is invalid. It is 2 when the
    // token file, URL or body cannot be used.
    static int run(const QStringList &arguments);
};

} // namespace Dialdeck
