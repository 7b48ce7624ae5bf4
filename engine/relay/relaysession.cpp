#include "relaysession.h"

#include "core/logging.h"
#include "relayframe.h"
#include "relaystore.h"

#include <QCoreApplication>
#include <QWebSocket>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

} // namespace

RelaySession::RelaySession(std::unique_ptr<QWebSocket> socket, QString channel,
                           RelayStore &store, int window, QObject *parent)
    : QObject(parent)
    , m_socket(std::move(socket))
    , m_channel(std::move(channel))
    , m_store(store)
    , m_window(window)
{
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &RelaySession::onTextMessage);
    connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this, [this] {
        reject(u"bad_frame"_s, tr("The relay accepts only JSON text frames."));
    });
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] { Q_EMIT closed(this); });

    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(IdleTimeoutMs);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcRelayServer).noquote()
            << "Closing a silent connection of channel" << m_channel << "at seq" << m_sentSeq;
        m_socket->abort();
    });
    m_idleTimer.start();
}

RelaySession::~RelaySession()
{
    m_socket->disconnect(this);
}

void RelaySession::onEventAppended()
{
    if (m_greeted)
        pump();
}

void RelaySession::reject(const QString &code, const QString &message)
{
    send(RelayFrame::error(code, message));
    m_socket->close(QWebSocketProtocol::CloseCodePolicyViolated, code);
}

void RelaySession::onTextMessage(const QString &text)
{
    m_idleTimer.start();
    Result<RelayFrame> frame = RelayFrame::parse(text.toUtf8());
    if (!frame) {
        qCWarning(lcRelayServer).noquote()
            << "Closing a connection of channel" << m_channel << "after a bad frame:"
            << frame.error().message;
        reject(u"bad_frame"_s, frame.error().message);
        return;
    }

    switch (frame->type) {
    case RelayFrame::Type::Hello:
        onHello(frame->seq);
        return;
    case RelayFrame::Type::Ack:
        onAck(frame->seq);
        return;
    case RelayFrame::Type::Ping:
        send(RelayFrame::pong());
        return;
    case RelayFrame::Type::Pong:
        return;
    case RelayFrame::Type::Event:
    case RelayFrame::Type::Reset:
    case RelayFrame::Type::Error:
        reject(u"bad_frame"_s, tr("A client may not send %1 frames.")
                                   .arg(RelayFrame::typeName(frame->type)));
        return;
    }
}

void RelaySession::onHello(qint64 lastSeq)
{
    if (m_greeted) {
        reject(u"bad_frame"_s, tr("Send hello only once per connection."));
        return;
    }
    Result<qint64> first = m_store.firstSeq(m_channel);
    Result<std::optional<RelayChannel>> channel = m_store.channel(m_channel);
    if (!first || !channel || !channel->has_value()) {
        qCCritical(lcRelayServer).noquote()
            << "Cannot read channel" << m_channel << "of the relay log:"
            << (first ? channel ? u"channel missing"_s : channel.error().message
                      : first.error().message);
        reject(u"store_failed"_s, tr("The relay cannot read its event log; try again later."));
        return;
    }

    m_greeted = true;
    m_sentSeq = lastSeq;
    // A cursor before the oldest event held (retention deleted the rest), or
    // after the newest (the relay's log was replaced), cannot be resumed.
    if (lastSeq + 1 < *first || lastSeq > (*channel)->lastSeq)
        m_sentSeq = *first - 1;
    m_ackedSeq = m_sentSeq;
    qCInfo(lcRelayServer).noquote() << "Client of channel" << m_channel << "resumes after seq"
                                    << lastSeq;
    if (m_sentSeq != lastSeq) {
        qCWarning(lcRelayServer).noquote()
            << "Channel" << m_channel << "cannot resume after seq" << lastSeq
            << "; the client must resynchronise, delivery continues at seq" << m_sentSeq + 1;
        send(RelayFrame::reset(m_sentSeq + 1));
    }
    pump();
}

void RelaySession::onAck(qint64 seq)
{
    if (!m_greeted || seq > m_sentSeq) {
        reject(u"bad_frame"_s, tr("The acknowledged seq %1 was never sent; the last sent is %2.")
                                   .arg(seq)
                                   .arg(m_sentSeq));
        return;
    }
    m_ackedSeq = std::max(m_ackedSeq, seq);
    pump();
}

void RelaySession::pump()
{
    while (m_socket->state() == QAbstractSocket::ConnectedState) {
        const qint64 room = m_window - (m_sentSeq - m_ackedSeq);
        if (room <= 0)
            return;
        Result<QList<RelayEvent>> events = m_store.eventsAfter(m_channel, m_sentSeq, int(room));
        if (!events) {
            qCCritical(lcRelayServer).noquote() << events.error().message;
            reject(u"store_failed"_s, tr("The relay cannot read its event log; try again later."));
            return;
        }
        if (events->isEmpty())
            return;
        for (const RelayEvent &event : std::as_const(*events)) {
            RelayFrame frame;
            frame.type = RelayFrame::Type::Event;
            frame.seq = event.seq;
            frame.kind = event.kind;
            frame.receivedAtMs = event.receivedAtMs;
            frame.method = event.method;
            frame.url = event.url;
            frame.contentType = event.contentType;
            frame.body = event.body;
            send(frame);
            m_sentSeq = event.seq;
        }
    }
}

void RelaySession::send(const RelayFrame &frame)
{
    m_socket->sendTextMessage(QString::fromUtf8(frame.toJson()));
}

} // namespace Dialdeck
