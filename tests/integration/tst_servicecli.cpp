#include "storeaudit.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Splits one RFC 4180 record set into rows of fields.
QList<QStringList> parseCsv(const QString &text)
{
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == u'"' && i + 1 < text.size() && text[i + 1] == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            row.append(field);
            field.clear();
        } else if (c == u'\n') {
            row.append(field);
            rows.append(row);
            row.clear();
            field.clear();
        } else if (c != u'\r') {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        row.append(field);
        rows.append(row);
    }
    return rows;
}

} // namespace

// Runs the real dialdeck-service executable, as a user would, on the sample
// contact lists, and checks what it prints, its exit codes and its report.
class TestServiceCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void serviceRunsGoogleContactsBatchToReport();
    void serviceRejectsBadInput_data();
    void serviceRejectsBadInput();
    void serviceStartUnknownBatchExitsNotFound();
    void importUnwritableRejectsImportsNothing();

private:
    Run service(const QStringList &arguments, int timeoutMs = 60000);
    QString dataFile(const QString &name) const;

    QString m_binary;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
};

void TestServiceCli::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_binary = QDir(qEnvironmentVariable("DIALDECK_BIN_DIR")).filePath(u"dialdeck-service"_s);
    QVERIFY2(QFile::exists(m_binary), qPrintable(m_binary));
}

void TestServiceCli::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(u"store.sqlite"_s);
}

Run TestServiceCli::service(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(m_binary, QStringList{u"--db"_s, m_store} + arguments);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
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

QString TestServiceCli::dataFile(const QString &name) const
{
    return QDir(qEnvironmentVariable("DIALDECK_TEST_DATA")).filePath(name);
}

void TestServiceCli::serviceRunsGoogleContactsBatchToReport()
{
    const QString rejects = m_dir->filePath(u"rejects.csv"_s);
    const Run imported = service({u"import"_s, dataFile(u"google-contacts.csv"_s), u"--name"_s,
                                  u"Demo"_s, u"--rejects"_s, rejects});
    QCOMPARE(imported.exitCode, 0);
    const QString batchId = imported.out.section(u'\n', 0, 0).trimmed();
    QVERIFY2(QRegularExpression(u"^[0-9a-f]{24}$"_s).match(batchId).hasMatch(), qPrintable(imported.out));
    QVERIFY2(imported.out.contains(u"Imported 19 calls"_s), qPrintable(imported.out));

    QFile rejectFile(rejects);
    QVERIFY(rejectFile.open(QIODevice::ReadOnly));
    const QList<QStringList> rejectRows = parseCsv(QString::fromUtf8(rejectFile.readAll()));
    QCOMPARE(rejectRows.size(), 7);
    QCOMPARE(rejectRows[2].value(0), u"12"_s);
    QCOMPARE(rejectRows[2].value(2), u"scientific_notation"_s);

    const Run first = service({u"phones"_s, u"add"_s, u"+12125550100"_s, u"--label"_s, u"NYC"_s});
    const Run second = service({u"phones"_s, u"add"_s, u"+14155550100"_s, u"--label"_s, u"SF"_s});
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(second.exitCode, 0);
    const QString phones = first.out.trimmed() + u',' + second.out.trimmed();

    const Run started = service({u"start"_s, batchId, u"--phones"_s, phones, u"--speed"_s, u"0"_s,
                                 u"--start-at"_s, u"2026-12-07T14:00:00Z"_s, u"--seed"_s, u"5"_s,
                                 u"--follow"_s});
    QCOMPARE(started.exitCode, 0);
    QVERIFY2(started.out.contains(u"is completed"_s), qPrintable(started.out + started.err));

    const QString report = m_dir->filePath(u"report.csv"_s);
    const Run exported = service({u"export"_s, batchId, u"--format"_s, u"csv"_s, u"--output"_s,
                                  report});
    QCOMPARE(exported.exitCode, 0);

    QFile reportFile(report);
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(reportFile.readAll()));
    QCOMPARE(rows.size(), 20);
    const QStringList header = rows.first();
    const qsizetype statusColumn = header.indexOf(u"Status"_s);
    const qsizetype e164Column = header.indexOf(u"E.164"_s);
    const qsizetype attemptsColumn = header.indexOf(u"Attempts"_s);
    QVERIFY(statusColumn >= 0 && e164Column >= 0 && attemptsColumn >= 0);

    const QStringList finalStatuses = {u"completed"_s, u"busy"_s, u"no_answer"_s, u"failed"_s,
                                       u"skipped"_s};
    QStringList numbers;
    for (const QStringList &row : rows.mid(1)) {
        QVERIFY2(finalStatuses.contains(row.value(statusColumn)), qPrintable(row.join(u',')));
        QVERIFY(row.value(attemptsColumn).toInt() >= 1);
        numbers.append(row.value(e164Column));
    }
    QVERIFY(numbers.contains(u"+12125550142"_s));
    QVERIFY(numbers.contains(u"+61491570156"_s));
    QVERIFY(!numbers.contains(u"+14155550199"_s) || numbers.count(u"+14155550199"_s) == 1);

    const Run status = service({u"status"_s, batchId, u"--json"_s});
    QCOMPARE(status.exitCode, 0);
    QVERIFY(status.out.contains(u"\"status\": \"completed\""_s));

    const Run summary = service({u"status"_s, batchId});
    QCOMPARE(summary.exitCode, 0);
    const QRegularExpression callerLine(
        u"caller \\+12125550100 NYC: \\d+ attempts today \\(UTC\\); \\d+ of all \\d+ ended "
        "attempts answered"_s);
    QVERIFY2(callerLine.match(summary.out).hasMatch(), qPrintable(summary.out));

    const StoreAuditReport audit = StoreAudit::auditSqliteFile(m_store);
    QVERIFY2(audit.passed(), qPrintable(audit.summary()));
    QVERIFY(audit.attemptsChecked >= 19);
}

void TestServiceCli::serviceRejectsBadInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    QTest::newRow("window reversed")
        << QStringList{u"import"_s, u"google-contacts.csv"_s, u"--window"_s, u"20:00-09:00"_s}
        << 2 << u"must start before it ends"_s;
    QTest::newRow("unknown weekday")
        << QStringList{u"import"_s, u"google-contacts.csv"_s, u"--days"_s, u"mon,funday"_s} << 2
        << u"funday"_s;
    QTest::newRow("malformed batch id")
        << QStringList{u"import"_s, u"google-contacts.csv"_s, u"--batch-id"_s, u"XYZ"_s} << 2
        << u"XYZ"_s;
    QTest::newRow("missing file") << QStringList{u"import"_s, u"no-such-file.csv"_s} << 2
                                  << u"no-such-file.csv"_s;
    QTest::newRow("caller number without plus")
        << QStringList{u"phones"_s, u"add"_s, u"2125550100"_s} << 2 << u"E.164"_s;
    QTest::newRow("unknown command") << QStringList{u"frobnicate"_s} << 1 << u"frobnicate"_s;
    QTest::newRow("export without output")
        << QStringList{u"export"_s, u"0123456789abcdef01234567"_s} << 1 << u"--output"_s;
}

void TestServiceCli::serviceRejectsBadInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    if (arguments.value(0) == u"import")
        arguments[1] = dataFile(arguments[1]);
    const Run run = service(arguments);

    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    const Run listed = service({u"phones"_s, u"list"_s});
    QCOMPARE(listed.out, QString());
}

void TestServiceCli::serviceStartUnknownBatchExitsNotFound()
{
    const Run run = service({u"start"_s, u"0123456789abcdef01234567"_s, u"--speed"_s, u"0"_s});

    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains(u"0123456789abcdef01234567 does not exist"_s), qPrintable(run.err));
}

void TestServiceCli::importUnwritableRejectsImportsNothing()
{
    const QString batchId = u"0123456789abcdef01234567"_s;
    const QString rejects = m_dir->filePath(u"missing-dir/rejects.csv"_s);
    const QStringList import = {u"import"_s, dataFile(u"google-contacts.csv"_s), u"--batch-id"_s,
                                batchId, u"--rejects"_s};
    // A caller number creates the store, so "status" below can look for the batch in it.
    QCOMPARE(service({u"phones"_s, u"add"_s, u"+12125550100"_s}).exitCode, 0);

    const Run failed = service(import + QStringList{rejects});

    QCOMPARE(failed.exitCode, 2);
    QVERIFY2(failed.err.contains(u"Could not write the rejected rows to "_s + rejects),
             qPrintable(failed.err));
    QCOMPARE(failed.out, QString());
    QVERIFY(!QFile::exists(rejects));
    const Run status = service({u"status"_s, batchId});
    QCOMPARE(status.exitCode, 3);
    QVERIFY2(status.err.contains(batchId + u" does not exist"_s), qPrintable(status.err));

    // The same batch id imports cleanly once the path is writable, so no batch was left behind.
    const Run retried = service(import + QStringList{m_dir->filePath(u"rejects.csv"_s)});
    QCOMPARE(retried.exitCode, 0);
    QCOMPARE(retried.out.section(u'\n', 0, 0).trimmed(), batchId);
}

QTEST_GUILESS_MAIN(TestServiceCli)
#include "tst_servicecli.moc"
