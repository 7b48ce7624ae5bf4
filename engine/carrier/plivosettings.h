#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace Dialdeck {

// How the engine reaches Plivo's Voice API (or a Plivo-compatible service such
// as dialdeck-sim) and where Plivo sends its callbacks.
struct PlivoSettings
{
    // Plivo's API root; a Plivo-compatible service replaces it.
    QUrl baseUrl = QUrl(QStringLiteral("https://api.plivo.com"));
    QString authId;
    // Never logged, printed or stored in the database.
    QByteArray authToken;
    // The public URL Plivo calls back, e.g. https://dialer.example.com/ ; the
    // callback paths plivo/ring, plivo/answer, plivo/hangup and plivo/machine
    // are appended to it. Behind a proxy it is the proxy's address.
    QString publicUrl;
    // Set when the callbacks go through dialdeck-relay: the relay channel's
    // name, and the callback paths become plivo/<channel>/ring and so on.
    QString relayChannel;
    // Empty (off), "true" (report machines) or "hangup" (end calls a machine answers).
    QString machineDetection;
    // Per REST request, in milliseconds; Plivo's own SDKs use 5 s.
    int requestTimeoutMs = 5000;
    // Plivo answers 429 beyond 300 requests in 5 s per account.
    int restRequestLimit = 300;
    int restWindowMs = 5000;
    // How long after its dial request a call without a final callback is looked
    // up through the live, queued and CDR look-ups; 0 uses the ring timeout plus 30 s.
    int reconcileAfterMs = 0;

    // The callback URL of one kind (ring, answer, hangup, machine or fallback)
    // for one attempt; the attempt id travels in the query string.
    QString callbackUrl(QStringView kind, qint64 attemptId) const;

    // Checks what every REST request needs: the base URL, the Auth ID and
    // the Auth Token. validate() checks these and the callback settings.
    Result<void> validateApiAccess() const;
    Result<void> validate() const;

    // Reads an Auth Token from a file that only its owner may read, as the
    // service does; a group- or world-readable file is refused.
    static Result<QByteArray> readTokenFile(const QString &path);
};

} // namespace Dialdeck
