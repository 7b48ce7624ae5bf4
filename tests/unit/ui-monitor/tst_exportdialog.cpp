#include "monitor/exportdialog.h"
#include "monitorteststore.h"

#include <QCheckBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

Q_DECLARE_METATYPE(Dialdeck::ReportKind)

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int CallCount = 20000;
constexpr int TimeoutMs = 60000;

int lineCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return int(file.readAll().count("\r\n"));
}

} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void exportsReport_data();
    void exportsReport();
    void browseUsesFileChooser();
    void cancelLeavesFileUntouched();
    void missingFolderReportsError();

private:
    qint64 scalar(const QString &sql);

    MonitorTestStore m_store;
    QTemporaryDir m_outputDir;
};

void TestExportDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_outputDir.isValid());
    const QString error = m_store.create(CallCount);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

qint64 TestExportDialog::scalar(const QString &sql)
{
    QSqlQuery query(m_store.database());
    query.prepare(sql);
    query.addBindValue(m_store.batchId());
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

void TestExportDialog::exportsReport_data()
{
    QTest::addColumn<ReportKind>("kind");
    QTest::addColumn<QString>("countSql");
    QTest::addColumn<bool>("openWhenDone");

    QTest::newRow("calls, opened") << ReportKind::Calls
                                   << u"SELECT COUNT(*) FROM calls WHERE batch_id = ?"_s << true;
    QTest::newRow("attempts, not opened")
        << ReportKind::Attempts << u"SELECT COUNT(*) FROM attempts WHERE batch_id = ?"_s << false;
}

void TestExportDialog::exportsReport()
{
    QFETCH(ReportKind, kind);
    QFETCH(QString, countSql);
    QFETCH(bool, openWhenDone);

    const QString path = m_outputDir.filePath(u"report-%1.csv"_s.arg(QLatin1StringView(QTest::currentDataTag())));
    ExportDialog dialog(m_store.path(), m_store.batchId(), u"Generated batch"_s);
    QStringList opened;
    dialog.setFileOpener([&opened](const QString &file) { opened << file; });
    dialog.setKind(kind);
    dialog.setOutputPath(path);
    dialog.findChild<QCheckBox *>(u"exportOpenWhenDone"_s)->setChecked(openWhenDone);

    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"exportStart"_s), Qt::LeftButton);
    QVERIFY(dialog.isRunning() || !finished.isEmpty());
    QVERIFY(finished.wait(TimeoutMs) || !finished.isEmpty());

    const ExportOutcome outcome = dialog.lastOutcome();
    QVERIFY2(outcome.ok(), qPrintable(outcome.errorMessage));
    const qint64 expected = scalar(countSql);
    QCOMPARE(outcome.rows, expected);
    QCOMPARE(lineCount(path), int(expected) + 1);
    QCOMPARE(opened, openWhenDone ? QStringList{path} : QStringList{});
    QVERIFY(dialog.findChild<QPushButton *>(u"exportStart"_s)->isEnabled());
    QVERIFY(!dialog.findChild<QPushButton *>(u"exportCancel"_s)->isEnabled());
}

void TestExportDialog::browseUsesFileChooser()
{
    ExportDialog dialog(m_store.path(), m_store.batchId(), u"Generated batch"_s);
    QString suggested;
    const QString chosen = m_outputDir.filePath(u"chosen.csv"_s);
    dialog.setFileChooser([&](QWidget *, const QString &suggestedPath, ExportDialog::FileDone done) {
        suggested = suggestedPath;
        done(chosen);
    });

    QTest::mouseClick(dialog.findChild<QPushButton *>(u"exportBrowse"_s), Qt::LeftButton);
    QVERIFY2(suggested.endsWith(u"-calls.csv"_s), qPrintable(suggested));
    QCOMPARE(dialog.outputPath(), chosen);

    // Cancelling the chooser keeps the path.
    dialog.setFileChooser([](QWidget *, const QString &, ExportDialog::FileDone done) { done({}); });
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"exportBrowse"_s), Qt::LeftButton);
    QCOMPARE(dialog.outputPath(), chosen);
}

void TestExportDialog::cancelLeavesFileUntouched()
{
    const QString path = m_outputDir.filePath(u"cancelled.csv"_s);
    {
        QFile previous(path);
        QVERIFY(previous.open(QIODevice::WriteOnly));
        previous.write("previous report\r\n");
    }

    ExportDialog dialog(m_store.path(), m_store.batchId(), u"Generated batch"_s);
    bool openerCalled = false;
    dialog.setFileOpener([&openerCalled](const QString &) { openerCalled = true; });
    dialog.findChild<QCheckBox *>(u"exportOpenWhenDone"_s)->setChecked(true);
    dialog.setOutputPath(path);

    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    dialog.startExport();
    // The request is set before the writer reaches its first check at 1000 rows.
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"exportCancel"_s), Qt::LeftButton);
    QVERIFY(finished.wait(TimeoutMs) || !finished.isEmpty());

    QVERIFY(dialog.lastOutcome().cancelled);
    QVERIFY(!openerCalled);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("previous report\r\n"));
}

void TestExportDialog::missingFolderReportsError()
{
    const QString path = m_outputDir.filePath(u"no-such-folder/report.csv"_s);
    ExportDialog dialog(m_store.path(), m_store.batchId(), u"Generated batch"_s);
    dialog.setOutputPath(path);

    QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
    dialog.startExport();
    QVERIFY(finished.wait(TimeoutMs) || !finished.isEmpty());

    const ExportOutcome outcome = dialog.lastOutcome();
    QVERIFY(!outcome.ok());
    QVERIFY(!outcome.cancelled);
    QVERIFY(!outcome.errorMessage.isEmpty());
    QVERIFY(!QFile::exists(path));
}

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
