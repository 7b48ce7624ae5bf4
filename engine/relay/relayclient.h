#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <deque>

QT_BEGIN_NAMESPACE
class QWebSocket;
QT_END_NAMESPACE

namespace Dialdeck {

class Engine;
class RelayFrame;

// Receives a dialdeck-relay channel's Plivo callbacks over a WebSocket and
// hands them to the engine. Each event is committed together with the
// channel's cursor (Engine::requestCarrierEvent with a RelayCursor), so after
// a reconnect or a crash the relay resumes right after the last applied event
// and a redelivered event changes nothing. Acknowledgements go out only after
// the commit.
//
// The client reaches the engine only through its thread-safe request
// functions, so it may live on the engine's thread or any other with an event
// loop. It pings every 10 s, drops a connection that stays silent for 20 s and
// reconnects with exponential backoff and full jitter.
class RelayClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayClient)

public:
    struct Settings
    {
        // ws:// or wss:// address of the channel, e.g. wss://relay.example.com/ws/office
        QUrl url;
        // The channel's client token; sent as "Authorization: Bearer <token>".
        QByteArray token;
        // The engine's store, to read the channel's cursor at start.
        QString storePath;
        int pingIntervalMs = 10'000;
        int silenceTimeoutMs = 20'000;
        int minBackoffMs = 500;
        int maxBackoffMs = 30'000;
    };

    RelayClient(Settings settings, Engine *engine, QObject *parent = nullptr);
    ~RelayClient() override;

    // The channel name: the last path segment of the URL.
    static QString channelOf(const QUrl &url);
    // True for a ws:// or wss:// URL with a host, no query or fragment, and a
    // path ending in /ws/<channel>, the form "dialdeck-relay channel add" prints.
    static bool isChannelUrl(const QUrl &url);

    // Reads the channel's cursor from the store and connects. Call once the
    // engine has opened (its migrations create the cursor table).
    void start();
    // Closes the connection and stops reconnecting.
    void stop();

    qint64 appliedSeq() const { return m_appliedSeq; }
    qint64 lastEventAtMs() const { return m_lastEventAtMs; }
    bool isConnected() const { return m_greeted; }
    // Events applied on the current connection that the relay had received
    // before the connection opened: the backlog replayed after a (re)connect.
    int backlogReplayed() const { return m_backlogReplayed; }

Q_SIGNALS:
    void connected();
    // The connection is down; the next try starts in `retryInMs` milliseconds.
    void reconnecting(int retryInMs);
    // The relay reported that events before `firstSeq` are gone.
    void resetReceived(qint64 firstSeq);
    void eventApplied(qint64 seq);
    // An applied event was part of the backlog (see backlogReplayed());
    // `count` is the number of such events on the current connection so far.
    void backlogEventApplied(int count);
    // A problem that reconnecting cannot fix, such as a wrong token.
    void failed(const QString &message);

private:
    struct Pending
    {
        qint64 seq = 0;
        bool done = false;
    };

    void connectNow();
    void onConnected();
    void onDisconnected();
    void onTextMessage(const QString &text);
    void onEvent(const RelayFrame &frame);
    void onReset(qint64 firstSeq);
    void onCommitted(quint64 generation, qint64 seq, bool committed, bool backlog);
    void markDone(qint64 seq);
    void send(const RelayFrame &frame);
    void scheduleReconnect();

    Settings m_settings;
    Engine *m_engine;
    QString m_channel;
    QWebSocket *m_socket = nullptr;
    QTimer m_pingTimer{this};
    QTimer m_silenceTimer{this};
    QTimer m_reconnectTimer{this};
    // Bumped on every connection, so commits of a dropped connection are ignored.
    quint64 m_generation = 0;
    int m_failures = 0;
    bool m_running = false;
    bool m_greeted = false;
    // The last event committed (and acknowledged), and the last one received.
    qint64 m_appliedSeq = 0;
    qint64 m_receivedSeq = 0;
    qint64 m_lastEventAtMs = 0;
    // Wall-clock time at which the current connection opened, in ms since the epoch.
    qint64 m_connectedAtMs = 0;
    int m_backlogReplayed = 0;
    // Events handed to the engine in seq order, until their commit.
    std::deque<Pending> m_pending;
};

} // namespace Dialdeck
