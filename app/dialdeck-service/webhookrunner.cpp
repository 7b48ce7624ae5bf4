#include "webhookrunner.h"

#include "core/logging.h"
#include "dialer/engine.h"
#include "store/connection.h"
#include "store/webhookdeliveryrepository.h"
#include "webhooks/webhookdispatcher.h"
#include "webhooks/webhooksecretstore.h"

#include <QCoreApplication>
#include <QTextStream>

namespace Dialdeck {

using namespace Qt::StringLiterals;

WebhookRunner::WebhookRunner(const QString &storePath, int finishWaitMs, QObject *parent)
    : QObject(parent)
    , m_storePath(storePath)
{
    m_finishLimit.setSingleShot(true);
    m_finishLimit.setInterval(finishWaitMs);
    connect(&m_finishLimit, &QTimer::timeout, this, &WebhookRunner::finish);
}

WebhookRunner::~WebhookRunner() = default;

Result<void> WebhookRunner::attach(Engine *engine)
{
    WebhookDispatcherSettings settings;
    settings.storePath = m_storePath;
    m_dispatcher = std::make_unique<WebhookDispatcher>(settings,
                                                       std::make_shared<WebhookSecretStore>());
    if (Result<void> opened = m_dispatcher->open(); !opened)
        return opened;

    connect(engine, &Engine::outboxWritten, m_dispatcher.get(), &WebhookDispatcher::wake);
    connect(m_dispatcher.get(), &WebhookDispatcher::drained, this, &WebhookRunner::onDrained);
    return {};
}

void WebhookRunner::finishThen(std::function<void()> done)
{
    m_done = std::move(done);
    if (!m_dispatcher) {
        finish();
        return;
    }

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"webhooks-count"_s);
    Result<qint64> pending = connection ? WebhookDeliveryRepository(connection->database())
                                              .countDeliverable()
                                        : Result<qint64>(connection.error());
    if ((pending && *pending == 0) || m_finishLimit.interval() == 0) {
        finish();
        return;
    }
    if (pending) {
        QTextStream(stdout) << tr("Waiting up to %1 s for %2 webhook deliveries.")
                                   .arg(m_finishLimit.interval() / 1000)
                                   .arg(*pending)
                            << Qt::endl;
    }
    m_finishLimit.start();
    m_dispatcher->wake();
}

void WebhookRunner::onDrained()
{
    if (m_done)
        finish();
}

void WebhookRunner::finish()
{
    m_finishLimit.stop();
    std::function<void()> done = std::exchange(m_done, {});
    if (!done)
        return;

    if (m_dispatcher) {
        m_dispatcher->close();
        Result<Connection> connection = Connection::openSqlite(m_storePath, u"webhooks-count"_s);
        Result<qint64> pending = connection ? WebhookDeliveryRepository(connection->database())
                                                  .countDeliverable()
                                            : Result<qint64>(connection.error());
        if (pending && *pending > 0) {
            QTextStream(stderr) << tr("dialdeck-service: %1 webhook deliveries are still pending; "
                                      "they are sent the next time the engine runs (see "
                                      "\"webhooks deliveries --failed\").")
                                       .arg(*pending)
                                << Qt::endl;
        }
    }
    done();
}

} // namespace Dialdeck
