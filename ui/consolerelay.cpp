#include "consolerelay.h"

#include "core/logging.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

ConsoleRelay::ConsoleRelay(RelayClient::Settings settings, Engine *engine)
    : m_url(settings.url)
    , m_client(new RelayClient(std::move(settings), engine))
{
    m_thread.setObjectName(u"dialdeck-relay-client"_s);
    // The client's socket and timers are its children, so they move with it.
    m_client->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_client, &QObject::deleteLater);
}

ConsoleRelay::~ConsoleRelay()
{
    if (!m_thread.isRunning()) {
        delete m_client;
        return;
    }

    // stop() closes the socket without waiting for the relay's reply, so this
    // waits only for the relay thread to run it.
    RelayClient *client = m_client;
    QMetaObject::invokeMethod(
        client, [client] { client->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    qCInfo(lcUi).noquote() << "Stopped the relay client of" << m_url.toString(QUrl::RemoveUserInfo);
}

void ConsoleRelay::start()
{
    m_thread.start();
    RelayClient *client = m_client;
    QMetaObject::invokeMethod(
        client, [client] { client->start(); }, Qt::QueuedConnection);
    qCInfo(lcUi).noquote() << "Started the relay client of" << m_url.toString(QUrl::RemoveUserInfo);
}

} // namespace Dialdeck
