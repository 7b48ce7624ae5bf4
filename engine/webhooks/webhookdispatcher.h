#pragma once

#include "core/result.h"
#include "store/webhookdeliveryrepository.h"
#include "webhookbackoff.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>

#include <memory>

class QNetworkReply;

namespace Dialdeck {

class Connection;
class WebhookSecretStore;

struct WebhookDispatcherSettings
{
    QString storePath;
    // A try that gets no complete response within this time fails, in ms.
    int timeoutMs = 10'000;
    qint64 backoffBaseMs = WebhookBackoff::DefaultBaseMs;
    qint64 backoffCapMs = WebhookBackoff::DefaultCapMs;
    // Longest wait between two looks at the outbox, for rows written by
    // another process or made due by "retry now".
    int pollIntervalMs = 2'000;
    // Streams (endpoint and batch pairs) with a request open at once.
    int maxParallelStreams = 8;
};

// Delivers the webhook outbox: signed HTTP POSTs of each row's payload, in
// order per (endpoint, batch) stream. Row n+1 of a stream is sent only after
// row n was accepted with a 2xx status. A non-2xx status, a network error or
// a timeout makes the row wait (WebhookBackoff) and try again, for as long as
// the endpoint exists and is enabled. Every try is recorded in the row before
// the request leaves, so delivery resumes where it stopped after a restart;
// a row whose response was lost in a crash is sent again with the same event id.
//
// It owns its own store connection and QNetworkAccessManager, so it can live
// on any thread: create it, move it there, then call open() on that thread.
class WebhookDispatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookDispatcher)

public:
    WebhookDispatcher(WebhookDispatcherSettings settings,
                      std::shared_ptr<const WebhookSecretStore> secrets,
                      QObject *parent = nullptr);
    ~WebhookDispatcher() override;

    // Opens the store connection and starts looking for due deliveries.
    Result<void> open();
    // Stops sending. Requests still open are aborted, and their rows are made
    // due again so the next dispatcher sends them at once.
    void close();

    // Looks at the outbox now; connect Engine::outboxWritten() here.
    void wake();

    int inFlightCount() const { return int(m_inFlight.size()); }

Q_SIGNALS:
    // One try of a row ended: accepted by the endpoint, or failed and scheduled again.
    void deliveryAttempted(qint64 deliveryId, bool delivered);
    // A look at the outbox found nothing left to send to an enabled endpoint.
    void drained();

private:
    struct InFlight
    {
        WebhookDelivery delivery;
        QNetworkReply *reply = nullptr;
    };

    void scan();
    void send(const WebhookDelivery &delivery, qint64 nowMs);
    void onReplyFinished(const QString &streamKey);
    void recordFailure(const WebhookDelivery &delivery, std::optional<int> httpStatus,
                       const QString &error);
    void scheduleScan(qint64 delayMs);

    WebhookDispatcherSettings m_settings;
    std::shared_ptr<const WebhookSecretStore> m_secrets;
    WebhookBackoff m_backoff;
    QRandomGenerator m_random{QRandomGenerator::securelySeeded()};
    std::unique_ptr<Connection> m_connection;
    std::unique_ptr<WebhookDeliveryRepository> m_deliveries;
    // Parented, so moveToThread() takes them along.
    QNetworkAccessManager m_network{this};
    QTimer m_scanTimer{this};
    // Keyed by stream: "endpointId/batchId".
    QHash<QString, InFlight> m_inFlight;
    bool m_closing = false;
};

} // namespace Dialdeck
