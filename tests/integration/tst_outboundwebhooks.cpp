#include <QDir>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray secret = "integration-secret-6f1d2c9a8b7e";
// Monday 2026-12-07 15:00 UTC is 10:00 in New York, inside the default calling window.
const QString mondayMorningNewYork = u"2026-12-07T15:00:00Z"_s;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// One request the receiver got, with what it checked.
struct Received
{
    QString eventId;
    QString kind;
    QString batchId;
    qint64 sequence = 0;
    QJsonObject body;
    QByteArray rawBody;
    QByteArray signature;
    bool signatureValid = false;
    // The X-Dialdeck-* headers repeat the body's eventId, event, sequence and timestamp.
    bool headersMatchBody = false;
    bool json = false;
    int status = 0;
};

// A webhook receiver on 127.0.0.1 that checks every signature with the shared
// secret, records every request in arrival order and responds with 500 to the
// first `failuresLeft` requests.
class Receiver
{
public:
    QString start()
    {
        m_server.route(u"/events"_s, QHttpServerRequest::Method::Post,
                       [this](const QHttpServerRequest &request) { return receive(request); });
        const quint16 port = m_server.listen(QHostAddress::LocalHost, 0);
        return port == 0 ? QString() : u"http://127.0.0.1:%1/events"_s.arg(port);
    }

    QList<Received> log;
    int failuresLeft = 0;

    QList<Received> accepted() const
    {
        QList<Received> result;
        for (const Received &received : log) {
            if (received.status == 200)
                result.append(received);
        }
        return result;
    }

private:
    QHttpServerResponse receive(const QHttpServerRequest &request)
    {
        const QByteArray body = request.body();
        const QByteArray expected = "sha256="
                                    + QMessageAuthenticationCode::hash(body, secret,
                                                                       QCryptographicHash::Sha256)
                                          .toHex();

        Received received;
        received.body = QJsonDocument::fromJson(body).object();
        received.rawBody = body;
        received.signature = request.value("X-Dialdeck-Signature");
        received.eventId = received.body.value(u"eventId"_s).toString();
        received.kind = received.body.value(u"event"_s).toString();
        received.batchId = received.body.value(u"batchId"_s).toString();
        received.sequence = received.body.value(u"sequence"_s).toInteger();
        received.signatureValid = request.value("X-Dialdeck-Signature") == expected;
        received.json = request.value("Content-Type") == "application/json";
        received.headersMatchBody
            = request.value("X-Dialdeck-Event-Id") == received.eventId.toUtf8()
              && request.value("X-Dialdeck-Event") == received.kind.toUtf8()
              && request.value("X-Dialdeck-Sequence") == QByteArray::number(received.sequence)
              && request.value("X-Dialdeck-Timestamp")
                     == received.body.value(u"timestamp"_s).toString().toUtf8();

        const bool fail = failuresLeft > 0;
        if (fail)
            --failuresLeft;
        received.status = fail ? 500 : 200;
        log.append(received);
        if (fail) {
            return QHttpServerResponse("text/plain", "receiver is warming up",
                                       QHttpServerResponder::StatusCode::InternalServerError);
        }
        return QHttpServerResponse("application/json", "{\"ok\":true}");
    }

    QHttpServer m_server;
};

} // namespace

// Runs batches with the real dialdeck-service executable (start, then serve
// after a SIGKILL) and a webhook receiver in this process. Checks that every
// event arrives signed and in order, also across failed deliveries and the kill.
class TestOutboundWebhooks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void addRejectsBadInput_data();
    void addRejectsBadInput();
    void listShowsCountsNeverSecret();
    void eventsSurviveFailuresAndKill();
    void failedDeliveriesAreListed();

private:
    Run service(const QStringList &arguments, int timeoutMs = 60000);
    QProcess *startService(const QStringList &arguments);
    Run finish(QProcess *process, int timeoutMs);
    QString writeFile(const QString &name, const QByteArray &content,
                      QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner);
    QString importBatch(int calls);
    QString addPhone();
    QString addEndpoint(const QString &url);
    QSqlQuery query(const QString &sql);
    qint64 scalar(const QString &sql);
    QString text(const QString &sql);

    QString m_binary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    QString m_secretFile;
    QString m_databaseName;
};

void TestOutboundWebhooks::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_binary = QDir(qEnvironmentVariable("DIALDECK_BIN_DIR")).filePath(u"dialdeck-service"_s);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
}

void TestOutboundWebhooks::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_secretFile = writeFile(u"webhook.secret"_s, secret + '\n');
    QVERIFY(!m_secretFile.isEmpty());
}

void TestOutboundWebhooks::cleanup()
{
    if (!m_databaseName.isEmpty()) {
        QSqlDatabase::database(m_databaseName, false).close();
        QSqlDatabase::removeDatabase(m_databaseName);
        m_databaseName.clear();
    }
    m_dir.reset();
}

Run TestOutboundWebhooks::service(const QStringList &arguments, int timeoutMs)
{
    return finish(startService(arguments), timeoutMs);
}

QProcess *TestOutboundWebhooks::startService(const QStringList &arguments)
{
    auto *process = new QProcess(this);
    process->start(m_binary, QStringList{u"--db"_s, m_store} + arguments);
    return process;
}

Run TestOutboundWebhooks::finish(QProcess *process, int timeoutMs)
{
    Run run;
    // Waits with the event loop running, so the receiver in this process can respond.
    if (!QTest::qWaitFor([process] { return process->state() == QProcess::NotRunning; },
                         timeoutMs)) {
        process->kill();
        process->waitForFinished();
        run.err = u"timed out"_s;
    } else {
        run.exitCode = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
    }
    run.out += QString::fromUtf8(process->readAllStandardOutput());
    run.err += QString::fromUtf8(process->readAllStandardError());
    process->deleteLater();
    return run;
}

QString TestOutboundWebhooks::writeFile(const QString &name, const QByteArray &content,
                                        QFile::Permissions permissions)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(content);
    file.close();
    if (!file.setPermissions(permissions))
        return {};
    return path;
}

// Imports `calls` New York numbers, so every call's window is open at the start time.
QString TestOutboundWebhooks::importBatch(int calls)
{
    QByteArray csv = "Name,Phone\n";
    for (int i = 0; i < calls; ++i)
        csv += "Callee " + QByteArray::number(i) + ",+1 212 555 01" + QByteArray::number(10 + i) + '\n';
    const QString list = writeFile(u"list.csv"_s, csv);

    const Run imported = service({u"import"_s, list, u"--name"_s, u"Webhook batch"_s});
    if (imported.exitCode != 0) {
        qWarning().noquote() << imported.err;
        return {};
    }
    return imported.out.section(u'\n', 0, 0).trimmed();
}

QString TestOutboundWebhooks::addPhone()
{
    const Run phone = service({u"phones"_s, u"add"_s, u"+12125550100"_s});
    return phone.exitCode == 0 ? phone.out.trimmed() : QString();
}

QString TestOutboundWebhooks::addEndpoint(const QString &url)
{
    const Run added = service({u"webhooks"_s, u"add"_s, u"--url"_s, url, u"--secret-file"_s,
                               m_secretFile});
    if (added.exitCode != 0) {
        qWarning().noquote() << added.err;
        return {};
    }
    return added.out.trimmed();
}

QSqlQuery TestOutboundWebhooks::query(const QString &sql)
{
    if (m_databaseName.isEmpty()) {
        m_databaseName = u"outbound-webhooks-test"_s;
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_databaseName);
        db.setDatabaseName(m_store);
        db.open();
    }
    QSqlQuery result(QSqlDatabase::database(m_databaseName));
    result.exec(sql);
    return result;
}

qint64 TestOutboundWebhooks::scalar(const QString &sql)
{
    QSqlQuery result = query(sql);
    return result.next() ? result.value(0).toLongLong() : -1;
}

QString TestOutboundWebhooks::text(const QString &sql)
{
    QSqlQuery result = query(sql);
    return result.next() ? result.value(0).toString() : QString();
}

void TestOutboundWebhooks::addRejectsBadInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    QTest::newRow("missing url") << QStringList{u"--secret-file"_s, u"SECRET"_s} << 1
                                 << u"--url"_s;
    QTest::newRow("ftp url") << QStringList{u"--url"_s, u"ftp://127.0.0.1/x"_s,
                                            u"--secret-file"_s, u"SECRET"_s}
                             << 2 << u"ftp://127.0.0.1/x"_s;
    QTest::newRow("password in url")
        << QStringList{u"--url"_s, u"https://user:pw@127.0.0.1/x"_s, u"--secret-file"_s,
                       u"SECRET"_s}
        << 2 << u"user name or password"_s;
    QTest::newRow("secret readable by others")
        << QStringList{u"--url"_s, u"http://127.0.0.1:9/x"_s, u"--secret-file"_s, u"LOOSE"_s}
        << 2 << u"chmod 600 LOOSE"_s;
    QTest::newRow("secret too short")
        << QStringList{u"--url"_s, u"http://127.0.0.1:9/x"_s, u"--secret-file"_s, u"SHORT"_s}
        << 2 << u"at least 16"_s;
    QTest::newRow("unknown batch")
        << QStringList{u"--url"_s, u"http://127.0.0.1:9/x"_s, u"--secret-file"_s, u"SECRET"_s,
                       u"--batch"_s, u"0123456789abcdef01234567"_s}
        << 3 << u"0123456789abcdef01234567"_s;
    QTest::newRow("malformed batch")
        << QStringList{u"--url"_s, u"http://127.0.0.1:9/x"_s, u"--secret-file"_s, u"SECRET"_s,
                       u"--batch"_s, u"XYZ"_s}
        << 2 << u"XYZ"_s;
}

void TestOutboundWebhooks::addRejectsBadInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const QString loose = writeFile(u"loose.secret"_s, secret,
                                    QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
    const QString shortSecret = writeFile(u"short.secret"_s, "tiny\n");
    for (QString &argument : arguments) {
        argument.replace(u"SECRET"_s, m_secretFile);
        argument.replace(u"LOOSE"_s, loose);
        argument.replace(u"SHORT"_s, shortSecret);
    }
    message.replace(u"LOOSE"_s, loose);

    const Run added = service(QStringList{u"webhooks"_s, u"add"_s} + arguments);

    QCOMPARE(added.exitCode, exitCode);
    QVERIFY2(added.err.contains(message), qPrintable(added.err));
    QVERIFY(!added.err.contains(QString::fromLatin1(secret)));
    const Run listed = service({u"webhooks"_s, u"list"_s});
    QVERIFY2(listed.out.contains(u"No webhook endpoints"_s), qPrintable(listed.out));
}

void TestOutboundWebhooks::listShowsCountsNeverSecret()
{
    const QString endpointId = addEndpoint(u"https://127.0.0.1:9/events"_s);
    QVERIFY(!endpointId.isEmpty());

    const Run listed = service({u"webhooks"_s, u"list"_s});

    QCOMPARE(listed.exitCode, 0);
    QVERIFY2(listed.out.contains(endpointId + u"\tenabled\tall\thttps://127.0.0.1:9/events\t0\t0\t0"_s),
             qPrintable(listed.out));
    QVERIFY(!listed.out.contains(QString::fromLatin1(secret)));
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_endpoints WHERE secret_location LIKE 'file:%'"_s),
             1);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_endpoints WHERE instr(secret_location, '%1') > 0"_s
                        .arg(QString::fromLatin1(secret))),
             0);

    const Run removed = service({u"webhooks"_s, u"remove"_s, endpointId});
    QCOMPARE(removed.exitCode, 0);
    const Run removedAgain = service({u"webhooks"_s, u"remove"_s, endpointId});
    QCOMPARE(removedAgain.exitCode, 3);
    QVERIFY(removedAgain.err.contains(endpointId));
}

void TestOutboundWebhooks::eventsSurviveFailuresAndKill()
{
    Receiver receiver;
    const QString url = receiver.start();
    QVERIFY(!url.isEmpty());
    receiver.failuresLeft = 3;
    const QString batchId = importBatch(40);
    QVERIFY(!batchId.isEmpty());
    const QString phoneId = addPhone();
    QVERIFY(!phoneId.isEmpty());
    QVERIFY(!addEndpoint(url).isEmpty());

    // At 200 times real time a no-answer retry (30 minutes) takes 9 s, so the
    // batch is still running when the first deliveries have gone through.
    const QStringList run = {u"start"_s, batchId, u"--phones"_s, phoneId, u"--speed"_s,
                             u"200"_s, u"--seed"_s, u"9"_s};
    QProcess *first = startService(run + QStringList{u"--start-at"_s, mondayMorningNewYork});
    if (!QTest::qWaitFor([&] { return receiver.accepted().size() >= 3; }, 30000)) {
        first->kill();
        const Run stalled = finish(first, 10000);
        QFAIL(qPrintable(u"Fewer than 3 events were accepted; the service wrote:\n"_s + stalled.err));
    }
    QCOMPARE(first->state(), QProcess::Running);
    first->kill();
    const Run killed = finish(first, 10000);
    const qsizetype acceptedAtKill = receiver.accepted().size();
    QCOMPARE(killed.exitCode, -1);

    const QString statusAtKill = text(u"SELECT status FROM batches WHERE id = '%1'"_s.arg(batchId));
    QVERIFY2(statusAtKill == u"running" || statusAtKill == u"queued", qPrintable(statusAtKill));
    const Run listedAtKill = service({u"webhooks"_s, u"list"_s});
    const QStringList endpointLine = listedAtKill.out.split(u'\n').value(1).split(u'\t');
    QVERIFY2(endpointLine.value(4).toInt() > 0, qPrintable(listedAtKill.out));
    // The kill may have come between the receiver's response and the row's update.
    QVERIFY2(endpointLine.value(6).toInt() >= acceptedAtKill - 1, qPrintable(listedAtKill.out));

    // The killed engine never renews its lease; end it now rather than waiting 30 s.
    QVERIFY(query(u"UPDATE batches SET lease_expires_at = 0"_s).isActive());
    const qint64 lastAttemptMs = scalar(u"SELECT MAX(created_at) FROM attempts"_s);
    const QString restartAt = QDateTime::fromMSecsSinceEpoch(lastAttemptMs + 60'000, Qt::UTC)
                                  .toString(Qt::ISODate);

    // serve resumes the interrupted batch and delivers what the killed process left.
    QProcess *serve = startService({u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--speed"_s,
                                    u"200"_s, u"--seed"_s, u"9"_s, u"--start-at"_s, restartAt});
    const bool settled = QTest::qWaitFor(
        [&] {
            return text(u"SELECT status FROM batches"_s) == u"completed"
                   && scalar(u"SELECT COUNT(*) FROM webhook_outbox "
                             "WHERE delivered_at IS NULL"_s)
                          == 0;
        },
        120000);
    serve->terminate();
    const Run served = finish(serve, 30000);
    QVERIFY2(settled, qPrintable(served.err));
    QCOMPARE(served.exitCode, 0);

    // Everything in the outbox was accepted.
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_outbox WHERE delivered_at IS NULL"_s), 0);
    const qint64 events = scalar(u"SELECT COUNT(*) FROM webhook_outbox"_s);
    QVERIFY(events > 40);
    QSet<QString> outboxIds;
    QSqlQuery ids = query(u"SELECT event_id FROM webhook_outbox"_s);
    while (ids.next())
        outboxIds.insert(ids.value(0).toString());

    // Every request was signed and described itself consistently.
    for (const Received &received : std::as_const(receiver.log)) {
        QVERIFY2(received.signatureValid, qPrintable(received.eventId));
        QVERIFY2(received.headersMatchBody, qPrintable(received.eventId));
        QVERIFY(received.json);
        QCOMPARE(received.batchId, batchId);
        QVERIFY(outboxIds.contains(received.eventId));
    }

    // In arrival order the accepted sequence numbers run 1, 2, 3, … without
    // gaps. A repeat is the same event (same id) sent again after the kill.
    QHash<qint64, QString> eventOfSequence;
    qint64 next = 1;
    int duplicates = 0;
    for (const Received &received : receiver.accepted()) {
        if (received.sequence == next) {
            eventOfSequence.insert(next, received.eventId);
            ++next;
            continue;
        }
        QVERIFY2(received.sequence < next,
                 qPrintable(u"sequence %1 arrived before %2"_s.arg(received.sequence).arg(next)));
        QCOMPARE(received.eventId, eventOfSequence.value(received.sequence));
        ++duplicates;
    }
    QCOMPARE(next - 1, events);
    QVERIFY(duplicates <= 1);

    // The three responses of 500 were followed by a redelivery of the same event.
    QCOMPARE(receiver.log.first().status, 500);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(receiver.log[i].status, 500);
        QCOMPARE(receiver.log[i].eventId, eventOfSequence.value(1));
    }

    // The events tell the story of the batch: two runs, every attempt, one completion.
    QStringList kinds;
    QSet<qint64> reportedAttempts;
    for (qint64 sequence = 1; sequence <= events; ++sequence) {
        const QString eventId = eventOfSequence.value(sequence);
        const auto found = std::find_if(receiver.log.cbegin(), receiver.log.cend(),
                                        [&](const Received &r) { return r.eventId == eventId; });
        kinds.append(found->kind);
        if (found->kind == u"call.completed") {
            const QJsonObject data = found->body.value(u"data"_s).toObject();
            reportedAttempts.insert(data.value(u"attemptId"_s).toInteger());
            QVERIFY(!data.value(u"outcome"_s).toString().isEmpty());
            QCOMPARE(data.value(u"callerNumber"_s).toString(), u"+12125550100"_s);
        }
    }
    QCOMPARE(kinds.first(), u"batch.started"_s);
    QCOMPARE(kinds.last(), u"batch.completed"_s);
    QCOMPARE(kinds.count(u"batch.started"_s), 2);
    QCOMPARE(kinds.count(u"batch.completed"_s), 1);
    QCOMPARE(qint64(kinds.count(u"call.completed"_s)), scalar(u"SELECT COUNT(*) FROM attempts"_s));
    QCOMPARE(qint64(reportedAttempts.size()), scalar(u"SELECT COUNT(*) FROM attempts"_s));

    // One request of each kind and call outcome, for reading in the test log.
    QSet<QString> shown;
    for (const Received &received : receiver.accepted()) {
        const QString outcome = received.body.value(u"data"_s).toObject().value(u"outcome"_s)
                                    .toString();
        if (shown.contains(received.kind + outcome))
            continue;
        shown.insert(received.kind + outcome);
        qInfo().noquote() << "X-Dialdeck-Signature:" << received.signature;
        qInfo().noquote() << received.rawBody;
    }
}

void TestOutboundWebhooks::failedDeliveriesAreListed()
{
    // A port that was free a moment ago: connections to it are refused.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const QString url = u"http://127.0.0.1:%1/events"_s.arg(probe.serverPort());
    probe.close();

    const QString batchId = importBatch(3);
    QVERIFY(!batchId.isEmpty());
    const QString phoneId = addPhone();
    QVERIFY(!phoneId.isEmpty());
    const QString endpointId = addEndpoint(url);
    QVERIFY(!endpointId.isEmpty());

    const Run run = service({u"start"_s, batchId, u"--phones"_s, phoneId, u"--speed"_s, u"0"_s,
                             u"--start-at"_s, mondayMorningNewYork, u"--webhook-wait"_s, u"2"_s});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.err.contains(u"still pending"_s), qPrintable(run.err));

    const Run failed = service({u"webhooks"_s, u"deliveries"_s, u"--failed"_s});
    QCOMPARE(failed.exitCode, 0);
    const QStringList lines = failed.out.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() >= 2, qPrintable(failed.out));
    // Only the head of the stream was tried, and its row records why it failed.
    QCOMPARE(lines.size(), 2);
    const QStringList columns = lines[1].split(u'\t');
    QCOMPARE(columns.value(1), endpointId);
    QCOMPARE(columns.value(2), batchId);
    QCOMPARE(columns.value(3), u"1"_s);
    QCOMPARE(columns.value(4), u"batch.started"_s);
    QCOMPARE(columns.value(5), u"failed"_s);
    QVERIFY2(columns.value(10).contains(u"refused"_s, Qt::CaseInsensitive), qPrintable(lines[1]));

    const Run listed = service({u"webhooks"_s, u"list"_s});
    const qint64 pending = scalar(u"SELECT COUNT(*) FROM webhook_outbox"_s);
    QVERIFY(pending >= 5);
    QVERIFY2(listed.out.contains(u"\t%1\t1\t0\t"_s.arg(pending)), qPrintable(listed.out));

    const Run retried = service({u"webhooks"_s, u"retry"_s, endpointId});
    QCOMPARE(retried.exitCode, 0);
    QVERIFY2(retried.out.startsWith(u"1 failed deliveries"_s), qPrintable(retried.out));
    QCOMPARE(scalar(u"SELECT next_attempt_at <= %1 FROM webhook_outbox WHERE sequence = 1"_s
                        .arg(QDateTime::currentMSecsSinceEpoch())),
             1);
}

QTEST_GUILESS_MAIN(TestOutboundWebhooks)
#include "tst_outboundwebhooks.moc"
