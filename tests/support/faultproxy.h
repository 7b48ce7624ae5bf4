#pragma once

#include <QList>
#include <QObject>
#include <QTcpServer>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace Dialdeck {

// A TCP proxy on 127.0.0.1 for tests, between a client and a server on
// loopback, that the test can cut (abort every connection), hold half-open
// (the sockets stay open but no byte moves) or slow down. Connections opened
// after a cut or a hold are forwarded normally.
class FaultProxy final : public QObject
{
    Q_DISABLE_COPY_MOVE(FaultProxy)

public:
    // Listens on a free loopback port and forwards to 127.0.0.1:`targetPort`.
    explicit FaultProxy(quint16 targetPort);

    // 0 when listening failed.
    quint16 port() const { return m_server.serverPort(); }
    int connectionsAccepted() const { return m_accepted; }

    // Aborts both sides of every open connection.
    void cutAll();
    // Stops forwarding on the connections open now and keeps them open, so
    // neither side receives a close.
    void holdAll();
    // Delays every forwarded chunk by `delayMs` milliseconds; 0 forwards at once.
    void setDelayMs(int delayMs) { m_delayMs = delayMs; }

private:
    struct Link
    {
        QTcpSocket *client = nullptr;
        // A child of `client`, so it goes when the client socket is deleted.
        QTcpSocket *upstream = nullptr;
        bool held = false;
    };

    void acceptPending();
    bool isHeld(const QTcpSocket *client) const;
    void forward(const QTcpSocket *client, QTcpSocket *from, QTcpSocket *to);

    QTcpServer m_server;
    quint16 m_targetPort = 0;
    QList<Link> m_links;
    int m_accepted = 0;
    int m_delayMs = 0;
};

} // namespace Dialdeck
