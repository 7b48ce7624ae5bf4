#include "storeaudit.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// The simulated clock of every server in this test starts inside the default
// calling window (09:00-20:00 in the callee's zone) on a Monday.
const QString startAt = u"2026-12-07T14:00:00Z"_s;
const QString unknownId = u"ffffffffffffffffffffffff"_s;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

struct Reply
{
    int status = 0;
    QJsonObject json;
    QByteArray body;
    QByteArray allow;
};

// One recorded exchange for docs/API.md.
struct Example
{
    QString name;
    QString method;
    QString path;
    QByteArray requestBody;
    Reply reply;
};

// Checks `value` against an OpenAPI 3.0 schema object: $ref, type, nullable,
// enum, required, properties and items. Appends one line per violation.
class SchemaChecker
{
public:
    explicit SchemaChecker(QJsonObject document)
        : m_document(std::move(document))
    {}

    void check(const QJsonObject &schema, const QJsonValue &value, const QString &where,
               QStringList &problems) const
    {
        if (schema.contains(u"$ref"_s)) {
            const QString name = schema.value(u"$ref"_s).toString().section(u'/', -1);
            const QJsonObject target = m_document.value(u"components"_s)
                                           .toObject()
                                           .value(u"schemas"_s)
                                           .toObject()
                                           .value(name)
                                           .toObject();
            if (target.isEmpty())
                problems.append(where + u": unknown $ref "_s + name);
            check(target, value, where, problems);
            return;
        }
        if (value.isNull()) {
            if (!schema.value(u"nullable"_s).toBool())
                problems.append(where + u": null but not nullable"_s);
            return;
        }

        const QString type = schema.value(u"type"_s).toString();
        if (!hasType(value, type)) {
            problems.append(where + u": not of type "_s + type);
            return;
        }
        if (schema.contains(u"enum"_s) && !schema.value(u"enum"_s).toArray().contains(value))
            problems.append(where + u": value not in enum"_s);

        if (type == u"object") {
            const QJsonObject object = value.toObject();
            for (const QJsonValue &required : schema.value(u"required"_s).toArray()) {
                if (!object.contains(required.toString()))
                    problems.append(where + u": missing "_s + required.toString());
            }
            const QJsonObject properties = schema.value(u"properties"_s).toObject();
            for (auto it = properties.begin(); it != properties.end(); ++it) {
                if (object.contains(it.key()))
                    check(it.value().toObject(), object.value(it.key()), where + u'.' + it.key(),
                          problems);
            }
        } else if (type == u"array") {
            const QJsonArray array = value.toArray();
            for (qsizetype i = 0; i < array.size(); ++i) {
                check(schema.value(u"items"_s).toObject(), array[i],
                      where + u'[' + QString::number(i) + u']', problems);
            }
        }
    }

    // The response schema of `method` on `path` for `status`; empty when the
    // document does not describe that response.
    QJsonObject responseSchema(const QString &method, const QString &path, int status) const
    {
        const QJsonObject paths = m_document.value(u"paths"_s).toObject();
        for (auto it = paths.begin(); it != paths.end(); ++it) {
            QString pattern = QRegularExpression::escape(it.key());
            pattern.replace(QRegularExpression(u"\\\\\\{[A-Za-z]+\\\\\\}"_s), u"[^/]+"_s);
            if (!QRegularExpression(u'^' + pattern + u'$').match(path).hasMatch())
                continue;
            return it.value()
                .toObject()
                .value(method.toLower())
                .toObject()
                .value(u"responses"_s)
                .toObject()
                .value(QString::number(status))
                .toObject()
                .value(u"content"_s)
                .toObject()
                .value(u"application/json"_s)
                .toObject()
                .value(u"schema"_s)
                .toObject();
        }
        return {};
    }

    QJsonObject schema(const QString &name) const
    {
        return m_document.value(u"components"_s)
            .toObject()
            .value(u"schemas"_s)
            .toObject()
            .value(name)
            .toObject();
    }

private:
    static bool hasType(const QJsonValue &value, const QString &type)
    {
        if (type == u"object")
            return value.isObject();
        if (type == u"array")
            return value.isArray();
        if (type == u"string")
            return value.isString();
        if (type == u"boolean")
            return value.isBool();
        if (type == u"number")
            return value.isDouble();
        if (type == u"integer")
            return value.isDouble() && value.toDouble() == double(qint64(value.toDouble()));
        return true;
    }

    QJsonObject m_document;
};

} // namespace

// Runs the real `dialdeck-service serve` on loopback and sends it real HTTP
// requests. Users, caller numbers and batches are made with the real command
// line, as an operator would. Every response is checked against
// docs/openapi.yaml; the examples in docs/API.md come from this test.
class TestRestApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void documentedExampleStartsBatch();
    void refusedStartChangesNothing_data();
    void refusedStartChangesNothing();
    void storeFailureIsServerError();
    void unreachableRelayIsServerError();
    void routesOutsideApiAreRejected();
    void pauseResumeStopOverHttp();
    void runningOrFinishedBatchConflicts();
    void repeatedSessionNeverDialsTwice();
    void callDataReplacesCalls();
    void callDataRejectedAfterAttempts();
    void phoneIdsRestrictRotation();
    void batchCallsArePaged();
    void serveResumesRunningBatch();
    void rotatedTokenReplacesOldOne();
    void clientLeavingEarlyKeepsServer();

private:
    Run service(const QStringList &arguments);
    bool startServer(const QString &speed, const QStringList &extra = {});
    bool stopServer();
    // Everything the server wrote to stderr so far in this test.
    QString serverLog();
    Reply request(const QString &method, const QString &path, const QString &token,
                  const QByteArray &body = {}, const QByteArray &contentType = "application/json",
                  const QString &example = {});
    Reply startCalling(const QJsonObject &body, const QString &token, const QString &example = {});
    QByteArray json(const QJsonObject &object) const;
    bool waitForStatus(const QString &batchId, const QStringList &statuses, int timeoutMs = 60000);
    QString fingerprint();
    QVariant scalar(const QString &sql, const QVariantList &values = {});
    bool execute(const QString &sql, const QVariantList &values = {});
    QString importBatch(const QString &file, const QString &owner, const QString &phones);
    QString dataFile(const QString &name) const;

    QString m_binary;
    std::unique_ptr<SchemaChecker> m_schema;
    QList<Example> m_examples;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    QProcess m_server;
    QString m_serverErr;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;

    // Made in init(): the operator (Calling Management, owns m_batch), a user
    // without the permission, and a second operator who owns nothing.
    QString m_operator;
    QString m_operatorToken;
    QString m_viewer;
    QString m_viewerToken;
    QString m_otherOperator;
    QString m_otherToken;
    QString m_phoneNyc;
    QString m_phoneSf;
    QString m_phoneLa;
    QString m_batch;
};

void TestRestApi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_binary = QDir(qEnvironmentVariable("DIALDECK_BIN_DIR")).filePath(u"dialdeck-service"_s);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));

    QFile spec(
        QDir(qEnvironmentVariable("DIALDECK_TEST_DATA")).filePath(u"../../docs/openapi.yaml"_s));
    QVERIFY2(spec.open(QIODevice::ReadOnly), qPrintable(spec.fileName()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(spec.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    m_schema = std::make_unique<SchemaChecker>(document.object());
}

void TestRestApi::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_serverErr.clear();

    const Run added =
        service({u"users"_s, u"add"_s, u"CRM"_s, u"--permission"_s, u"calling-management"_s});
    QCOMPARE(added.exitCode, 0);
    m_operator = added.out.section(u'\n', 0, 0);
    m_operatorToken = added.out.trimmed().section(u'\n', -1);
    QVERIFY(m_operatorToken.contains(u'.'));

    const Run viewer = service({u"users"_s, u"add"_s, u"Viewer"_s});
    QCOMPARE(viewer.exitCode, 0);
    m_viewer = viewer.out.section(u'\n', 0, 0);
    m_viewerToken = viewer.out.trimmed().section(u'\n', -1);

    const Run other = service({u"users"_s, u"add"_s, u"Other CRM"_s, u"--permission"_s,
                               u"calling-management"_s, u"--expires-in"_s, u"30"_s});
    QCOMPARE(other.exitCode, 0);
    m_otherOperator = other.out.section(u'\n', 0, 0);
    m_otherToken = other.out.trimmed().section(u'\n', -1);

    m_phoneNyc = service({u"phones"_s, u"add"_s, u"+12125550100"_s}).out.trimmed();
    m_phoneSf = service({u"phones"_s, u"add"_s, u"+14155550100"_s}).out.trimmed();
    m_phoneLa = service({u"phones"_s, u"add"_s, u"+13105550100"_s}).out.trimmed();
    QCOMPARE(m_phoneLa.size(), 24);

    m_batch = importBatch(u"google-contacts.csv"_s, m_operator, m_phoneNyc + u',' + m_phoneSf);
    QCOMPARE(m_batch.size(), 24);
}

void TestRestApi::cleanup()
{
    QVERIFY(stopServer());
}

void TestRestApi::cleanupTestCase()
{
    // The examples in docs/API.md are copied from this file.
    QJsonArray examples;
    for (const Example &example : std::as_const(m_examples)) {
        examples.append(QJsonObject{
            {u"name"_s, example.name},
            {u"request"_s, QString(example.method + u' ' + example.path)},
            {u"requestBody"_s, QJsonDocument::fromJson(example.requestBody).object()},
            {u"status"_s, example.reply.status},
            {u"response"_s, example.reply.json},
        });
    }
    QFile file(QDir(QCoreApplication::applicationDirPath()).filePath(u"restapi-examples.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(examples).toJson(QJsonDocument::Indented));
}

Run TestRestApi::service(const QStringList &arguments)
{
    QProcess process;
    process.start(m_binary, QStringList{u"--db"_s, m_store} + arguments);
    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

bool TestRestApi::startServer(const QString &speed, const QStringList &extra)
{
    m_server.start(m_binary,
                   QStringList{u"--db"_s, m_store, u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s,
                               u"--speed"_s, speed, u"--start-at"_s, startAt, u"--seed"_s, u"5"_s} +
                       extra);
    if (!m_server.waitForStarted())
        return false;

    static const QRegularExpression ready(
        u"^dialdeck-service listening on http://127\\.0\\.0\\.1:(\\d+)$"_s,
        QRegularExpression::MultilineOption);
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        m_server.waitForReadyRead(200);
        out += m_server.readAllStandardOutput();
        const QRegularExpressionMatch match = ready.match(QString::fromUtf8(out).trimmed());
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return true;
        }
        if (m_server.state() == QProcess::NotRunning)
            break;
    }
    qWarning().noquote() << "serve did not get ready:" << out << m_server.readAllStandardError();
    return false;
}

bool TestRestApi::stopServer()
{
    if (m_server.state() == QProcess::NotRunning)
        return true;

    m_server.terminate();
    const bool exited = m_server.waitForFinished(20000);
    m_serverErr += QString::fromUtf8(m_server.readAllStandardError());
    if (!exited) {
        m_server.kill();
        m_server.waitForFinished();
        return false;
    }
    return m_server.exitStatus() == QProcess::NormalExit && m_server.exitCode() == 0;
}

QString TestRestApi::serverLog()
{
    m_serverErr += QString::fromUtf8(m_server.readAllStandardError());
    return m_serverErr;
}

Reply TestRestApi::request(const QString &method, const QString &path, const QString &token,
                           const QByteArray &body, const QByteArray &contentType,
                           const QString &example)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(path)));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);

    QNetworkReply *reply = m_network.sendCustomRequest(request, method.toLatin1(), body);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();

    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    result.allow = reply->rawHeader("Allow");
    const QByteArray mediaType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    reply->deleteLater();

    // Every response is the envelope the OpenAPI document describes.
    const QString route = QUrl(path).path();
    QStringList problems;
    if (mediaType != "application/json")
        problems.append(u"Content-Type is "_s + QString::fromLatin1(mediaType));
    if (result.json.value(u"code"_s).toInt() != result.status)
        problems.append(u"code differs from the HTTP status"_s);
    QJsonObject schema = m_schema->responseSchema(method, route, result.status);
    // A path or method the document does not list gets the plain error envelope.
    if (schema.isEmpty() && (result.status == 404 || result.status == 405))
        schema = m_schema->schema(u"ErrorEnvelope"_s);
    if (schema.isEmpty())
        problems.append(u"no schema for %1 %2 %3"_s.arg(method, route).arg(result.status));
    else
        m_schema->check(schema, result.json, u"response"_s, problems);
    if (!problems.isEmpty()) {
        qWarning().noquote() << method << path << result.status << result.body;
        qWarning().noquote() << problems.join(u"; "_s);
        result.status = -result.status;
    }

    if (!example.isEmpty())
        m_examples.append({example, method, path, body, result});
    return result;
}

Reply TestRestApi::startCalling(const QJsonObject &body, const QString &token,
                                const QString &example)
{
    return request(u"POST"_s, u"/api/call/start-calling"_s, token, json(body), "application/json",
                   example);
}

QByteArray TestRestApi::json(const QJsonObject &object) const
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool TestRestApi::waitForStatus(const QString &batchId, const QStringList &statuses, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        const Reply details =
            request(u"GET"_s, u"/api/call/batch-details/"_s + batchId, m_operatorToken);
        const QJsonObject data = details.json.value(u"data"_s).toObject();
        if (statuses.contains(data.value(u"status"_s).toString()) &&
            data.value(u"inFlightCount"_s).toInt() == 0) {
            return true;
        }
        QTest::qWait(100);
    }
    return false;
}

// Everything a refused request must leave alone: batches, calls, attempts,
// caller-number selections and tokens.
QString TestRestApi::fingerprint()
{
    QStringList parts;
    const QStringList queries = {
        u"SELECT group_concat(id || ':' || status || ':' || COALESCE(session_id, '') || ':' || "
        "COALESCE(started_at, '') || ':' || COALESCE(finished_at, ''), ';') FROM "
        "(SELECT * FROM batches ORDER BY id)"_s,
        u"SELECT group_concat(batch_id || ':' || e164 || ':' || status || ':' || attempt_count, "
        u"';') "
        "FROM (SELECT * FROM calls ORDER BY id)"_s,
        u"SELECT COUNT(*) FROM attempts"_s,
        u"SELECT group_concat(batch_id || ':' || phone_id, ';') FROM "
        "(SELECT * FROM batch_phones ORDER BY batch_id, position)"_s,
        u"SELECT group_concat(id || ':' || COALESCE(revoked_at, ''), ';') FROM "
        "(SELECT * FROM api_tokens ORDER BY id)"_s,
    };
    for (const QString &query : queries)
        parts.append(scalar(query).toString());
    return parts.join(u'\n');
}

QVariant TestRestApi::scalar(const QString &sql, const QVariantList &values)
{
    QVariant result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(m_store);
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(sql);
            for (const QVariant &value : values)
                query.addBindValue(value);
            if (query.exec() && query.next())
                result = query.value(0);
            else
                qWarning().noquote() << sql << query.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(u"check"_s);
    return result;
}

bool TestRestApi::execute(const QString &sql, const QVariantList &values)
{
    bool done = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"change"_s);
        db.setDatabaseName(m_store);
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(sql);
            for (const QVariant &value : values)
                query.addBindValue(value);
            done = query.exec();
            if (!done)
                qWarning().noquote() << sql << query.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(u"change"_s);
    return done;
}

QString TestRestApi::importBatch(const QString &file, const QString &owner, const QString &phones)
{
    QStringList arguments = {u"import"_s, QFile::exists(file) ? file : dataFile(file), u"--owner"_s,
                             owner};
    if (!phones.isEmpty())
        arguments << u"--phones"_s << phones;
    const Run imported = service(arguments);
    if (imported.exitCode != 0)
        qWarning().noquote() << imported.err;
    return imported.out.section(u'\n', 0, 0).trimmed();
}

QString TestRestApi::dataFile(const QString &name) const
{
    return QDir(qEnvironmentVariable("DIALDECK_TEST_DATA")).filePath(name);
}

void TestRestApi::documentedExampleStartsBatch()
{
    QVERIFY(startServer(u"0"_s));

    const Reply started = startCalling({{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}},
                                       m_operatorToken, u"start-calling"_s);

    QCOMPARE(started.status, 200);
    const QJsonObject expected{
        {u"message"_s, u""_s},
        {u"status"_s, true},
        {u"code"_s, 200},
        {u"errorMessage"_s, u""_s},
        {u"data"_s, QJsonObject{{u"batchId"_s, m_batch}, {u"status"_s, u"started"_s}}},
    };
    QCOMPARE(started.json, expected);
    QVERIFY(waitForStatus(m_batch, {u"completed"_s}));

    // A batch that no longer runs is read from the store, as `status --json` reads it.
    const Reply details = request(u"GET"_s, u"/api/call/batch-details/"_s + m_batch,
                                  m_operatorToken, {}, {}, u"batch-details"_s);
    QCOMPARE(details.status, 200);
    const Run status = service({u"status"_s, m_batch, u"--json"_s});
    QCOMPARE(status.exitCode, 0);
    QJsonObject fromCli = QJsonDocument::fromJson(status.out.toUtf8()).object();
    QJsonObject fromApi = details.json.value(u"data"_s).toObject();
    QVERIFY(fromApi.value(u"attempts"_s).toInt() >= 19);
    fromCli.remove(u"now"_s);
    fromApi.remove(u"now"_s);
    QCOMPARE(fromApi, fromCli);

    const Reply listed =
        request(u"GET"_s, u"/api/call/batches"_s, m_operatorToken, {}, {}, u"batches"_s);
    QCOMPARE(listed.status, 200);
    const QJsonArray batches =
        listed.json.value(u"data"_s).toObject().value(u"batches"_s).toArray();
    QCOMPARE(batches.size(), 1);
    QCOMPARE(batches.first().toObject().value(u"status"_s).toString(), u"completed"_s);

    const StoreAuditReport audit = StoreAudit::auditSqliteFile(m_store);
    QVERIFY2(audit.passed(), qPrintable(audit.summary()));
    QVERIFY(audit.attemptsChecked >= 19);
}

void TestRestApi::refusedStartChangesNothing_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");

    // Tokens and ids are known only after init(), so rows name them with
    // placeholders: OPERATOR, VIEWER, OTHER, BATCH, NOPHONES, EMPTY, LA.
    const auto row = [](const char *name, const QString &token, const QString &body, int status,
                        const QString &message, const QByteArray &type = "application/json") {
        QTest::newRow(name) << token << body.toUtf8() << type << status << message;
    };
    const QString ok = u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\"}"_s;

    row("invalid json", u"OPERATOR"_s, u"{\"batchId\":"_s, 400, u"not valid JSON"_s);
    row("body not object", u"OPERATOR"_s, u"[]"_s, 400, u"not a JSON object"_s);
    row("batchId missing", u"OPERATOR"_s, u"{\"userId\":\"OPERATOR\"}"_s, 400, u"\"batchId\""_s);
    row("batchId number", u"OPERATOR"_s, u"{\"batchId\":7,\"userId\":\"OPERATOR\"}"_s, 400,
        u"\"batchId\""_s);
    row("batchId malformed", u"OPERATOR"_s, u"{\"batchId\":\"batch-7\",\"userId\":\"OPERATOR\"}"_s,
        400, u"\"batchId\""_s);
    row("userId empty", u"OPERATOR"_s, u"{\"batchId\":\"BATCH\",\"userId\":\"\"}"_s, 400,
        u"\"userId\""_s);
    row("phoneIds not array", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"phoneIds\":\"LA\"}"_s, 400,
        u"\"phoneIds\""_s);
    row("sessionId not uuid", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"sessionId\":\"run-7\"}"_s, 400,
        u"\"sessionId\""_s);
    row("callData not objects", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"callData\":[\"+12125550142\"]}"_s, 400,
        u"callData[0]"_s);
    row("token missing", QString(), ok, 401, u"no valid API token"_s);
    row("token unknown", u"0123456789abcdef01234567.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"_s,
        ok, 401, u"no valid API token"_s);
    row("token garbage", u"hunter2"_s, ok, 401, u"no valid API token"_s);
    row("token expired", u"EXPIRED"_s, ok, 401, u"no valid API token"_s);
    row("token revoked", u"REVOKED"_s, ok, 401, u"no valid API token"_s);
    row("no permission", u"VIEWER"_s, u"{\"batchId\":\"BATCH\",\"userId\":\"VIEWER\"}"_s, 403,
        u"Calling Management"_s);
    row("token of another user", u"OTHER"_s, ok, 403, u"may act only as"_s);
    row("batch unknown", u"OPERATOR"_s,
        u"{\"batchId\":\"ffffffffffffffffffffffff\",\"userId\":\"OPERATOR\"}"_s, 404,
        u"Batch ffffffffffffffffffffffff does not exist"_s);
    row("user unknown", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"eeeeeeeeeeeeeeeeeeeeeeee\"}"_s, 404,
        u"User eeeeeeeeeeeeeeeeeeeeeeee does not exist"_s);
    row("body over 1 MiB", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"pad\":\"%1\"}"_s.arg(
            QString(1024 * 1024, u'x')),
        413, u"bytes allowed"_s);
    QString manyRecords = u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"callData\":["_s;
    for (int i = 0; i < 10'001; ++i)
        manyRecords += i == 0 ? u"{}"_s : u",{}"_s;
    row("callData over row cap", u"OPERATOR"_s, manyRecords + u"]}"_s, 413, u"10000"_s);
    row("content type text", u"OPERATOR"_s, ok, 415, u"application/json"_s, "text/plain");
    row("content type missing", u"OPERATOR"_s, ok, 415, u"application/json"_s, QByteArray());
    row("user does not own batch", u"OTHER"_s, u"{\"batchId\":\"BATCH\",\"userId\":\"OTHER\"}"_s,
        422, u"does not own"_s);
    row("phone id unknown", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"phoneIds\":[\"aaaaaaaaaaaaaaaaaaaaaaaa\"]}"_s,
        422, u"aaaaaaaaaaaaaaaaaaaaaaaa does not exist"_s);
    row("phone id disabled", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"phoneIds\":[\"LA\"]}"_s, 422,
        u"is disabled"_s);
    row("no caller numbers", u"OPERATOR"_s, u"{\"batchId\":\"NOPHONES\",\"userId\":\"OPERATOR\"}"_s,
        422, u"has no caller numbers"_s);
    row("no calls", u"OPERATOR"_s, u"{\"batchId\":\"EMPTY\",\"userId\":\"OPERATOR\"}"_s, 422,
        u"no calls left to dial"_s);
    row("callData all rejected", u"OPERATOR"_s,
        u"{\"batchId\":\"BATCH\",\"userId\":\"OPERATOR\",\"callData\":[{\"phone\":\"12\"}]}"_s, 422,
        u"no calls left to dial"_s);
}

void TestRestApi::refusedStartChangesNothing()
{
    QFETCH(QString, token);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QFETCH(QString, message);

    // Users and batches the rows refer to.
    const Run expired = service({u"users"_s, u"add"_s, u"Expired"_s, u"--permission"_s,
                                 u"calling-management"_s, u"--expires-in"_s, u"1"_s});
    const Run revoked =
        service({u"users"_s, u"add"_s, u"Revoked"_s, u"--permission"_s, u"calling-management"_s});
    QCOMPARE(expired.exitCode, 0);
    QCOMPARE(revoked.exitCode, 0);
    QVERIFY(execute(u"UPDATE api_tokens SET expires_at = 1000 WHERE user_id = ?"_s,
                    {expired.out.section(u'\n', 0, 0)}));
    QCOMPARE(service({u"users"_s, u"revoke"_s, revoked.out.section(u'\n', 0, 0)}).exitCode, 0);
    QVERIFY(execute(u"UPDATE phones SET enabled = 0 WHERE id = ?"_s, {m_phoneLa}));
    const QString noPhones = importBatch(u"google-contacts.csv"_s, m_operator, QString());
    QFile emptyList(m_dir->filePath(u"empty.csv"_s));
    QVERIFY(emptyList.open(QIODevice::WriteOnly));
    emptyList.write("name,phone\nNobody,12\n");
    emptyList.close();
    const QString emptyBatch = importBatch(emptyList.fileName(), m_operator, m_phoneNyc);
    QCOMPARE(noPhones.size(), 24);
    QCOMPARE(emptyBatch.size(), 24);

    const QHash<QString, QString> names = {
        {u"OPERATOR"_s, m_operator}, {u"VIEWER"_s, m_viewer},   {u"OTHER"_s, m_otherOperator},
        {u"BATCH"_s, m_batch},       {u"NOPHONES"_s, noPhones}, {u"EMPTY"_s, emptyBatch},
        {u"LA"_s, m_phoneLa},
    };
    const QHash<QString, QString> tokens = {
        {u"OPERATOR"_s, m_operatorToken},
        {u"VIEWER"_s, m_viewerToken},
        {u"OTHER"_s, m_otherToken},
        {u"EXPIRED"_s, expired.out.trimmed().section(u'\n', -1)},
        {u"REVOKED"_s, revoked.out.trimmed().section(u'\n', -1)},
    };
    QString text = QString::fromUtf8(body);
    for (auto it = names.begin(); it != names.end(); ++it)
        text.replace(it.key(), it.value());
    token = tokens.value(token, token);

    QVERIFY(startServer(u"0"_s));
    const QString before = fingerprint();
    const Reply refused =
        request(u"POST"_s, u"/api/call/start-calling"_s, token, text.toUtf8(), contentType,
                u"start-calling "_s + QString::fromLatin1(QTest::currentDataTag()));
    QTest::qWait(300);
    const QString after = fingerprint();

    QCOMPARE(refused.status, status);
    QCOMPARE(refused.json.value(u"status"_s).toBool(), false);
    QCOMPARE(refused.json.value(u"code"_s).toInt(), status);
    const QString errorMessage = refused.json.value(u"errorMessage"_s).toString();
    QVERIFY2(errorMessage.contains(message), qPrintable(errorMessage));
    QVERIFY2(!errorMessage.contains(token) || token.isEmpty(), "the token was echoed");
    QCOMPARE(after, before);
}

void TestRestApi::storeFailureIsServerError()
{
    QVERIFY(startServer(u"0"_s));
    // Fails the write that marks a batch running, as a full disk would.
    QVERIFY(execute(u"CREATE TRIGGER refuse_status BEFORE UPDATE OF status ON batches "
                    "BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END"_s));
    const QString before = fingerprint();

    const Reply refused = startCalling({{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}},
                                       m_operatorToken, u"start-calling store failure"_s);

    QCOMPARE(refused.status, 500);
    QVERIFY2(refused.json.value(u"errorMessage"_s).toString().contains(u"could not act on batch"_s),
             refused.body.constData());
    QCOMPARE(fingerprint(), before);
    QVERIFY(execute(u"DROP TRIGGER refuse_status"_s));

    const Reply started =
        startCalling({{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}}, m_operatorToken);
    QCOMPARE(started.status, 200);
}

void TestRestApi::unreachableRelayIsServerError()
{
    // A port that was free a moment ago, so nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 closedPort = probe.serverPort();
    probe.close();

    const QString tokenFile = m_dir->filePath(u"token"_s);
    QFile token(tokenFile);
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("relay-and-plivo-token\n");
    token.close();
    QVERIFY(token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const QString relayBase = u"127.0.0.1:%1/"_s.arg(closedPort);
    QVERIFY(startServer(
        u"0"_s, {u"--carrier"_s, u"plivo"_s, u"--plivo-url"_s, u"http://"_s + relayBase,
                 u"--plivo-auth-id"_s, u"MAXXXXXXXXXXXXXXXXXX"_s, u"--plivo-token-file"_s,
                 tokenFile, u"--public-url"_s, u"http://"_s + relayBase, u"--relay-url"_s,
                 u"ws://"_s + relayBase + u"ws/office"_s, u"--relay-token-file"_s, tokenFile}));
    const QString before = fingerprint();

    const Reply refused =
        startCalling({{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}}, m_operatorToken);

    QCOMPARE(refused.status, 500);
    QVERIFY2(refused.json.value(u"errorMessage"_s).toString().contains(u"is not connected"_s),
             refused.body.constData());
    QCOMPARE(fingerprint(), before);
}

void TestRestApi::routesOutsideApiAreRejected()
{
    QVERIFY(startServer(u"0"_s));

    const Reply unknown = request(u"GET"_s, u"/api/call/no-such-endpoint"_s, m_operatorToken, {},
                                  {}, u"unknown route"_s);
    QCOMPARE(unknown.status, 404);
    QVERIFY(unknown.json.value(u"errorMessage"_s).toString().contains(u"no-such-endpoint"_s));

    const Reply wrongMethod =
        request(u"GET"_s, u"/api/call/start-calling"_s, m_operatorToken, {}, {}, u"wrong method"_s);
    QCOMPARE(wrongMethod.status, 405);
    QCOMPARE(wrongMethod.allow, "POST"_ba);

    const Reply deleteBatch =
        request(u"DELETE"_s, u"/api/call/batch-details/"_s + m_batch, m_operatorToken, {}, {});
    QCOMPARE(deleteBatch.status, 405);
    QCOMPARE(deleteBatch.allow, "GET"_ba);

    const Reply noToken = request(u"GET"_s, u"/api/call/batches"_s, QString());
    QCOMPARE(noToken.status, 401);
}

void TestRestApi::pauseResumeStopOverHttp()
{
    // Ten times real time: the batch outlasts the commands, and the calls in
    // flight at the stop end within the wait below even on a loaded machine.
    QVERIFY(startServer(u"10"_s));
    const QJsonObject command{{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}};

    const Reply notRunning =
        request(u"POST"_s, u"/api/call/pause-calling"_s, m_operatorToken, json(command));
    QCOMPARE(notRunning.status, 409);
    QCOMPARE(startCalling(command, m_operatorToken).status, 200);

    const Reply paused = request(u"POST"_s, u"/api/call/pause-calling"_s, m_operatorToken,
                                 json(command), "application/json", u"pause-calling"_s);
    QCOMPARE(paused.status, 200);
    QCOMPARE(paused.json.value(u"data"_s).toObject().value(u"status"_s).toString(), u"paused"_s);
    const Reply details =
        request(u"GET"_s, u"/api/call/batch-details/"_s + m_batch, m_operatorToken);
    QCOMPARE(details.json.value(u"data"_s).toObject().value(u"status"_s).toString(), u"paused"_s);
    QCOMPARE(scalar(u"SELECT status FROM batches WHERE id = ?"_s, {m_batch}).toString(),
             u"paused"_s);

    const Reply viewer = request(u"POST"_s, u"/api/call/resume-calling"_s, m_viewerToken,
                                 json({{u"batchId"_s, m_batch}, {u"userId"_s, m_viewer}}));
    QCOMPARE(viewer.status, 403);
    const Reply notOwner = request(u"POST"_s, u"/api/call/resume-calling"_s, m_otherToken,
                                   json({{u"batchId"_s, m_batch}, {u"userId"_s, m_otherOperator}}));
    QCOMPARE(notOwner.status, 422);
    const Reply badBody = request(u"POST"_s, u"/api/call/resume-calling"_s, m_operatorToken,
                                  json({{u"batchId"_s, m_batch}}));
    QCOMPARE(badBody.status, 400);

    const Reply resumed = request(u"POST"_s, u"/api/call/resume-calling"_s, m_operatorToken,
                                  json(command), "application/json", u"resume-calling"_s);
    QCOMPARE(resumed.status, 200);
    const QString resumedStatus =
        resumed.json.value(u"data"_s).toObject().value(u"status"_s).toString();
    QVERIFY2(resumedStatus == u"running" || resumedStatus == u"queued", qPrintable(resumedStatus));

    const Reply stopped = request(u"POST"_s, u"/api/call/stop-calling"_s, m_operatorToken,
                                  json(command), "application/json", u"stop-calling"_s);
    QCOMPARE(stopped.status, 200);
    QCOMPARE(stopped.json.value(u"data"_s).toObject().value(u"status"_s).toString(), u"stopped"_s);
    QVERIFY(waitForStatus(m_batch, {u"stopped"_s}));
    QCOMPARE(scalar(u"SELECT status FROM batches WHERE id = ?"_s, {m_batch}).toString(),
             u"stopped"_s);
}

void TestRestApi::runningOrFinishedBatchConflicts()
{
    QVERIFY(startServer(u"1"_s));
    const QJsonObject body{{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}};
    QCOMPARE(startCalling(body, m_operatorToken).status, 200);
    const QString before = fingerprint();

    const Reply running = startCalling(body, m_operatorToken, u"start-calling already running"_s);
    QCOMPARE(running.status, 409);
    QVERIFY(running.json.value(u"errorMessage"_s).toString().contains(u"already"_s));

    const Reply stopped =
        request(u"POST"_s, u"/api/call/stop-calling"_s, m_operatorToken, json(body));
    QCOMPARE(stopped.status, 200);
    QVERIFY(waitForStatus(m_batch, {u"stopped"_s}));
    const QString stoppedPrint = fingerprint();
    const Reply finished = startCalling(body, m_operatorToken);
    QCOMPARE(finished.status, 409);
    QVERIFY(
        finished.json.value(u"errorMessage"_s).toString().contains(u"cannot be started again"_s));
    QCOMPARE(fingerprint(), stoppedPrint);
    QVERIFY(before != stoppedPrint);
}

void TestRestApi::repeatedSessionNeverDialsTwice()
{
    QVERIFY(startServer(u"0"_s));
    const QString session = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QJsonObject body{
        {u"batchId"_s, m_batch}, {u"userId"_s, m_operator}, {u"sessionId"_s, session}};

    const Reply first = startCalling(body, m_operatorToken, u"start-calling with sessionId"_s);
    const Reply repeated = startCalling(body, m_operatorToken);
    QCOMPARE(first.status, 200);
    QCOMPARE(repeated.status, 200);
    QCOMPARE(repeated.json, first.json);
    QCOMPARE(first.json.value(u"data"_s).toObject().value(u"sessionId"_s).toString(), session);

    QVERIFY(waitForStatus(m_batch, {u"completed"_s}));
    const qint64 attempts = scalar(u"SELECT COUNT(*) FROM attempts"_s).toLongLong();
    const Reply afterEnd = startCalling(body, m_operatorToken);
    QCOMPARE(afterEnd.status, 200);
    QCOMPARE(afterEnd.json, first.json);
    QTest::qWait(500);

    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts"_s).toLongLong(), attempts);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE session_id IS NOT ?"_s, {session})
                 .toLongLong(),
             0);
    // Each call's attempts are numbered 1..n without a gap or a repeat.
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM calls c WHERE attempt_count != (SELECT COUNT(*) FROM "
                    "attempts a WHERE a.call_id = c.id) OR attempt_count != (SELECT "
                    "COALESCE(MAX(attempt_number), 0) FROM attempts a WHERE a.call_id = c.id)"_s)
                 .toLongLong(),
             0);
    QVERIFY(stopServer());
    QCOMPARE(m_serverErr.count(u"Started batch \"%1\""_s.arg(m_batch)), 1);
}

void TestRestApi::callDataReplacesCalls()
{
    QVERIFY(startServer(u"0"_s));
    const QJsonArray callData{
        QJsonObject{
            {u"phone"_s, u"+1 212 555 0142"_s}, {u"name"_s, u"Avery"_s}, {u"crmId"_s, u"A-1"_s}},
        QJsonObject{{u"phoneNumber"_s, u"(415) 555-0132"_s},
                    {u"name"_s, u"Chiara"_s},
                    {u"timeZone"_s, u"America/Los_Angeles"_s}},
        QJsonObject{{u"phone"_s, u"12"_s}, {u"name"_s, u"Too short"_s}},
    };

    const Reply started = startCalling(
        {{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}, {u"callData"_s, callData}},
        m_operatorToken, u"start-calling with callData"_s);

    QCOMPARE(started.status, 200);
    const QJsonObject data = started.json.value(u"data"_s).toObject();
    QCOMPARE(data.value(u"acceptedCalls"_s).toInt(), 2);
    const QJsonArray rejected = data.value(u"rejected"_s).toArray();
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected.first().toObject().value(u"index"_s).toInt(), 2);
    QCOMPARE(rejected.first().toObject().value(u"value"_s).toString(), u"12"_s);
    QVERIFY(!rejected.first().toObject().value(u"reason"_s).toString().isEmpty());

    QVERIFY(waitForStatus(m_batch, {u"completed"_s}));
    const Reply calls = request(u"GET"_s, u"/api/call/batch-calls/"_s + m_batch, m_operatorToken);
    QCOMPARE(calls.status, 200);
    const QJsonObject page = calls.json.value(u"data"_s).toObject();
    QCOMPARE(page.value(u"total"_s).toInt(), 2);
    const QJsonArray rows = page.value(u"calls"_s).toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].toObject().value(u"number"_s).toString(), u"+12125550142"_s);
    QCOMPARE(rows[0].toObject().value(u"extra"_s).toObject().value(u"crmId"_s).toString(),
             u"A-1"_s);
    QCOMPARE(rows[1].toObject().value(u"number"_s).toString(), u"+14155550132"_s);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM calls WHERE batch_id = ?"_s, {m_batch}).toInt(), 2);
}

void TestRestApi::callDataRejectedAfterAttempts()
{
    QVERIFY(startServer(u"1"_s));
    const QJsonObject body{{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}};
    QCOMPARE(startCalling(body, m_operatorToken).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(scalar(u"SELECT COUNT(*) FROM attempts"_s).toInt() > 0, 20000);
    QCOMPARE(request(u"POST"_s, u"/api/call/pause-calling"_s, m_operatorToken, json(body)).status,
             200);
    QVERIFY(stopServer());

    // The paused batch is not resumed by the next serve, so a start reaches
    // the replacement check.
    QVERIFY(startServer(u"1"_s));
    const QString before = fingerprint();
    QJsonObject withCalls = body;
    withCalls.insert(u"callData"_s, QJsonArray{QJsonObject{{u"phone"_s, u"+12125550142"_s}}});
    const Reply refused =
        startCalling(withCalls, m_operatorToken, u"start-calling callData after attempts"_s);

    QCOMPARE(refused.status, 409);
    QVERIFY(refused.json.value(u"errorMessage"_s).toString().contains(u"already dialed"_s));
    QCOMPARE(fingerprint(), before);
}

void TestRestApi::phoneIdsRestrictRotation()
{
    QVERIFY(startServer(u"0"_s));

    const Reply started = startCalling({{u"batchId"_s, m_batch},
                                        {u"userId"_s, m_operator},
                                        {u"phoneIds"_s, QJsonArray{m_phoneSf}}},
                                       m_operatorToken, u"start-calling with phoneIds"_s);
    QCOMPARE(started.status, 200);
    QVERIFY(waitForStatus(m_batch, {u"completed"_s}));

    QVERIFY(scalar(u"SELECT COUNT(*) FROM attempts WHERE batch_id = ?"_s, {m_batch}).toInt() >= 19);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE batch_id = ? AND "
                    "(caller_phone_id IS NOT ? OR caller_e164 != '+14155550100')"_s,
                    {m_batch, m_phoneSf})
                 .toInt(),
             0);
}

void TestRestApi::batchCallsArePaged()
{
    QVERIFY(startServer(u"0"_s));
    const QString path = u"/api/call/batch-calls/"_s + m_batch;

    const Reply first =
        request(u"GET"_s, path + u"?limit=5"_s, m_operatorToken, {}, {}, u"batch-calls"_s);
    QCOMPARE(first.status, 200);
    const QJsonObject page = first.json.value(u"data"_s).toObject();
    QCOMPARE(page.value(u"total"_s).toInt(), 19);
    QCOMPARE(page.value(u"calls"_s).toArray().size(), 5);

    const Reply last = request(u"GET"_s, path + u"?limit=5&offset=15"_s, m_operatorToken);
    QCOMPARE(last.json.value(u"data"_s).toObject().value(u"calls"_s).toArray().size(), 4);
    const Reply whole = request(u"GET"_s, path, m_operatorToken);
    QCOMPARE(whole.json.value(u"data"_s).toObject().value(u"calls"_s).toArray().size(), 19);
    QCOMPARE(whole.json.value(u"data"_s).toObject().value(u"limit"_s).toInt(), 50);
    const Reply pending = request(u"GET"_s, path + u"?status=pending&limit=500"_s, m_operatorToken);
    QCOMPARE(pending.json.value(u"data"_s).toObject().value(u"total"_s).toInt(), 19);
    const Reply completed = request(u"GET"_s, path + u"?status=completed"_s, m_operatorToken);
    QCOMPARE(completed.json.value(u"data"_s).toObject().value(u"total"_s).toInt(), 0);

    const QStringList badQueries = {u"?limit=0"_s,   u"?limit=501"_s,   u"?limit=ten"_s,
                                    u"?offset=-1"_s, u"?status=done"_s, u"?page=2"_s};
    for (const QString &query : badQueries) {
        const Reply bad = request(u"GET"_s, path + query, m_operatorToken);
        QVERIFY2(bad.status == 400, qPrintable(query));
    }
    QCOMPARE(request(u"GET"_s, u"/api/call/batch-calls/not-an-id"_s, m_operatorToken).status, 400);
    QCOMPARE(request(u"GET"_s, u"/api/call/batch-calls/"_s + unknownId, m_operatorToken).status,
             404);
    QCOMPARE(request(u"GET"_s, u"/api/call/batch-details/"_s + unknownId, m_operatorToken).status,
             404);
}

void TestRestApi::serveResumesRunningBatch()
{
    QVERIFY(startServer(u"1"_s));
    const QJsonObject body{{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}};
    const Reply started = startCalling(body, m_operatorToken);
    QCOMPARE(started.status, 200);
    QVERIFY(stopServer());
    QCOMPARE(scalar(u"SELECT status FROM batches WHERE id = ?"_s, {m_batch}).toString(),
             u"running"_s);

    QVERIFY(startServer(u"1"_s));
    QTRY_VERIFY_WITH_TIMEOUT(serverLog().contains(u"Resumed batch \"%1\""_s.arg(m_batch)), 10000);
    const Reply details =
        request(u"GET"_s, u"/api/call/batch-details/"_s + m_batch, m_operatorToken);
    QCOMPARE(details.json.value(u"data"_s).toObject().value(u"status"_s).toString(), u"running"_s);
    const Reply repeated = startCalling(body, m_operatorToken);
    QCOMPARE(repeated.status, 409);
}

void TestRestApi::rotatedTokenReplacesOldOne()
{
    QVERIFY(startServer(u"0"_s));
    QCOMPARE(request(u"GET"_s, u"/api/call/batches"_s, m_operatorToken).status, 200);

    const Run rotated = service({u"tokens"_s, u"rotate"_s, m_operator, u"--expires-in"_s, u"7"_s});
    QCOMPARE(rotated.exitCode, 0);
    const QString newToken = rotated.out.trimmed().section(u'\n', -1);
    QVERIFY(newToken != m_operatorToken);

    QCOMPARE(request(u"GET"_s, u"/api/call/batches"_s, m_operatorToken).status, 401);
    QCOMPARE(request(u"GET"_s, u"/api/call/batches"_s, newToken).status, 200);
    const Run listed = service({u"users"_s, u"list"_s});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY(listed.out.contains(m_operator));
    QVERIFY(!listed.out.contains(newToken.section(u'.', 1)));
    QVERIFY(!listed.out.contains(newToken.section(u'.', 0, 0)));
    QCOMPARE(service({u"tokens"_s, u"rotate"_s, unknownId}).exitCode, 3);
}

void TestRestApi::clientLeavingEarlyKeepsServer()
{
    QVERIFY(startServer(u"1"_s));
    QJsonArray callData;
    for (int i = 0; i < 10'000; ++i)
        callData.append(QJsonObject{{u"phone"_s, u"+1212555%1"_s.arg(i, 4, 10, QChar(u'0'))}});
    const QByteArray body =
        json({{u"batchId"_s, m_batch}, {u"userId"_s, m_operator}, {u"callData"_s, callData}});

    // The request is abandoned while the server checks the records.
    QNetworkRequest abandoned(QUrl(u"http://127.0.0.1:%1/api/call/start-calling"_s.arg(m_port)));
    abandoned.setRawHeader("Authorization", "Bearer " + m_operatorToken.toLatin1());
    abandoned.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    QNetworkReply *reply = m_network.post(abandoned, body);
    QTest::qWait(50);
    reply->abort();
    reply->deleteLater();
    QTest::qWait(2000);

    QCOMPARE(m_server.state(), QProcess::Running);
    const Reply details =
        request(u"GET"_s, u"/api/call/batch-details/"_s + m_batch, m_operatorToken);
    QCOMPARE(details.status, 200);
}

QTEST_GUILESS_MAIN(TestRestApi)
#include "tst_restapi.moc"
