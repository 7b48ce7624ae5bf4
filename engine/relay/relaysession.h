#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Dialdeck {

class RelayFrame;
class RelayStore;

// One console's WebSocket on a relay channel. After the client's hello with
// its last applied seq N, the session sends the channel's events from N + 1 on
// in order, reading them from the store, and keeps at most `window` of them
// unacknowledged. New events are sent when the server reports an append, so
// replay and live delivery are one stream without gaps or duplicates.
class RelaySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelaySession)

public:
    // A client that sends nothing for this long is cut off, in milliseconds;
    // clients ping every 10 s.
    static constexpr int IdleTimeoutMs = 60'000;

    RelaySession(std::unique_ptr<QWebSocket> socket, QString channel, RelayStore &store,
                 int window, QObject *parent = nullptr);
    ~RelaySession() override;

    const QString &channel() const { return m_channel; }

    // Sends new events of the channel, if the window allows.
    void onEventAppended();
    // Sends an error frame and closes the connection.
    void reject(const QString &code, const QString &message);

Q_SIGNALS:
    void closed(Dialdeck::RelaySession *session);

private:
    void onTextMessage(const QString &text);
    void onHello(qint64 lastSeq);
    void onAck(qint64 seq);
    void pump();
    void send(const RelayFrame &frame);

    std::unique_ptr<QWebSocket> m_socket;
    QString m_channel;
    RelayStore &m_store;
    int m_window;
    bool m_greeted = false;
    // The highest seq sent and the highest the client acknowledged.
    qint64 m_sentSeq = 0;
    qint64 m_ackedSeq = 0;
    QTimer m_idleTimer{this};
};

} // namespace Dialdeck
