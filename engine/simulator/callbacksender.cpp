#include "callbacksender.h"

#include "callbackpolicy.h"
#include "carrier/answerdocument.h"
#include "carrier/formparams.h"
#include "core/logging.h"

#include <QElapsedTimer>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Plivo reads at most 100 KB of answer XML; one byte more shows it was longer.
constexpr qint64 MaxBodyBytes = AnswerDocument::MaxSize + 1;

QString urlForLog(const QUrl &url)
{
    return url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
}


} // namespace

// Tries one delivery until it succeeds, fails for good or its context goes
// away, then deletes itself.
class CallbackJob final : public QObject
{
public:
    CallbackJob(CallbackSender *sender, CallbackDelivery delivery, QObject *context,
                CallbackSender::Handler done)
        : QObject(sender)
        , m_sender(sender)
        , m_delivery(std::move(delivery))
        , m_policy(CallbackPolicy::fromUrl(m_delivery.target.url, sender->m_defaultRetries))
        , m_context(context)
        , m_done(std::move(done))
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &CallbackJob::onTimeout);
        if (context)
            connect(context, &QObject::destroyed, this, &CallbackJob::cancel);
    }

    void start()
    {
        m_elapsed.start();
        tryOnce();
    }

private:
    int remainingMs() const
    {
        return std::max(0, m_policy.totalTimeoutMs - int(m_elapsed.elapsed()));
    }

    void tryOnce()
    {
        ++m_result.tries;
        ++m_sender->m_triesStarted;
        m_connected = false;
        m_timedOut = false;

        QByteArray body;
        const QNetworkRequest request =
            m_sender->buildRequest(m_delivery, PlivoSignature::makeNonce(), &body);
        QNetworkAccessManager &network = m_sender->m_network;
        m_reply = m_delivery.target.method == "GET" ? network.get(request)
                                                    : network.post(request, body);

        connect(m_reply, &QNetworkReply::requestSent, this, [this] {
            m_connected = true;
            m_timer.start(std::min(m_policy.readTimeoutMs, remainingMs()));
        });
        connect(m_reply, &QNetworkReply::finished, this, &CallbackJob::onFinished);
        m_timer.start(std::min(m_policy.connectTimeoutMs, remainingMs()));
    }

    void onTimeout()
    {
        if (!m_reply)
            return;
        m_timedOut = true;
        m_reply->abort();
    }

    void onFinished()
    {
        QNetworkReply *reply = std::exchange(m_reply, nullptr);
        reply->deleteLater();
        m_timer.stop();
        if (m_cancelled)
            return;

        const bool retry = readResponse(reply);
        if (retry && m_result.tries <= m_policy.retries && remainingMs() > 0) {
            int suppressed = 0;
            if (m_sender->m_retryLog.allow(&suppressed)) {
                const QString message = u"Retrying %1 to %2 after try %3 failed: %4"_s
                                            .arg(m_delivery.label,
                                                 urlForLog(m_delivery.target.url))
                                            .arg(m_result.tries)
                                            .arg(describeFailure());
                qCInfo(lcSimulator).noquote() << LogThrottle::withSuppressed(message, suppressed);
            }
            tryOnce();
            return;
        }
        finish();
    }

    // Stores the try's response and returns true when the policy retries it.
    bool readResponse(QNetworkReply *reply)
    {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status > 0 && !m_timedOut) {
            m_result.httpStatus = status;
            m_result.body = reply->read(MaxBodyBytes);
            m_result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
            m_result.failure.clear();
            if (status >= 400 && status < 500)
                return m_policy.retryOn4xx;
            if (status >= 500)
                return m_policy.retryOn5xx;
            return false;
        }

        m_result.httpStatus = 0;
        m_result.body.clear();
        if (m_timedOut) {
            m_result.failure = m_connected ? u"no answer within %1 ms"_s.arg(m_policy.readTimeoutMs)
                                           : u"no connection within %1 ms"_s.arg(
                                               m_policy.connectTimeoutMs);
        } else {
            m_result.failure = reply->errorString();
        }
        return m_connected ? m_policy.retryOnReadFailure : m_policy.retryOnConnectFailure;
    }

    QString describeFailure() const
    {
        if (m_result.httpStatus > 0)
            return u"HTTP %1"_s.arg(m_result.httpStatus);
        return m_result.failure;
    }

    void finish()
    {
        const QString outcome = describeFailure();
        if (m_result.isSuccess()) {
            qCDebug(lcSimulator).noquote() << "Delivered" << m_delivery.label << "to"
                                          << urlForLog(m_delivery.target.url) << "in"
                                          << m_result.tries << "tries:" << outcome;
        } else if (int suppressed = 0; m_sender->m_failureLog.allow(&suppressed)) {
            const QString message = u"Failed to deliver %1 to %2 after %3 tries: %4"_s
                                        .arg(m_delivery.label, urlForLog(m_delivery.target.url))
                                        .arg(m_result.tries)
                                        .arg(outcome);
            qCWarning(lcSimulator).noquote() << LogThrottle::withSuppressed(message, suppressed);
        }

        if (m_context && m_done)
            m_done(m_result);
        deleteLater();
    }

    void cancel()
    {
        m_cancelled = true;
        m_timer.stop();
        if (m_reply)
            m_reply->abort();
        deleteLater();
    }

    CallbackSender *m_sender = nullptr;
    CallbackDelivery m_delivery;
    CallbackPolicy m_policy;
    QPointer<QObject> m_context;
    CallbackSender::Handler m_done;
    CallbackResult m_result;
    QNetworkReply *m_reply = nullptr;
    QTimer m_timer{this};
    QElapsedTimer m_elapsed;
    bool m_connected = false;
    bool m_timedOut = false;
    bool m_cancelled = false;
};

CallbackSender::CallbackSender(const QByteArray &authToken, int defaultRetries, QObject *parent)
    : QObject(parent)
    , m_authToken(authToken)
    , m_defaultRetries(defaultRetries)
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

CallbackSender::~CallbackSender() = default;

void CallbackSender::send(const CallbackDelivery &delivery, QObject *context, Handler done)
{
    auto *job = new CallbackJob(this, delivery, context, std::move(done));
    job->start();
}

QNetworkRequest CallbackSender::buildRequest(const CallbackDelivery &delivery,
                                             const QString &nonce, QByteArray *body) const
{
    const bool isGet = delivery.target.method == "GET";
    QByteArray encodedUrl = delivery.target.url.toEncoded(QUrl::RemoveFragment);
    const QByteArray fields = FormParams::encode(delivery.params);

    // A GET carries the fields in the query, after any query the URL already has.
    if (isGet && !fields.isEmpty()) {
        encodedUrl.append(delivery.target.url.hasQuery() ? '&' : '?');
        encodedUrl.append(fields);
    }
    const QString signedUrl = QString::fromUtf8(encodedUrl);

    const PlivoSignature::Params bodyParams = isGet ? PlivoSignature::Params{} : delivery.params;
    const QByteArray signature = PlivoSignature::computeV3(
        m_authToken, isGet ? QByteArrayView("GET") : QByteArrayView("POST"), signedUrl, bodyParams,
        nonce);

    QNetworkRequest request(QUrl::fromEncoded(encodedUrl, QUrl::StrictMode));
    request.setRawHeader("X-Plivo-Signature-V3", signature);
    // The simulated account is a main account, so its token also keys the Ma signature.
    request.setRawHeader("X-Plivo-Signature-Ma-V3", signature);
    request.setRawHeader("X-Plivo-Signature-V3-Nonce", nonce.toLatin1());
    request.setRawHeader("User-Agent", "dialdeck-sim");
    // One connection per try, so that a retry is a new connection as Plivo's
    // are, and Qt never re-sends a request on a reused connection by itself.
    request.setRawHeader("Connection", "close");
    request.setTransferTimeout(0);

    body->clear();
    if (!isGet) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          u"application/x-www-form-urlencoded"_s);
        *body = fields;
    }
    return request;
}

} // namespace Dialdeck
