#include "crashharness.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Dialdeck::CrashHarness;
using Dialdeck::CrashRunOptions;
using Dialdeck::CrashRunReport;

// Kills dialdeck-service with SIGKILL while it dials dialdeck-sim, restarts
// it on the same store until the batch completes, and checks the store
// against the simulator's journal (see CrashHarness). The seed comes from
// DIALDECK_CRASH_SEED when it is set, so a failing run can be repeated.
class TestCrashRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void killsLoseNoCallAndDialNoneTwice();
    void killsWithCarrierFaults();
    void failingStoreWritesPauseTheBatch();

private:
    CrashRunOptions options(quint64 defaultSeed) const;
    static void verifyPassed(const CrashRunReport &report);

    QString m_binDir;
};

void TestCrashRecovery::initTestCase()
{
    m_binDir = qEnvironmentVariable("DIALDECK_BIN_DIR");
    QVERIFY2(QFile::exists(QDir(m_binDir).filePath(u"dialdeck-service"_s)), qPrintable(m_binDir));
    QVERIFY2(QFile::exists(QDir(m_binDir).filePath(u"dialdeck-sim"_s)), qPrintable(m_binDir));
}

CrashRunOptions TestCrashRecovery::options(quint64 defaultSeed) const
{
    CrashRunOptions options;
    options.binDir = m_binDir;
    bool ok = false;
    const quint64 seed = qEnvironmentVariable("DIALDECK_CRASH_SEED").toULongLong(&ok);
    options.seed = ok ? seed : defaultSeed;
    options.timeoutSeconds = 240;
    return options;
}

void TestCrashRecovery::verifyPassed(const CrashRunReport &report)
{
    qInfo().noquote() << report.summary();
    for (const QString &violation : report.violations)
        qWarning().noquote() << violation;
    QVERIFY2(report.passed(), qPrintable(u"seed %1: %2"_s.arg(report.seed)
                                             .arg(report.violations.join(u"; "_s))));
}

void TestCrashRecovery::killsLoseNoCallAndDialNoneTwice()
{
    CrashRunOptions run = options(20261204);
    run.calls = 300;
    run.kills = 5;
    CrashHarness harness(run);
    harness.setProgressHandler([](const QString &line) { qInfo().noquote() << line; });

    const CrashRunReport report = harness.run();
    verifyPassed(report);
    QCOMPARE(report.kills, 5);
    QCOMPARE(report.calls, 300);
    QVERIFY(report.placed >= 300);
}

void TestCrashRecovery::killsWithCarrierFaults()
{
    CrashRunOptions run = options(7);
    run.calls = 120;
    run.kills = 3;
    run.simOptions = {u"--fault-drop-callbacks"_s, u"0.2"_s,
                      u"--fault-duplicate-callbacks"_s, u"0.2"_s,
                      u"--fault-500-after-place"_s, u"0.1"_s,
                      u"--fault-stall"_s, u"0.05"_s,
                      u"--stall-ms"_s, u"3000"_s};
    CrashHarness harness(run);
    harness.setProgressHandler([](const QString &line) { qInfo().noquote() << line; });

    const CrashRunReport report = harness.run();
    verifyPassed(report);
    QCOMPARE(report.kills, 3);
    QCOMPARE(report.calls, 120);
}

void TestCrashRecovery::failingStoreWritesPauseTheBatch()
{
    CrashRunOptions run = options(11);
    run.calls = 100;
    run.kills = 1;
    // Room for the first few hundred kilobytes of journal writes, then every write fails.
    run.diskFullAfterBytes = 256 * 1024;
    CrashHarness harness(run);
    harness.setProgressHandler([](const QString &line) { qInfo().noquote() << line; });

    const CrashRunReport report = harness.run();
    verifyPassed(report);
    QVERIFY(report.diskFullPaused);
    // The writes failed in the middle of dialing, not before the first call.
    QVERIFY(report.placedBeforeDiskFull > 0);
}

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
