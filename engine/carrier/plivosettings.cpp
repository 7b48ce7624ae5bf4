#include "plivosettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileDevice>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::PlivoSettings", text);
}

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"https" || url.scheme() == u"http")
           && !url.host().isEmpty();
}

} // namespace

QString PlivoSettings::callbackUrl(QStringView kind, qint64 attemptId) const
{
    QString base = publicUrl;
    if (!base.endsWith(u'/'))
        base += u'/';
    if (!relayChannel.isEmpty())
        base += u"plivo/"_s + relayChannel + u'/';
    else
        base += u"plivo/"_s;
    return base + kind + u"?attempt="_s + QString::number(attemptId);
}

Result<void> PlivoSettings::validateApiAccess() const
{
    if (!isHttpUrl(baseUrl)) {
        return Error{u"invalid_argument"_s,
                     tr("The Plivo API address \"%1\" is not an http or https URL; use "
                        "https://api.plivo.com or the address of a Plivo-compatible service.")
                         .arg(baseUrl.toString())};
    }
    if (authId.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     tr("The Plivo Auth ID is missing; copy it from the Plivo console.")};
    }
    if (authToken.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     tr("The Plivo Auth Token is missing; give it in a file only you can read, "
                        "or in the environment.")};
    }
    return {};
}

Result<void> PlivoSettings::validate() const
{
    if (Result<void> access = validateApiAccess(); !access)
        return access;

    const QUrl callbacks(publicUrl);
    if (!isHttpUrl(callbacks) || callbacks.hasQuery() || callbacks.hasFragment()) {
        return Error{u"invalid_argument"_s,
                     tr("The public callback URL \"%1\" must be an http or https URL without a "
                        "query, the address at which Plivo reaches this machine.")
                         .arg(publicUrl)};
    }
    if (!machineDetection.isEmpty() && machineDetection != u"true"
        && machineDetection != u"hangup") {
        return Error{u"invalid_argument"_s,
                     tr("Machine detection \"%1\" is not one of: off, true, hangup.")
                         .arg(machineDetection)};
    }
    if (requestTimeoutMs <= 0 || restRequestLimit <= 0 || restWindowMs <= 0
        || reconcileAfterMs < 0) {
        return Error{u"invalid_argument"_s,
                     tr("The Plivo time-out and request limits must be positive.")};
    }
    return {};
}

Result<QByteArray> PlivoSettings::readTokenFile(const QString &path)
{
    QFile file(path);
    if (!file.exists()) {
        return Error{u"not_found"_s,
                     tr("The token file %1 does not exist; create it with the token on one line "
                        "and run chmod 600 on it.")
                         .arg(path)};
    }

    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                            | QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (file.permissions() & others) {
        return Error{u"invalid_argument"_s,
                     tr("The token file %1 can be read by other users; run chmod 600 %1 and try "
                        "again.")
                         .arg(path)};
    }

    if (!file.open(QIODevice::ReadOnly)) {
        return Error{u"invalid_argument"_s,
                     tr("The token file %1 cannot be read: %2").arg(path, file.errorString())};
    }
    const QByteArray token = file.read(4096).trimmed();
    if (token.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     tr("The token file %1 is empty; put the token on its first line.").arg(path)};
    }
    return token;
}

} // namespace Dialdeck
