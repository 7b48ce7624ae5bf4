#include "relayconfig.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QUrl>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::RelayConfig", text);
}

Error configError(const QString &message)
{
    return Error{u"invalid_argument"_s, message};
}

Result<double> positiveNumber(const QString &key, const QString &value, double maximum)
{
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok || number <= 0 || number > maximum) {
        return configError(tr("The relay setting %1 = \"%2\" is not a number above 0 and at most "
                              "%3.")
                               .arg(key, value)
                               .arg(maximum));
    }
    return number;
}

} // namespace

Result<RelayConfig> RelayConfig::load(const QString &path)
{
    if (!QFileInfo::exists(path))
        return configError(tr("The relay configuration file %1 does not exist.").arg(path));

    QVariantMap values;
    if (path.endsWith(u".json"_s, Qt::CaseInsensitive)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return configError(tr("Cannot read the relay configuration file %1.").arg(path));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (!document.isObject()) {
            return configError(tr("The relay configuration file %1 is not a JSON object: %2")
                                   .arg(path, parseError.errorString()));
        }
        values = document.object().toVariantMap();
    } else {
        QSettings ini(path, QSettings::IniFormat);
        if (ini.status() != QSettings::NoError)
            return configError(tr("The relay configuration file %1 is not valid INI.").arg(path));
        for (const QString &key : ini.allKeys()) {
            const QString bare = key.startsWith(u"relay/"_s) ? key.mid(6) : key;
            values.insert(bare, ini.value(key));
        }
    }

    RelayConfig config;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (Result<void> applied = config.set(it.key(), it.value().toString()); !applied) {
            return configError(tr("%1 (in %2)").arg(applied.error().message, path));
        }
    }
    return config;
}

Result<void> RelayConfig::set(const QString &key, const QString &value)
{
    if (key == u"listen") {
        const qsizetype colon = value.lastIndexOf(u':');
        QString host = value.left(colon);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        const QHostAddress address(host);
        bool ok = false;
        const uint parsedPort = value.mid(colon + 1).toUInt(&ok);
        if (colon <= 0 || address.isNull() || !ok || parsedPort > 65535) {
            return configError(tr("The listen address \"%1\" is not ADDR:PORT with an IP address, "
                                  "e.g. 127.0.0.1:8089.")
                                   .arg(value));
        }
        listenAddress = address;
        port = quint16(parsedPort);
    } else if (key == u"publicUrl") {
        publicUrl = value;
    } else if (key == u"database") {
        databasePath = value;
    } else if (key == u"tlsCertificate") {
        tlsCertificateFile = value;
    } else if (key == u"tlsKey") {
        tlsKeyFile = value;
    } else if (key == u"retentionDays") {
        Result<double> days = positiveNumber(key, value, 3650);
        if (!days)
            return days.error();
        retentionMaxAgeMs = qint64(*days * 24 * 3600 * 1000);
    } else if (key == u"retentionEvents") {
        Result<double> count = positiveNumber(key, value, 1e12);
        if (!count)
            return count.error();
        retentionMaxEvents = qint64(*count);
    } else if (key == u"intakeRatePerSecond") {
        Result<double> rate = positiveNumber(key, value, 1e6);
        if (!rate)
            return rate.error();
        intakeRatePerSecond = *rate;
    } else if (key == u"intakeBurst") {
        Result<double> burst = positiveNumber(key, value, 1e6);
        if (!burst)
            return burst.error();
        intakeBurst = int(*burst);
    } else if (key == u"maxConnectionsPerToken") {
        Result<double> count = positiveNumber(key, value, 1000);
        if (!count)
            return count.error();
        maxConnectionsPerToken = int(*count);
    } else if (key == u"window") {
        Result<double> size = positiveNumber(key, value, 65536);
        if (!size)
            return size.error();
        window = int(*size);
    } else {
        return configError(tr("The relay setting \"%1\" is unknown; see dialdeck-relay --help.")
                               .arg(key));
    }
    return {};
}

Result<void> RelayConfig::validate() const
{
    const QUrl url(publicUrl);
    if (publicUrl.isEmpty() || !url.isValid() || url.host().isEmpty()
        || (url.scheme() != u"https" && url.scheme() != u"http")) {
        return configError(tr("The public URL \"%1\" is not an http or https URL; set publicUrl "
                              "to the address Plivo calls, e.g. https://relay.example.com/.")
                               .arg(publicUrl));
    }
    if (databasePath.isEmpty())
        return configError(tr("No event log is set; set database to a file path."));
    if (tlsCertificateFile.isEmpty() != tlsKeyFile.isEmpty()) {
        return configError(tr("TLS needs both tlsCertificate and tlsKey; only one of them is "
                              "set."));
    }
    return {};
}

QString RelayConfig::listenText() const
{
    const QString host = listenAddress.protocol() == QAbstractSocket::IPv6Protocol
                             ? u"[%1]"_s.arg(listenAddress.toString())
                             : listenAddress.toString();
    return u"%1:%2"_s.arg(host).arg(port);
}

} // namespace Dialdeck
