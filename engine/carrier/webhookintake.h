#pragma once

#include "carrier.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

QT_BEGIN_NAMESPACE
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;
class QHttpServerResponse;
QT_END_NAMESPACE

namespace Dialdeck {

// Receives Plivo's ring, answer, hangup and machine-detection callbacks at
// /plivo/{ring|answer|fallback|hangup|machine}?attempt=N, form or query
// encoded, on a QHttpServer it shares with other routes.
//
// A request is accepted only when its X-Plivo-Signature-V3 (or -Ma-V3)
// matches the exact public URL Plivo called: the configured public URL plus
// the callback path and the query as received. One that fails gets 403 and
// changes nothing. An accepted event is answered 200 only after the engine
// committed it, so a failure lets the sender try again; the engine applies each
// (call uuid, event kind) once, so duplicates and late events change nothing.
class WebhookIntake final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookIntake)

public:
    // Hands an event to the engine; true once committed.
    using Deliver = std::function<QFuture<bool>(const CarrierEvent &event)>;
    // The Plivo XML the answer URL returns for an attempt's call.
    using AnswerFor = std::function<QByteArray(qint64 attemptId)>;

    struct Settings
    {
        // The address Plivo reaches this intake at, e.g. https://dialer.example.com/ ;
        // behind a proxy that is the proxy's scheme, host, port and path.
        QString publicUrl;
        // The account's Auth Token, and the main account's when the calls
        // belong to a subaccount (for X-Plivo-Signature-Ma-V3).
        QList<QByteArray> authTokens;
    };

    struct Counters
    {
        int accepted = 0;
        int forged = 0;
        int malformed = 0;
        int storeFailures = 0;
    };

    // Events are handed over with atMs 0: the engine stamps them with its own
    // clock when they arrive.
    WebhookIntake(Settings settings, Deliver deliver, AnswerFor answerFor,
                  QObject *parent = nullptr);
    ~WebhookIntake() override;

    void registerRoutes(QHttpServer &server);

    const Counters &counters() const { return m_counters; }

    // The URL Plivo signed for a request that reached this server: the public
    // URL, the callback path below it and the query as received.
    QString publicUrlFor(const QHttpServerRequest &request, const QString &kind) const;

private:
    void handle(const QString &kind, const QHttpServerRequest &request,
                QHttpServerResponder &&responder);
    bool signatureMatches(const QHttpServerRequest &request, const QString &kind,
                          const QList<std::pair<QString, QString>> &bodyParams) const;

    Settings m_settings;
    Deliver m_deliver;
    AnswerFor m_answerFor;
    Counters m_counters;
};

} // namespace Dialdeck
