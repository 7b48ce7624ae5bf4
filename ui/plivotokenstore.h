#pragma once

#include "secretkeychain.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace Dialdeck {

// Where the console keeps a Plivo-related token, the Plivo Auth Token or the
// dialdeck-relay channel's client token: the OS keychain (QtKeychain), never
// the settings file. When the keychain cannot be used, as on a machine
// without a D-Bus session, a token entered in Settings is kept in memory for
// this session only. A token that lasts across starts then comes from an
// environment variable (DIALDECK_PLIVO_AUTH_TOKEN or DIALDECK_RELAY_TOKEN).
class PlivoTokenStore final
{
public:
    // The token a store keeps: its keychain key, its environment variable and its name.
    struct Secret
    {
        QString keychainKey;
        // Read when neither this session nor the keychain has the token.
        QByteArray environmentVariable;
        // The token's name in messages, e.g. "Plivo Auth Token".
        QString name;
    };

    // Receives the token and where it came from, or an empty token and the
    // reason none was found.
    using ReadDone =
        std::function<void(const QByteArray &token, const QString &source, const QString &problem)>;
    // Receives an empty string when the keychain stored the token, or the
    // keychain's error (the token is then kept for this session).
    using WriteDone = std::function<void(const QString &keychainError)>;

    explicit PlivoTokenStore(SecretKeychain keychain, Secret secret = authToken())
        : m_keychain(std::move(keychain))
        , m_secret(std::move(secret))
    {}

    // Looks in this order: the session token, the keychain, the environment.
    void read(ReadDone done) const;
    void write(const QByteArray &token, WriteDone done);

    bool hasSessionToken() const { return !m_sessionToken.isEmpty(); }

    // The sentence that explains the fallback when the keychain fails.
    QString fallbackText() const;

    static Secret authToken();
    static Secret relayToken();
    // The Plivo Auth Token's keychain key.
    static QString keychainKey();

private:
    SecretKeychain m_keychain;
    Secret m_secret;
    QByteArray m_sessionToken;
};

} // namespace Dialdeck
