#include "relayclient.h"

#include "carrier/formparams.h"
#include "carrier/plivocallback.h"
#include "core/logging.h"
#include "dialer/engine.h"
#include "relayframe.h"
#include "store/connection.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QUrlQuery>
#include <QWebSocket>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::RelayClient", text);
}

// Reads the channel's cursor; 0 when the engine never applied an event of it.
Result<qint64> readCursor(const QString &storePath, const QString &channel)
{
    Result<Connection> connection =
        Connection::openSqlite(storePath, u"relaycursor"_s, Connection::Mode::ReadOnly);
    if (!connection)
        return connection.error();
    QSqlQuery query(connection->database());
    query.prepare(u"SELECT seq FROM relay_cursors WHERE channel = ?"_s);
    query.addBindValue(channel);
    if (!query.exec()) {
        return Error{
            u"store_failed"_s,
            tr("Cannot read the position of relay channel %1 from the store.").arg(channel)};
    }
    return query.next() ? query.value(0).toLongLong() : qint64(0);
}

} // namespace

RelayClient::RelayClient(Settings settings, Engine *engine, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_engine(engine)
    , m_channel(channelOf(m_settings.url))
    , m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
{
    connect(m_socket, &QWebSocket::connected, this, &RelayClient::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &RelayClient::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &RelayClient::onTextMessage);

    m_pingTimer.setInterval(m_settings.pingIntervalMs);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] { send(RelayFrame::ping()); });
    m_silenceTimer.setSingleShot(true);
    m_silenceTimer.setInterval(m_settings.silenceTimeoutMs);
    connect(&m_silenceTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcRelayClient).noquote() << "Relay channel" << m_channel << "silent for"
                                           << m_settings.silenceTimeoutMs << "ms; reconnecting";
        m_socket->abort();
    });
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RelayClient::connectNow);
}

RelayClient::~RelayClient()
{
    m_running = false;
    m_socket->disconnect(this);
}

QString RelayClient::channelOf(const QUrl &url)
{
    return url.path().section(u'/', -1, -1, QString::SectionSkipEmpty);
}

bool RelayClient::isChannelUrl(const QUrl &url)
{
    const QStringList segments = url.path().split(u'/', Qt::SkipEmptyParts);
    return url.isValid() && (url.scheme() == u"ws" || url.scheme() == u"wss") &&
           !url.host().isEmpty() && !url.hasQuery() && !url.hasFragment() && segments.size() >= 2 &&
           segments.at(segments.size() - 2) == u"ws";
}

void RelayClient::start()
{
    Result<qint64> cursor = readCursor(m_settings.storePath, m_channel);
    if (!cursor) {
        qCCritical(lcRelayClient).noquote() << cursor.error().message;
        Q_EMIT failed(cursor.error().message);
        return;
    }
    m_appliedSeq = *cursor;
    m_running = true;
    qCInfo(lcRelayClient).noquote()
        << "Relay channel" << m_channel << "resumes after seq" << m_appliedSeq;
    connectNow();
}

void RelayClient::stop()
{
    m_running = false;
    m_reconnectTimer.stop();
    m_pingTimer.stop();
    m_silenceTimer.stop();
    m_socket->close();
}

void RelayClient::connectNow()
{
    if (!m_running)
        return;
    ++m_generation;
    m_greeted = false;
    m_pending.clear();
    m_receivedSeq = m_appliedSeq;

    QNetworkRequest request(m_settings.url);
    request.setRawHeader("Authorization", "Bearer " + m_settings.token);
    m_socket->open(request);
    // Covers the handshake too: a relay that accepts TCP but never answers.
    m_silenceTimer.start();
}

void RelayClient::onConnected()
{
    m_greeted = true;
    m_failures = 0;
    m_connectedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_backlogReplayed = 0;
    send(RelayFrame::hello(m_appliedSeq));
    m_pingTimer.start();
    m_silenceTimer.start();
    qCInfo(lcRelayClient).noquote()
        << "Connected to relay channel" << m_channel << "after seq" << m_appliedSeq;
    Q_EMIT connected();
}

void RelayClient::onDisconnected()
{
    m_pingTimer.stop();
    m_silenceTimer.stop();
    m_greeted = false;
    ++m_generation;
    if (m_running)
        scheduleReconnect();
}

void RelayClient::scheduleReconnect()
{
    // Full jitter: a random delay from 0 to the exponential bound, so many
    // consoles that lost the relay together do not come back together.
    const int exponent = std::min(m_failures, 16);
    const qint64 bound =
        std::min<qint64>(m_settings.maxBackoffMs, qint64(m_settings.minBackoffMs) << exponent);
    const int delay = int(QRandomGenerator::global()->bounded(bound + 1));
    ++m_failures;
    qCInfo(lcRelayClient).noquote()
        << u"Relay channel %1 disconnected (%2); retrying in %3 ms"_s
               .arg(m_channel, m_socket->errorString())
               .arg(delay);
    m_reconnectTimer.start(delay);
    Q_EMIT reconnecting(delay);
}

void RelayClient::onTextMessage(const QString &text)
{
    m_silenceTimer.start();
    Result<RelayFrame> frame = RelayFrame::parse(text.toUtf8());
    if (!frame) {
        qCWarning(lcRelayClient).noquote()
            << "Relay channel" << m_channel << "sent a bad frame:" << frame.error().message;
        m_socket->abort();
        return;
    }

    switch (frame->type) {
    case RelayFrame::Type::Event:
        onEvent(*frame);
        return;
    case RelayFrame::Type::Ping:
        send(RelayFrame::pong());
        return;
    case RelayFrame::Type::Reset:
        onReset(frame->seq);
        return;
    case RelayFrame::Type::Error:
        qCCritical(lcRelayClient).noquote()
            << u"The relay rejected channel %1 (%2): %3"_s.arg(m_channel, frame->code,
                                                               frame->message);
        if (frame->code == u"unauthorized") {
            m_running = false;
            Q_EMIT failed(tr("The relay rejected channel %1: %2").arg(m_channel, frame->message));
        }
        return;
    case RelayFrame::Type::Pong:
    case RelayFrame::Type::Hello:
    case RelayFrame::Type::Ack:
        return;
    }
}

void RelayClient::onReset(qint64 firstSeq)
{
    qCWarning(lcRelayClient).noquote()
        << "Relay channel" << m_channel << "no longer holds the events after seq" << m_appliedSeq
        << "; calls without a final event are reconciled through Plivo's call look-ups, "
           "delivery continues at seq"
        << firstSeq;
    m_receivedSeq = firstSeq - 1;
    if (m_pending.empty())
        m_appliedSeq = firstSeq - 1;
    Q_EMIT resetReceived(firstSeq);
}

void RelayClient::onEvent(const RelayFrame &frame)
{
    if (frame.seq <= m_receivedSeq) {
        qCDebug(lcRelayClient).noquote()
            << "Skipped seq" << frame.seq << "of relay channel" << m_channel << "received before";
        return;
    }
    m_receivedSeq = frame.seq;
    m_lastEventAtMs = QDateTime::currentMSecsSinceEpoch();
    m_pending.push_back(Pending{frame.seq, false});

    const QUrl url(frame.url);
    PlivoSignature::Params params;
    if (frame.method == u"POST" && !frame.body.isEmpty()) {
        Result<PlivoSignature::Params> body = FormParams::parse(frame.body);
        if (body)
            params = *body;
    }
    const QUrlQuery query(url);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
        params.append({key, value});

    bool idOk = false;
    const qint64 attemptId = query.queryItemValue(u"attempt"_s).toLongLong(&idOk);
    const std::optional<PlivoCallback::Kind> kind = PlivoCallback::kindFromPath(frame.kind);
    Result<CarrierEvent> event =
        idOk && kind ? PlivoCallback::toEvent(*kind, params, attemptId, 0)
                     : Result<CarrierEvent>(
                           Error{u"invalid_argument"_s, tr("no attempt id or unknown kind")});
    if (!event) {
        // The relay checked its signature, so it is Plivo's, just not one of
        // Dialdeck's calls; it is passed over like a duplicate.
        qCWarning(lcRelayClient).noquote()
            << "Passed over seq" << frame.seq << "of relay channel" << m_channel << "("
            << frame.kind << "):" << event.error().message;
        markDone(frame.seq);
        return;
    }

    // NOTE: receivedAt is the relay's clock and the connection time this
    // machine's, so a clock skew between the two moves the backlog boundary.
    const bool backlog = frame.receivedAtMs < m_connectedAtMs;
    const quint64 generation = m_generation;
    const qint64 seq = frame.seq;
    m_engine->requestCarrierEvent(*event, RelayCursor{m_channel, seq})
        .then(this, [this, generation, seq, backlog](bool committed) {
            onCommitted(generation, seq, committed, backlog);
        });
}

void RelayClient::onCommitted(quint64 generation, qint64 seq, bool committed, bool backlog)
{
    if (generation != m_generation)
        return;
    if (!committed) {
        qCCritical(lcRelayClient).noquote()
            << "The engine could not store seq" << seq << "of relay channel" << m_channel
            << "; reconnecting to receive it again";
        m_socket->abort();
        return;
    }
    markDone(seq);
    Q_EMIT eventApplied(seq);
    if (backlog)
        Q_EMIT backlogEventApplied(++m_backlogReplayed);
}

void RelayClient::markDone(qint64 seq)
{
    for (Pending &pending : m_pending) {
        if (pending.seq == seq)
            pending.done = true;
    }
    const qint64 before = m_appliedSeq;
    while (!m_pending.empty() && m_pending.front().done) {
        m_appliedSeq = m_pending.front().seq;
        m_pending.pop_front();
    }
    if (m_appliedSeq != before && m_greeted)
        send(RelayFrame::ack(m_appliedSeq));
}

void RelayClient::send(const RelayFrame &frame)
{
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->sendTextMessage(QString::fromUtf8(frame.toJson()));
}

} // namespace Dialdeck
