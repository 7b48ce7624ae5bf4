#include "webhookintake.h"

#include "callbacksignature.h"
#include "core/logging.h"
#include "formparams.h"
#include "plivocallback.h"
#include "plivosignature.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QUrlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Plivo's callbacks are a few kilobytes; anything near this is not one.
constexpr qsizetype MaxCallbackBytes = 256 * 1024;

void respond(QHttpServerResponder &responder, const char *text,
             QHttpServerResponder::StatusCode status)
{
    responder.write(QByteArray(text) + '\n', "text/plain", status);
}

} // namespace

WebhookIntake::WebhookIntake(Settings settings, Deliver deliver, AnswerFor answerFor,
                             QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_deliver(std::move(deliver))
    , m_answerFor(std::move(answerFor))
{
    if (!m_settings.publicUrl.endsWith(u'/'))
        m_settings.publicUrl += u'/';
}

WebhookIntake::~WebhookIntake() = default;

void WebhookIntake::registerRoutes(QHttpServer &server)
{
    server.route(
        u"/plivo/<arg>"_s,
        [this](const QString &kind, const QHttpServerRequest &request,
               QHttpServerResponder &&responder) { handle(kind, request, std::move(responder)); });
}

QString WebhookIntake::publicUrlFor(const QHttpServerRequest &request, const QString &kind) const
{
    return CallbackSignature::signedUrl(m_settings.publicUrl, u"plivo/"_s + kind, request);
}

bool WebhookIntake::signatureMatches(const QHttpServerRequest &request, const QString &kind,
                                     const QList<std::pair<QString, QString>> &bodyParams) const
{
    return CallbackSignature::matches(request, publicUrlFor(request, kind), m_settings.authTokens,
                                      bodyParams);
}

void WebhookIntake::handle(const QString &kind, const QHttpServerRequest &request,
                           QHttpServerResponder &&responder)
{
    const std::optional<PlivoCallback::Kind> callbackKind = PlivoCallback::kindFromPath(kind);
    if (!callbackKind) {
        respond(responder, "Unknown callback", QHttpServerResponder::StatusCode::NotFound);
        return;
    }
    const bool isGet = request.method() == QHttpServerRequest::Method::Get;
    if (!isGet && request.method() != QHttpServerRequest::Method::Post) {
        respond(responder, "Use GET or POST", QHttpServerResponder::StatusCode::MethodNotAllowed);
        return;
    }
    if (request.body().size() > MaxCallbackBytes) {
        ++m_counters.malformed;
        respond(responder, "Callback too large", QHttpServerResponder::StatusCode::PayloadTooLarge);
        return;
    }

    PlivoSignature::Params bodyParams;
    if (!isGet && !request.body().isEmpty()) {
        Result<PlivoSignature::Params> parsed = FormParams::parse(request.body());
        if (!parsed) {
            ++m_counters.malformed;
            qCWarning(lcWebhook).noquote()
                << "Refused a" << kind << "callback with an unreadable body";
            respond(responder, "Unreadable form body",
                    QHttpServerResponder::StatusCode::BadRequest);
            return;
        }
        bodyParams = *parsed;
    }

    if (!signatureMatches(request, kind, bodyParams)) {
        ++m_counters.forged;
        qCWarning(lcWebhook).noquote()
            << "Refused a" << kind << "callback whose Plivo signature does not match"
            << publicUrlFor(request, kind) << "(check the public URL setting and the Auth Token)";
        respond(responder, "Signature does not match", QHttpServerResponder::StatusCode::Forbidden);
        return;
    }

    const QUrlQuery query(request.url());
    bool idOk = false;
    const qint64 attemptId = query.queryItemValue(u"attempt"_s).toLongLong(&idOk);
    PlivoSignature::Params params = bodyParams;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        params.append({key, value});
    Result<CarrierEvent> event =
        idOk ? PlivoCallback::toEvent(*callbackKind, params, attemptId, 0)
             : Result<CarrierEvent>(Error{u"invalid_argument"_s, u"no attempt id"_s});
    if (!event) {
        ++m_counters.malformed;
        qCWarning(lcWebhook).noquote()
            << "Refused a" << kind << "callback:" << event.error().message;
        respond(responder, "Callback not understood", QHttpServerResponder::StatusCode::BadRequest);
        return;
    }

    qCDebug(lcWebhook).noquote() << "Callback" << kind << "of attempt" << attemptId << "call"
                                 << event->callUuid;
    // The answer goes out once the engine committed the event, so that a
    // failure can be reported while the sender still waits. The responder
    // moves into the continuation; Qt 6.4's QFuture responses cannot be used
    // for this because its server keeps a reference to the finished request.
    const bool isAnswer = *callbackKind == PlivoCallback::Kind::Answer;
    auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
    m_deliver(*event).then(this, [this, pending, isAnswer, attemptId](bool committed) {
        if (!committed) {
            ++m_counters.storeFailures;
            qCCritical(lcWebhook) << "The engine could not store the event of attempt" << attemptId;
            respond(*pending, "Not stored; send again",
                    QHttpServerResponder::StatusCode::ServiceUnavailable);
            return;
        }
        ++m_counters.accepted;
        qCDebug(lcWebhook) << "Event of attempt" << attemptId << "committed";
        if (isAnswer) {
            pending->write(m_answerFor(attemptId), "application/xml");
            return;
        }
        respond(*pending, "OK", QHttpServerResponder::StatusCode::Ok);
    });
}

} // namespace Dialdeck
