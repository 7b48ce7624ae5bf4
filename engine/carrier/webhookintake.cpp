#include "webhookintake.h"

#include "core/logging.h"
#include "formparams.h"
#include "plivocallback.h"
#include "plivosignature.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QUrlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Plivo's callbacks are a few kilobytes; anything near this is not one.
constexpr qsizetype MaxCallbackBytes = 256 * 1024;

QFuture<QHttpServerResponse> respondNow(QHttpServerResponse response)
{
    return QtFuture::makeReadyFuture(std::move(response));
}

QHttpServerResponse plainText(const char *text, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse("text/plain", QByteArray(text) + '\n', status);
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
    server.route(u"/plivo/<arg>"_s, QHttpServerRequest::Method::Get | QHttpServerRequest::Method::Post,
                 [this](const QString &kind, const QHttpServerRequest &request) {
                     return handle(kind, request);
                 });
}

QString WebhookIntake::publicUrlFor(const QHttpServerRequest &request, const QString &kind) const
{
    QString url = m_settings.publicUrl + u"plivo/"_s + kind;
    const QString query = request.url().query(QUrl::FullyEncoded);
    if (!query.isEmpty())
        url += u'?' + query;
    return url;
}

bool WebhookIntake::signatureMatches(const QHttpServerRequest &request, const QString &kind,
                                     const QList<std::pair<QString, QString>> &bodyParams) const
{
    const QByteArray v3 = request.value("X-Plivo-Signature-V3");
    const QByteArray mainV3 = request.value("X-Plivo-Signature-Ma-V3");
    const QString nonce = QString::fromUtf8(request.value("X-Plivo-Signature-V3-Nonce"));
    if (nonce.isEmpty() || (v3.isEmpty() && mainV3.isEmpty()))
        return false;

    const QByteArray method = request.method() == QHttpServerRequest::Method::Get ? "GET"
                                                                                   : "POST";
    const QString url = publicUrlFor(request, kind);
    for (const QByteArray &token : m_settings.authTokens) {
        if (!v3.isEmpty() && PlivoSignature::verifyV3(token, method, url, bodyParams, nonce, v3))
            return true;
        if (!mainV3.isEmpty()
            && PlivoSignature::verifyV3(token, method, url, bodyParams, nonce, mainV3))
            return true;
    }
    return false;
}

QFuture<QHttpServerResponse> WebhookIntake::handle(const QString &kind,
                                                   const QHttpServerRequest &request)
{
    const std::optional<PlivoCallback::Kind> callbackKind = PlivoCallback::kindFromPath(kind);
    if (!callbackKind)
        return respondNow(plainText("Unknown callback", QHttpServerResponse::StatusCode::NotFound));
    if (request.body().size() > MaxCallbackBytes) {
        ++m_counters.malformed;
        return respondNow(plainText("Callback too large",
                                    QHttpServerResponse::StatusCode::PayloadTooLarge));
    }

    PlivoSignature::Params bodyParams;
    if (request.method() == QHttpServerRequest::Method::Post && !request.body().isEmpty()) {
        Result<PlivoSignature::Params> parsed = FormParams::parse(request.body());
        if (!parsed) {
            ++m_counters.malformed;
            qCWarning(lcWebhook).noquote() << "Refused a" << kind
                                           << "callback with an unreadable body";
            return respondNow(plainText("Unreadable form body",
                                        QHttpServerResponse::StatusCode::BadRequest));
        }
        bodyParams = *parsed;
    }

    if (!signatureMatches(request, kind, bodyParams)) {
        ++m_counters.forged;
        qCWarning(lcWebhook).noquote()
            << "Refused a" << kind << "callback whose Plivo signature does not match"
            << publicUrlFor(request, kind)
            << "(check the public URL setting and the Auth Token)";
        return respondNow(plainText("Signature does not match",
                                    QHttpServerResponse::StatusCode::Forbidden));
    }

    const QUrlQuery query(request.url());
    bool idOk = false;
    const qint64 attemptId = query.queryItemValue(u"attempt"_s).toLongLong(&idOk);
    PlivoSignature::Params params = bodyParams;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        params.append({key, value});
    Result<CarrierEvent> event = idOk ? PlivoCallback::toEvent(*callbackKind, params, attemptId, 0)
                                      : Result<CarrierEvent>(Error{u"invalid_argument"_s,
                                                                   u"no attempt id"_s});
    if (!event) {
        ++m_counters.malformed;
        qCWarning(lcWebhook).noquote() << "Refused a" << kind << "callback:"
                                       << event.error().message;
        return respondNow(plainText("Callback not understood",
                                    QHttpServerResponse::StatusCode::BadRequest));
    }

    qCDebug(lcWebhook).noquote() << "Callback" << kind << "of attempt" << attemptId << "call"
                                 << event->callUuid;
    const bool isAnswer = *callbackKind == PlivoCallback::Kind::Answer;
    return m_deliver(*event).then(this, [this, isAnswer, attemptId](bool committed) {
        if (!committed) {
            ++m_counters.storeFailures;
            qCCritical(lcWebhook) << "The engine could not store the event of attempt"
                                  << attemptId;
            return plainText("Not stored; send again",
                             QHttpServerResponse::StatusCode::ServiceUnavailable);
        }
        ++m_counters.accepted;
        if (isAnswer)
            return QHttpServerResponse("application/xml", m_answerFor(attemptId));
        return plainText("OK", QHttpServerResponse::StatusCode::Ok);
    });
}

} // namespace Dialdeck
