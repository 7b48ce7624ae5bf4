#pragma once

#include <QByteArray>
#include <QString>

#include <functional>

namespace Dialdeck {

// Replaceable access to the OS keychain (QtKeychain, service "Dialdeck"),
// where the console keeps secrets such as webhook signing secrets. The
// default functions run QtKeychain jobs, which finish asynchronously on the
// calling thread; tests install functions that keep secrets in memory. A
// failure is reported and never handled by storing the secret anywhere else.
struct SecretKeychain
{
    // Receives an empty string on success, or the keychain's error message.
    using Done = std::function<void(const QString &error)>;
    using ReadDone = std::function<void(const QByteArray &secret, const QString &error)>;

    std::function<void(const QString &key, const QByteArray &secret, Done done)> write
        = defaultWrite();
    std::function<void(const QString &key, ReadDone done)> read = defaultRead();
    std::function<void(const QString &key, Done done)> remove = defaultRemove();

    static decltype(write) defaultWrite();
    static decltype(read) defaultRead();
    static decltype(remove) defaultRemove();
};

} // namespace Dialdeck
