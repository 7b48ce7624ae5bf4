#pragma once

#include "secretkeychain.h"

#include <QObject>
#include <QSqlDatabase>
#include <QThread>

#include <memory>

namespace Dialdeck {

class Engine;
class WebhookDispatcher;
class WebhookSecretStore;

// Delivers the console engine's outbound progress webhooks. A
// WebhookDispatcher runs on its own thread with its own store connection, so
// the UI thread never waits on an endpoint. Secrets of "keychain:" endpoints
// are read from the OS keychain before the dispatcher starts and kept in
// memory only.
class ConsoleWebhooks final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleWebhooks)

public:
    ConsoleWebhooks(QString storePath, SecretKeychain keychain, QObject *parent = nullptr);
    ~ConsoleWebhooks() override;

    // Reads the keychain secrets of the endpoints listed through `db`, then
    // starts the dispatcher and wakes it whenever `engine` commits events.
    void start(QSqlDatabase db, Engine *engine);

    // Keeps the secret of a keychain location for deliveries; the webhooks
    // dialog calls it for an endpoint it adds.
    void provideSecret(const QString &location, const QByteArray &secret);
    void forgetSecret(const QString &location);
    // Makes the dispatcher look at the outbox now, after a retry-now.
    void wake();

    bool isRunning() const { return m_thread.isRunning(); }

Q_SIGNALS:
    // A secret could not be read from the keychain; deliveries to its endpoint wait.
    void problemFound(const QString &message);
    // One try of a delivery ended.
    void deliveryAttempted(qint64 deliveryId, bool delivered);

private:
    void startDispatcher(Engine *engine);

    QString m_storePath;
    SecretKeychain m_keychain;
    std::shared_ptr<WebhookSecretStore> m_secrets;
    QThread m_thread;
    // Lives on m_thread; deleted there when the thread finishes.
    WebhookDispatcher *m_dispatcher = nullptr;
    int m_secretsToRead = 0;
};

} // namespace Dialdeck
