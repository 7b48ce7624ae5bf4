#include "consolewebhooks.h"

#include "core/logging.h"
#include "dialer/engine.h"
#include "store/webhookendpointrepository.h"
#include "webhooks/webhookdispatcher.h"
#include "webhooks/webhooksecretstore.h"

#include <QPointer>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr QLatin1StringView KeychainPrefix("keychain:");

} // namespace

ConsoleWebhooks::ConsoleWebhooks(QString storePath, SecretKeychain keychain, QObject *parent)
    : QObject(parent)
    , m_storePath(std::move(storePath))
    , m_keychain(std::move(keychain))
    , m_secrets(std::make_shared<WebhookSecretStore>())
{
    m_thread.setObjectName(u"dialdeck-webhooks"_s);
}

ConsoleWebhooks::~ConsoleWebhooks()
{
    if (!m_thread.isRunning())
        return;

    WebhookDispatcher *dispatcher = m_dispatcher;
    QMetaObject::invokeMethod(dispatcher, [dispatcher] { dispatcher->close(); },
                              Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void ConsoleWebhooks::start(QSqlDatabase db, Engine *engine)
{
    Result<QList<WebhookEndpointSummary>> endpoints = WebhookEndpointRepository(db).list();
    if (!endpoints) {
        Q_EMIT problemFound(endpoints.error().message);
        startDispatcher(engine);
        return;
    }

    QStringList locations;
    for (const WebhookEndpointSummary &summary : std::as_const(*endpoints)) {
        if (summary.endpoint.secretLocation.startsWith(KeychainPrefix))
            locations.append(summary.endpoint.secretLocation);
    }
    if (locations.isEmpty()) {
        startDispatcher(engine);
        return;
    }

    // The dispatcher starts once every secret has been read or has failed.
    m_secretsToRead = int(locations.size());
    QPointer<Engine> guardedEngine(engine);
    for (const QString &location : std::as_const(locations)) {
        QPointer<ConsoleWebhooks> self(this);
        m_keychain.read(location.mid(KeychainPrefix.size()),
                        [self, location, guardedEngine](const QByteArray &secret,
                                                        const QString &error) {
                            if (!self)
                                return;
                            if (error.isEmpty()) {
                                self->provideSecret(location, secret);
                            } else {
                                Q_EMIT self->problemFound(
                                    tr("The webhook secret %1 could not be read from the "
                                       "keychain: %2 Deliveries to its endpoint wait.")
                                        .arg(location.mid(KeychainPrefix.size()), error));
                            }
                            if (--self->m_secretsToRead == 0 && guardedEngine)
                                self->startDispatcher(guardedEngine);
                        });
    }
}

void ConsoleWebhooks::startDispatcher(Engine *engine)
{
    if (m_thread.isRunning())
        return;

    WebhookDispatcherSettings settings;
    settings.storePath = m_storePath;
    m_dispatcher = new WebhookDispatcher(settings, m_secrets);
    m_dispatcher->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_dispatcher, &QObject::deleteLater);
    connect(engine, &Engine::outboxWritten, m_dispatcher, &WebhookDispatcher::wake);
    connect(m_dispatcher, &WebhookDispatcher::deliveryAttempted, this,
            &ConsoleWebhooks::deliveryAttempted);

    m_thread.start();
    // The destructor joins the thread, so `this` outlives the queued report;
    // a report still queued when `this` is deleted is dropped with it.
    WebhookDispatcher *dispatcher = m_dispatcher;
    QMetaObject::invokeMethod(dispatcher, [this, dispatcher] {
        Result<void> opened = dispatcher->open();
        if (opened)
            return;
        qCWarning(lcUi).noquote() << "Webhook delivery did not start:" << opened.error().message;
        QMetaObject::invokeMethod(this, [this, message = opened.error().message] {
            Q_EMIT problemFound(message);
        });
    });
}

void ConsoleWebhooks::provideSecret(const QString &location, const QByteArray &secret)
{
    m_secrets->provide(location, secret);
    wake();
}

void ConsoleWebhooks::forgetSecret(const QString &location)
{
    m_secrets->forget(location);
}

void ConsoleWebhooks::wake()
{
    if (!m_dispatcher || !m_thread.isRunning())
        return;
    WebhookDispatcher *dispatcher = m_dispatcher;
    QMetaObject::invokeMethod(dispatcher, [dispatcher] { dispatcher->wake(); });
}

} // namespace Dialdeck
