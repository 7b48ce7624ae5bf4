#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

namespace Dialdeck {

// Requests a dialdeck-relay's /healthz to learn whether it is up and can write
// its log. Plivo fetches each call's answer URL from the relay, so when the
// relay is down, Plivo hangs up every call the callee picks up. The service
// therefore checks the relay before it starts dialing.
class RelayHealthCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayHealthCheck)

public:
    // How long the check waits for the relay's response, in ms.
    static constexpr int TimeoutMs = 5000;

    explicit RelayHealthCheck(QObject *parent = nullptr);

    // The relay's HTTP base URL for a channel's WebSocket URL:
    // wss://relay.example.com/ws/office gives https://relay.example.com/.
    static QUrl baseUrlOf(const QUrl &channelUrl);

    // Sends GET <base>/healthz for the channel's relay; finished() reports the result.
    void check(const QUrl &channelUrl);

Q_SIGNALS:
    // `problem` is empty when the relay returned 200, otherwise one sentence
    // that names the URL, what failed and what to do.
    void finished(const QString &problem);

private:
    QNetworkAccessManager m_network{this};
};

} // namespace Dialdeck
