#include "plivosimulator.h"

#include "cdrfilter.h"
#include "core/logging.h"
#include "listpage.h"
#include "queryparams.h"
#include "seededdraw.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

#include <memory>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

using Method = QHttpServerRequest::Method;

QString newApiId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return u"GET"_s;
    case Method::Post:
        return u"POST"_s;
    case Method::Delete:
        return u"DELETE"_s;
    case Method::Put:
        return u"PUT"_s;
    case Method::Patch:
        return u"PATCH"_s;
    case Method::Head:
        return u"HEAD"_s;
    case Method::Options:
        return u"OPTIONS"_s;
    default:
        return u"other"_s;
    }
}

QByteArray headerValue(const QHttpServerRequest &request, QByteArrayView name)
{
    for (const auto &[key, value] : request.headers()) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonArray callUuids(const QList<const SimulatedCall *> &calls)
{
    QJsonArray uuids;
    for (const SimulatedCall *call : calls)
        uuids.append(call->callUuid);
    return uuids;
}

// The error text of a reply, quoted after a space, for the log.
QString errorText(const QJsonObject &body)
{
    const QString text = body.value(u"error"_s).toString();
    return text.isEmpty() ? QString() : u" \"%1\""_s.arg(text);
}

QDate todayIn(const QTimeZone &zone, qint64 nowMs)
{
    return QDateTime::fromMSecsSinceEpoch(nowMs, zone).date();
}

} // namespace

PlivoSimulator::PlivoSimulator(const SimulatorSettings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clock(QDateTime::currentMSecsSinceEpoch(), settings.speed)
    , m_time(QTimeZone(settings.timeZone.toUtf8()))
    , m_views(settings.authId, settings.ratePerMinute, m_time)
    , m_sender(settings.authToken, settings.callbackRetries)
    , m_account(m_settings, m_clock, m_views, m_sender)
    , m_numbers(settings.authId, settings.numbers, settings.ratePerMinute,
                todayIn(m_time.zone(), m_clock.nowMs()))
    , m_limiter(settings.restLimit, settings.restWindowMs)
{
    setupRoutes();
}

PlivoSimulator::~PlivoSimulator() = default;

Result<quint16> PlivoSimulator::start()
{
    const Result<void> journal = m_account.openJournal(m_settings.journalPath);
    if (!journal)
        return journal.error();

    m_port = m_server.listen(m_settings.listenAddress, m_settings.listenPort);
    if (m_port == 0) {
        return Error{u"listen_failed"_s,
                     QCoreApplication::translate("Dialdeck::PlivoSimulator",
                                                 "Cannot listen on %1:%2; is the port in use? "
                                                 "Choose another with --listen.")
                         .arg(m_settings.listenAddress.toString())
                         .arg(m_settings.listenPort)};
    }
    qCInfo(lcSimulator).noquote() << "Listening on" << baseUrl().toString() << "as account"
                                  << m_settings.authId << "at speed" << m_settings.speed;
    return m_port;
}

QUrl PlivoSimulator::baseUrl() const
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(m_settings.listenAddress.toString());
    url.setPort(m_port);
    return url;
}

QString PlivoSimulator::accountPath() const
{
    return u"/v1/Account/%1/"_s.arg(m_settings.authId);
}

void PlivoSimulator::setupRoutes()
{
    // Each handler receives the {auth_id} segment and, for single resources,
    // the id after it; the most specific paths come first.
    const auto withId = [this](Resource resource) {
        return [this, resource](const QString &authId, const QString &id,
                                const QHttpServerRequest &request,
                                QHttpServerResponder &&responder) {
            dispatch(resource, authId, id, request, std::move(responder));
        };
    };
    const auto withoutId = [this](Resource resource) {
        return [this, resource](const QString &authId, const QHttpServerRequest &request,
                                QHttpServerResponder &&responder) {
            dispatch(resource, authId, QString(), request, std::move(responder));
        };
    };

    m_server.route(u"/v1/Account/<arg>/Call/<arg>/"_s, withId(Resource::Call));
    m_server.route(u"/v1/Account/<arg>/Request/<arg>/"_s, withId(Resource::Request));
    m_server.route(u"/v1/Account/<arg>/Number/<arg>/"_s, withId(Resource::Number));
    m_server.route(u"/v1/Account/<arg>/Call/"_s, withoutId(Resource::Calls));
    m_server.route(u"/v1/Account/<arg>/Number/"_s, withoutId(Resource::Numbers));
    m_server.route(u"/v1/Account/<arg>/"_s, withoutId(Resource::Account));

    m_server.setMissingHandler([this](const QHttpServerRequest &request,
                                      QHttpServerResponder &&responder) {
        const QString path = request.url().path();
        const QString hint = path.endsWith(u'/') ? QString()
                                                 : u"; Plivo resource paths end with a slash"_s;
        const RestReply reply = error(404, u"not found: %1%2"_s.arg(path, hint));
        int suppressed = 0;
        if (m_errorLog.allow(&suppressed)) {
            const QString line = methodName(request.method()) + u' ' + path + u" -> 404"_s;
            qCInfo(lcSimulator).noquote() << LogThrottle::withSuppressed(line, suppressed);
        }
        writeReply(responder, reply);
    });
}

void PlivoSimulator::dispatch(Resource resource, const QString &authId, const QString &id,
                              const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    const std::optional<RestReply> refused = checkAccess(authId, request);
    const RestReply reply = refused ? *refused : route(resource, id, request);

    const QString line = methodName(request.method()) + u' ' + request.url().path() + u" -> "
                         + QString::number(reply.status);
    int suppressed = 0;
    if (reply.status < 400)
        qCDebug(lcSimulator).noquote() << line;
    else if (m_errorLog.allow(&suppressed))
        qCInfo(lcSimulator).noquote() << LogThrottle::withSuppressed(line + errorText(reply.body),
                                                                     suppressed);
    send(std::move(responder), reply);
}

std::optional<PlivoSimulator::RestReply>
PlivoSimulator::checkAccess(const QString &authId, const QHttpServerRequest &request)
{
    const QByteArray header = headerValue(request, "authorization");
    if (!header.startsWith("Basic ")) {
        return error(401, u"authentication failed: send the Auth ID and Auth Token with HTTP "
                          u"Basic authentication"_s);
    }

    const auto decoded = QByteArray::fromBase64Encoding(header.mid(6).trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray credentials = decoded ? decoded.decoded : QByteArray();
    const qsizetype colon = credentials.indexOf(':');
    const QByteArray user = credentials.left(colon);
    const QByteArray token = colon < 0 ? QByteArray() : credentials.mid(colon + 1);
    if (colon < 0 || user != m_settings.authId.toUtf8()
        || !PlivoSignature::constantTimeEquals(token, m_settings.authToken)) {
        return error(401, u"authentication failed: wrong Auth ID or Auth Token"_s);
    }
    if (authId != m_settings.authId) {
        return error(401, u"authentication failed: the Auth ID in the path is not the one of "
                          u"the credentials"_s);
    }

    if (!m_limiter.tryAcquire(QDateTime::currentMSecsSinceEpoch())) {
        return error(429, u"too many requests: at most %1 API requests in %2 seconds"_s
                              .arg(m_settings.restLimit)
                              .arg(m_settings.restWindowMs / 1000));
    }
    return std::nullopt;
}

PlivoSimulator::RestReply PlivoSimulator::route(Resource resource, const QString &id,
                                                const QHttpServerRequest &request)
{
    const Method method = request.method();
    const QueryParams query = QueryParams::fromUrl(request.url());

    switch (resource) {
    case Resource::Account:
        if (method == Method::Get)
            return accountDetails();
        break;
    case Resource::Calls:
        if (method == Method::Post)
            return createCalls(request);
        if (method == Method::Get)
            return listCalls(query);
        if (method == Method::Delete)
            return hangUpAll();
        break;
    case Resource::Call:
        if (method == Method::Get)
            return getCall(id, query);
        if (method == Method::Delete)
            return hangUpCall(id);
        if (method == Method::Post)
            return error(405, u"method not allowed: dialdeck-sim does not simulate call transfer"_s);
        break;
    case Resource::Request:
        if (method == Method::Delete)
            return cancelRequest(id);
        break;
    case Resource::Numbers:
        if (method == Method::Get)
            return listNumbers(query);
        break;
    case Resource::Number:
        if (method == Method::Get)
            return getNumber(id);
        break;
    }
    return error(405, u"method %1 is not allowed on %2"_s.arg(methodName(method),
                                                              request.url().path()));
}

PlivoSimulator::RestReply PlivoSimulator::error(int status, const QString &text)
{
    return RestReply{status, QJsonObject{{u"error"_s, text}}, true, 0};
}

void PlivoSimulator::send(QHttpServerResponder &&responder, const RestReply &reply)
{
    if (reply.delayMs <= 0) {
        writeReply(responder, reply);
        return;
    }

    // The stall fault keeps the connection open and responds later if the
    // client is still there. The socket owns the request the responder refers to.
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    const QPointer<QTcpSocket> socket = held->socket();
    QTimer::singleShot(reply.delayMs, this, [this, held, socket, reply] {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState) {
            qCInfo(lcSimulator) << "Stalled create request: the client left before the answer";
            return;
        }
        writeReply(*held, reply);
    });
}

void PlivoSimulator::writeReply(QHttpServerResponder &responder, const RestReply &reply) const
{
    const auto status = QHttpServerResponder::StatusCode(reply.status);
    if (!reply.hasBody) {
        responder.write(status);
        return;
    }

    // Plivo's 401 responses may lack api_id, but every other response carries one.
    QJsonObject body = reply.body;
    if (reply.status != 401)
        body.insert(u"api_id"_s, newApiId());
    responder.write(QJsonDocument(body).toJson(QJsonDocument::Compact), "application/json",
                    status);
}

PlivoSimulator::RestReply PlivoSimulator::createCalls(const QHttpServerRequest &request)
{
    auto params = CallRequest::paramsFromBody(request.body(), headerValue(request, "content-type"));
    if (!params)
        return error(400, params.error().message);
    auto callRequest = CallRequest::fromParams(params.value());
    if (!callRequest)
        return error(400, callRequest.error().message);

    // parent_call_uuid is honoured for single calls only.
    if (callRequest->destinations.size() > 1)
        callRequest->parentCallUuid.clear();
    if (callRequest->errorIfParentNotFound && !callRequest->parentCallUuid.isEmpty()
        && !m_account.knowsCall(callRequest->parentCallUuid)) {
        return error(400, u"parent call %1 not found"_s.arg(callRequest->parentCallUuid));
    }

    const SimulatedAccount::Placement placement = m_account.place(callRequest.value());
    const QJsonValue requestUuid = placement.requestUuids.size() == 1
                                       ? QJsonValue(placement.requestUuids.first())
                                       : QJsonValue(QJsonArray::fromStringList(
                                           placement.requestUuids));
    RestReply reply{201,
                    {{u"message"_s, placement.anyQueued ? u"call queued"_s : u"call fired"_s},
                     {u"request_uuid"_s, requestUuid}},
                    true,
                    0};

    // Faults change only this response, because the calls above are placed either way.
    const SeededDraw random(m_settings.seed);
    const quint64 index = m_createRequests++;
    if (random.chance(m_settings.faults.error500AfterPlace, SeededDraw::Stream::Error500, index)) {
        qCInfo(lcSimulator) << "Fault: answering create request" << index << "with HTTP 500";
        reply = error(500, u"internal server error"_s);
    }
    if (random.chance(m_settings.faults.stall, SeededDraw::Stream::Stall, index)) {
        qCInfo(lcSimulator) << "Fault: holding the answer to create request" << index << "for"
                            << m_settings.faults.stallMs << "ms";
        reply.delayMs = m_settings.faults.stallMs;
    }
    return reply;
}

PlivoSimulator::RestReply PlivoSimulator::listCalls(const QueryParams &query)
{
    const QString status = query.value(u"status"_s);
    if (status == u"live" || status == u"queued") {
        const bool live = status == u"live";
        auto page = ListPage::fromQuery(query);
        if (!page)
            return error(400, page.error().message);

        // Live calls filter like CDRs by direction and numbers.
        auto filter = CdrFilter::fromQuery(query, 0);
        if (!filter)
            return error(400, filter.error().message);
        QList<const SimulatedCall *> calls = live ? m_account.liveCalls()
                                                  : m_account.queuedCalls();
        calls.removeIf([&](const SimulatedCall *call) { return !filter->matchesParties(*call); });
        if (!live)
            calls = calls.mid(page->offset, page->limit);
        return RestReply{200, {{u"calls"_s, callUuids(calls)}}, true, 0};
    }
    if (!status.isEmpty())
        return error(400, u"invalid status: use live or queued"_s);

    auto page = ListPage::fromQuery(query);
    if (!page)
        return error(400, page.error().message);
    auto filter = CdrFilter::fromQuery(query, m_clock.nowMs());
    if (!filter)
        return error(400, filter.error().message);

    const QList<const SimulatedCall *> matches = m_account.cdrs().query(filter.value());
    QJsonArray objects;
    for (const SimulatedCall *call : matches.mid(page->offset, page->limit))
        objects.append(m_views.cdr(*call));
    return RestReply{200,
                     {{u"meta"_s, page->meta(accountPath() + u"Call/"_s, query, matches.size())},
                      {u"objects"_s, objects}},
                     true,
                     0};
}

PlivoSimulator::RestReply PlivoSimulator::getCall(const QString &callUuid,
                                                  const QueryParams &query)
{
    const QString status = query.value(u"status"_s);
    if (status == u"live") {
        const SimulatedCall *call = m_account.liveCall(callUuid);
        if (!call)
            return error(404, u"live call %1 not found"_s.arg(callUuid));
        return RestReply{200, m_views.liveCall(*call), true, 0};
    }
    if (status == u"queued") {
        const SimulatedCall *call = m_account.queuedCall(callUuid);
        if (!call)
            return error(404, u"queued call %1 not found"_s.arg(callUuid));
        return RestReply{200, m_views.queuedCall(*call), true, 0};
    }
    if (!status.isEmpty())
        return error(400, u"invalid status: use live or queued"_s);

    const SimulatedCall *call = m_account.cdrs().find(callUuid);
    if (!call)
        return error(404, u"call %1 not found"_s.arg(callUuid));
    return RestReply{200, m_views.cdr(*call), true, 0};
}

PlivoSimulator::RestReply PlivoSimulator::hangUpCall(const QString &callUuid)
{
    if (!m_account.hangUp(callUuid))
        return error(404, u"call %1 not found or not live"_s.arg(callUuid));
    return RestReply{204, {}, false, 0};
}

PlivoSimulator::RestReply PlivoSimulator::hangUpAll()
{
    const int ended = m_account.hangUpAll();
    qCInfo(lcSimulator) << "Hung up all" << ended << "live calls on request";
    return RestReply{204, {}, false, 0};
}

PlivoSimulator::RestReply PlivoSimulator::cancelRequest(const QString &requestUuid)
{
    if (!m_account.cancelRequest(requestUuid))
        return error(404, u"request %1 not found or already ended"_s.arg(requestUuid));
    return RestReply{204, {}, false, 0};
}

PlivoSimulator::RestReply PlivoSimulator::accountDetails() const
{
    return RestReply{200,
                     {
                         {u"account_type"_s, u"standard"_s},
                         {u"address"_s, QString()},
                         {u"auth_id"_s, m_settings.authId},
                         {u"auto_recharge"_s, false},
                         {u"billing_mode"_s, u"prepaid"_s},
                         {u"cash_credits"_s, CallViews::amountText(m_account.cashCredits())},
                         {u"city"_s, QString()},
                         {u"name"_s, u"Dialdeck simulator"_s},
                         {u"resource_uri"_s, accountPath()},
                         {u"state"_s, QString()},
                         {u"timezone"_s, m_settings.timeZone},
                     },
                     true,
                     0};
}

PlivoSimulator::RestReply PlivoSimulator::listNumbers(const QueryParams &query) const
{
    auto page = ListPage::fromQuery(query);
    if (!page)
        return error(400, page.error().message);

    const QList<QJsonObject> numbers = m_numbers.list(query);
    QJsonArray objects;
    for (const QJsonObject &number : numbers.mid(page->offset, page->limit))
        objects.append(number);
    return RestReply{200,
                     {{u"meta"_s, page->meta(accountPath() + u"Number/"_s, query, numbers.size())},
                      {u"objects"_s, objects}},
                     true,
                     0};
}

PlivoSimulator::RestReply PlivoSimulator::getNumber(const QString &number) const
{
    const QJsonObject found = m_numbers.find(number);
    if (found.isEmpty())
        return error(404, u"number %1 not found"_s.arg(number));
    return RestReply{200, found, true, 0};
}

} // namespace Dialdeck
