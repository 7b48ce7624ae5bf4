#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray token = "sim-process-test-token-42";
const QString authId = u"MADIALDECKSIMULATOR0"_s;

struct Reply
{
    int status = 0;
    QJsonObject json;
};

} // namespace

// Starts the real dialdeck-sim executable as scripts do, reads the port from
// its ready line, and talks to it over HTTP on 127.0.0.1.
class TestSimProcess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void createdCallAppearsInCdrList();
    void tokenFileReadableByOthersIsRejected();
    void invalidOptionExitsWithUsageError();
    void missingTokenExitsWithUsageError();

private:
    // Starts the simulator with `arguments` and returns its base URL, or an
    // empty URL when no ready line arrived.
    QUrl startSimulator(const QStringList &arguments);
    Reply request(const QByteArray &method, const QUrl &url, const QJsonObject &body = {});

    QString m_binary;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QNetworkAccessManager m_network;
};

void TestSimProcess::initTestCase()
{
    m_binary = QDir(qEnvironmentVariable("DIALDECK_BIN_DIR")).filePath(u"dialdeck-sim"_s);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
}

void TestSimProcess::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestSimProcess::cleanup()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished();
        }
    }
    m_process.reset();
    m_dir.reset();
}

QUrl TestSimProcess::startSimulator(const QStringList &arguments)
{
    m_process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"DIALDECK_SIM_AUTH_TOKEN"_s, QString::fromLatin1(token));
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->start(m_binary, arguments);
    if (!m_process->waitForStarted(10000))
        return {};

    static const QRegularExpression ready(u"^dialdeck-sim listening on (http://\\S+)$"_s);
    QByteArray output;
    while (!output.contains('\n') && m_process->waitForReadyRead(10000))
        output += m_process->readAllStandardOutput();
    const QRegularExpressionMatch match = ready.match(QString::fromUtf8(output).trimmed());
    return match.hasMatch() ? QUrl(match.captured(1)) : QUrl();
}

Reply TestSimProcess::request(const QByteArray &method, const QUrl &url, const QJsonObject &body)
{
    QNetworkRequest http(url);
    http.setRawHeader("Authorization",
                      "Basic " + QByteArray(authId.toUtf8() + ':' + token).toBase64());
    http.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    http.setTransferTimeout(10000);
    const QByteArray data = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson();
    QNetworkReply *reply = m_network.sendCustomRequest(http, method, data);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);

    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return result;
}

void TestSimProcess::createdCallAppearsInCdrList()
{
    const QString journal = m_dir->filePath(u"journal.jsonl"_s);
    const QUrl base = startSimulator({u"--listen"_s, u"127.0.0.1:0"_s, u"--speed"_s, u"600"_s,
                                      u"--mix"_s, u"busy=1"_s, u"--journal"_s, journal});
    QVERIFY2(base.isValid() && base.port() > 0,
             qPrintable(QString::fromUtf8(m_process->readAllStandardError())));

    QUrl calls = base;
    calls.setPath(u"/v1/Account/%1/Call/"_s.arg(authId));
    // A busy call never fetches its answer URL, so it needs no web server.
    const Reply created = request("POST", calls,
                                  {{u"from"_s, u"+14155550100"_s},
                                   {u"to"_s, u"+14155551234"_s},
                                   {u"answer_url"_s, u"http://127.0.0.1:9/answer?attempt=1"_s}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(u"message"_s).toString(), u"call fired"_s);
    QVERIFY(!created.json.value(u"request_uuid"_s).toString().isEmpty());

    QJsonArray objects;
    QTRY_VERIFY_WITH_TIMEOUT((objects = request("GET", calls).json.value(u"objects"_s).toArray())
                                     .size()
                                 == 1,
                             10000);
    const QJsonObject cdr = objects.first().toObject();
    QCOMPARE(cdr.value(u"to_number"_s).toString(), u"+14155551234"_s);
    QCOMPARE(cdr.value(u"hangup_cause_code"_s).toInt(), 3010);

    QFile file(journal);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(QJsonDocument::fromJson(lines[0]).object().value(u"attempt"_s).toString(), u"1"_s);
}

void TestSimProcess::tokenFileReadableByOthersIsRejected()
{
    const QString tokenPath = m_dir->filePath(u"token"_s);
    QFile tokenFile(tokenPath);
    QVERIFY(tokenFile.open(QIODevice::WriteOnly));
    tokenFile.write(token + '\n');
    tokenFile.close();
    QVERIFY(tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                     | QFileDevice::ReadOther));

    QProcess process;
    process.start(m_binary, {u"--auth-token-file"_s, tokenPath, u"--listen"_s, u"127.0.0.1:0"_s});
    QVERIFY(process.waitForFinished(10000));

    QCOMPARE(process.exitCode(), 1);
    QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(u"chmod 600"_s));

    QVERIFY(tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const QUrl base = startSimulator({u"--auth-token-file"_s, tokenPath, u"--listen"_s,
                                      u"127.0.0.1:0"_s});
    QVERIFY(base.port() > 0);
}

void TestSimProcess::invalidOptionExitsWithUsageError()
{
    QProcess process;
    process.start(m_binary, {u"--cps"_s, u"fast"_s});
    QVERIFY(process.waitForFinished(10000));

    QCOMPARE(process.exitCode(), 1);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.contains(u"--cps"_s) && error.contains(u"fast"_s), qPrintable(error));
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

void TestSimProcess::missingTokenExitsWithUsageError()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"DIALDECK_SIM_AUTH_TOKEN"_s);
    process.setProcessEnvironment(environment);
    process.start(m_binary, {u"--listen"_s, u"127.0.0.1:0"_s});
    QVERIFY(process.waitForFinished(10000));

    QCOMPARE(process.exitCode(), 1);
    QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(u"Auth Token"_s));
}

QTEST_GUILESS_MAIN(TestSimProcess)
#include "tst_simprocess.moc"
