#include "webhookdispatcher.h"

#include "core/logging.h"
#include "store/connection.h"
#include "webhooksecretstore.h"
#include "webhooksignature.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// A claimed row is held back this much longer than the request timeout, so a
// dispatcher that dies mid-request leaves it to be sent again soon after.
constexpr qint64 ClaimMarginMs = 5'000;
// Characters of a failed response's body kept in last_error.
constexpr int ErrorBodyChars = 200;

QString streamKey(const WebhookDelivery &delivery)
{
    return delivery.endpointId + u'/' + delivery.batchId;
}

qint64 wallNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Returns the event's own time from its body. The header repeats it, so a
// receiver can route or reject an event before parsing the body.
QByteArray timestampOf(const QByteArray &payload)
{
    return QJsonDocument::fromJson(payload).object().value(u"timestamp"_s).toString().toUtf8();
}

QNetworkRequest requestFor(const WebhookDelivery &delivery, const QByteArray &secret,
                           int timeoutMs)
{
    QNetworkRequest request{QUrl(delivery.url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArray("Dialdeck-Webhooks/" + QCoreApplication::applicationVersion().toUtf8()));
    request.setRawHeader(WebhookSignature::HeaderName, WebhookSignature::sign(secret, delivery.payload));
    request.setRawHeader("X-Dialdeck-Event-Id", delivery.eventId.toUtf8());
    request.setRawHeader("X-Dialdeck-Event", delivery.kind.toUtf8());
    request.setRawHeader("X-Dialdeck-Sequence", QByteArray::number(delivery.sequence));
    request.setRawHeader("X-Dialdeck-Timestamp", timestampOf(delivery.payload));
    // A redirect is reported as a failure with its status: following it would
    // send the signed events to an address the operator never configured.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(timeoutMs);
    return request;
}

} // namespace

WebhookDispatcher::WebhookDispatcher(WebhookDispatcherSettings settings,
                                     std::shared_ptr<const WebhookSecretStore> secrets,
                                     QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_secrets(std::move(secrets))
    , m_backoff(m_settings.backoffBaseMs, m_settings.backoffCapMs)
{
    m_scanTimer.setSingleShot(true);
    connect(&m_scanTimer, &QTimer::timeout, this, &WebhookDispatcher::scan);
}

WebhookDispatcher::~WebhookDispatcher()
{
    close();
}

Result<void> WebhookDispatcher::open()
{
    Result<Connection> connection = Connection::openSqlite(m_settings.storePath, u"webhooks"_s);
    if (!connection)
        return connection.error();

    m_connection = std::make_unique<Connection>(std::move(connection).value());
    m_deliveries = std::make_unique<WebhookDeliveryRepository>(m_connection->database());
    m_closing = false;
    qCInfo(lcOutbox) << "Webhook dispatcher started";
    scheduleScan(0);
    return {};
}

void WebhookDispatcher::close()
{
    if (!m_connection)
        return;

    m_closing = true;
    m_scanTimer.stop();
    const QList<InFlight> open = m_inFlight.values();
    m_inFlight.clear();
    for (const InFlight &flight : open) {
        flight.reply->disconnect(this);
        flight.reply->abort();
        flight.reply->deleteLater();
        // The try was counted when it was claimed; the row is due again at once.
        (void)m_deliveries->release(flight.delivery.id, wallNowMs());
    }

    m_deliveries.reset();
    m_connection.reset();
    qCInfo(lcOutbox) << "Webhook dispatcher stopped;" << open.size()
                     << "deliveries were in progress";
}

void WebhookDispatcher::wake()
{
    if (m_connection && !m_closing)
        scheduleScan(0);
}

void WebhookDispatcher::scheduleScan(qint64 delayMs)
{
    const qint64 delay = std::clamp<qint64>(delayMs, 0, m_settings.pollIntervalMs);
    if (m_scanTimer.isActive() && m_scanTimer.remainingTime() <= delay)
        return;
    m_scanTimer.start(int(delay));
}

void WebhookDispatcher::scan()
{
    if (!m_deliveries || m_closing)
        return;

    Result<QList<WebhookDelivery>> heads = m_deliveries->streamHeads();
    if (!heads) {
        qCWarning(lcOutbox).noquote() << "Could not read the webhook outbox:"
                                      << heads.error().message;
        scheduleScan(m_settings.pollIntervalMs);
        return;
    }

    const qint64 nowMs = wallNowMs();
    qint64 nextDueMs = nowMs + m_settings.pollIntervalMs;
    for (const WebhookDelivery &head : std::as_const(*heads)) {
        if (m_inFlight.contains(streamKey(head)))
            continue;
        if (head.nextAttemptAtMs > nowMs) {
            nextDueMs = std::min(nextDueMs, head.nextAttemptAtMs);
            continue;
        }
        if (m_inFlight.size() >= m_settings.maxParallelStreams)
            break;
        send(head, nowMs);
    }

    if (heads->isEmpty() && m_inFlight.isEmpty())
        Q_EMIT drained();
    scheduleScan(nextDueMs - nowMs);
}

void WebhookDispatcher::send(const WebhookDelivery &delivery, qint64 nowMs)
{
    Result<bool> claimed = m_deliveries->claim(delivery.id, delivery.attemptCount,
                                               nowMs + m_settings.timeoutMs + ClaimMarginMs);
    if (!claimed) {
        qCWarning(lcOutbox).noquote() << "Could not claim webhook delivery" << delivery.id << ":"
                                      << claimed.error().message;
        return;
    }
    if (!*claimed) {
        qCDebug(lcOutbox) << "Webhook delivery" << delivery.id << "was claimed by another "
                                                                 "dispatcher";
        return;
    }

    WebhookDelivery attempt = delivery;
    ++attempt.attemptCount;

    Result<QByteArray> secret = m_secrets->secretFor(delivery.secretLocation);
    if (!secret) {
        recordFailure(attempt, std::nullopt, secret.error().message);
        return;
    }

    const QNetworkRequest request = requestFor(attempt, *secret, m_settings.timeoutMs);
    QNetworkReply *reply = m_network.post(request, attempt.payload);
    const QString key = streamKey(attempt);
    m_inFlight.insert(key, InFlight{attempt, reply});
    connect(reply, &QNetworkReply::finished, this, [this, key] { onReplyFinished(key); });
    qCDebug(lcOutbox) << "Sending webhook delivery" << attempt.id << attempt.kind << "sequence"
                      << attempt.sequence << "to endpoint" << attempt.endpointId << "try"
                      << attempt.attemptCount;
}

void WebhookDispatcher::onReplyFinished(const QString &key)
{
    const auto found = m_inFlight.find(key);
    if (found == m_inFlight.end())
        return;
    const InFlight flight = *found;
    m_inFlight.erase(found);
    flight.reply->deleteLater();

    const QVariant statusAttribute = flight.reply->attribute(
        QNetworkRequest::HttpStatusCodeAttribute);
    const std::optional<int> status = statusAttribute.isValid()
                                          ? std::optional<int>(statusAttribute.toInt())
                                          : std::nullopt;
    const WebhookDelivery &delivery = flight.delivery;

    if (status && *status >= 200 && *status < 300) {
        if (Result<void> marked = m_deliveries->markDelivered(delivery.id, *status, wallNowMs());
            !marked) {
            qCWarning(lcOutbox).noquote() << marked.error().message;
        }
        qCDebug(lcOutbox) << "Delivered webhook delivery" << delivery.id << "with status"
                          << *status;
        Q_EMIT deliveryAttempted(delivery.id, true);
        scheduleScan(0);
        return;
    }

    QString error;
    if (status) {
        const QString reason = flight.reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute)
                                   .toString();
        const QString body = QString::fromUtf8(flight.reply->read(ErrorBodyChars)).simplified();
        error = tr("The endpoint responded with HTTP %1 %2").arg(*status).arg(reason).trimmed();
        if (!body.isEmpty())
            error += u": "_s + body;
    } else if (flight.reply->error() == QNetworkReply::OperationCanceledError) {
        error = tr("The request timed out after %1 ms without a response.")
                    .arg(m_settings.timeoutMs);
    } else {
        error = flight.reply->errorString();
    }
    recordFailure(delivery, status, error);
    scheduleScan(0);
}

void WebhookDispatcher::recordFailure(const WebhookDelivery &delivery,
                                      std::optional<int> httpStatus, const QString &error)
{
    const qint64 delayMs = m_backoff.delayMs(delivery.attemptCount, m_random);
    const qint64 nextMs = wallNowMs() + delayMs;
    if (Result<void> marked = m_deliveries->markFailed(delivery.id, httpStatus, error, nextMs);
        !marked) {
        qCWarning(lcOutbox).noquote() << marked.error().message;
    }

    // A dead endpoint fails every try; after the third, only every tenth is logged.
    const bool logged = delivery.attemptCount <= 3 || delivery.attemptCount % 10 == 0;
    if (logged) {
        qCWarning(lcOutbox).noquote()
            << u"Webhook delivery %1 (%2, sequence %3 of batch %4, endpoint %5) failed on try "
               "%6: %7; next try in %8 ms"_s.arg(delivery.id)
                   .arg(delivery.kind)
                   .arg(delivery.sequence)
                   .arg(delivery.batchId, delivery.endpointId)
                   .arg(delivery.attemptCount)
                   .arg(error)
                   .arg(delayMs);
    }
    Q_EMIT deliveryAttempted(delivery.id, false);
}

} // namespace Dialdeck
