#pragma once

#include "secretkeychain.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace Dialdeck {

// Where the console keeps the Plivo Auth Token: the OS keychain (QtKeychain),
// never the settings file. When the keychain cannot be used, as on a machine
// without a D-Bus session, a token entered in Settings is kept in memory for
// this session only. A token that lasts across starts then comes from the
// DIALDECK_PLIVO_AUTH_TOKEN environment variable.
class PlivoTokenStore final
{
public:
    // Receives the token and where it came from, or an empty token and the
    // reason none was found.
    using ReadDone =
        std::function<void(const QByteArray &token, const QString &source, const QString &problem)>;
    // Receives an empty string when the keychain stored the token, or the
    // keychain's error (the token is then kept for this session).
    using WriteDone = std::function<void(const QString &keychainError)>;

    explicit PlivoTokenStore(SecretKeychain keychain)
        : m_keychain(std::move(keychain))
    {}

    // Looks in this order: the session token, the keychain, the environment.
    void read(ReadDone done) const;
    void write(const QByteArray &token, WriteDone done);

    bool hasSessionToken() const { return !m_sessionToken.isEmpty(); }

    // The sentence that explains the fallback when the keychain fails.
    static QString fallbackText();
    static QString keychainKey();

private:
    SecretKeychain m_keychain;
    QByteArray m_sessionToken;
};

} // namespace Dialdeck
