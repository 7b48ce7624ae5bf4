#include "webhooksecretstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr QLatin1StringView FilePrefix("file:");
constexpr QLatin1StringView KeychainPrefix("keychain:");

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::WebhookSecretStore", text);
}

Error secretError(const QString &message)
{
    return Error{u"invalid_argument"_s, message};
}

} // namespace

QString WebhookSecretStore::fileLocation(const QString &path)
{
    return FilePrefix + QFileInfo(path).absoluteFilePath();
}

QString WebhookSecretStore::keychainLocation(const QString &key)
{
    return KeychainPrefix + key;
}

Result<QByteArray> WebhookSecretStore::readFile(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return secretError(tr("The webhook secret file %1 does not exist.").arg(path));
    if (!info.isFile())
        return secretError(tr("The webhook secret file %1 is not a regular file.").arg(path));

    constexpr QFile::Permissions othersMayUse = QFile::ReadGroup | QFile::WriteGroup
                                                | QFile::ReadOther | QFile::WriteOther;
    if (info.permissions() & othersMayUse) {
        return secretError(tr("The webhook secret file %1 can be read or changed by other users; "
                              "run \"chmod 600 %1\" and try again.")
                               .arg(path));
    }
    if (info.size() > MaxSecretFileBytes) {
        return secretError(tr("The webhook secret file %1 is larger than %2 bytes; write only the "
                              "secret into it.")
                               .arg(path)
                               .arg(MaxSecretFileBytes));
    }

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return secretError(tr("Could not read the webhook secret file %1: %2.")
                               .arg(path, file.errorString()));
    }
    QByteArray secret = file.readAll();
    if (secret.endsWith('\n'))
        secret.chop(1);
    if (secret.endsWith('\r'))
        secret.chop(1);

    if (secret.size() < MinSecretBytes) {
        return secretError(tr("The webhook secret in %1 has %2 bytes; use at least %3, for "
                              "example the output of \"openssl rand -hex 32\".")
                               .arg(path)
                               .arg(secret.size())
                               .arg(MinSecretBytes));
    }
    return secret;
}

Result<QByteArray> WebhookSecretStore::secretFor(const QString &location) const
{
    if (location.startsWith(FilePrefix))
        return readFile(location.mid(FilePrefix.size()));

    if (location.startsWith(KeychainPrefix)) {
        const QMutexLocker locker(&m_mutex);
        const auto found = m_provided.constFind(location);
        if (found != m_provided.cend())
            return *found;
        return secretError(tr("The webhook secret is kept in the console's keychain (%1); "
                              "deliveries to this endpoint wait until the console runs, or "
                              "replace the endpoint with one that uses --secret-file.")
                               .arg(location.mid(KeychainPrefix.size())));
    }

    return secretError(tr("The webhook secret location \"%1\" is neither file: nor keychain:; "
                          "remove the endpoint and add it again.")
                           .arg(location));
}

void WebhookSecretStore::provide(const QString &location, const QByteArray &secret)
{
    const QMutexLocker locker(&m_mutex);
    m_provided.insert(location, secret);
}

void WebhookSecretStore::forget(const QString &location)
{
    const QMutexLocker locker(&m_mutex);
    m_provided.remove(location);
}

} // namespace Dialdeck
