#include "plivotokenstore.h"

#include "core/logging.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::PlivoTokenStore", text);
}

} // namespace

PlivoTokenStore::Secret PlivoTokenStore::authToken()
{
    return {u"plivo/auth-token"_s, "DIALDECK_PLIVO_AUTH_TOKEN", tr("Plivo Auth Token")};
}

PlivoTokenStore::Secret PlivoTokenStore::relayToken()
{
    return {u"relay/client-token"_s, "DIALDECK_RELAY_TOKEN", tr("relay client token")};
}

QString PlivoTokenStore::keychainKey()
{
    return authToken().keychainKey;
}

QString PlivoTokenStore::fallbackText() const
{
    return tr("Without the keychain the token is kept only for this session; to give one that "
              "lasts, set the %1 environment variable before starting the console.")
        .arg(QString::fromLatin1(m_secret.environmentVariable));
}

void PlivoTokenStore::read(ReadDone done) const
{
    if (!m_sessionToken.isEmpty()) {
        done(m_sessionToken, tr("this session"), QString());
        return;
    }

    m_keychain.read(m_secret.keychainKey, [secret = m_secret, done = std::move(done)](
                                              const QByteArray &stored, const QString &error) {
        if (error.isEmpty() && !stored.isEmpty()) {
            done(stored, tr("the OS keychain"), QString());
            return;
        }
        const QString variable = QString::fromLatin1(secret.environmentVariable);
        const QByteArray fromEnvironment = qgetenv(secret.environmentVariable.constData()).trimmed();
        if (!fromEnvironment.isEmpty()) {
            done(fromEnvironment, tr("the %1 environment variable").arg(variable), QString());
            return;
        }
        done({}, QString(),
             tr("No %1 was found: the OS keychain returned \"%2\" and %3 is not set. Enter the "
                "token in Settings.")
                 .arg(secret.name, error.isEmpty() ? tr("an empty entry") : error, variable));
    });
}

void PlivoTokenStore::write(const QByteArray &token, WriteDone done)
{
    m_keychain.write(m_secret.keychainKey, token,
                     [this, token, done = std::move(done)](const QString &error) {
                         if (error.isEmpty()) {
                             m_sessionToken.clear();
                         } else {
                             qCWarning(lcUi).noquote()
                                 << u"The OS keychain did not store the %1: %2"_s.arg(
                                        m_secret.name, error);
                             m_sessionToken = token;
                         }
                         done(error);
                     });
}

} // namespace Dialdeck
