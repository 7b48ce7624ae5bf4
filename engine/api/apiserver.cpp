#include "apiserver.h"

#include "apiauthenticator.h"
#include "apistorethread.h"
#include "batchcommandrequest.h"
#include "batchqueries.h"
#include "callpagerequest.h"
#include "commandpreparation.h"
#include "core/ids.h"
#include "core/logging.h"
#include "dialer/engine.h"
#include "dialer/progressreader.h"
#include "startcallingrequest.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponder>
#include <QHttpServerResponse>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::ApiServer", text);
}

// One request on its way through the handlers; the user id is filled in once
// the token is known, for the log line.
struct RequestContext
{
    ApiRequest request;
    QElapsedTimer timer;
    QString userId;
};

QFuture<ApiEnvelope> ready(ApiEnvelope envelope)
{
    return QtFuture::makeReadyFuture(std::move(envelope));
}

ApiEnvelope envelopeFor(const Error &error)
{
    return ApiEnvelope::failure(ApiEnvelope::httpStatusFor(error.code), error.message);
}

void logRequest(const RequestContext &context, const ApiEnvelope &envelope)
{
    qCInfo(lcApi).noquote() << context.request.method << context.request.path
                            << envelope.httpStatus() << context.timer.elapsed() << "ms user"
                            << (context.userId.isEmpty() ? u"-"_s : context.userId);
}

// Returns the refusal of a body the JSON endpoints cannot read: 413 over the
// size limit, 415 without a JSON content type.
std::optional<ApiEnvelope> checkJsonBody(const ApiRequest &request)
{
    if (request.body.size() > ApiServer::MaxBodyBytes) {
        return ApiEnvelope::failure(413, tr("The request body has %1 bytes, more than the %2 "
                                            "bytes allowed; send fewer call records.")
                                             .arg(request.body.size())
                                             .arg(ApiServer::MaxBodyBytes));
    }

    const QByteArray mediaType = request.contentType.split(';').constFirst().trimmed().toLower();
    if (mediaType != "application/json") {
        return ApiEnvelope::failure(
            415, tr("The request body has the content type \"%1\"; send it as application/json.")
                     .arg(QString::fromLatin1(request.contentType.left(100))));
    }
    return std::nullopt;
}

std::optional<ApiEnvelope> checkBatchId(const QString &batchId)
{
    if (Ids::isValid(batchId))
        return std::nullopt;
    return ApiEnvelope::failure(400, tr("The batch id \"%1\" in the path is not 24 lowercase "
                                        "hexadecimal digits.")
                                         .arg(batchId.left(64)));
}

QString refusalMessage(const CommandResult &result)
{
    if (result.errorCode == u"store_failed") {
        return tr("The calling service could not act on batch %1: %2")
            .arg(result.batchId, result.errorMessage);
    }
    return result.errorMessage;
}

ApiEnvelope startEnvelope(const CommandResult &result, const StartPlan &plan)
{
    QJsonObject details;
    if (plan.hasCallData) {
        details.insert(u"acceptedCalls"_s, plan.acceptedCalls);
        details.insert(u"rejected"_s, plan.rejected);
    }
    if (!result.ok()) {
        return ApiEnvelope::failure(ApiEnvelope::httpStatusFor(result.errorCode),
                                    refusalMessage(result), details);
    }

    // The contract's data is {batchId, status: "started"}; a session id is
    // echoed only when the request gave one.
    QJsonObject data = details;
    data.insert(u"batchId"_s, result.batchId);
    data.insert(u"status"_s, u"started"_s);
    if (!plan.requestedSessionId.isEmpty())
        data.insert(u"sessionId"_s, result.sessionId);
    if (result.alreadyStarted)
        qCInfo(lcApi) << "Start of batch" << result.batchId << "repeated session"
                      << result.sessionId << "; returned the existing run";
    return ApiEnvelope::success(data);
}

ApiEnvelope commandEnvelope(const CommandResult &result)
{
    if (!result.ok())
        return ApiEnvelope::failure(ApiEnvelope::httpStatusFor(result.errorCode),
                                    refusalMessage(result));
    return ApiEnvelope::success(
        {{u"batchId"_s, result.batchId}, {u"status"_s, toString(result.status)}});
}

QRegularExpression pathExpression(const QString &pattern)
{
    QString expression = QRegularExpression::escape(pattern);
    expression.replace(QRegularExpression::escape(u"<arg>"_s), u"[^/]+"_s);
    return QRegularExpression(u'^' + expression + u'$');
}

} // namespace

ApiServer::ApiServer(Engine &engine, QString storePath, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_store(std::make_unique<ApiStoreThread>(std::move(storePath)))
{
    connect(&m_engine, &Engine::progressUpdated, this, &ApiServer::onProgressUpdated);
    connect(&m_engine, &Engine::batchStatusChanged, this, &ApiServer::onBatchStatusChanged);
}

ApiServer::~ApiServer() = default;

Result<void> ApiServer::open()
{
    return m_store->start();
}

void ApiServer::registerRoutes(QHttpServer &server)
{
    using Method = QHttpServerRequest::Method;

    addRoute(server, Method::Post, u"/api/call/start-calling"_s,
             [this](const ApiRequest &request, const User &caller) {
                 return startCalling(request, caller);
             });
    for (const QString &command : {u"pause"_s, u"resume"_s, u"stop"_s}) {
        addRoute(server, Method::Post, u"/api/call/%1-calling"_s.arg(command),
                 [this, command](const ApiRequest &request, const User &caller) {
                     return batchCommand(request, caller, command);
                 });
    }
    addRoute(server, Method::Get, u"/api/call/batches"_s,
             [this](const ApiRequest &, const User &) { return listBatches(); });
    addBatchRoute(server, Method::Get, u"/api/call/batch-details/"_s,
                  [this](const ApiRequest &, const User &, const QString &batchId) {
                      return batchDetails(batchId);
                  });
    addBatchRoute(server, Method::Get, u"/api/call/batch-calls/"_s,
                  [this](const ApiRequest &request, const User &, const QString &batchId) {
                      return batchCalls(request, batchId);
                  });

    server.setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            RequestContext context{ApiRequest::from(request), {}, {}};
            context.timer.start();
            const ApiEnvelope envelope = routeNotFound(context.request);
            logRequest(context, envelope);
            envelope.toResponse().write(std::move(responder));
        });
}

void ApiServer::addRoute(QHttpServer &server, QHttpServerRequest::Method method,
                         const QString &pattern, Handler handler)
{
    m_routes.append({method, pathExpression(pattern)});
    server.route(
        pattern, method,
        [this, handler](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            serve(request, std::move(responder), handler);
        });
}

void ApiServer::addBatchRoute(
    QHttpServer &server, QHttpServerRequest::Method method, const QString &prefix,
    std::function<QFuture<ApiEnvelope>(const ApiRequest &, const User &, const QString &)> handler)
{
    const QString pattern = prefix + u"<arg>"_s;
    m_routes.append({method, pathExpression(pattern)});
    server.route(pattern, method,
                 [this, handler](const QString &batchId, const QHttpServerRequest &request,
                                 QHttpServerResponder &&responder) {
                     serve(request, std::move(responder),
                           [handler, batchId](const ApiRequest &captured, const User &caller) {
                               return handler(captured, caller, batchId);
                           });
                 });
}

void ApiServer::serve(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                      Handler handler)
{
    auto context = std::make_shared<RequestContext>();
    context->timer.start();
    context->request = ApiRequest::from(request);

    QFuture<Result<User>> authenticated = m_store->run<Result<User>>(
        [authorization = context->request.authorization](QSqlDatabase db) {
            return ApiAuthenticator::authenticate(db, authorization,
                                                  QDateTime::currentDateTimeUtc());
        });
    QFuture<ApiEnvelope> handled =
        authenticated
            .then(this,
                  [context, handler](const Result<User> &caller) -> QFuture<ApiEnvelope> {
                      if (!caller)
                          return ready(envelopeFor(caller.error()));
                      context->userId = caller->id;
                      return handler(context->request, *caller);
                  })
            .unwrap();

    // NOTE: the response goes through the responder instead of a returned
    // QFuture<QHttpServerResponse>: with Qt HTTP Server 6.4.2, a route that
    // returned a future crashed the server once the future finished.
    auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
    handled.then(this, [context, pending](const ApiEnvelope &envelope) {
        logRequest(*context, envelope);
        envelope.toResponse().write(std::move(*pending));
    });
}

ApiEnvelope ApiServer::routeNotFound(const ApiRequest &request) const
{
    QStringList allowed;
    for (const Route &route : m_routes) {
        if (route.path.match(request.path).hasMatch())
            allowed.append(route.method == QHttpServerRequest::Method::Get ? u"GET"_s : u"POST"_s);
    }
    if (allowed.isEmpty()) {
        return ApiEnvelope::failure(404, tr("There is no endpoint %1; see the API documentation "
                                            "for the paths under /api/call/.")
                                             .arg(request.path.left(200)));
    }

    ApiEnvelope envelope =
        ApiEnvelope::failure(405, tr("%1 is not allowed on %2; use %3.")
                                      .arg(request.method, request.path, allowed.join(u", "_s)));
    envelope.addHeader("Allow"_ba, allowed.join(u", "_s).toLatin1());
    return envelope;
}

QFuture<ApiEnvelope> ApiServer::startCalling(const ApiRequest &request, const User &caller)
{
    if (std::optional<ApiEnvelope> refused = checkJsonBody(request))
        return ready(*refused);
    Result<StartCallingRequest> parsed = StartCallingRequest::parse(request.body);
    if (!parsed)
        return ready(envelopeFor(parsed.error()));

    QFuture<StartPlan> prepared =
        m_store->run<StartPlan>([caller, parsed = std::move(parsed).value()](QSqlDatabase db) {
            return CommandPreparation::prepareStart(db, caller, parsed);
        });
    return prepared
        .then(this,
              [this](const StartPlan &plan) -> QFuture<ApiEnvelope> {
                  if (plan.refusal)
                      return ready(*plan.refusal);
                  if (m_startGate) {
                      if (std::optional<Error> closed = m_startGate())
                          return ready(ApiEnvelope::failure(500, closed->message));
                  }
                  return m_engine.requestStart(plan.request)
                      .then(this, [plan](const CommandResult &result) {
                          return startEnvelope(result, plan);
                      });
              })
        .unwrap();
}

QFuture<ApiEnvelope> ApiServer::batchCommand(const ApiRequest &request, const User &caller,
                                             const QString &command)
{
    if (std::optional<ApiEnvelope> refused = checkJsonBody(request))
        return ready(*refused);
    Result<BatchCommandRequest> parsed = BatchCommandRequest::parse(request.body);
    if (!parsed)
        return ready(envelopeFor(parsed.error()));

    QFuture<std::optional<ApiEnvelope>> checked =
        m_store->run<std::optional<ApiEnvelope>>([caller, parsed = *parsed](QSqlDatabase db) {
            return CommandPreparation::checkBatchCommand(db, caller, parsed);
        });
    return checked
        .then(this,
              [this, command, batchId = parsed->batchId](
                  const std::optional<ApiEnvelope> &refusal) -> QFuture<ApiEnvelope> {
                  if (refusal)
                      return ready(*refusal);

                  QFuture<CommandResult> result;
                  if (command == u"pause")
                      result = m_engine.requestPause(batchId);
                  else if (command == u"resume")
                      result = m_engine.requestResume(batchId);
                  else
                      result = m_engine.requestStop(batchId);
                  return result.then(
                      this, [](const CommandResult &done) { return commandEnvelope(done); });
              })
        .unwrap();
}

QFuture<ApiEnvelope> ApiServer::batchDetails(const QString &batchId)
{
    if (std::optional<ApiEnvelope> refused = checkBatchId(batchId))
        return ready(*refused);

    // A batch this engine runs is read from its live snapshot; any other
    // from the store, as `dialdeck-service status` reads it.
    const BatchProgress *live = m_snapshot.find(batchId);
    if (live && (isActive(live->status) || live->isDraining()))
        return ready(ApiEnvelope::success(live->toJson()));

    return m_store->run<ApiEnvelope>([batchId](QSqlDatabase db) {
        Result<BatchProgress> progress =
            ProgressReader::read(db, batchId, QDateTime::currentMSecsSinceEpoch());
        if (!progress)
            return envelopeFor(progress.error());
        return ApiEnvelope::success(progress->toJson());
    });
}

QFuture<ApiEnvelope> ApiServer::listBatches()
{
    return m_store->run<ApiEnvelope>([](QSqlDatabase db) {
        Result<QJsonObject> batches = BatchQueries::listBatches(db);
        if (!batches)
            return envelopeFor(batches.error());
        return ApiEnvelope::success(*batches);
    });
}

QFuture<ApiEnvelope> ApiServer::batchCalls(const ApiRequest &request, const QString &batchId)
{
    if (std::optional<ApiEnvelope> refused = checkBatchId(batchId))
        return ready(*refused);
    Result<CallPageRequest> page = CallPageRequest::parse(request.query);
    if (!page)
        return ready(envelopeFor(page.error()));

    return m_store->run<ApiEnvelope>([batchId, page = *page](QSqlDatabase db) {
        Result<QJsonObject> calls = BatchQueries::callPage(db, batchId, page);
        if (!calls)
            return envelopeFor(calls.error());
        return ApiEnvelope::success(*calls);
    });
}

void ApiServer::onProgressUpdated(const ProgressSnapshot &snapshot)
{
    m_snapshot = snapshot;
}

void ApiServer::onBatchStatusChanged(const QString &batchId, BatchStatus status,
                                     const QString &reason)
{
    for (BatchProgress &progress : m_snapshot.batches) {
        if (progress.batchId == batchId) {
            progress.status = status;
            progress.statusReason = reason;
        }
    }
}

} // namespace Dialdeck
