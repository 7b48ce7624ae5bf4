#include "simulatorprocess.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;
const QByteArray SimToken = "dialdeck-sim-cli-token";
const QStringList SimNumbers{u"+14155550100"_s, u"+14155550101"_s, u"+14155550102"_s};

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

// Runs `dialdeck-service plivo account` and `phones import-plivo` as
// processes against a dialdeck-sim process on 127.0.0.1.
class TestPlivoCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void accountPrintsCredit();
    void accountReadsTokenFromEnvironment();
    void importAddsVoiceNumbersOnce();
    void wrongTokenAsksToCheckCredentials();
    void tokenOnCommandLineIsRejected();
    void missingAuthIdIsInvalidInput();

private:
    Run service(const QStringList &arguments, const QProcessEnvironment &environment = {});
    QStringList plivoOptions(const QString &tokenFile) const;
    QStringList phoneNumbers();
    void writeToken(const QString &path, const QByteArray &token);

    QString m_serviceBinary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    QString m_tokenFile;
    SimulatorProcess m_sim;
};

void TestPlivoCli::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QDir bin(qEnvironmentVariable("DIALDECK_BIN_DIR"));
    m_serviceBinary = bin.filePath(u"dialdeck-service"_s);
    QVERIFY2(QFile::exists(m_serviceBinary), qPrintable(m_serviceBinary));
}

void TestPlivoCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_tokenFile = m_dir->filePath(u"plivo-token"_s);
    writeToken(m_tokenFile, SimToken);

    const QString started =
        m_sim.start(m_tokenFile, m_dir->filePath(u"sim.log"_s),
                    {u"--numbers"_s, SimNumbers.join(u','), u"--cash-credits"_s, u"42.5"_s});
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestPlivoCli::cleanup()
{
    m_sim.stop();
}

void TestPlivoCli::writeToken(const QString &path, const QByteArray &token)
{
    QVERIFY(SimulatorProcess::writeTokenFile(path, token));
}

Run TestPlivoCli::service(const QStringList &arguments, const QProcessEnvironment &environment)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DIALDECK_PLIVO_AUTH_TOKEN"_s);
    env.remove(u"DIALDECK_PLIVO_AUTH_ID"_s);
    env.insert(environment);
    process.setProcessEnvironment(env);
    process.start(m_serviceBinary, QStringList{u"--db"_s, m_store} + arguments);

    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        run.err = u"timed out; "_s + QString::fromUtf8(process.readAllStandardError());
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QStringList TestPlivoCli::plivoOptions(const QString &tokenFile) const
{
    return {u"--plivo-url"_s, m_sim.baseUrl(),         u"--plivo-auth-id"_s,
            SimAuthId,        u"--plivo-token-file"_s, tokenFile};
}

// The E.164 numbers `phones list` prints, in its order.
QStringList TestPlivoCli::phoneNumbers()
{
    const Run listed = service({u"phones"_s, u"list"_s});
    if (listed.exitCode != 0)
        return {u"phones list failed: "_s + listed.err};
    QStringList numbers;
    for (const QString &line : listed.out.split(u'\n', Qt::SkipEmptyParts))
        numbers.append(line.section(u'\t', 1, 1));
    numbers.sort();
    return numbers;
}

void TestPlivoCli::accountPrintsCredit()
{
    const Run run = service(QStringList{u"plivo"_s, u"account"_s} + plivoOptions(m_tokenFile));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(u"Cash credits: 42.50000 USD"_s), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"Billing mode: prepaid"_s), qPrintable(run.out));
    QVERIFY2(run.out.contains(u"Account: "_s + SimAuthId), qPrintable(run.out));
    QVERIFY2(!run.out.contains(QString::fromLatin1(SimToken)), qPrintable(run.out));
}

void TestPlivoCli::accountReadsTokenFromEnvironment()
{
    QProcessEnvironment environment;
    environment.insert(u"DIALDECK_PLIVO_AUTH_TOKEN"_s, QString::fromLatin1(SimToken));
    environment.insert(u"DIALDECK_PLIVO_AUTH_ID"_s, SimAuthId);
    const Run run =
        service({u"plivo"_s, u"account"_s, u"--plivo-url"_s, m_sim.baseUrl()}, environment);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(u"Cash credits: 42.50000 USD"_s), qPrintable(run.out));
}

void TestPlivoCli::importAddsVoiceNumbersOnce()
{
    const Run added = service({u"phones"_s, u"add"_s, SimNumbers.at(1), u"--label"_s, u"Kept"_s});
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));

    const Run first =
        service(QStringList{u"phones"_s, u"import-plivo"_s} + plivoOptions(m_tokenFile));
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY2(first.out.contains(u"Added +14155550100 as caller number"_s), qPrintable(first.out));
    QVERIFY2(first.out.contains(u"Added +14155550102 as caller number"_s), qPrintable(first.out));
    QVERIFY2(first.out.contains(u"Skipped +14155550101: already a caller number"_s),
             qPrintable(first.out));
    QVERIFY2(first.out.contains(u"Added 2 of the account's 3 numbers."_s), qPrintable(first.out));
    QCOMPARE(phoneNumbers(), SimNumbers);

    const Run second =
        service(QStringList{u"phones"_s, u"import-plivo"_s} + plivoOptions(m_tokenFile));
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    QVERIFY2(second.out.contains(u"Added 0 of the account's 3 numbers."_s), qPrintable(second.out));
    QCOMPARE(phoneNumbers(), SimNumbers);
}

void TestPlivoCli::wrongTokenAsksToCheckCredentials()
{
    const QString wrongToken = m_dir->filePath(u"wrong-token"_s);
    writeToken(wrongToken, "not-the-token");

    const Run account = service(QStringList{u"plivo"_s, u"account"_s} + plivoOptions(wrongToken));
    QCOMPARE(account.exitCode, 2);
    QVERIFY2(account.err.contains(u"check the Plivo credentials"_s), qPrintable(account.err));

    const Run import =
        service(QStringList{u"phones"_s, u"import-plivo"_s} + plivoOptions(wrongToken));
    QCOMPARE(import.exitCode, 2);
    QVERIFY2(import.err.contains(u"check the Plivo credentials"_s), qPrintable(import.err));
    QVERIFY(phoneNumbers().isEmpty());
}

void TestPlivoCli::tokenOnCommandLineIsRejected()
{
    const Run run =
        service({u"plivo"_s, u"account"_s, u"--plivo-url"_s, m_sim.baseUrl(), u"--plivo-auth-id"_s,
                 SimAuthId, u"--plivo-token"_s, QString::fromLatin1(SimToken)});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(u"plivo-token"_s), qPrintable(run.err));
}

void TestPlivoCli::missingAuthIdIsInvalidInput()
{
    const Run run = service({u"phones"_s, u"import-plivo"_s, u"--plivo-url"_s, m_sim.baseUrl(),
                             u"--plivo-token-file"_s, m_tokenFile});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(u"Auth ID is missing"_s), qPrintable(run.err));
    QVERIFY(phoneNumbers().isEmpty());
}

QTEST_MAIN(TestPlivoCli)
#include "tst_plivocli.moc"
