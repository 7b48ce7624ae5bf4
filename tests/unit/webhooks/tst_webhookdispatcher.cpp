#include "core/ids.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/webhookdeliveryrepository.h"
#include "store/webhookendpointrepository.h"
#include "webhooks/webhookdispatcher.h"
#include "webhooks/webhooksecretstore.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray secret = "unit-test-secret-0123456789";

// One request the receiver got.
struct Received
{
    QString eventId;
    qint64 sequence = 0;
    bool signatureValid = false;
    int answeredStatus = 0;
};

} // namespace

// Drives a WebhookDispatcher against a receiver on 127.0.0.1 and checks the
// order per stream, retries after failures, the persisted delivery state and
// its resumption by a new dispatcher.
class TestWebhookDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void deliversEachStreamInOrderDespiteFailures();
    void failureStateSurvivesRestart();
    void silentEndpointTimesOut();
    void unreadableSecretFailsWithoutRequest();
    void disabledEndpointWaits();

private:
    QString createBatch();
    QString addEndpoint(const QString &url, const QString &secretPath, bool enabled = true);
    void appendEvents(const QString &endpointId, const QString &batchId, int count);
    std::unique_ptr<WebhookDispatcher> startDispatcher(int timeoutMs = 2000);
    qint64 scalar(const QString &sql);
    QString startReceiver();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    QString m_secretPath;
    std::unique_ptr<Connection> m_connection;
    std::unique_ptr<QHttpServer> m_server;
    QList<Received> m_received;
    // The receiver answers 500 to this many requests before it accepts any.
    int m_failuresLeft = 0;
};

void TestWebhookDispatcher::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"test"_s);
    QVERIFY(connection.ok());
    m_connection = std::make_unique<Connection>(std::move(connection).value());

    m_secretPath = m_dir->filePath(u"secret"_s);
    QFile file(m_secretPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(secret + '\n');
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));

    m_received.clear();
    m_failuresLeft = 0;
}

void TestWebhookDispatcher::cleanup()
{
    m_server.reset();
    m_connection.reset();
    m_dir.reset();
}

QString TestWebhookDispatcher::startReceiver()
{
    m_server = std::make_unique<QHttpServer>();
    m_server->route(u"/hooks"_s, QHttpServerRequest::Method::Post,
                    [this](const QHttpServerRequest &request) {
                        const QByteArray expected
                            = "sha256="
                              + QMessageAuthenticationCode::hash(request.body(), secret,
                                                                 QCryptographicHash::Sha256)
                                    .toHex();
                        Received received;
                        received.eventId = QString::fromUtf8(request.value("X-Dialdeck-Event-Id"));
                        received.sequence = request.value("X-Dialdeck-Sequence").toLongLong();
                        received.signatureValid = request.value("X-Dialdeck-Signature") == expected;
                        const bool fail = m_failuresLeft > 0;
                        if (fail)
                            --m_failuresLeft;
                        received.answeredStatus = fail ? 500 : 204;
                        m_received.append(received);
                        return QHttpServerResponse(
                            fail ? QHttpServerResponder::StatusCode::InternalServerError
                                 : QHttpServerResponder::StatusCode::NoContent);
                    });
    const quint16 port = m_server->listen(QHostAddress::LocalHost, 0);
    if (port == 0)
        return {};
    return u"http://127.0.0.1:%1/hooks"_s.arg(port);
}

QString TestWebhookDispatcher::createBatch()
{
    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Dispatcher batch"_s;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    if (!BatchRepository(m_connection->database()).insert(batch).ok())
        return {};
    return batch.id;
}

QString TestWebhookDispatcher::addEndpoint(const QString &url, const QString &secretPath,
                                           bool enabled)
{
    WebhookEndpoint endpoint;
    endpoint.id = Ids::generate();
    endpoint.url = url;
    endpoint.secretLocation = WebhookSecretStore::fileLocation(secretPath);
    endpoint.enabled = enabled;
    if (!WebhookEndpointRepository(m_connection->database()).insert(endpoint).ok())
        return {};
    return endpoint.id;
}

void TestWebhookDispatcher::appendEvents(const QString &endpointId, const QString &batchId,
                                         int count)
{
    WebhookDeliveryRepository deliveries(m_connection->database());
    for (int i = 0; i < count; ++i) {
        Result<qint64> sequence = deliveries.nextSequence(endpointId, batchId);
        QVERIFY(sequence.ok());
        WebhookDelivery delivery;
        delivery.endpointId = endpointId;
        delivery.batchId = batchId;
        delivery.sequence = *sequence;
        delivery.eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        delivery.kind = u"call.completed"_s;
        delivery.payload = QByteArray("{\"sequence\":") + QByteArray::number(*sequence)
                           + ",\"timestamp\":\"2026-12-07T15:00:00.000Z\"}";
        delivery.createdAtMs = QDateTime::currentMSecsSinceEpoch();
        delivery.nextAttemptAtMs = delivery.createdAtMs;
        QVERIFY(deliveries.append(delivery).ok());
    }
}

std::unique_ptr<WebhookDispatcher> TestWebhookDispatcher::startDispatcher(int timeoutMs)
{
    WebhookDispatcherSettings settings;
    settings.storePath = m_storePath;
    settings.timeoutMs = timeoutMs;
    settings.backoffBaseMs = 20;
    settings.backoffCapMs = 100;
    settings.pollIntervalMs = 100;
    auto dispatcher = std::make_unique<WebhookDispatcher>(settings,
                                                          std::make_shared<WebhookSecretStore>());
    if (!dispatcher->open().ok())
        return nullptr;
    return dispatcher;
}

qint64 TestWebhookDispatcher::scalar(const QString &sql)
{
    QSqlQuery query(m_connection->database());
    query.exec(sql);
    return query.next() ? query.value(0).toLongLong() : -1;
}

void TestWebhookDispatcher::deliversEachStreamInOrderDespiteFailures()
{
    const QString url = startReceiver();
    QVERIFY(!url.isEmpty());
    const QString endpointId = addEndpoint(url, m_secretPath);
    const QString first = createBatch();
    const QString second = createBatch();
    appendEvents(endpointId, first, 4);
    appendEvents(endpointId, second, 3);
    m_failuresLeft = 3;

    std::unique_ptr<WebhookDispatcher> dispatcher = startDispatcher();
    QVERIFY(dispatcher);
    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT COUNT(*) FROM webhook_outbox "
                                     "WHERE delivered_at IS NULL"_s),
                              0, 10000);

    QCOMPARE(m_received.size(), 7 + 3);
    QHash<QString, qint64> acceptedUpTo;
    QHash<QString, qint64> sequenceOfEvent;
    QSqlQuery rows(m_connection->database());
    QVERIFY(rows.exec(u"SELECT event_id, batch_id, sequence FROM webhook_outbox"_s));
    QHash<QString, QString> batchOfEvent;
    while (rows.next()) {
        sequenceOfEvent.insert(rows.value(0).toString(), rows.value(2).toLongLong());
        batchOfEvent.insert(rows.value(0).toString(), rows.value(1).toString());
    }
    for (const Received &received : std::as_const(m_received)) {
        QVERIFY(received.signatureValid);
        QCOMPARE(received.sequence, sequenceOfEvent.value(received.eventId));
        // Never a later row of the stream before the earlier one was accepted.
        const QString batchId = batchOfEvent.value(received.eventId);
        QCOMPARE(received.sequence, acceptedUpTo.value(batchId) + 1);
        if (received.answeredStatus == 204)
            acceptedUpTo[batchId] = received.sequence;
    }
    QCOMPARE(acceptedUpTo.value(first), 4);
    QCOMPARE(acceptedUpTo.value(second), 3);
    QCOMPARE(scalar(u"SELECT SUM(attempt_count) FROM webhook_outbox"_s), 10);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_outbox WHERE last_status = 204 "
                    "AND last_error = ''"_s),
             7);
}

void TestWebhookDispatcher::failureStateSurvivesRestart()
{
    const QString url = startReceiver();
    QVERIFY(!url.isEmpty());
    const QString endpointId = addEndpoint(url, m_secretPath);
    appendEvents(endpointId, createBatch(), 2);
    m_failuresLeft = 1000;

    std::unique_ptr<WebhookDispatcher> first = startDispatcher();
    QVERIFY(first);
    QTRY_VERIFY_WITH_TIMEOUT(m_received.size() >= 2, 5000);
    first.reset();

    // Only the head of the stream was tried; its failure is in the row.
    for (const Received &received : std::as_const(m_received))
        QCOMPARE(received.sequence, 1);
    QVERIFY(scalar(u"SELECT attempt_count FROM webhook_outbox WHERE sequence = 1"_s) >= 2);
    QCOMPARE(scalar(u"SELECT attempt_count FROM webhook_outbox WHERE sequence = 2"_s), 0);
    QCOMPARE(scalar(u"SELECT last_status FROM webhook_outbox WHERE sequence = 1"_s), 500);
    QCOMPARE(scalar(u"SELECT last_error LIKE '%HTTP 500%' FROM webhook_outbox "
                    "WHERE sequence = 1"_s),
             1);
    const qint64 triesBefore = scalar(u"SELECT attempt_count FROM webhook_outbox "
                                      "WHERE sequence = 1"_s);

    m_failuresLeft = 0;
    std::unique_ptr<WebhookDispatcher> second = startDispatcher();
    QVERIFY(second);
    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT COUNT(*) FROM webhook_outbox "
                                     "WHERE delivered_at IS NULL"_s),
                              0, 5000);
    QVERIFY(scalar(u"SELECT attempt_count FROM webhook_outbox WHERE sequence = 1"_s)
            > triesBefore);
    QCOMPARE(scalar(u"SELECT attempt_count FROM webhook_outbox WHERE sequence = 2"_s), 1);
}

void TestWebhookDispatcher::silentEndpointTimesOut()
{
    // Accepts connections and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    const QString endpointId = addEndpoint(u"http://127.0.0.1:%1/hooks"_s.arg(silent.serverPort()),
                                           m_secretPath);
    appendEvents(endpointId, createBatch(), 1);

    std::unique_ptr<WebhookDispatcher> dispatcher = startDispatcher(300);
    QVERIFY(dispatcher);
    QSignalSpy attempted(dispatcher.get(), &WebhookDispatcher::deliveryAttempted);
    QVERIFY(attempted.wait(5000));

    QCOMPARE(attempted.first().at(1).toBool(), false);
    QCOMPARE(scalar(u"SELECT last_error LIKE '%timed out after 300 ms%' FROM webhook_outbox"_s), 1);
    QCOMPARE(scalar(u"SELECT last_status IS NULL FROM webhook_outbox"_s), 1);
}

void TestWebhookDispatcher::unreadableSecretFailsWithoutRequest()
{
    const QString url = startReceiver();
    QVERIFY(!url.isEmpty());
    const QString looseSecret = m_dir->filePath(u"loose-secret"_s);
    QFile file(looseSecret);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(secret);
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
    appendEvents(addEndpoint(url, looseSecret), createBatch(), 1);

    std::unique_ptr<WebhookDispatcher> dispatcher = startDispatcher();
    QVERIFY(dispatcher);
    QSignalSpy attempted(dispatcher.get(), &WebhookDispatcher::deliveryAttempted);
    QVERIFY(attempted.wait(5000));

    QVERIFY(m_received.isEmpty());
    QCOMPARE(scalar(u"SELECT instr(last_error, 'chmod 600') > 0 FROM webhook_outbox"_s), 1);
    QCOMPARE(scalar(u"SELECT instr(last_error, '%1') FROM webhook_outbox"_s
                        .arg(QString::fromLatin1(secret))),
             0);
}

void TestWebhookDispatcher::disabledEndpointWaits()
{
    const QString url = startReceiver();
    QVERIFY(!url.isEmpty());
    const QString endpointId = addEndpoint(url, m_secretPath, false);
    appendEvents(endpointId, createBatch(), 2);

    std::unique_ptr<WebhookDispatcher> dispatcher = startDispatcher();
    QVERIFY(dispatcher);
    QSignalSpy drained(dispatcher.get(), &WebhookDispatcher::drained);
    QVERIFY(drained.wait(5000));
    QVERIFY(m_received.isEmpty());

    QVERIFY(WebhookEndpointRepository(m_connection->database()).setEnabled(endpointId, true).ok());
    dispatcher->wake();
    QTRY_COMPARE_WITH_TIMEOUT(m_received.size(), 2, 5000);
}

QTEST_GUILESS_MAIN(TestWebhookDispatcher)
#include "tst_webhookdispatcher.moc"
