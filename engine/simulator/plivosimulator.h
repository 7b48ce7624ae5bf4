#pragma once

#include "accounttime.h"
#include "callbacksender.h"
#include "callviews.h"
#include "core/virtualclock.h"
#include "numberbook.h"
#include "requestlimiter.h"
#include "simulatedaccount.h"
#include "simulatorsettings.h"

#include <QHttpServer>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

#include <optional>

namespace Dialdeck {

class QueryParams;

// dialdeck-sim's HTTP side: the subset of Plivo's Voice REST API that Dialdeck
// uses, under /v1/Account/{auth_id}/ with Plivo's paths (each ending in "/"),
// parameter names, JSON shapes and status codes.
//
//   GET    /                     account (cash_credits falls with call costs)
//   POST   Call/                 make calls, one or several (`to` joined by "<")
//   GET    Call/                 CDR list with filters; ?status=live or queued
//   DELETE Call/                 hang up every live call
//   GET    Call/{uuid}/          CDR; ?status=live or queued for a running call
//   DELETE Call/{uuid}/          hang up a live call or cancel a queued one
//   DELETE Request/{uuid}/       cancel a request's call
//   GET    Number/, Number/{n}/  the account's numbers
//
// Requests need HTTP Basic authentication with the Auth ID and Token (401
// otherwise) and count against the REST limit (429 beyond it). Unknown paths
// get 404, other methods 405, invalid parameters 400 with Plivo's error shape
// {"api_id", "error"}.
class PlivoSimulator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlivoSimulator)

public:
    explicit PlivoSimulator(const SimulatorSettings &settings, QObject *parent = nullptr);
    ~PlivoSimulator() override;

    // Opens the journal and listens on the configured address. Returns the
    // port, or why the simulator cannot start.
    Result<quint16> start();

    quint16 port() const { return m_port; }
    // "http://ADDRESS:PORT", what a Plivo client uses instead of https://api.plivo.com.
    QUrl baseUrl() const;

    const SimulatedAccount &account() const { return m_account; }
    // HTTP requests started for callbacks and answer fetches, retries included.
    int callbackTries() const { return m_sender.triesStarted(); }
    const SimulatorSettings &settings() const { return m_settings; }

private:
    enum class Resource
    {
        Account,
        Calls,
        Call,
        Request,
        Numbers,
        Number,
    };

    // One response: a status and a JSON body (api_id is added on writing), or
    // no body (204), possibly held back by the stall fault.
    struct RestReply
    {
        int status = 200;
        QJsonObject body;
        bool hasBody = true;
        int delayMs = 0;
    };

    void setupRoutes();
    void dispatch(Resource resource, const QString &authId, const QString &id,
                  const QHttpServerRequest &request, QHttpServerResponder &&responder);
    std::optional<RestReply> checkAccess(const QString &authId,
                                         const QHttpServerRequest &request);
    RestReply route(Resource resource, const QString &id, const QHttpServerRequest &request);
    void send(QHttpServerResponder &&responder, const RestReply &reply);
    void writeReply(QHttpServerResponder &responder, const RestReply &reply) const;

    RestReply createCalls(const QHttpServerRequest &request);
    RestReply listCalls(const QueryParams &query);
    RestReply getCall(const QString &callUuid, const QueryParams &query);
    RestReply hangUpCall(const QString &callUuid);
    RestReply hangUpAll();
    RestReply cancelRequest(const QString &requestUuid);
    RestReply accountDetails() const;
    RestReply listNumbers(const QueryParams &query) const;
    RestReply getNumber(const QString &number) const;

    static RestReply error(int status, const QString &text);
    QString accountPath() const;

    SimulatorSettings m_settings;
    VirtualClock m_clock;
    AccountTime m_time;
    CallViews m_views;
    CallbackSender m_sender;
    SimulatedAccount m_account;
    NumberBook m_numbers;
    RequestLimiter m_limiter;
    QHttpServer m_server;
    // Rejected requests are logged in full 20 times, then once per 10 s.
    LogThrottle m_errorLog{20, 10000};
    // Counts create requests; the 500 and stall faults are drawn per request.
    quint64 m_createRequests = 0;
    quint16 m_port = 0;
};

} // namespace Dialdeck
