#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;

// A random secret in hexadecimal, so that it cannot appear anywhere by chance.
QByteArray randomSecret(const char *prefix)
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / 4);
    return prefix + bytes.toHex();
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

// Runs a batch through dialdeck-service's Plivo client against dialdeck-sim,
// started over the REST API of `dialdeck-service serve`, with every logging
// category at debug level, and then looks for the secrets involved (Plivo Auth
// Token, REST API token, webhook signing secret, relay token) in everything the
// processes wrote: their stdout and stderr, the HTTP answers, the call report,
// the settings and other files they created, every text column of the store
// and the store's raw file bytes. A failed run (a wrong Plivo token) is
// included, because error messages are where secrets tend to slip out.
class TestSecretLeaks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void batchThroughRestApiLeaksNoSecret();
    void relayTokenStaysOutOfLogs();

private:
    QProcessEnvironment environment() const;
    Run service(const QStringList &arguments, int timeoutMs = 60000);
    bool startSimulator();
    QString prepareBatch(const QString &owner = {});
    bool startServer(const QStringList &extra);
    QByteArray stopServer();
    QByteArray request(const QString &method, const QString &path, const QByteArray &body = {});
    void writeSecretFile(const QString &path, const QByteArray &secret);
    // Every form in which a secret could leak: itself, its ends, and for the
    // Plivo token the Basic authorization header value.
    QList<QByteArray> leakForms() const;
    void verifyClean(const QByteArray &text, const QString &where) const;
    void verifyFilesClean();
    void verifyStoreClean();

    QString m_serviceBinary;
    QString m_simBinary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    std::unique_ptr<QProcess> m_sim;
    std::unique_ptr<QProcess> m_server;
    int m_simPort = 0;
    int m_apiPort = 0;
    QString m_phoneIds;
    QByteArray m_plivoToken;
    QByteArray m_wrongPlivoToken;
    QByteArray m_apiToken;
    QByteArray m_webhookSecret;
    QByteArray m_relayToken;
    // Everything the processes wrote, with where it came from.
    QList<std::pair<QString, QByteArray>> m_outputs;
};

void TestSecretLeaks::initTestCase()
{
    const QDir bin(qEnvironmentVariable("DIALDECK_BIN_DIR"));
    m_serviceBinary = bin.filePath(u"dialdeck-service"_s);
    m_simBinary = bin.filePath(u"dialdeck-sim"_s);
    QVERIFY2(QFile::exists(m_serviceBinary), qPrintable(m_serviceBinary));
    QVERIFY2(QFile::exists(m_simBinary), qPrintable(m_simBinary));
}

void TestSecretLeaks::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_outputs.clear();
    m_plivoToken = randomSecret("plivo");
    m_wrongPlivoToken = randomSecret("wrongplivo");
    m_webhookSecret = randomSecret("hook");
    m_relayToken = randomSecret("relay");
    m_apiToken.clear();
    for (const char *folder : {"home", "config", "data", "cache"})
        QVERIFY(QDir(m_dir->path()).mkpath(QString::fromLatin1(folder)));
    writeSecretFile(m_dir->filePath(u"plivo-token"_s), m_plivoToken);
    writeSecretFile(m_dir->filePath(u"wrong-plivo-token"_s), m_wrongPlivoToken);
    writeSecretFile(m_dir->filePath(u"webhook-secret"_s), m_webhookSecret);
    writeSecretFile(m_dir->filePath(u"relay-token"_s), m_relayToken);
}

void TestSecretLeaks::cleanup()
{
    if (m_server)
        stopServer();
    if (m_sim) {
        m_sim->terminate();
        if (!m_sim->waitForFinished(5000))
            m_sim->kill();
        m_sim->waitForFinished();
        m_sim.reset();
    }
    QSqlDatabase::removeDatabase(u"leaks"_s);
}

void TestSecretLeaks::writeSecretFile(const QString &path, const QByteArray &secret)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(secret + '\n');
    file.close();
    QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
}

// Debug logging everywhere, and settings and data folders inside the test's
// folder, so that every file the processes write is scanned.
QProcessEnvironment TestSecretLeaks::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_LOGGING_RULES"_s, u"*.debug=true"_s);
    env.insert(u"HOME"_s, m_dir->filePath(u"home"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_dir->filePath(u"config"_s));
    env.insert(u"XDG_DATA_HOME"_s, m_dir->filePath(u"data"_s));
    env.insert(u"XDG_CACHE_HOME"_s, m_dir->filePath(u"cache"_s));
    env.remove(u"DIALDECK_PLIVO_AUTH_TOKEN"_s);
    return env;
}

Run TestSecretLeaks::service(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(m_serviceBinary, QStringList{u"--db"_s, m_store} + arguments);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
    } else {
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    const QString name = arguments.mid(0, 2).join(u' ');
    m_outputs.append({u"stdout of %1"_s.arg(name), run.out});
    m_outputs.append({u"stderr of %1"_s.arg(name), run.err});
    return run;
}

bool TestSecretLeaks::startSimulator()
{
    m_sim = std::make_unique<QProcess>();
    m_sim->setProcessEnvironment(environment());
    m_sim->setStandardErrorFile(m_dir->filePath(u"sim.log"_s));
    // Some create requests fail after placing the call and some callbacks are
    // lost, so the client's error and look-up paths log too.
    m_sim->start(m_simBinary, {u"--listen"_s, u"127.0.0.1:0"_s, u"--auth-token-file"_s,
                               m_dir->filePath(u"plivo-token"_s), u"--journal"_s,
                               m_dir->filePath(u"sim-journal.jsonl"_s), u"--speed"_s, u"60"_s,
                               u"--cps"_s, u"20"_s, u"--talk-time"_s, u"5-30"_s,
                               u"--fault-500-after-place"_s, u"0.2"_s,
                               u"--fault-drop-callbacks"_s, u"0.2"_s});
    if (!m_sim->waitForStarted(5000))
        return false;

    const QRegularExpression ready(u"dialdeck-sim listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
    QByteArray seen;
    for (int waited = 0; waited < 100; ++waited) {
        m_sim->waitForReadyRead(100);
        seen += m_sim->readAllStandardOutput();
        const QRegularExpressionMatch match = ready.match(QString::fromUtf8(seen));
        if (match.hasMatch()) {
            m_simPort = match.captured(1).toInt();
            m_outputs.append({u"stdout of dialdeck-sim"_s, seen});
            return true;
        }
    }
    return false;
}

QString TestSecretLeaks::prepareBatch(const QString &owner)
{
    QFile contacts(m_dir->filePath(u"contacts.csv"_s));
    if (!contacts.open(QIODevice::WriteOnly))
        return {};
    contacts.write("Name,Phone\n");
    // 555-0100 to 555-0199 are fictional numbers in every North American area code.
    for (int i = 0; i < 24; ++i)
        contacts.write(u"Contact %1,+1212555%2\n"_s.arg(i).arg(100 + i, 4, 10, QChar(u'0')).toUtf8());
    contacts.close();

    QFile settings(m_dir->filePath(u"settings.json"_s));
    if (!settings.open(QIODevice::WriteOnly))
        return {};
    settings.write(R"({"maxCallsPerSecond": 10, "maxConcurrentCalls": 10,
                       "retry": {"busy": {"maxAttempts": 1}, "noAnswer": {"maxAttempts": 1},
                                 "failed": {"maxAttempts": 1}, "machine": {"maxAttempts": 1}}})");
    settings.close();

    QStringList arguments{u"import"_s, contacts.fileName(), u"--map"_s,
                          u"phone=Phone,name=Name"_s, u"--settings"_s, settings.fileName(),
                          u"--window"_s, u"00:00-23:59"_s, u"--days"_s,
                          u"mon,tue,wed,thu,fri,sat,sun"_s};
    if (!owner.isEmpty())
        arguments << u"--owner"_s << owner;
    const Run imported = service(arguments);
    const QRegularExpression id(u"\\b([0-9a-f]{24})\\b"_s);
    const QRegularExpressionMatch batch = id.match(QString::fromUtf8(imported.out));
    if (imported.exitCode != 0 || !batch.hasMatch()) {
        qWarning() << imported.err;
        return {};
    }

    QStringList phoneIds;
    for (const QString &number : {u"+14155550100"_s, u"+14155550101"_s}) {
        const Run phone = service({u"phones"_s, u"add"_s, number});
        const QRegularExpressionMatch phoneId = id.match(QString::fromUtf8(phone.out));
        if (phone.exitCode != 0 || !phoneId.hasMatch())
            return {};
        phoneIds.append(phoneId.captured(1));
    }
    m_phoneIds = phoneIds.join(u',');
    return batch.captured(1);
}

bool TestSecretLeaks::startServer(const QStringList &extra)
{
    m_server = std::make_unique<QProcess>();
    m_server->setProcessEnvironment(environment());
    m_server->setStandardErrorFile(m_dir->filePath(u"serve.log"_s));
    m_server->start(m_serviceBinary, QStringList{u"--db"_s, m_store, u"serve"_s, u"--listen"_s,
                                                 u"127.0.0.1:0"_s}
                                         + extra);
    if (!m_server->waitForStarted(5000))
        return false;

    const QRegularExpression ready(u"dialdeck-service listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
    QByteArray seen;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000 && m_server->state() == QProcess::Running) {
        m_server->waitForReadyRead(200);
        seen += m_server->readAllStandardOutput();
        const QRegularExpressionMatch match = ready.match(QString::fromUtf8(seen));
        if (match.hasMatch()) {
            m_apiPort = match.captured(1).toInt();
            m_outputs.append({u"stdout of serve"_s, seen});
            return true;
        }
    }
    qWarning() << "serve did not start:" << seen;
    return false;
}

QByteArray TestSecretLeaks::stopServer()
{
    m_server->terminate();
    if (!m_server->waitForFinished(20000)) {
        m_server->kill();
        m_server->waitForFinished();
    }
    const QByteArray out = m_server->readAllStandardOutput();
    m_outputs.append({u"stdout of serve"_s, out});
    m_server.reset();
    return out;
}

QByteArray TestSecretLeaks::request(const QString &method, const QString &path,
                                    const QByteArray &body)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_apiPort).arg(path)));
    request.setRawHeader("Authorization", "Bearer " + m_apiToken);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, method.toLatin1(),
                                                                   body));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 20000))
        return {};
    const QByteArray answer = reply->readAll();
    m_outputs.append({u"answer to %1 %2"_s.arg(method, path), answer});
    return answer;
}

QList<QByteArray> TestSecretLeaks::leakForms() const
{
    QList<QByteArray> forms;
    const QList<QByteArray> secrets{m_plivoToken, m_wrongPlivoToken, m_webhookSecret,
                                    m_relayToken};
    for (const QByteArray &secret : secrets)
        forms << secret << secret.left(16) << secret.right(16);
    forms << QByteArray(SimAuthId.toLatin1() + ':' + m_plivoToken).toBase64();
    forms << QByteArray(SimAuthId.toLatin1() + ':' + m_wrongPlivoToken).toBase64();
    if (!m_apiToken.isEmpty()) {
        // The part after the dot is the secret; the id before it may be shown.
        const QByteArray secret = m_apiToken.mid(m_apiToken.indexOf('.') + 1);
        forms << m_apiToken << secret << secret.left(16) << secret.right(16);
    }
    return forms;
}

void TestSecretLeaks::verifyClean(const QByteArray &text, const QString &where) const
{
    for (const QByteArray &form : leakForms()) {
        QVERIFY2(!text.contains(form),
                 qPrintable(u"a secret (%1...) appears in %2"_s.arg(QString::fromLatin1(form.left(6)),
                                                                   where)));
    }
}

// Every file in the test's folder except the secret files themselves:
// settings, logs, the report, the journal, and the store's raw bytes.
void TestSecretLeaks::verifyFilesClean()
{
    const QStringList secretFiles{u"plivo-token"_s, u"wrong-plivo-token"_s, u"webhook-secret"_s,
                                  u"relay-token"_s};
    QDirIterator files(m_dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int scanned = 0;
    while (files.hasNext()) {
        const QString path = files.next();
        if (secretFiles.contains(QFileInfo(path).fileName()))
            continue;
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        verifyClean(file.readAll(), QDir(m_dir->path()).relativeFilePath(path));
        ++scanned;
    }
    QVERIFY(scanned >= 4);
}

void TestSecretLeaks::verifyStoreClean()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"leaks"_s);
    db.setDatabaseName(m_store);
    QVERIFY(db.open());

    QSqlQuery tables(db);
    QVERIFY(tables.exec(u"SELECT name FROM sqlite_master WHERE type = 'table'"_s));
    int cells = 0;
    while (tables.next()) {
        const QString table = tables.value(0).toString();
        QSqlQuery rows(db);
        QVERIFY2(rows.exec(u"SELECT * FROM \"%1\""_s.arg(table)), qPrintable(table));
        while (rows.next()) {
            const QSqlRecord record = rows.record();
            for (int column = 0; column < record.count(); ++column) {
                const QVariant value = rows.value(column);
                if (value.isNull())
                    continue;
                const QByteArray bytes = value.typeId() == QMetaType::QByteArray
                                             ? value.toByteArray()
                                             : value.toString().toUtf8();
                verifyClean(bytes, u"column %1.%2 of the store"_s.arg(table,
                                                                     record.fieldName(column)));
                ++cells;
            }
        }
    }
    QVERIFY(cells > 100);
}

void TestSecretLeaks::batchThroughRestApiLeaksNoSecret()
{
    QVERIFY(startSimulator());

    // The token is printed once to the user who creates it: that output is
    // the one place it belongs, so it is not scanned.
    const Run user = service({u"users"_s, u"add"_s, u"CRM"_s, u"--permission"_s,
                              u"calling-management"_s});
    QCOMPARE(user.exitCode, 0);
    const QString userId = QString::fromUtf8(user.out.split('\n').first().trimmed());
    m_apiToken = user.out.trimmed().split('\n').last().trimmed();
    QVERIFY(m_apiToken.contains('.'));
    m_outputs.removeIf([](const auto &output) { return output.first == u"stdout of users add"; });
    const QString batchId = prepareBatch(userId);
    QVERIFY(!batchId.isEmpty());

    // Deliveries to a closed port fail and are retried, so their errors are logged.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 closedPort = closed.serverPort();
    closed.close();
    const Run hook = service({u"webhooks"_s, u"add"_s, u"--url"_s,
                              u"http://127.0.0.1:%1/hooks"_s.arg(closedPort), u"--secret-file"_s,
                              m_dir->filePath(u"webhook-secret"_s)});
    QVERIFY2(hook.exitCode == 0, hook.err.constData());

    // A start with a wrong Plivo token: the error must not repeat either token.
    const Run refused = service({u"start"_s, batchId, u"--phones"_s, m_phoneIds, u"--carrier"_s,
                                 u"plivo"_s, u"--plivo-url"_s,
                                 u"http://127.0.0.1:%1"_s.arg(m_simPort), u"--plivo-auth-id"_s,
                                 SimAuthId, u"--plivo-token-file"_s,
                                 m_dir->filePath(u"wrong-plivo-token"_s), u"--webhook-wait"_s,
                                 u"0"_s},
                                60000);
    QVERIFY2(refused.exitCode != 0, refused.out.constData());

    QVERIFY(startServer({u"--carrier"_s, u"plivo"_s, u"--plivo-url"_s,
                         u"http://127.0.0.1:%1"_s.arg(m_simPort), u"--plivo-auth-id"_s, SimAuthId,
                         u"--plivo-token-file"_s, m_dir->filePath(u"plivo-token"_s),
                         u"--reconcile-after"_s, u"3"_s}));

    const QByteArray started = request(
        u"POST"_s, u"/api/call/start-calling"_s,
        QJsonDocument(QJsonObject{{u"batchId"_s, batchId}, {u"userId"_s, userId}}).toJson());
    QVERIFY2(started.contains("\"status\":true"), started.constData());

    QString status;
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 150000) {
        const QJsonObject details = QJsonDocument::fromJson(
                                        request(u"GET"_s, u"/api/call/batch-details/"_s + batchId))
                                        .object();
        status = details.value(u"data"_s).toObject().value(u"status"_s).toString();
        if (status == u"completed")
            break;
        QTest::qWait(1000);
    }
    QCOMPARE(status, u"completed"_s);

    // A wrong token: the error answer must not echo it.
    const QByteArray apiToken = m_apiToken;
    m_apiToken = apiToken.left(apiToken.size() - 2) + "xx";
    request(u"GET"_s, u"/api/call/batch-details/"_s + batchId);
    m_apiToken = apiToken;
    stopServer();

    const Run exported = service({u"export"_s, batchId, u"--format"_s, u"csv"_s, u"--output"_s,
                                  m_dir->filePath(u"report.csv"_s)});
    QCOMPARE(exported.exitCode, 0);
    service({u"status"_s, batchId, u"--json"_s});
    service({u"webhooks"_s, u"deliveries"_s});

    for (const auto &[where, text] : std::as_const(m_outputs))
        verifyClean(text, where);
    verifyFilesClean();
    verifyStoreClean();

    QFile serveLog(m_dir->filePath(u"serve.log"_s));
    QVERIFY(serveLog.open(QIODevice::ReadOnly));
    const QByteArray log = serveLog.readAll();
    // Debug logging was on: the Plivo client's debug lines are in the scanned log.
    QVERIFY2(log.contains("placed as request"), log.left(400).constData());
}

void TestSecretLeaks::relayTokenStaysOutOfLogs()
{
    const Run help = service({u"serve"_s, u"--help"_s});
    if (!help.out.contains("--relay-token-file"))
        QSKIP("This dialdeck-service has no relay client.");

    QVERIFY(startSimulator());
    QVERIFY(!prepareBatch().isEmpty());

    // A relay that refuses connections, so that the client logs its connection errors.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    const quint16 closedPort = closed.serverPort();
    closed.close();
    QVERIFY(startServer({u"--carrier"_s, u"plivo"_s, u"--plivo-url"_s,
                         u"http://127.0.0.1:%1"_s.arg(m_simPort), u"--plivo-auth-id"_s, SimAuthId,
                         u"--plivo-token-file"_s, m_dir->filePath(u"plivo-token"_s),
                         u"--relay-url"_s, u"ws://127.0.0.1:%1/ws/office"_s.arg(closedPort),
                         u"--public-url"_s, u"https://relay.example.com/"_s,
                         u"--relay-token-file"_s, m_dir->filePath(u"relay-token"_s)}));
    QTest::qWait(4000);
    stopServer();

    for (const auto &[where, text] : std::as_const(m_outputs))
        verifyClean(text, where);
    verifyFilesClean();
    verifyStoreClean();

    QFile serveLog(m_dir->filePath(u"serve.log"_s));
    QVERIFY(serveLog.open(QIODevice::ReadOnly));
    if (!serveLog.readAll().contains("relay"))
        QSKIP("serve accepted --relay-url but logged no relay connection, so no relay error "
              "path ran to check.");
}

QTEST_GUILESS_MAIN(TestSecretLeaks)
#include "tst_secretleaks.moc"
