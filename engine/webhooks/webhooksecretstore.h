#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

namespace Dialdeck {

// Finds the signing secret of a webhook endpoint from the location its row
// keeps. "file:PATH" is read from an owner-only file at each use, so a
// replaced file takes effect at the next delivery. "keychain:KEY" secrets live
// in the console's OS keychain, which the engine cannot read; the console
// reads them and hands them over with provide(). Secrets stay in memory only.
// Thread-safe.
class WebhookSecretStore final
{
    Q_DISABLE_COPY_MOVE(WebhookSecretStore)

public:
    // Secrets shorter than this are rejected as too easy to guess.
    static constexpr int MinSecretBytes = 16;
    // Secret files larger than this are rejected: they are not a secret someone meant to write.
    static constexpr qint64 MaxSecretFileBytes = 4096;

    WebhookSecretStore() = default;

    static QString fileLocation(const QString &path);
    static QString keychainLocation(const QString &key);

    // Reads the secret in `path`: the file's bytes without one trailing line
    // break. Rejects a file that other users can read or write (group or
    // others permission bits), an empty, short or oversized one.
    static Result<QByteArray> readFile(const QString &path);

    // Returns the secret kept at `location`.
    Result<QByteArray> secretFor(const QString &location) const;
    // Keeps `secret` in memory for a "keychain:" location.
    void provide(const QString &location, const QByteArray &secret);
    void forget(const QString &location);

private:
    mutable QMutex m_mutex;
    QHash<QString, QByteArray> m_provided;
};

} // namespace Dialdeck
