#pragma once

#include "plivosettings.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>
#include <QUrlQuery>

#include <deque>
#include <functional>

namespace Dialdeck {

// What one REST request to Plivo came back with.
struct PlivoReply
{
    // 0 when no HTTP answer arrived (connection failure or time-out).
    int httpStatus = 0;
    bool timedOut = false;
    // Set when no HTTP answer arrived: the network error in words.
    QString networkError;
    QJsonObject json;

    bool isSuccess() const { return httpStatus >= 200 && httpStatus < 300; }
    // Plivo's `error` text, or a sentence built from the status when it has none.
    QString errorText() const;
};

// Plivo's REST API under /v1/Account/{auth_id}/: HTTP Basic authentication,
// JSON bodies, a time-out per request, and pacing below the account's REST
// limit. A 429 answer holds every request back with an exponential, jittered
// delay and then sends the same request again; nothing else is ever re-sent.
//
// Lives on the thread that uses it (the engine's).
class PlivoRestClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlivoRestClient)

public:
    using Handler = std::function<void(const PlivoReply &reply)>;

    explicit PlivoRestClient(PlivoSettings settings, QObject *parent = nullptr);
    ~PlivoRestClient() override;

    // `path` is relative to the account, e.g. "Call/" or "Call/<uuid>/".
    void get(const QString &path, const QUrlQuery &query, Handler handler);
    void post(const QString &path, const QJsonObject &body, Handler handler);
    void deleteResource(const QString &path, Handler handler);

    // Requests waiting for their turn under the REST limit or a 429 back-off.
    int queuedRequests() const { return int(m_queue.size()); }
    // 429 answers received, for tests and the operator's log.
    int rateLimitedCount() const { return m_rateLimited; }

private:
    struct Pending
    {
        QByteArray method;
        QString path;
        QUrlQuery query;
        QByteArray body;
        Handler handler;
        int rateLimitedTimes = 0;
    };

    void enqueue(Pending request);
    void pump();
    void send(Pending request);
    void finish(QNetworkReply *reply, Pending request);
    QUrl urlFor(const QString &path, const QUrlQuery &query) const;

    PlivoSettings m_settings;
    QByteArray m_authorization;
    QNetworkAccessManager m_network{this};
    std::deque<Pending> m_queue;
    // Send times (ms on m_elapsed) of the requests inside the current REST window.
    std::deque<qint64> m_sent;
    QElapsedTimer m_elapsed;
    qint64 m_holdUntilMs = 0;
    int m_backoffStep = 0;
    int m_rateLimited = 0;
    QTimer m_pumpTimer{this};
};

} // namespace Dialdeck
