#include "consolewebhooks.h"
#include "core/ids.h"
#include "dialer/engine.h"
#include "mainwindow.h"
#include "memorykeychain.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/webhookdeliveryrepository.h"
#include "store/webhookendpointrepository.h"
#include "webhooksdialog.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QLabel>
#include <QLineEdit>
#include <QMessageAuthenticationCode>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

enum EndpointColumn
{
    UrlColumn,
    BatchColumn,
    StateColumn,
    PendingColumn,
    FailedColumn,
    DeliveredColumn,
    SecretColumn,
    IdColumn,
};

} // namespace

// Drives the webhooks dialog by objectName on a real store, with a keychain
// kept in memory, a real dispatcher thread and a receiver on 127.0.0.1.
class TestWebhooksDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void addEndpointKeepsSecretInKeychain();
    void addRejectsBadInput_data();
    void addRejectsBadInput();
    void keychainFailureAddsNothing();
    void retryNowSendsFailedDelivery();
    void disableAndRemoveEndpoint();
    void consoleReadsKeychainSecretBeforeSending();
    void mainWindowOpensWebhooksDialog();

private:
    template<typename T> T *child(const char *name) const
    {
        return m_dialog->findChild<T *>(QString::fromLatin1(name));
    }
    void openDialog();
    QString startReceiver();
    QString addEndpoint(const QString &url, const QString &secret);
    QString createBatch();
    void appendEvent(const QString &endpointId, const QString &batchId);
    qint64 scalar(const QString &sql);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    std::unique_ptr<Connection> m_connection;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ConsoleWebhooks> m_webhooks;
    std::unique_ptr<WebhooksDialog> m_dialog;
    std::unique_ptr<QHttpServer> m_server;
    MemoryKeychain m_keychain;
    bool m_confirmAnswer = true;
    // Status the receiver responds with, and the requests it got with their signatures.
    int m_receiverStatus = 200;
    QList<QByteArray> m_signatures;
    QList<QByteArray> m_bodies;
};

void TestWebhooksDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestWebhooksDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);
    Result<Connection> connection = Connection::openSqlite(m_storePath, u"webhooksdialog"_s);
    QVERIFY2(connection.ok(), connection.ok() ? "" : qPrintable(connection.error().message));
    m_connection = std::make_unique<Connection>(std::move(connection).value());

    m_keychain.clear();
    m_confirmAnswer = true;
    m_receiverStatus = 200;
    m_signatures.clear();
    m_bodies.clear();

    EngineSettings settings;
    settings.storePath = m_storePath;
    m_engine = std::make_unique<Engine>(settings);
    m_webhooks = std::make_unique<ConsoleWebhooks>(m_storePath, m_keychain.keychain());
}

void TestWebhooksDialog::cleanup()
{
    m_dialog.reset();
    m_webhooks.reset();
    m_engine.reset();
    m_server.reset();
    m_connection.reset();
    m_dir.reset();
}

void TestWebhooksDialog::openDialog()
{
    DialogSeams seams;
    seams.confirm = [this](QWidget *, const QString &, const QString &,
                           DialogSeams::ConfirmDone done) {
        done(m_confirmAnswer);
    };
    m_dialog = std::make_unique<WebhooksDialog>(m_connection->name(), seams, m_keychain.keychain(),
                                                m_webhooks.get());
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

QString TestWebhooksDialog::startReceiver()
{
    m_server = std::make_unique<QHttpServer>();
    m_server->route(
        u"/events"_s, QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &request) {
            m_signatures.append(request.value("X-Dialdeck-Signature"));
            m_bodies.append(request.body());
            return QHttpServerResponse(QHttpServerResponder::StatusCode(m_receiverStatus));
        });
    const quint16 port = m_server->listen(QHostAddress::LocalHost, 0);
    return port == 0 ? QString() : u"http://127.0.0.1:%1/events"_s.arg(port);
}

QString TestWebhooksDialog::addEndpoint(const QString &url, const QString &secret)
{
    child<QLineEdit>("webhookUrlEdit")->setText(url);
    child<QLineEdit>("webhookSecretEdit")->setText(secret);
    QSignalSpy added(m_dialog.get(), &WebhooksDialog::endpointAdded);
    QTest::mouseClick(child<QPushButton>("addEndpointButton"), Qt::LeftButton);
    return added.isEmpty() ? QString() : added.first().first().toString();
}

QString TestWebhooksDialog::createBatch()
{
    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Dialog batch"_s;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    if (!BatchRepository(m_connection->database()).insert(batch).ok())
        return {};
    return batch.id;
}

void TestWebhooksDialog::appendEvent(const QString &endpointId, const QString &batchId)
{
    WebhookDeliveryRepository deliveries(m_connection->database());
    WebhookDelivery delivery;
    delivery.endpointId = endpointId;
    delivery.batchId = batchId;
    delivery.sequence = 1;
    delivery.eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    delivery.kind = u"batch.started"_s;
    delivery.payload = "{\"event\":\"batch.started\",\"timestamp\":\"2026-12-07T15:00:00.000Z\"}";
    delivery.createdAtMs = QDateTime::currentMSecsSinceEpoch();
    delivery.nextAttemptAtMs = delivery.createdAtMs;
    QVERIFY(deliveries.append(delivery).ok());
}

qint64 TestWebhooksDialog::scalar(const QString &sql)
{
    QSqlQuery query(m_connection->database());
    query.exec(sql);
    return query.next() ? query.value(0).toLongLong() : -1;
}

void TestWebhooksDialog::addEndpointKeepsSecretInKeychain()
{
    openDialog();
    QTest::mouseClick(child<QPushButton>("generateSecretButton"), Qt::LeftButton);
    const QString secret = child<QLineEdit>("webhookSecretEdit")->text();
    QCOMPARE(secret.size(), 64);
    QCOMPARE(child<QLineEdit>("webhookSecretEdit")->echoMode(), QLineEdit::Password);

    const QString id = addEndpoint(u"https://127.0.0.1:9/events"_s, secret);

    QVERIFY(!id.isEmpty());
    QCOMPARE(m_keychain.entries.value(u"webhook/"_s + id), secret.toUtf8());
    QSqlQuery row(m_connection->database());
    QVERIFY(row.exec(u"SELECT * FROM webhook_endpoints"_s));
    QVERIFY(row.next());
    for (int column = 0; column < row.record().count(); ++column)
        QVERIFY(!row.value(column).toString().contains(secret));
    row.finish();
    QCOMPARE(
        scalar(u"SELECT secret_location = 'keychain:webhook/%1' FROM webhook_endpoints"_s.arg(id)),
        1);

    auto *table = child<QTableWidget>("webhookEndpointsTable");
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, UrlColumn)->text(), u"https://127.0.0.1:9/events"_s);
    QCOMPARE(table->item(0, SecretColumn)->text(), u"Keychain"_s);
    QCOMPARE(table->item(0, IdColumn)->text(), id);
    QVERIFY(child<QLineEdit>("webhookSecretEdit")->text().isEmpty());
}

void TestWebhooksDialog::addRejectsBadInput_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("batch");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("message");

    const QString secret = u"0123456789abcdef0123"_s;
    QTest::newRow("ftp url") << u"ftp://127.0.0.1/x"_s << QString() << secret
                             << u"not an http or https URL"_s;
    QTest::newRow("password in url")
        << u"https://user:pw@127.0.0.1/x"_s << QString() << secret << u"user name or password"_s;
    QTest::newRow("short secret") << u"https://127.0.0.1/x"_s << QString() << u"short"_s
                                  << u"at least 16"_s;
    QTest::newRow("malformed batch") << u"https://127.0.0.1/x"_s << u"XYZ"_s << secret << u"XYZ"_s;
    QTest::newRow("unknown batch") << u"https://127.0.0.1/x"_s << u"0123456789abcdef01234567"_s
                                   << secret << u"does not exist"_s;
}

void TestWebhooksDialog::addRejectsBadInput()
{
    QFETCH(QString, url);
    QFETCH(QString, batch);
    QFETCH(QString, secret);
    QFETCH(QString, message);
    openDialog();

    child<QLineEdit>("webhookBatchEdit")->setText(batch);
    const QString id = addEndpoint(url, secret);

    QVERIFY(id.isEmpty());
    auto *problem = child<QLabel>("webhooksProblemLabel");
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(message), qPrintable(problem->text()));
    QVERIFY(m_keychain.entries.isEmpty());
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_endpoints"_s), 0);
}

void TestWebhooksDialog::keychainFailureAddsNothing()
{
    openDialog();
    m_keychain.error = u"The keychain is locked."_s;

    const QString id = addEndpoint(u"https://127.0.0.1:9/events"_s, u"0123456789abcdef0123"_s);

    QVERIFY(id.isEmpty());
    QVERIFY2(child<QLabel>("webhooksProblemLabel")->text().contains(u"The keychain is locked."_s),
             qPrintable(child<QLabel>("webhooksProblemLabel")->text()));
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_endpoints"_s), 0);
}

void TestWebhooksDialog::retryNowSendsFailedDelivery()
{
    const QString url = startReceiver();
    QVERIFY(!url.isEmpty());
    m_webhooks->start(m_connection->database(), m_engine.get());
    openDialog();
    const QString secret = u"0123456789abcdef0123"_s;
    const QString endpointId = addEndpoint(url, secret);
    QVERIFY(!endpointId.isEmpty());

    m_receiverStatus = 503;
    appendEvent(endpointId, createBatch());
    m_webhooks->wake();
    QTRY_VERIFY_WITH_TIMEOUT(!m_signatures.isEmpty(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT last_status FROM webhook_outbox"_s), 503, 5000);

    // As after many failed tries: the next one is an hour away. A try still in
    // progress may overwrite the time when it fails, so set it until it stays.
    const auto deferred = [this] {
        const qint64 hourAheadMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        QSqlQuery(m_connection->database())
            .exec(u"UPDATE webhook_outbox SET next_attempt_at = %1"_s.arg(hourAheadMs));
        QTest::qWait(300);
        return scalar(u"SELECT next_attempt_at FROM webhook_outbox"_s) == hourAheadMs;
    };
    QVERIFY(QTest::qWaitFor(deferred, 10000));
    m_dialog->reload();
    auto *failed = child<QTableWidget>("failedDeliveriesTable");
    QCOMPARE(failed->rowCount(), 1);
    QVERIFY2(failed->item(0, 7)->text().contains(u"HTTP 503"_s),
             qPrintable(failed->item(0, 7)->text()));
    QCOMPARE(failed->item(0, 5)->text(), u"503"_s);
    QCOMPARE(child<QTableWidget>("webhookEndpointsTable")->item(0, FailedColumn)->text(), u"1"_s);

    m_receiverStatus = 200;
    const qsizetype triesBefore = m_signatures.size();
    QTest::mouseClick(child<QPushButton>("retryFailedButton"), Qt::LeftButton);

    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT COUNT(*) FROM webhook_outbox "
                                     "WHERE delivered_at IS NOT NULL"_s),
                              1, 5000);
    QVERIFY(m_signatures.size() > triesBefore);
    const QByteArray expected =
        "sha256=" + QMessageAuthenticationCode::hash(m_bodies.last(), secret.toUtf8(),
                                                     QCryptographicHash::Sha256)
                        .toHex();
    QCOMPARE(m_signatures.last(), expected);
    QTRY_COMPARE_WITH_TIMEOUT(failed->rowCount(), 0, 5000);
}

void TestWebhooksDialog::disableAndRemoveEndpoint()
{
    openDialog();
    const QString id = addEndpoint(u"https://127.0.0.1:9/events"_s, u"0123456789abcdef0123"_s);
    QVERIFY(!id.isEmpty());
    auto *table = child<QTableWidget>("webhookEndpointsTable");
    auto *toggle = child<QPushButton>("toggleEndpointButton");
    table->selectRow(0);

    QTest::mouseClick(toggle, Qt::LeftButton);
    QCOMPARE(table->item(0, StateColumn)->text(), u"Disabled"_s);
    QCOMPARE(scalar(u"SELECT enabled FROM webhook_endpoints"_s), 0);
    QCOMPARE(toggle->text(), u"&Enable"_s);

    m_confirmAnswer = false;
    QTest::mouseClick(child<QPushButton>("removeEndpointButton"), Qt::LeftButton);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_endpoints"_s), 1);

    m_confirmAnswer = true;
    QTest::mouseClick(child<QPushButton>("removeEndpointButton"), Qt::LeftButton);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM webhook_endpoints"_s), 0);
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(!m_keychain.entries.contains(u"webhook/"_s + id));
}

void TestWebhooksDialog::consoleReadsKeychainSecretBeforeSending()
{
    const QString url = startReceiver();
    QVERIFY(!url.isEmpty());
    const QString secret = u"a keychain secret of 32 bytes...."_s;
    WebhookEndpoint endpoint;
    endpoint.id = Ids::generate();
    endpoint.url = url;
    endpoint.secretLocation = u"keychain:webhook/"_s + endpoint.id;
    QVERIFY(WebhookEndpointRepository(m_connection->database()).insert(endpoint).ok());
    m_keychain.entries.insert(u"webhook/"_s + endpoint.id, secret.toUtf8());
    appendEvent(endpoint.id, createBatch());

    m_webhooks->start(m_connection->database(), m_engine.get());

    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT COUNT(*) FROM webhook_outbox "
                                     "WHERE delivered_at IS NOT NULL"_s),
                              1, 5000);
    QCOMPARE(m_signatures.size(), 1);
    const QByteArray expected =
        "sha256=" + QMessageAuthenticationCode::hash(m_bodies.first(), secret.toUtf8(),
                                                     QCryptographicHash::Sha256)
                        .toHex();
    QCOMPARE(m_signatures.first(), expected);
}

void TestWebhooksDialog::mainWindowOpensWebhooksDialog()
{
    ConsoleOptions options;
    options.storePath = m_storePath;
    options.startEngine = false;
    MainWindow window(options);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *action = window.findChild<QAction *>(u"webhooksAction"_s);
    QVERIFY(action);
    action->trigger();

    QTRY_VERIFY(window.findChild<WebhooksDialog *>(u"webhooksDialog"_s));
    auto *dialog = window.findChild<WebhooksDialog *>(u"webhooksDialog"_s);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->findChild<QTableWidget *>(u"failedDeliveriesTable"_s));
    dialog->close();
}

QTEST_MAIN(TestWebhooksDialog)
#include "tst_webhooksdialog.moc"
