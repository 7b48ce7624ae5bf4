#pragma once

#include "apienvelope.h"
#include "apirequest.h"
#include "core/domain.h"
#include "core/result.h"
#include "dialer/progresssnapshot.h"

#include <QFuture>
#include <QHttpServerRequest>
#include <QObject>
#include <QRegularExpression>

#include <functional>
#include <memory>
#include <optional>

class QHttpServer;
class QHttpServerResponder;

namespace Dialdeck {

class ApiStoreThread;
class Engine;

// The REST API of the start-calling contract: start, pause, resume and stop
// calling a batch, and read batches, their progress and their calls. Every
// request needs "Authorization: Bearer <token>". Handlers return futures
// chained on the engine's command futures and on a store thread of the API's
// own, so the HTTP thread never waits for either.
//
// Lives on the thread of the QHttpServer whose routes it registers.
class ApiServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiServer)

public:
    // Request bodies over this size are rejected with 413. Qt HTTP Server 6.4
    // reads the whole body before a handler runs, so this limit bounds the
    // work done per request, not the memory a client can make the server use.
    static constexpr qsizetype MaxBodyBytes = 1024 * 1024;

    ApiServer(Engine &engine, QString storePath, QObject *parent = nullptr);
    ~ApiServer() override;

    // Opens the API's store connection on its thread (waits for it); call
    // once before the server accepts connections.
    Result<void> open();

    // Adds the API's routes and its 404/405 handler to `server`.
    void registerRoutes(QHttpServer &server);

    // A check that start-calling runs on this object's thread once the request
    // is found valid and before the engine starts the batch. An Error rejects
    // the request with HTTP 500 ("the calling service failed to start") and
    // its message.
    using StartGate = std::function<std::optional<Error>()>;
    void setStartGate(StartGate gate) { m_startGate = std::move(gate); }

private:
    using Handler =
        std::function<QFuture<ApiEnvelope>(const ApiRequest &request, const User &caller)>;
    struct Route
    {
        QHttpServerRequest::Method method;
        QRegularExpression path;
    };

    void addRoute(QHttpServer &server, QHttpServerRequest::Method method, const QString &pattern,
                  Handler handler);
    void addBatchRoute(QHttpServer &server, QHttpServerRequest::Method method,
                       const QString &prefix,
                       std::function<QFuture<ApiEnvelope>(const ApiRequest &, const User &,
                                                          const QString &batchId)>
                           handler);
    // Authenticates the request, runs `handler`, sends the response through
    // `responder` once the handler's future finishes and logs the outcome.
    void serve(const QHttpServerRequest &request, QHttpServerResponder &&responder,
               Handler handler);
    ApiEnvelope routeNotFound(const ApiRequest &request) const;

    QFuture<ApiEnvelope> startCalling(const ApiRequest &request, const User &caller);
    QFuture<ApiEnvelope> batchCommand(const ApiRequest &request, const User &caller,
                                      const QString &command);
    QFuture<ApiEnvelope> batchDetails(const QString &batchId);
    QFuture<ApiEnvelope> listBatches();
    QFuture<ApiEnvelope> batchCalls(const ApiRequest &request, const QString &batchId);

    void onProgressUpdated(const Dialdeck::ProgressSnapshot &snapshot);
    void onBatchStatusChanged(const QString &batchId, Dialdeck::BatchStatus status,
                              const QString &reason);

    Engine &m_engine;
    StartGate m_startGate;
    std::unique_ptr<ApiStoreThread> m_store;
    QList<Route> m_routes;
    // The engine's latest snapshot; statuses are updated as soon as the
    // engine reports a change, between snapshots.
    ProgressSnapshot m_snapshot;
};

} // namespace Dialdeck
