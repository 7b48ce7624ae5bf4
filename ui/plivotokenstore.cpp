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

QByteArray environmentToken()
{
    return qgetenv("DIALDECK_PLIVO_AUTH_TOKEN").trimmed();
}

} // namespace

QString PlivoTokenStore::keychainKey()
{
    return u"plivo/auth-token"_s;
}

QString PlivoTokenStore::fallbackText()
{
    return tr("Without the keychain the token is kept only for this session; to give one that "
              "lasts, set the DIALDECK_PLIVO_AUTH_TOKEN environment variable before starting "
              "the console.");
}

void PlivoTokenStore::read(ReadDone done) const
{
    if (!m_sessionToken.isEmpty()) {
        done(m_sessionToken, tr("this session"), QString());
        return;
    }

    m_keychain.read(
        keychainKey(), [done = std::move(done)](const QByteArray &secret, const QString &error) {
            if (error.isEmpty() && !secret.isEmpty()) {
                done(secret, tr("the OS keychain"), QString());
                return;
            }
            const QByteArray fromEnvironment = environmentToken();
            if (!fromEnvironment.isEmpty()) {
                done(fromEnvironment, tr("the DIALDECK_PLIVO_AUTH_TOKEN environment variable"),
                     QString());
                return;
            }
            done({}, QString(),
                 tr("No Plivo Auth Token was found: the OS keychain returned \"%1\" and "
                    "DIALDECK_PLIVO_AUTH_TOKEN is not set. Enter the token in Settings.")
                     .arg(error.isEmpty() ? tr("an empty entry") : error));
        });
}

void PlivoTokenStore::write(const QByteArray &token, WriteDone done)
{
    m_keychain.write(keychainKey(), token,
                     [this, token, done = std::move(done)](const QString &error) {
                         if (error.isEmpty()) {
                             m_sessionToken.clear();
                         } else {
                             qCWarning(lcUi).noquote()
                                 << "The OS keychain did not store the Plivo Auth Token:" << error;
                             m_sessionToken = token;
                         }
                         done(error);
                     });
}

} // namespace Dialdeck
