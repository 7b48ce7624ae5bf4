// Measures dialdeck-relay end to end on loopback: signed Plivo callbacks are
// posted at a fixed rate, a WebSocket consumer acknowledges every event, and
// the program prints loss, duplicates, reordering, latency from send to
// consumer receipt, and throughput. A ramp of rising rates then finds the
// ceiling.
//
//   bench_relay [--rate N] [--seconds S] [--cut-every-ms MS] [--no-ceiling]
//               [--ingest-url URL --database FILE] [--consumer-command CMD]
//
// Exit status: 0 when the fixed-rate run lost, duplicated, reordered and had
// rejected nothing, 2 when it did, 1 on bad options or a relay that failed to start.

#include "carrier/plivosignature.h"
#include "relay/relayframe.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray BenchAuthToken = "dialdeck-bench-relay-token";

QString trMain(const char *text)
{
    return QCoreApplication::translate("main", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

int fail(const QString &message)
{
    QTextStream(stderr) << "bench_relay: " << message << Qt::endl;
    return 1;
}

// Microseconds on the monotonic clock. Sender and consumer run in this
// process, so their stamps compare directly.
qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool isLoopback(const QUrl &url)
{
    if (url.host() == u"localhost")
        return true;
    const QHostAddress address(url.host());
    return !address.isNull() && address.isLoopback();
}

// One event as the consumer saw it.
struct Receipt
{
    int run = 0;
    qint64 index = 0;
    qint64 sentUs = 0;
    qint64 receivedUs = 0;
    // The relay's seq; 0 when an external consumer printed only the body.
    qint64 relaySeq = 0;
};

// Receipts from the consumer thread or process, read by the main thread.
class ReceiptLog final
{
public:
    void add(const Receipt &receipt)
    {
        QMutexLocker lock(&m_mutex);
        m_receipts.append(receipt);
    }

    QList<Receipt> forRun(int run) const
    {
        QMutexLocker lock(&m_mutex);
        QList<Receipt> selected;
        for (const Receipt &receipt : m_receipts) {
            if (receipt.run == run)
                selected.append(receipt);
        }
        return selected;
    }

private:
    mutable QMutex m_mutex;
    QList<Receipt> m_receipts;
};

// Reads the bench fields back from a callback body; nullopt for a body that
// this program did not send.
std::optional<Receipt> parseBody(const QByteArray &body, qint64 receivedUs)
{
    const QUrlQuery query(QString::fromUtf8(body));
    bool runOk = false;
    bool indexOk = false;
    bool sentOk = false;
    Receipt receipt;
    receipt.run = query.queryItemValue(u"BenchRun"_s).toInt(&runOk);
    receipt.index = query.queryItemValue(u"BenchIndex"_s).toLongLong(&indexOk);
    receipt.sentUs = query.queryItemValue(u"SentAtUs"_s).toLongLong(&sentOk);
    receipt.receivedUs = receivedUs;
    if (!runOk || !indexOk || !sentOk)
        return std::nullopt;
    return receipt;
}

// A WebSocket consumer on its own thread. It acknowledges every event at
// once and, when cuts are on, aborts its socket every N ms and reconnects with
// hello carrying the last acknowledged seq.
class WebSocketConsumer final : public QObject
{
public:
    WebSocketConsumer(QUrl url, QByteArray token, ReceiptLog &log)
        : m_url(std::move(url))
        , m_token(std::move(token))
        , m_log(log)
    {
    }

    void start()
    {
        m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        connect(m_socket, &QWebSocket::connected, this, &WebSocketConsumer::onConnected);
        connect(m_socket, &QWebSocket::disconnected, this, &WebSocketConsumer::onDisconnected);
        connect(m_socket, &QWebSocket::textMessageReceived, this,
                &WebSocketConsumer::onTextMessage);
        connect(&m_cutTimer, &QTimer::timeout, this, &WebSocketConsumer::cut);
        open();
    }

    // 0 turns cuts off.
    void setCutEveryMs(int ms)
    {
        m_cutTimer.stop();
        if (ms > 0)
            m_cutTimer.start(ms);
    }

    int cuts() const { return m_cuts.loadRelaxed(); }
    bool isGreeted() const { return m_greeted.loadRelaxed() != 0; }
    QString lastError() const
    {
        QMutexLocker lock(&m_errorMutex);
        return m_error;
    }

private:
    void open()
    {
        QNetworkRequest request(m_url);
        request.setRawHeader("Authorization", "Bearer " + m_token);
        m_socket->open(request);
    }

    void onConnected()
    {
        m_socket->sendTextMessage(QString::fromUtf8(RelayFrame::hello(m_ackedSeq).toJson()));
        m_greeted.storeRelaxed(1);
    }

    void onDisconnected()
    {
        m_greeted.storeRelaxed(0);
        // Reconnect at once: the bench measures the relay, not a client's backoff.
        QTimer::singleShot(0, this, &WebSocketConsumer::open);
    }

    void cut()
    {
        m_cuts.fetchAndAddRelaxed(1);
        m_socket->abort();
    }

    void onTextMessage(const QString &text)
    {
        const qint64 receivedUs = nowUs();
        Result<RelayFrame> frame = RelayFrame::parse(text.toUtf8());
        if (!frame) {
            setError(frame.error().message);
            return;
        }
        if (frame->type == RelayFrame::Type::Error) {
            setError(frame->code + u": "_s + frame->message);
            return;
        }
        if (frame->type == RelayFrame::Type::Ping) {
            m_socket->sendTextMessage(QString::fromUtf8(RelayFrame::pong().toJson()));
            return;
        }
        if (frame->type != RelayFrame::Type::Event)
            return;

        if (std::optional<Receipt> receipt = parseBody(frame->body, receivedUs)) {
            receipt->relaySeq = frame->seq;
            m_log.add(*receipt);
        }
        m_ackedSeq = std::max(m_ackedSeq, frame->seq);
        m_socket->sendTextMessage(QString::fromUtf8(RelayFrame::ack(frame->seq).toJson()));
    }

    void setError(const QString &message)
    {
        QMutexLocker lock(&m_errorMutex);
        m_error = message;
    }

    QUrl m_url;
    QByteArray m_token;
    ReceiptLog &m_log;
    QWebSocket *m_socket = nullptr;
    QTimer m_cutTimer{this};
    qint64 m_ackedSeq = 0;
    QAtomicInt m_cuts;
    QAtomicInt m_greeted;
    mutable QMutex m_errorMutex;
    QString m_error;
};

// An external consumer: `sh -c CMD` with DIALDECK_RELAY_URL and
// DIALDECK_RELAY_TOKEN in its environment. Each line it prints is one received
// callback body, stamped when this process reads it.
// NOTE: the receipt time includes the pipe's delay, and without the relay's
// seq only the send order can be checked.
class ExternalConsumer final : public QObject
{
public:
    ExternalConsumer(QString command, ReceiptLog &log)
        : m_command(std::move(command))
        , m_log(log)
    {
    }

    bool start(const QUrl &url, const QByteArray &token)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"DIALDECK_RELAY_URL"_s, url.toString());
        environment.insert(u"DIALDECK_RELAY_TOKEN"_s, QString::fromLatin1(token));
        m_process.setProcessEnvironment(environment);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        connect(&m_process, &QProcess::readyReadStandardOutput, this, &ExternalConsumer::readLines);
        m_process.start(u"/bin/sh"_s, {u"-c"_s, m_command});
        return m_process.waitForStarted(5000);
    }

    void stop()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }

private:
    void readLines()
    {
        while (m_process.canReadLine()) {
            const QByteArray line = m_process.readLine().trimmed();
            if (std::optional<Receipt> receipt = parseBody(line, nowUs()))
                m_log.add(*receipt);
        }
    }

    QString m_command;
    ReceiptLog &m_log;
    QProcess m_process{this};
};

// The relay under test and the channel the bench created on it.
struct RelayTarget
{
    QUrl ingestUrl;
    QString channel;
    QByteArray clientToken;
    std::unique_ptr<QProcess> process;
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

bool writeOwnerOnly(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(content + '\n');
    file.close();
    return file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

// Creates a channel with `dialdeck-relay channel add` and returns its client token.
Result<QByteArray> addChannel(const QString &relayBinary, const QString &database,
                              const QString &tokenFile, const QUrl &publicUrl,
                              const QString &channel)
{
    QProcess add;
    add.start(relayBinary, {u"channel"_s, u"add"_s, channel, u"--auth-token-file"_s, tokenFile,
                            u"--database"_s, database, u"--public-url"_s, publicUrl.toString()});
    if (!add.waitForFinished(30000) || add.exitCode() != 0) {
        return Error{u"channel_failed"_s,
                     trMain("dialdeck-relay channel add failed: %1")
                         .arg(QString::fromUtf8(add.readAllStandardError()).trimmed())};
    }
    const QString printed = QString::fromUtf8(add.readAllStandardOutput());
    const QRegularExpressionMatch token =
        QRegularExpression(u"only now[^\\n]*\\n([A-Za-z0-9_-]{43})\\n"_s).match(printed);
    if (!token.hasMatch()) {
        return Error{u"channel_failed"_s,
                     trMain("No client token found in the output of channel add: %1")
                         .arg(printed)};
    }
    return token.captured(1).toLatin1();
}

// Starts `dialdeck-relay serve` on a free loopback port with no intake limit
// that the bench could reach, and waits for its "listening" line.
Result<std::unique_ptr<QProcess>> startRelay(const QString &relayBinary, const QString &database,
                                             quint16 port, const QString &logFile)
{
    auto relay = std::make_unique<QProcess>();
    relay->setStandardErrorFile(logFile);
    relay->start(relayBinary, {u"serve"_s, u"--listen"_s, u"127.0.0.1:%1"_s.arg(port),
                               u"--database"_s, database, u"--public-url"_s,
                               u"http://127.0.0.1:%1/"_s.arg(port), u"--intake-rate"_s,
                               u"1000000"_s, u"--intake-burst"_s, u"1000000"_s});
    if (!relay->waitForStarted(5000)) {
        return Error{u"relay_failed"_s,
                     trMain("Cannot start %1: %2").arg(relayBinary, relay->errorString())};
    }
    QString seen;
    for (int attempt = 0; attempt < 100; ++attempt) {
        relay->waitForReadyRead(100);
        seen += QString::fromUtf8(relay->readAllStandardOutput());
        if (seen.contains(u"dialdeck-relay listening at"_s))
            return relay;
    }
    return Error{u"relay_failed"_s,
                 trMain("dialdeck-relay did not report listening within 10 s; see %1")
                     .arg(logFile)};
}

// Figures of one run.
struct RunStats
{
    int rate = 0;
    qint64 sent = 0;
    qint64 accepted = 0;
    qint64 rejected = 0;
    qint64 received = 0;
    qint64 lost = 0;
    qint64 duplicated = 0;
    qint64 outOfOrder = 0;
    qint64 sendOrderInversions = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    double sendSeconds = 0;
    double throughput = 0;
    int cuts = 0;
    bool externalConsumer = false;
};

// Posts signed hangup callbacks at a fixed rate. The send time goes into
// the body, so latency covers the HTTP intake, the commit and the delivery.
class Poster final : public QObject
{
public:
    Poster(QUrl ingestUrl, QString channel)
        : m_ingestUrl(std::move(ingestUrl))
        , m_channel(std::move(channel))
    {
    }

    // Posts rate × seconds callbacks tagged with `runId` and waits for every reply.
    void run(int runId, int rate, int seconds, RunStats &stats)
    {
        m_run = runId;
        m_rate = rate;
        m_total = qint64(rate) * seconds;
        m_next = 0;
        m_finished = 0;
        m_accepted = 0;
        m_rejected = 0;
        m_startUs = nowUs();

        QEventLoop loop;
        m_loop = &loop;
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        connect(&tick, &QTimer::timeout, this, &Poster::sendDue);
        tick.start(1);
        loop.exec();
        tick.stop();
        m_loop = nullptr;

        stats.sent = m_total;
        stats.accepted = m_accepted;
        stats.rejected = m_rejected;
        stats.sendSeconds = double(m_lastSendUs - m_startUs) / 1e6;
    }

private:
    void sendDue()
    {
        const qint64 due = std::min(m_total, (nowUs() - m_startUs) * m_rate / 1'000'000 + 1);
        while (m_next < due)
            post(m_next++);
    }

    void post(qint64 index)
    {
        const QString url = m_ingestUrl.toString() + u"plivo/%1/hangup"_s.arg(m_channel);
        m_lastSendUs = nowUs();
        const PlivoSignature::Params params = {
            {u"CallUUID"_s, QUuid::createUuid().toString(QUuid::WithoutBraces)},
            {u"Event"_s, u"Hangup"_s},
            {u"CallStatus"_s, u"completed"_s},
            {u"BenchRun"_s, QString::number(m_run)},
            {u"BenchIndex"_s, QString::number(index)},
            {u"SentAtUs"_s, QString::number(m_lastSendUs)},
        };
        QUrlQuery form;
        for (const auto &[key, value] : params)
            form.addQueryItem(key, value);
        const QString nonce = PlivoSignature::makeNonce();
        QNetworkRequest request{QUrl(url)};
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArray("application/x-www-form-urlencoded"));
        request.setRawHeader("X-Plivo-Signature-V3-Nonce", nonce.toLatin1());
        request.setRawHeader("X-Plivo-Signature-V3",
                             PlivoSignature::computeV3(BenchAuthToken, "POST", url, params, nonce));
        QNetworkReply *reply = m_network.post(request, form.toString(QUrl::FullyEncoded).toUtf8());
        connect(reply, &QNetworkReply::finished, this, [this, reply] { onReply(reply); });
    }

    void onReply(QNetworkReply *reply)
    {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200)
            ++m_accepted;
        else
            ++m_rejected;
        reply->deleteLater();
        if (++m_finished == m_total && m_loop)
            m_loop->quit();
    }

    QUrl m_ingestUrl;
    QString m_channel;
    QNetworkAccessManager m_network{this};
    QEventLoop *m_loop = nullptr;
    int m_run = 0;
    qint64 m_rate = 0;
    qint64 m_total = 0;
    qint64 m_next = 0;
    qint64 m_finished = 0;
    qint64 m_accepted = 0;
    qint64 m_rejected = 0;
    qint64 m_startUs = 0;
    qint64 m_lastSendUs = 0;
};

double percentileMs(const QList<qint64> &sortedUs, double fraction)
{
    if (sortedUs.isEmpty())
        return 0;
    const qsizetype index = std::min(sortedUs.size() - 1, qsizetype(fraction * sortedUs.size()));
    return double(sortedUs.at(index)) / 1000.0;
}

// Waits until every accepted callback of `run` was received, or until no
// new one arrived for `quietMs`.
void drain(const ReceiptLog &log, int run, qint64 accepted, int quietMs)
{
    qint64 previous = -1;
    int quiet = 0;
    while (quiet < quietMs) {
        const qint64 count = log.forRun(run).size();
        if (count >= accepted)
            return;
        quiet = count == previous ? quiet + 50 : 0;
        previous = count;
        waitMs(50);
    }
}

// Counts loss, duplicates and order from the receipts of one run.
void evaluate(const QList<Receipt> &receipts, RunStats &stats)
{
    QSet<qint64> seen;
    QList<qint64> latenciesUs;
    qint64 highestSeq = 0;
    qint64 highestIndex = -1;
    qint64 firstSentUs = std::numeric_limits<qint64>::max();
    qint64 lastReceivedUs = 0;
    for (const Receipt &receipt : receipts) {
        if (seen.contains(receipt.index)) {
            ++stats.duplicated;
            continue;
        }
        seen.insert(receipt.index);
        latenciesUs.append(receipt.receivedUs - receipt.sentUs);
        firstSentUs = std::min(firstSentUs, receipt.sentUs);
        lastReceivedUs = std::max(lastReceivedUs, receipt.receivedUs);
        if (receipt.relaySeq > 0 && receipt.relaySeq < highestSeq)
            ++stats.outOfOrder;
        highestSeq = std::max(highestSeq, receipt.relaySeq);
        if (receipt.index < highestIndex)
            ++stats.sendOrderInversions;
        highestIndex = std::max(highestIndex, receipt.index);
    }
    std::sort(latenciesUs.begin(), latenciesUs.end());

    stats.received = seen.size();
    stats.lost = std::max<qint64>(0, stats.accepted - stats.received);
    stats.p50Ms = percentileMs(latenciesUs, 0.50);
    stats.p99Ms = percentileMs(latenciesUs, 0.99);
    stats.maxMs = latenciesUs.isEmpty() ? 0 : double(latenciesUs.last()) / 1000.0;
    if (lastReceivedUs > firstSentUs)
        stats.throughput = double(stats.received) * 1e6 / double(lastReceivedUs - firstSentUs);
}

void printStats(const QString &title, const RunStats &stats)
{
    out() << Qt::endl << title << Qt::endl;
    out() << trMain("  events sent:        %1 (%2 accepted with 200, %3 rejected) in %4 s")
                 .arg(stats.sent)
                 .arg(stats.accepted)
                 .arg(stats.rejected)
                 .arg(stats.sendSeconds, 0, 'f', 2)
          << Qt::endl;
    out() << trMain("  received:           %1").arg(stats.received) << Qt::endl;
    out() << trMain("  lost:               %1").arg(stats.lost) << Qt::endl;
    out() << trMain("  duplicated:         %1").arg(stats.duplicated) << Qt::endl;
    if (stats.externalConsumer) {
        out() << trMain("  out of order:       not measured (no relay seq from the consumer)")
              << Qt::endl;
    } else {
        out() << trMain("  out of order:       %1 (relay seq lower than one received before)")
                     .arg(stats.outOfOrder)
              << Qt::endl;
    }
    out() << trMain("  send-order inversions: %1 (committed in another order than sent, "
                    "because posts run on parallel connections)")
                 .arg(stats.sendOrderInversions)
          << Qt::endl;
    out() << trMain("  latency p50/p99/max: %1 / %2 / %3 ms")
                 .arg(stats.p50Ms, 0, 'f', 2)
                 .arg(stats.p99Ms, 0, 'f', 2)
                 .arg(stats.maxMs, 0, 'f', 2)
          << Qt::endl;
    out() << trMain("  sustained throughput: %1 events/s (received, first send to last receipt)")
                 .arg(stats.throughput, 0, 'f', 1)
          << Qt::endl;
    out() << trMain("  consumer cuts:      %1").arg(stats.cuts) << Qt::endl;
}

struct Options
{
    int rate = 200;
    int seconds = 20;
    int cutEveryMs = 0;
    bool ceiling = true;
    int ceilingSeconds = 5;
    int ceilingStartRate = 100;
    int ceilingMaxRate = 12800;
    QUrl ingestUrl;
    QString database;
    QString relayBinary;
    QString consumerCommand;
};

Result<int> positiveInt(const QCommandLineParser &parser, const QString &name, int fallback,
                        int maximum)
{
    if (!parser.isSet(name))
        return fallback;
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value <= 0 || value > maximum) {
        return Error{u"invalid_argument"_s,
                     trMain("--%1 %2 is invalid; give a whole number from 1 to %3.")
                         .arg(name, parser.value(name))
                         .arg(maximum)};
    }
    return value;
}

Result<Options> parseOptions(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        trMain("Benchmarks dialdeck-relay on loopback: signed callbacks in, WebSocket "
               "deliveries out, with loss, duplicates, order, latency and throughput."));
    parser.addHelpOption();
    parser.addOptions({
        {u"rate"_s, trMain("Callbacks per second in the fixed-rate run (default 200)."),
         u"N"_s},
        {u"seconds"_s, trMain("Length of the fixed-rate run in seconds (default 20)."),
         u"S"_s},
        {u"cut-every-ms"_s,
         trMain("Abort the consumer's WebSocket every MS milliseconds in the fixed-rate run; "
                "it reconnects at once and resumes after its last acknowledged seq."),
         u"MS"_s},
        {u"no-ceiling"_s, trMain("Skip the ramp of rising rates.")},
        {u"ceiling-start-rate"_s,
         trMain("First rate of the ramp, in callbacks per second (default 100); each step "
                "is 25% above the last."),
         u"N"_s},
        {u"ceiling-seconds"_s, trMain("Length of each ramp step in seconds (default 5)."),
         u"S"_s},
        {u"ceiling-max-rate"_s,
         trMain("Highest rate the ramp tries, in callbacks per second (default 12800)."),
         u"N"_s},
        {u"ingest-url"_s,
         trMain("Base URL of a running relay on loopback, equal to its --public-url, e.g. "
                "http://127.0.0.1:8089/. Needs --database. Without it the bench starts its "
                "own relay."),
         u"URL"_s},
        {u"database"_s,
         trMain("The event log of the relay given by --ingest-url; the bench adds its channel "
                "there."),
         u"FILE"_s},
        {u"relay-binary"_s,
         trMain("The dialdeck-relay program (default: bin/dialdeck-relay beside this "
                "program's folder)."),
         u"FILE"_s},
        {u"consumer-command"_s,
         trMain("Consume with `sh -c CMD` in place of the built-in WebSocket consumer. CMD "
                "gets DIALDECK_RELAY_URL and DIALDECK_RELAY_TOKEN, must acknowledge every "
                "event and print each received body on its own line."),
         u"CMD"_s},
    });
    parser.process(app);

    Options options;
    Result<int> rate = positiveInt(parser, u"rate"_s, options.rate, 1'000'000);
    Result<int> seconds = positiveInt(parser, u"seconds"_s, options.seconds, 86'400);
    Result<int> cut = positiveInt(parser, u"cut-every-ms"_s, 0, 3'600'000);
    Result<int> stepSeconds = positiveInt(parser, u"ceiling-seconds"_s, options.ceilingSeconds,
                                          3600);
    Result<int> startRate = positiveInt(parser, u"ceiling-start-rate"_s,
                                        options.ceilingStartRate, 1'000'000);
    Result<int> maxRate = positiveInt(parser, u"ceiling-max-rate"_s, options.ceilingMaxRate,
                                      1'000'000);
    for (const Result<int> *value : {&rate, &seconds, &cut, &stepSeconds, &startRate, &maxRate}) {
        if (!*value)
            return value->error();
    }
    options.rate = *rate;
    options.seconds = *seconds;
    options.cutEveryMs = *cut;
    options.ceiling = !parser.isSet(u"no-ceiling"_s);
    options.ceilingSeconds = *stepSeconds;
    options.ceilingStartRate = *startRate;
    options.ceilingMaxRate = *maxRate;
    options.consumerCommand = parser.value(u"consumer-command"_s);
    options.relayBinary = parser.isSet(u"relay-binary"_s)
                              ? parser.value(u"relay-binary"_s)
                              : QDir(QCoreApplication::applicationDirPath())
                                    .filePath(u"../bin/dialdeck-relay"_s);

    if (options.cutEveryMs > 0 && !options.consumerCommand.isEmpty()) {
        return Error{u"invalid_argument"_s,
                     trMain("--cut-every-ms works only with the built-in consumer; drop "
                            "--consumer-command or the cuts.")};
    }
    if (parser.isSet(u"ingest-url"_s)) {
        QString base = parser.value(u"ingest-url"_s);
        if (!base.endsWith(u'/'))
            base += u'/';
        options.ingestUrl = QUrl(base);
        if (!options.ingestUrl.isValid() || options.ingestUrl.scheme() != u"http"
            || !isLoopback(options.ingestUrl)) {
            return Error{u"invalid_argument"_s,
                         trMain("--ingest-url %1 is invalid; give an http:// URL on loopback "
                                "such as http://127.0.0.1:8089/.")
                             .arg(parser.value(u"ingest-url"_s))};
        }
        if (!parser.isSet(u"database"_s)) {
            return Error{u"invalid_argument"_s,
                         trMain("--ingest-url needs --database FILE, the relay's event log, "
                                "so the bench can add its channel.")};
        }
        options.database = parser.value(u"database"_s);
    }
    if (!QFile::exists(options.relayBinary)) {
        return Error{u"invalid_argument"_s,
                     trMain("dialdeck-relay not found at %1; build it or give --relay-binary.")
                         .arg(options.relayBinary)};
    }
    return options;
}

// Prepares the relay: the given one, or a new process on a free port.
Result<RelayTarget> prepareRelay(const Options &options, const QTemporaryDir &dir)
{
    const QString tokenFile = dir.filePath(u"plivo-token"_s);
    if (!writeOwnerOnly(tokenFile, BenchAuthToken))
        return Error{u"io_failed"_s, trMain("Cannot write %1.").arg(tokenFile)};

    RelayTarget target;
    QString database = options.database;
    if (options.ingestUrl.isEmpty()) {
        const quint16 port = freePort();
        target.ingestUrl = QUrl(u"http://127.0.0.1:%1/"_s.arg(port));
        database = dir.filePath(u"relay.sqlite"_s);
    } else {
        target.ingestUrl = options.ingestUrl;
    }
    target.channel = u"bench-"_s + QUuid::createUuid().toString(QUuid::Id128).left(12);

    Result<QByteArray> token =
        addChannel(options.relayBinary, database, tokenFile, target.ingestUrl, target.channel);
    if (!token)
        return token.error();
    target.clientToken = *token;

    if (options.ingestUrl.isEmpty()) {
        Result<std::unique_ptr<QProcess>> relay =
            startRelay(options.relayBinary, database, quint16(target.ingestUrl.port()),
                       dir.filePath(u"relay.log"_s));
        if (!relay)
            return relay.error();
        target.process = std::move(relay).value();
    }
    return target;
}

QUrl webSocketUrl(const RelayTarget &target)
{
    QUrl url = target.ingestUrl;
    url.setScheme(u"ws"_s);
    url.setPath(url.path() + u"ws/"_s + target.channel);
    return url;
}

// Runs one phase at `rate` and evaluates it.
RunStats measure(Poster &poster, const ReceiptLog &log, WebSocketConsumer *consumer, int run,
                 int rate, int seconds, int cutEveryMs)
{
    RunStats stats;
    stats.rate = rate;
    stats.externalConsumer = consumer == nullptr;
    const int cutsBefore = consumer ? consumer->cuts() : 0;
    if (consumer) {
        QMetaObject::invokeMethod(consumer,
                                  [consumer, cutEveryMs] { consumer->setCutEveryMs(cutEveryMs); });
    }

    poster.run(run, rate, seconds, stats);
    if (consumer)
        QMetaObject::invokeMethod(consumer, [consumer] { consumer->setCutEveryMs(0); });
    drain(log, run, stats.accepted, 5000);

    stats.cuts = consumer ? consumer->cuts() - cutsBefore : 0;
    evaluate(log.forRun(run), stats);
    return stats;
}

// A ramp step passes when the sender kept within 5% of the schedule, every
// accepted callback arrived once and p99 stayed under one second.
bool stepPassed(const RunStats &stats, int seconds)
{
    return stats.sendSeconds <= seconds * 1.05 && stats.rejected == 0 && stats.lost == 0
           && stats.duplicated == 0 && stats.p99Ms < 1000.0;
}

void runCeiling(Poster &poster, const ReceiptLog &log, WebSocketConsumer *consumer,
                const Options &options, int firstRun)
{
    out() << Qt::endl
          << trMain("Ceiling: rates from %1/s, each 25% above the last, %2 s per step")
                 .arg(options.ceilingStartRate)
                 .arg(options.ceilingSeconds)
          << Qt::endl;
    int passedRate = 0;
    double bestThroughput = 0;
    int run = firstRun;
    for (int rate = options.ceilingStartRate; rate <= options.ceilingMaxRate;
         rate = std::max(rate + 1, rate * 5 / 4)) {
        const RunStats stats =
            measure(poster, log, consumer, run++, rate, options.ceilingSeconds, 0);
        const bool passed = stepPassed(stats, options.ceilingSeconds);
        bestThroughput = std::max(bestThroughput, stats.throughput);
        out() << trMain("  %1/s: sent in %2 s, %3 rejected, %4 lost, %5 duplicated, "
                        "p50 %6 ms, p99 %7 ms, %8 events/s received: %9")
                     .arg(rate)
                     .arg(stats.sendSeconds, 0, 'f', 2)
                     .arg(stats.rejected)
                     .arg(stats.lost)
                     .arg(stats.duplicated)
                     .arg(stats.p50Ms, 0, 'f', 1)
                     .arg(stats.p99Ms, 0, 'f', 1)
                     .arg(stats.throughput, 0, 'f', 0)
                     .arg(passed ? trMain("pass") : trMain("fail"))
              << Qt::endl;
        if (!passed)
            break;
        passedRate = rate;
    }
    out() << trMain("Ceiling: highest passing step %1/s, highest received throughput %2 "
                    "events/s. A step passes when sending keeps to schedule within 5%, nothing "
                    "is rejected, lost or duplicated, and p99 is under 1000 ms.")
                 .arg(passedRate)
                 .arg(bestThroughput, 0, 'f', 0)
          << Qt::endl;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"bench_relay"_s);
    Result<Options> options = parseOptions(app);
    if (!options)
        return fail(options.error().message);

    QTemporaryDir dir;
    if (!dir.isValid())
        return fail(trMain("Cannot create a temporary folder: %1").arg(dir.errorString()));
    Result<RelayTarget> target = prepareRelay(*options, dir);
    if (!target) {
        // Keep the relay's log that the message points to.
        dir.setAutoRemove(false);
        return fail(target.error().message);
    }
    const QUrl wsUrl = webSocketUrl(*target);

    ReceiptLog log;
    QThread consumerThread;
    WebSocketConsumer *consumer = nullptr;
    std::unique_ptr<ExternalConsumer> external;
    if (options->consumerCommand.isEmpty()) {
        consumer = new WebSocketConsumer(wsUrl, target->clientToken, log);
        consumer->moveToThread(&consumerThread);
        QObject::connect(&consumerThread, &QThread::finished, consumer, &QObject::deleteLater);
        consumerThread.start();
        QMetaObject::invokeMethod(consumer, [consumer] { consumer->start(); });
        for (int waited = 0; waited < 100 && !consumer->isGreeted(); ++waited)
            waitMs(50);
        if (!consumer->isGreeted()) {
            consumerThread.quit();
            consumerThread.wait();
            return fail(trMain("The consumer could not connect to %1 within 5 s: %2")
                            .arg(wsUrl.toString(), consumer->lastError()));
        }
    } else {
        external = std::make_unique<ExternalConsumer>(options->consumerCommand, log);
        if (!external->start(wsUrl, target->clientToken))
            return fail(trMain("Cannot start the consumer command: %1")
                            .arg(options->consumerCommand));
        waitMs(1000);
    }

    out() << trMain("Relay at %1, channel %2, consumer %3")
                 .arg(target->ingestUrl.toString(), target->channel,
                      consumer ? trMain("built-in WebSocket") : options->consumerCommand)
          << Qt::endl;

    Poster poster(target->ingestUrl, target->channel);
    const RunStats fixed = measure(poster, log, consumer, 1, options->rate, options->seconds,
                                   options->cutEveryMs);
    printStats(trMain("Fixed rate: %1 events/s for %2 s%3")
                   .arg(options->rate)
                   .arg(options->seconds)
                   .arg(options->cutEveryMs > 0
                            ? trMain(", consumer cut every %1 ms").arg(options->cutEveryMs)
                            : QString()),
               fixed);
    if (options->ceiling)
        runCeiling(poster, log, consumer, *options, 2);

    if (consumer) {
        const QString error = consumer->lastError();
        if (!error.isEmpty())
            out() << trMain("Consumer's last error: %1").arg(error) << Qt::endl;
        consumerThread.quit();
        consumerThread.wait();
    }
    if (external)
        external->stop();
    if (target->process) {
        target->process->terminate();
        if (!target->process->waitForFinished(5000))
            target->process->kill();
    }
    const bool clean = fixed.rejected == 0 && fixed.lost == 0 && fixed.duplicated == 0
                       && fixed.outOfOrder == 0;
    return clean ? 0 : 2;
}
