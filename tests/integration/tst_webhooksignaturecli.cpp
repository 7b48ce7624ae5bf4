#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// The V3 and V2 test vectors published in Plivo's SDK test suites: plivo-go
// utils_test.go (TestValidateSignatureV3Pass*, TestValidateSignatureV2Pass)
// and plivo-python tests/resources/test_signature.py.
const QByteArray vectorToken = "Y2Q2ZDgxZmY5YWRiOTI5YmQ1Njg0MTAxZWIyOTc4";
const QString vectorNonce = u"31627761595286130198"_s;
const QString vectorUrl =
    u"https://plivobin.non-prod.plivops.com/api/v1/validate_signature03.xml"_s;
const QString vectorSignature = u"iAjE5QqI37mbkYe4w3jTMudqEzbDufdqi7sYwTu64e0="_s;
const QString vectorSignatureWithQuery = u"k7Pusd4OxCIjR5IfA9iedDNu/h/gbdYqdzG/MiYtd1c="_s;

QStringList vectorParamArguments()
{
    const QString uuid = u"3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"_s;
    const QStringList pairs = {
        u"Direction=outbound"_s,
        u"From=19792014278"_s,
        u"ALegUUID="_s + uuid,
        u"BillRate=0.002"_s,
        u"ParentAuthID=MANWVLYTK4ZWU1YTY4QA"_s,
        u"To=sip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com"_s,
        u"ALegRequestUUID="_s + uuid,
        u"CallUUID="_s + uuid,
        u"SIP-H-To=<sip:PlivoSignature382029104058171078704104@52.9.11.55;transport=udp>;tag=1"_s,
        u"SessionStart=2020-04-08 11:34:33.238707"_s,
        u"CallStatus=in-progress"_s,
        u"RequestUUID="_s + uuid,
        u"Event=StartApp"_s,
    };

    QStringList arguments;
    for (const QString &pair : pairs)
        arguments << u"--param"_s << pair;
    return arguments;
}

} // namespace

// Runs the real dialdeck-service executable's webhook-signature command and
// checks what it prints and its exit codes.
class TestWebhookSignatureCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void v3VectorMatches();
    void v3WrongUrlMismatches();
    void v3SeveralSignaturesOneMatches();
    void v3BodyEqualsParams();
    void v3GetSignsQuery();
    void withoutSignaturePrintsOnly();
    void v2VectorMatches();
    void v2WrongTokenMismatches();
    void tokenFileTrimsOneNewline_data();
    void tokenFileTrimsOneNewline();
    void tokenNeverPrinted();
    void readableTokenFileWarns();
    void usageErrorsExitOne_data();
    void usageErrorsExitOne();
    void invalidInputExitsTwo_data();
    void invalidInputExitsTwo();
    void helpListsExitCodes();

private:
    Run service(const QStringList &arguments);
    QString writeToken(const QByteArray &content, const QString &name = u"token"_s);
    QStringList vectorArguments(const QString &url, const QString &signature);

    QString m_binary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_tokenFile;
};

void TestWebhookSignatureCli::initTestCase()
{
    m_binary = QDir(qEnvironmentVariable("DIALDECK_BIN_DIR")).filePath(u"dialdeck-service"_s);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
}

void TestWebhookSignatureCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_tokenFile = writeToken(vectorToken + '\n');
}

Run TestWebhookSignatureCli::service(const QStringList &arguments)
{
    QProcess process;
    process.start(m_binary, QStringList{u"webhook-signature"_s} + arguments);
    Run run;
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        run.err = u"timed out"_s;
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString TestWebhookSignatureCli::writeToken(const QByteArray &content, const QString &name)
{
    const QString path = m_dir->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

QStringList TestWebhookSignatureCli::vectorArguments(const QString &url, const QString &signature)
{
    QStringList arguments = {u"--version"_s,    u"v3"_s,    u"--method"_s, u"POST"_s,
                             u"--url"_s,        url,        u"--nonce"_s,  vectorNonce,
                             u"--token-file"_s, m_tokenFile};
    arguments += vectorParamArguments();
    if (!signature.isEmpty())
        arguments << u"--signature"_s << signature;
    return arguments;
}

void TestWebhookSignatureCli::v3VectorMatches()
{
    const Run run = service(vectorArguments(vectorUrl, vectorSignature));

    QCOMPARE(run.exitCode, 0);
    const QString expectedString =
        vectorUrl +
        u"?ALegRequestUUID3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36ALegUUID3e82ae9d-2c78-4d85-b1a4-"
        "6eae7dbafb36BillRate0.002CallStatusin-progressCallUUID3e82ae9d-2c78-4d85-b1a4-"
        "6eae7dbafb36DirectionoutboundEventStartAppFrom19792014278ParentAuthIDMANWVLYTK4ZWU1YTY4"
        "QARequestUUID3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36SIP-H-To<sip:PlivoSignature38202910405"
        "8171078704104@52.9.11.55;transport=udp>;tag=1SessionStart2020-04-08 11:34:33.238707Tos"
        "ip:PlivoSignature382029104058171078704104@phone-qa.voice.plivodev.com"
        ".31627761595286130198"_s;
    QVERIFY2(run.out.contains(u'\n' + expectedString + u'\n'), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"Computed signature: "_s + vectorSignature), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"Result: the signature matches."_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::v3WrongUrlMismatches()
{
    // The signature of the URL with "/?a=b&c=d", checked against the URL without them.
    const Run run = service(vectorArguments(vectorUrl, vectorSignatureWithQuery));

    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains(u"Computed signature: "_s + vectorSignature), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"does not match"_s), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"trailing slash"_s), qPrintable(run.out));
    QVERIFY2(run.err.isEmpty(), qPrintable(run.err));

    const Run withQuery =
        service(vectorArguments(vectorUrl + u"/?a=b&c=d"_s, vectorSignatureWithQuery));
    QCOMPARE(withQuery.exitCode, 0);
}

void TestWebhookSignatureCli::v3SeveralSignaturesOneMatches()
{
    const Run run =
        service(vectorArguments(vectorUrl, vectorSignatureWithQuery + u","_s + vectorSignature));

    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(u"matches"_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::v3BodyEqualsParams()
{
    const QString body =
        u"Direction=outbound&From=19792014278&ALegUUID=3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
        "&BillRate=0.002&ParentAuthID=MANWVLYTK4ZWU1YTY4QA"
        "&To=sip%3APlivoSignature382029104058171078704104%40phone-qa.voice.plivodev.com"
        "&ALegRequestUUID=3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
        "&CallUUID=3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36"
        "&SIP-H-To=%3Csip%3APlivoSignature382029104058171078704104%4052.9.11.55%3Btransport%3Dudp"
        "%3E%3Btag%3D1&SessionStart=2020-04-08+11%3A34%3A33.238707&CallStatus=in-progress"
        "&RequestUUID=3e82ae9d-2c78-4d85-b1a4-6eae7dbafb36&Event=StartApp"_s;

    const Run run = service({u"--url"_s, vectorUrl, u"--nonce"_s, vectorNonce, u"--token-file"_s,
                             m_tokenFile, u"--body"_s, body, u"--signature"_s, vectorSignature});

    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(u"matches"_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::v3GetSignsQuery()
{
    const Run run = service({u"--method"_s, u"GET"_s, u"--url"_s,
                             u"https://dialer.example.com:8443/plivo/ring?attempt=12&Event=Ring"
                             "&From=%2B15550100"_s,
                             u"--nonce"_s, u"123"_s, u"--token-file"_s, m_tokenFile});

    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(u"\nhttps://dialer.example.com:8443/plivo/ring?Event=Ring"
                              "&From=+15550100&attempt=12.123\n"_s),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(u"V3 GET"_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::withoutSignaturePrintsOnly()
{
    const Run run = service(vectorArguments(vectorUrl, QString()));

    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(vectorSignature), qPrintable(run.out));
    QVERIFY2(!run.out.contains(u"Result:"_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::v2VectorMatches()
{
    const QString token = writeToken("my_auth_token", u"v2token"_s);

    const Run run = service({u"--version"_s, u"v2"_s, u"--url"_s, u"https://answer.url"_s,
                             u"--nonce"_s, u"12345"_s, u"--token-file"_s, token, u"--signature"_s,
                             u"ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="_s});

    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(u"\nhttps://answer.url12345\n"_s), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"matches"_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::v2WrongTokenMismatches()
{
    const QString token = writeToken("my_auth_tokens", u"v2token"_s);

    const Run run = service({u"--version"_s, u"v2"_s, u"--url"_s, u"https://answer.url"_s,
                             u"--nonce"_s, u"12345"_s, u"--token-file"_s, token, u"--signature"_s,
                             u"ehV3IKhLysWBxC1sy8INm0qGoQYdYsHwuoKjsX7FsXc="_s});

    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains(u"does not match"_s), qPrintable(run.out));
}

void TestWebhookSignatureCli::tokenFileTrimsOneNewline_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("no newline") << vectorToken << 0;
    QTest::newRow("newline") << QByteArray(vectorToken + "\n") << 0;
    QTest::newRow("crlf") << QByteArray(vectorToken + "\r\n") << 0;
    QTest::newRow("two newlines") << QByteArray(vectorToken + "\n\n") << 1;
    QTest::newRow("trailing space") << QByteArray(vectorToken + " \n") << 1;
}

void TestWebhookSignatureCli::tokenFileTrimsOneNewline()
{
    QFETCH(QByteArray, content);
    QFETCH(int, exitCode);
    m_tokenFile = writeToken(content, u"variant"_s);

    const Run run = service(vectorArguments(vectorUrl, vectorSignature));

    QCOMPARE(run.exitCode, exitCode);
}

void TestWebhookSignatureCli::tokenNeverPrinted()
{
    const Run matching = service(vectorArguments(vectorUrl, vectorSignature));
    const Run mismatching = service(vectorArguments(vectorUrl, vectorSignatureWithQuery));

    for (const Run &run : {matching, mismatching}) {
        QVERIFY(!run.out.contains(QString::fromLatin1(vectorToken)));
        QVERIFY(!run.err.contains(QString::fromLatin1(vectorToken)));
    }
}

void TestWebhookSignatureCli::readableTokenFileWarns()
{
    QVERIFY(QFile::setPermissions(m_tokenFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                   QFileDevice::ReadOther));

    const Run run = service(vectorArguments(vectorUrl, vectorSignature));

    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.err.contains(u"chmod 600"_s), qPrintable(run.err));
}

void TestWebhookSignatureCli::usageErrorsExitOne_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("messagePart");

    const QString token = u"TOKEN_FILE"_s; // replaced by the real path in the test

    QTest::newRow("missing url") << QStringList{u"--nonce"_s, u"1"_s, u"--token-file"_s, token}
                                 << u"--url is missing"_s;
    QTest::newRow("missing nonce")
        << QStringList{u"--url"_s, u"https://h.example/a"_s, u"--token-file"_s, token}
        << u"--nonce is missing"_s;
    QTest::newRow("missing token file")
        << QStringList{u"--url"_s, u"https://h.example/a"_s, u"--nonce"_s, u"1"_s}
        << u"--token-file is missing"_s;
    QTest::newRow("unknown version")
        << QStringList{u"--version"_s, u"v4"_s, u"--url"_s,        u"https://h.example/a"_s,
                       u"--nonce"_s,   u"1"_s,  u"--token-file"_s, token}
        << u"\"v4\""_s;
    QTest::newRow("unknown method")
        << QStringList{u"--method"_s, u"PUT"_s, u"--url"_s,        u"https://h.example/a"_s,
                       u"--nonce"_s,  u"1"_s,   u"--token-file"_s, token}
        << u"\"PUT\""_s;
    QTest::newRow("param without equals")
        << QStringList{u"--url"_s,        u"https://h.example/a"_s,
                       u"--nonce"_s,      u"1"_s,
                       u"--token-file"_s, token,
                       u"--param"_s,      u"CallUUID"_s}
        << u"\"CallUUID\""_s;
    QTest::newRow("unknown option") << QStringList{u"--colour"_s} << u"colour"_s;
}

void TestWebhookSignatureCli::usageErrorsExitOne()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, messagePart);
    arguments.replaceInStrings(u"TOKEN_FILE"_s, m_tokenFile);

    const Run run = service(arguments);

    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(messagePart), qPrintable(run.err));
    QVERIFY2(run.out.isEmpty(), qPrintable(run.out));
}

void TestWebhookSignatureCli::invalidInputExitsTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("token file not found")
        << QStringList{u"--url"_s, u"https://h.example/a"_s, u"--nonce"_s,
                       u"1"_s,     u"--token-file"_s,        u"TOKEN_DIR/absent"_s}
        << u"cannot be read"_s;
    QTest::newRow("empty token file")
        << QStringList{u"--url"_s, u"https://h.example/a"_s, u"--nonce"_s,
                       u"1"_s,     u"--token-file"_s,        u"TOKEN_DIR/empty"_s}
        << u"is empty"_s;
    QTest::newRow("ftp url") << QStringList{u"--url"_s,        u"ftp://h.example/a"_s,
                                            u"--nonce"_s,      u"1"_s,
                                            u"--token-file"_s, u"TOKEN_DIR/token"_s}
                             << u"ftp://h.example/a"_s;
    QTest::newRow("malformed body")
        << QStringList{u"--url"_s,        u"https://h.example/a"_s, u"--nonce"_s, u"1"_s,
                       u"--token-file"_s, u"TOKEN_DIR/token"_s,     u"--body"_s,  u"To=%G1"_s}
        << u"\"To\""_s;
}

void TestWebhookSignatureCli::invalidInputExitsTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, messagePart);
    writeToken(QByteArray(), u"empty"_s);
    arguments.replaceInStrings(u"TOKEN_DIR"_s, m_dir->path());

    const Run run = service(arguments);

    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(messagePart), qPrintable(run.err));
}

void TestWebhookSignatureCli::helpListsExitCodes()
{
    const Run help = service({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY2(help.out.contains(u"--token-file"_s), qPrintable(help.out));
    QVERIFY2(help.out.contains(u"Exit codes: 0"_s), qPrintable(help.out));

    QProcess process;
    process.start(m_binary, {u"--help"_s});
    QVERIFY(process.waitForFinished(30000));
    QVERIFY(QString::fromUtf8(process.readAllStandardOutput()).contains(u"webhook-signature"_s));
}

QTEST_GUILESS_MAIN(TestWebhookSignatureCli)
#include "tst_webhooksignaturecli.moc"
