#pragma once

#include <QDateTime>
#include <QDeadlineTimer>
#include <QLabel>
#include <QTimer>
#include <QUrl>

namespace Dialdeck {

class RelayClient;

// The status bar's relay field: "Relay: connected", "Relay: reconnecting in
// N s" counting down each second, or why the relay stopped, followed by the
// time the last event was applied and how many backlog events the current
// connection replayed. Hidden while the console receives callbacks directly.
class RelayStatusLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RelayStatusLabel)

public:
    explicit RelayStatusLabel(QWidget *parent = nullptr);

    // Shows "Relay: connecting" and then follows `client`'s signals, which
    // may come from another thread. `url` goes into the tool tip.
    void track(const RelayClient *client, const QUrl &url);

public Q_SLOTS:
    // Hides the label: callbacks do not go through a relay.
    void showNotConfigured();
    void showConnecting();
    void showConnected();
    void showReconnecting(int retryInMs);
    void showEventApplied();
    void showBacklogReplayed(int count);
    void showFailed(const QString &message);
    // The client was stopped for `reason`, e.g. a settings change.
    void showStopped(const QString &reason);

Q_SIGNALS:
    // The label's text changed to `text`. Tests use it to see states that
    // last less than a poll interval.
    void textShown(const QString &text);

private:
    enum class State
    {
        NotConfigured,
        Connecting,
        Connected,
        Reconnecting,
        Failed,
        Stopped,
    };

    void setState(State state);
    void updateText();
    QString stateText() const;

    State m_state = State::NotConfigured;
    QUrl m_url;
    // When the next connection try starts, while reconnecting.
    QDeadlineTimer m_retryAt;
    // Ticks once a second to count the reconnect delay down.
    QTimer m_countdown{this};
    QDateTime m_lastEventAt;
    int m_backlogReplayed = 0;
    // The failure or stop reason shown in the Failed and Stopped states.
    QString m_reason;
};

} // namespace Dialdeck
