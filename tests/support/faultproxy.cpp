#include "faultproxy.h"

#include <QTcpSocket>
#include <QTimer>

namespace Dialdeck {

FaultProxy::FaultProxy(quint16 targetPort)
    : m_targetPort(targetPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FaultProxy::acceptPending);
    m_server.listen(QHostAddress::LocalHost, 0);
}

void FaultProxy::cutAll()
{
    for (const Link &link : std::as_const(m_links)) {
        link.client->abort();
        link.upstream->abort();
    }
    m_links.clear();
}

void FaultProxy::holdAll()
{
    for (Link &link : m_links)
        link.held = true;
}

void FaultProxy::acceptPending()
{
    while (QTcpSocket *client = m_server.nextPendingConnection()) {
        ++m_accepted;
        auto *upstream = new QTcpSocket(client);
        upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
        m_links.append(Link{client, upstream, false});

        // Bytes the client sent before the upstream connected wait in its buffer.
        connect(upstream, &QTcpSocket::connected, this,
                [this, client, upstream] { forward(client, client, upstream); });
        connect(client, &QTcpSocket::readyRead, this,
                [this, client, upstream] { forward(client, client, upstream); });
        connect(upstream, &QTcpSocket::readyRead, this,
                [this, client, upstream] { forward(client, upstream, client); });
        // A held link passes no close on either, so both ends stay half-open.
        connect(client, &QTcpSocket::disconnected, this, [this, client, upstream] {
            if (!isHeld(client))
                upstream->disconnectFromHost();
        });
        connect(upstream, &QTcpSocket::disconnected, this, [this, client] {
            if (!isHeld(client))
                client->disconnectFromHost();
        });
    }
}

bool FaultProxy::isHeld(const QTcpSocket *client) const
{
    for (const Link &link : m_links) {
        if (link.client == client)
            return link.held;
    }
    return false;
}

void FaultProxy::forward(const QTcpSocket *client, QTcpSocket *from, QTcpSocket *to)
{
    if (isHeld(client) || to->state() != QAbstractSocket::ConnectedState)
        return;
    const QByteArray bytes = from->readAll();
    if (m_delayMs <= 0) {
        to->write(bytes);
        return;
    }
    QTimer::singleShot(m_delayMs, to, [to, bytes] {
        if (to->state() == QAbstractSocket::ConnectedState)
            to->write(bytes);
    });
}

} // namespace Dialdeck
