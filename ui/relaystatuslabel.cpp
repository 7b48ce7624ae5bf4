#include "relaystatuslabel.h"

#include "relay/relayclient.h"

#include <QLocale>

namespace Dialdeck {

using namespace Qt::StringLiterals;

RelayStatusLabel::RelayStatusLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(u"relayStatus"_s);
    setAccessibleName(tr("Relay connection"));
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &RelayStatusLabel::updateText);
    showNotConfigured();
}

void RelayStatusLabel::track(const RelayClient *client, const QUrl &url)
{
    m_url = url;
    m_lastEventAt = {};
    m_backlogReplayed = 0;
    showConnecting();

    connect(client, &RelayClient::connected, this, &RelayStatusLabel::showConnected);
    connect(client, &RelayClient::reconnecting, this, &RelayStatusLabel::showReconnecting);
    connect(client, &RelayClient::eventApplied, this, &RelayStatusLabel::showEventApplied);
    connect(client, &RelayClient::backlogEventApplied, this,
            &RelayStatusLabel::showBacklogReplayed);
    connect(client, &RelayClient::failed, this, &RelayStatusLabel::showFailed);
}

void RelayStatusLabel::showNotConfigured()
{
    setState(State::NotConfigured);
}

void RelayStatusLabel::showConnecting()
{
    setState(State::Connecting);
}

void RelayStatusLabel::showConnected()
{
    // The backlog count belongs to the connection that just opened.
    m_backlogReplayed = 0;
    setState(State::Connected);
}

void RelayStatusLabel::showReconnecting(int retryInMs)
{
    m_retryAt = QDeadlineTimer(retryInMs);
    m_countdown.start();
    setState(State::Reconnecting);
}

void RelayStatusLabel::showEventApplied()
{
    m_lastEventAt = QDateTime::currentDateTime();
    updateText();
}

void RelayStatusLabel::showBacklogReplayed(int count)
{
    m_backlogReplayed = count;
    updateText();
}

void RelayStatusLabel::showFailed(const QString &message)
{
    m_reason = message;
    setState(State::Failed);
}

void RelayStatusLabel::showStopped(const QString &reason)
{
    m_reason = reason;
    setState(State::Stopped);
}

void RelayStatusLabel::setState(State state)
{
    m_state = state;
    if (state != State::Reconnecting)
        m_countdown.stop();
    setVisible(state != State::NotConfigured);
    updateText();
}

QString RelayStatusLabel::stateText() const
{
    switch (m_state) {
    case State::NotConfigured:
        return tr("Relay: not configured");
    case State::Connecting:
        return tr("Relay: connecting");
    case State::Connected:
        return tr("Relay: connected");
    case State::Reconnecting: {
        // Rounded up, so "in 0 s" shows only once the try has started.
        const qint64 seconds = (m_retryAt.remainingTime() + 999) / 1000;
        if (seconds <= 0)
            return tr("Relay: connecting");
        return tr("Relay: reconnecting in %1 s").arg(seconds);
    }
    case State::Failed:
        return tr("Relay: failed. %1").arg(m_reason);
    case State::Stopped:
        return tr("Relay: stopped. %1").arg(m_reason);
    }
    return {};
}

void RelayStatusLabel::updateText()
{
    QString text = stateText();
    if (m_state != State::NotConfigured && m_lastEventAt.isValid()) {
        text += tr(", last event at %1")
                    .arg(QLocale().toString(m_lastEventAt.time(), QLocale::LongFormat));
    }
    if (m_state != State::NotConfigured && m_backlogReplayed > 0)
        text += tr(", %n backlog event(s) replayed", nullptr, m_backlogReplayed);

    setToolTip(
        m_url.isEmpty()
            ? text
            : tr("dialdeck-relay channel %1\n%2").arg(m_url.toString(QUrl::RemoveUserInfo), text));
    if (text == this->text())
        return;
    setText(text);
    Q_EMIT textShown(text);
}

} // namespace Dialdeck
