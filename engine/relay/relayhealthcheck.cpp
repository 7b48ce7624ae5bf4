#include "relayhealthcheck.h"

#include "core/logging.h"

#include <QNetworkReply>
#include <QNetworkRequest>

namespace Dialdeck {

using namespace Qt::StringLiterals;

RelayHealthCheck::RelayHealthCheck(QObject *parent)
    : QObject(parent)
{}

QUrl RelayHealthCheck::baseUrlOf(const QUrl &channelUrl)
{
    QUrl base = channelUrl;
    base.setScheme(channelUrl.scheme() == u"wss" ? u"https"_s : u"http"_s);
    QString path = channelUrl.path();
    const qsizetype wsAt = path.lastIndexOf(u"/ws/"_s);
    path.truncate(wsAt < 0 ? 0 : wsAt);
    base.setPath(path + u'/');
    base.setQuery(QString());
    base.setFragment(QString());
    return base;
}

void RelayHealthCheck::check(const QUrl &channelUrl)
{
    const QUrl url = baseUrlOf(channelUrl).resolved(QUrl(u"healthz"_s));
    QNetworkRequest request(url);
    request.setTransferTimeout(TimeoutMs);
    QNetworkReply *reply = m_network.get(request);

    connect(reply, &QNetworkReply::finished, this, [this, reply, url] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status == 200) {
            qCInfo(lcRelayClient).noquote() << "Relay at" << url.toString() << "is healthy";
            Q_EMIT finished(QString());
            return;
        }

        const QString reason =
            status != 0 ? tr("it returned HTTP %1").arg(status) : reply->errorString();
        qCWarning(lcRelayClient).noquote()
            << "Relay health check" << url.toString() << "failed:" << reason;
        Q_EMIT finished(tr("Cannot reach dialdeck-relay at %1 (%2). Start the relay or correct "
                           "the relay URL, then try again.")
                            .arg(url.toString(), reason));
    });
}

} // namespace Dialdeck
