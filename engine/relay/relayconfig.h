#pragma once

#include "core/result.h"

#include <QHostAddress>
#include <QString>
#include <QVariantMap>

namespace Dialdeck {

// The settings of dialdeck-relay, read from a JSON or INI file and then
// overridden by the command line. Keys (the same in both formats):
//   listen               ADDR:PORT to bind, default 127.0.0.1:8089
//   publicUrl            the address Plivo calls, e.g. https://relay.example.com/
//   database             path of the SQLite event log
//   tlsCertificate, tlsKey   PEM files; both set means HTTPS and WSS
//   retentionDays        events older than this are deleted (default 7)
//   retentionEvents      at most this many events are kept per channel (default 1,000,000)
//   intakeRatePerSecond, intakeBurst   per-IP token bucket for callbacks (default 100, 500)
//   maxConnectionsPerToken   WebSocket connections per channel token (default 4)
//   window               unacknowledged events per connection (default 256)
struct RelayConfig
{
    QHostAddress listenAddress = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8089;
    QString publicUrl;
    QString databasePath;
    QString tlsCertificateFile;
    QString tlsKeyFile;
    qint64 retentionMaxAgeMs = 7LL * 24 * 3600 * 1000;
    qint64 retentionMaxEvents = 1'000'000;
    double intakeRatePerSecond = 100.0;
    int intakeBurst = 500;
    int maxConnectionsPerToken = 4;
    int window = 256;

    // Reads a file: *.json as a JSON object, anything else as INI (keys in
    // the [relay] group or at the top). Unknown keys are an error, so a typo
    // does not go unnoticed.
    static Result<RelayConfig> load(const QString &path);

    // Applies one key; `value` is text as written on a command line or in INI.
    Result<void> set(const QString &key, const QString &value);

    // Checks the combination: a public URL is set and is http(s), TLS has
    // both files, limits are positive.
    Result<void> validate() const;

    // "ADDR:PORT" of the listen setting.
    QString listenText() const;
};

} // namespace Dialdeck
