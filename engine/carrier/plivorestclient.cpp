#include "plivorestclient.h"

#include "core/logging.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRandomGenerator>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Back-off after a 429: 1 s doubled per answer in a row, at most 16 s, with
// full jitter so that several engines do not retry in step.
constexpr qint64 BackoffBaseMs = 1000;
constexpr int BackoffMaxStep = 4;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::PlivoRestClient", text);
}

} // namespace

QString PlivoReply::errorText() const
{
    const QString text = json.value(u"error"_s).toString();
    if (!text.isEmpty())
        return text;
    if (timedOut)
        return tr("Plivo did not answer in time.");
    if (httpStatus == 0)
        return tr("Plivo could not be reached: %1").arg(networkError);
    return tr("Plivo answered with HTTP status %1.").arg(httpStatus);
}

PlivoRestClient::PlivoRestClient(PlivoSettings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{
    const QByteArray credentials = m_settings.authId.toUtf8() + ':' + m_settings.authToken;
    m_authorization = "Basic " + credentials.toBase64();
    m_elapsed.start();
    m_pumpTimer.setSingleShot(true);
    connect(&m_pumpTimer, &QTimer::timeout, this, &PlivoRestClient::pump);
    m_network.setAutoDeleteReplies(true);
}

PlivoRestClient::~PlivoRestClient()
{
    // Replies still open end with the network manager; their handlers must
    // not run on a half-destroyed owner.
    const QList<QNetworkReply *> replies = m_network.findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies)
        reply->disconnect(this);
}

void PlivoRestClient::get(const QString &path, const QUrlQuery &query, Handler handler)
{
    enqueue({"GET", path, query, {}, std::move(handler)});
}

void PlivoRestClient::post(const QString &path, const QJsonObject &body, Handler handler)
{
    enqueue({"POST", path, {}, QJsonDocument(body).toJson(QJsonDocument::Compact),
             std::move(handler)});
}

void PlivoRestClient::deleteResource(const QString &path, Handler handler)
{
    enqueue({"DELETE", path, {}, {}, std::move(handler)});
}

void PlivoRestClient::enqueue(Pending request)
{
    m_queue.push_back(std::move(request));
    pump();
}

void PlivoRestClient::pump()
{
    while (!m_queue.empty()) {
        const qint64 now = m_elapsed.elapsed();
        while (!m_sent.empty() && m_sent.front() <= now - m_settings.restWindowMs)
            m_sent.pop_front();

        qint64 waitUntil = m_holdUntilMs;
        if (int(m_sent.size()) >= m_settings.restRequestLimit)
            waitUntil = std::max(waitUntil, m_sent.front() + m_settings.restWindowMs);
        if (waitUntil > now) {
            if (!m_pumpTimer.isActive())
                m_pumpTimer.start(int(waitUntil - now));
            return;
        }

        m_sent.push_back(now);
        Pending request = std::move(m_queue.front());
        m_queue.pop_front();
        send(std::move(request));
    }
}

QUrl PlivoRestClient::urlFor(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_settings.baseUrl;
    QString base = url.path();
    if (!base.endsWith(u'/'))
        base += u'/';
    url.setPath(base + u"v1/Account/"_s + m_settings.authId + u'/' + path);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

void PlivoRestClient::send(Pending request)
{
    QNetworkRequest http(urlFor(request.path, request.query));
    http.setRawHeader("Authorization", m_authorization);
    http.setRawHeader("Accept", "application/json");
    http.setTransferTimeout(m_settings.requestTimeoutMs);
    if (!request.body.isEmpty())
        http.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);

    qCDebug(lcPlivo).noquote() << request.method << request.path;
    QNetworkReply *reply = m_network.sendCustomRequest(http, request.method, request.body);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, request = std::move(request)]() mutable {
                finish(reply, std::move(request));
            });
}

void PlivoRestClient::finish(QNetworkReply *reply, Pending request)
{
    PlivoReply result;
    result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (result.httpStatus == 0) {
        result.timedOut = reply->error() == QNetworkReply::OperationCanceledError
                          || reply->error() == QNetworkReply::TimeoutError;
        result.networkError = reply->errorString();
    }
    const QJsonDocument document = QJsonDocument::fromJson(reply->readAll());
    if (document.isObject())
        result.json = document.object();

    if (result.httpStatus == 429) {
        // The request was refused before Plivo acted on it, so sending it
        // again cannot place a call twice.
        ++m_rateLimited;
        m_backoffStep = std::min(m_backoffStep + 1, BackoffMaxStep);
        const qint64 ceiling = BackoffBaseMs << m_backoffStep;
        m_holdUntilMs = m_elapsed.elapsed()
                        + qint64(QRandomGenerator::global()->bounded(double(ceiling)));
        qCWarning(lcPlivo).noquote() << "Plivo's REST limit reached; holding requests for"
                                     << (m_holdUntilMs - m_elapsed.elapsed()) << "ms";
        ++request.rateLimitedTimes;
        m_queue.push_front(std::move(request));
        pump();
        return;
    }

    m_backoffStep = 0;
    if (!result.isSuccess()) {
        qCInfo(lcPlivo).noquote() << request.method << request.path << "failed:"
                                  << result.httpStatus << result.errorText();
    }
    if (request.handler)
        request.handler(result);
}

} // namespace Dialdeck
