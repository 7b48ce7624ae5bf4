#pragma once

#include "intakeratelimiter.h"
#include "relayconfig.h"
#include "relaystore.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTimer>

#include <map>
#include <vector>

namespace Dialdeck {

class RelaySession;

// The dialdeck-relay HTTP server:
//   POST|GET /plivo/{channel}/{ring|answer|hangup|machine|fallback}
//       Plivo's callbacks. The V3 signature is checked against the public URL
//       and the channel's Auth Token (403 on failure, 403 for a replayed nonce
//       and signature, 413 over 256 KiB, 429 over the per-address rate), then
//       the event is committed to the log before the 200. Callbacks that
//       arrive while a commit runs are committed together in the next one
//       (group commit), so a busy relay needs one fsync per batch, not per
//       callback. The answer and
//       fallback URLs return the channel's answer document. When the log
//       cannot be written the connection is closed without an answer, because
//       Plivo retries a failed connection but not a 5xx.
//   GET /ws/{channel}   WebSocket with "Authorization: Bearer <token>"; see RelaySession.
//   GET /healthz        200 when the log can be read, 503 otherwise.
//
// It subclasses QAbstractHttpServer instead of using QHttpServer's routes so
// that it can close a connection without answering.
class RelayServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayServer)

public:
    // The largest callback body accepted, in bytes.
    static constexpr qsizetype MaxBodyBytes = 256 * 1024;

    RelayServer(RelayConfig config, RelayStore &store, QObject *parent = nullptr);
    ~RelayServer() override;

    // Sets up TLS when configured and listens; returns the bound port.
    Result<quint16> start();

    int sessionCount() const;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // The verdict on an upgrade request, kept until its WebSocket arrives.
    struct PendingUpgrade
    {
        QString channel;
        bool authorized = false;
    };

    // The reply side of a verified callback waiting for the next group commit.
    struct PendingCallback
    {
        QHttpServerResponder responder;
        // The responder writes to this socket, which Qt deletes when the peer leaves.
        QPointer<QTcpSocket> socket;
        // The body of the 200: the answer document, or empty for "OK".
        QByteArray answerDocument;
    };

    // Loads the configured certificate and key; the error names the file that failed.
    Result<void> setUpTls();
    void handleIntake(const QString &channelName, const QString &kind,
                      const QHttpServerRequest &request, QTcpSocket *socket);
    void commitPending();
    void replyCommitted(PendingCallback &callback, const RelayEvent &event,
                        const Result<qint64> &seq);
    bool checkIntakeLimits(const QHttpServerRequest &request, QTcpSocket *socket);
    bool handleUpgrade(const QString &channelName, const QHttpServerRequest &request,
                       QTcpSocket *socket);
    void handleHealth(const QHttpServerRequest &request, QTcpSocket *socket);
    void acceptWebSockets();
    void onSessionClosed(RelaySession *session);
    void pruneLog();
    std::optional<QByteArray> authToken(const RelayChannel &channel);

    RelayConfig m_config;
    RelayStore &m_store;
    IntakeRateLimiter m_rateLimiter;
    // Open sessions by channel; the server owns them through Qt parenting.
    std::map<QString, std::vector<RelaySession *>> m_sessions;
    // Upgrade requests by peer address and port; acceptWebSockets() takes them.
    QHash<QString, PendingUpgrade> m_pendingUpgrades;
    QTimer m_pruneTimer{this};
    // Callbacks verified since the last commit, in arrival order: the events
    // to append and, at the same index, where to send each reply.
    QList<RelayAppend> m_pendingAppends;
    std::vector<PendingCallback> m_pending;
    // Single-shot, zero interval: commits m_pending once the event loop has
    // read every request that is ready.
    QTimer m_commitTimer{this};
};

} // namespace Dialdeck
