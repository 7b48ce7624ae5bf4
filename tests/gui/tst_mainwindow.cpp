#include "batchfiltermodel.h"
#include "batchlistmodel.h"
#include "batchlistpanel.h"
#include "batchsetuppanel.h"
#include "importdialog.h"
#include "mainwindow.h"
#include "monitor/exportdialog.h"
#include "phoneeditdialog.h"
#include "rotationpanel.h"
#include "statustext.h"
#include "store/batchrepository.h"
#include "store/connection.h"

#include <QAction>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeEdit>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Wall-clock limit for a whole batch run in the tests, in ms.
constexpr int RunTimeoutMs = 90000;

QString contactsFile()
{
    return qEnvironmentVariable("DIALDECK_TEST_DATA") + u"/google-contacts.csv"_s;
}

qint64 queryCount(const QString &storePath, const QString &sql, const QString &batchId)
{
    Result<Connection> connection = Connection::openSqlite(storePath, u"test"_s, Connection::Mode::ReadOnly);
    if (!connection)
        return -1;
    QSqlQuery query(connection->database());
    query.prepare(sql);
    query.addBindValue(batchId);
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void importPreviewListsRejectedRows();
    void invalidWindowKeepsStartDisabled();
    void runCompletesAndMatchesStore();
    void pauseAndResumeMidBatch();
    void stopAsksForConfirmation();
    void duplicateCopiesCalls();
    void renameAndArchiveBatch();

private:
    std::unique_ptr<MainWindow> openWindow(double clockSpeed);
    QString importContacts(MainWindow &window);
    void addCallerNumber(MainWindow &window, const QString &number);
    void pickAllCallerNumbers(MainWindow &window);
    QString prepareBatch(MainWindow &window);
    // The stored spelling of the selected batch's status, so failures print it.
    QString currentStatus(const MainWindow &window) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"DialdeckTest"_s);
    QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
}

void TestMainWindow::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);
}

void TestMainWindow::cleanup()
{
    m_dir.reset();
}

std::unique_ptr<MainWindow> TestMainWindow::openWindow(double clockSpeed)
{
    ConsoleOptions options;
    options.storePath = m_storePath;
    options.clockSpeed = clockSpeed;
    auto window = std::make_unique<MainWindow>(options);
    window->show();
    return window;
}

QString TestMainWindow::currentStatus(const MainWindow &window) const
{
    const std::optional<Batch> batch = window.currentBatch();
    return batch ? toString(batch->status) : QString();
}

QString TestMainWindow::importContacts(MainWindow &window)
{
    const QString file = contactsFile();
    window.dialogSeams().chooseOpenFile = [file](QWidget *, const QString &, const QString &,
                                                 DialogSeams::FileDone done) { done(file); };

    window.findChild<QAction *>(u"importAction"_s)->trigger();
    ImportDialog *dialog = window.findChild<ImportDialog *>(u"importDialog"_s);
    if (!dialog)
        return QString();
    if (!QTest::qWaitFor([dialog] { return dialog->preview().has_value(); }, 20000))
        return QString();

    auto *importButton = dialog->findChild<QPushButton *>(u"importButton"_s);
    if (!importButton || !importButton->isEnabled())
        return QString();

    QString batchId;
    connect(dialog, &ImportDialog::imported, this, [&batchId](const QString &id) { batchId = id; });
    QTest::mouseClick(importButton, Qt::LeftButton);
    if (!QTest::qWaitFor([&batchId] { return !batchId.isEmpty(); }, 20000))
        return QString();
    if (!QTest::qWaitFor([&window, &batchId] { return window.currentBatchId() == batchId; }, 10000))
        return QString();
    return batchId;
}

void TestMainWindow::addCallerNumber(MainWindow &window, const QString &number)
{
    auto *panel = window.findChild<RotationPanel *>(u"rotationPanel"_s);
    QTest::mouseClick(panel->findChild<QPushButton *>(u"addCallerButton"_s), Qt::LeftButton);
    PhoneEditDialog *dialog = panel->phoneEditDialog();
    QVERIFY(dialog);

    auto *numberEdit = dialog->findChild<QLineEdit *>(u"phoneNumberEdit"_s);
    QTest::keyClicks(numberEdit, number);
    auto *buttons = dialog->findChild<QDialogButtonBox *>(u"phoneEditButtons"_s);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    QVERIFY2(ok->isEnabled(), qPrintable(dialog->problem()));
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY(!panel->phoneEditDialog());
}

void TestMainWindow::pickAllCallerNumbers(MainWindow &window)
{
    auto *picker = window.findChild<QListWidget *>(u"rotationPicker"_s);
    for (int i = 0; i < picker->count(); ++i)
        picker->item(i)->setCheckState(Qt::Checked);
}

QString TestMainWindow::prepareBatch(MainWindow &window)
{
    const QString batchId = importContacts(window);
    if (batchId.isEmpty())
        return QString();
    addCallerNumber(window, u"+12125550100"_s);
    addCallerNumber(window, u"+14155550100"_s);
    pickAllCallerNumbers(window);

    // The demo list has callees in many zones; an all-day window lets the test run at any hour.
    window.findChild<QTimeEdit *>(u"windowStartEdit"_s)->setTime(QTime(0, 0));
    window.findChild<QTimeEdit *>(u"windowEndEdit"_s)->setTime(QTime(23, 59));
    for (const char16_t *day : {u"Mon", u"Tue", u"Wed", u"Thu", u"Fri", u"Sat", u"Sun"}) {
        window.findChild<QCheckBox *>(u"day"_s + QString::fromUtf16(day) + u"Check"_s)->setChecked(true);
    }
    return batchId;
}

void TestMainWindow::importPreviewListsRejectedRows()
{
    auto window = openWindow(0.0);
    const QString file = contactsFile();
    window->dialogSeams().chooseOpenFile = [file](QWidget *, const QString &, const QString &,
                                                  DialogSeams::FileDone done) { done(file); };

    window->findChild<QAction *>(u"importAction"_s)->trigger();
    auto *dialog = window->findChild<ImportDialog *>(u"importDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->preview().has_value(), 20000);

    const ImportPreview preview = *dialog->preview();
    QVERIFY(!dialog->findChild<QLabel *>(u"importFormatLabel"_s)->text().isEmpty());

    auto *rows = dialog->findChild<QTableWidget *>(u"importPreviewTable"_s);
    QCOMPARE(rows->rowCount(), qMin<qsizetype>(preview.acceptedRows, ImportDialog::PreviewRowLimit));
    QStringList numbers;
    for (int row = 0; row < rows->rowCount(); ++row)
        numbers.append(rows->item(row, 3)->text());
    QVERIFY2(numbers.contains(u"+12125550142"_s), qPrintable(numbers.join(u", ")));
    QVERIFY(!rows->item(0, 4)->text().isEmpty());

    auto *rejected = dialog->findChild<QTableWidget *>(u"importRejectedTable"_s);
    QVERIFY(rejected->rowCount() > 0);
    QCOMPARE(rejected->rowCount(), preview.rejected.size());
    QStringList rejectedValues;
    for (int row = 0; row < rejected->rowCount(); ++row) {
        QVERIFY(rejected->item(row, 0)->text().toInt() > 1);
        QVERIFY(!rejected->item(row, 2)->text().isEmpty());
        rejectedValues.append(rejected->item(row, 1)->text());
    }
    QVERIFY2(rejectedValues.contains(u"N/A"_s), qPrintable(rejectedValues.join(u" | ")));
    QVERIFY2(rejectedValues.contains(u"4.15555E+09"_s), qPrintable(rejectedValues.join(u" | ")));

    // Nothing is stored before Import is clicked.
    QCOMPARE(window->batchList()->model()->rowCount(), 0);

    QString batchId;
    connect(dialog, &ImportDialog::imported, this, [&batchId](const QString &id) { batchId = id; });
    // The dialog deletes itself once the import is stored.
    QPointer<QLabel> summary = dialog->findChild<QLabel *>(u"importSummaryLabel"_s);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"importButton"_s), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(!batchId.isEmpty(), qPrintable(summary ? summary->text() : QString()), 20000);
    QTRY_COMPARE(window->batchList()->model()->rowCount(), 1);
    QCOMPARE(queryCount(m_storePath, u"SELECT COUNT(*) FROM calls WHERE batch_id = ?"_s, batchId),
             preview.acceptedRows);
}

void TestMainWindow::invalidWindowKeepsStartDisabled()
{
    auto window = openWindow(0.0);
    QTRY_VERIFY(window->isEngineOpen());
    QVERIFY(!prepareBatch(*window).isEmpty());

    auto *startAction = window->findChild<QAction *>(u"startAction"_s);
    auto *reason = window->findChild<QLabel *>(u"startBlockedReason"_s);
    QTRY_VERIFY2(startAction->isEnabled(), qPrintable(reason->text()));
    QVERIFY(reason->text().isEmpty());

    window->findChild<QTimeEdit *>(u"windowStartEdit"_s)->setTime(QTime(21, 0));
    window->findChild<QTimeEdit *>(u"windowEndEdit"_s)->setTime(QTime(8, 0));

    QVERIFY(!startAction->isEnabled());
    QVERIFY(reason->isVisible());
    QVERIFY2(reason->text().contains(u"21:00"_s), qPrintable(reason->text()));
    auto *windowProblem = window->findChild<QLabel *>(u"windowProblem"_s);
    QVERIFY(windowProblem->isVisible());
    QVERIFY(!windowProblem->text().isEmpty());
    QVERIFY(!window->findChild<QPushButton *>(u"saveConfigButton"_s)->isEnabled());

    // Triggering the shortcut anyway must not start anything.
    startAction->trigger();
    QTest::qWait(200);
    QCOMPARE(currentStatus(*window), toString(BatchStatus::Draft));

    window->findChild<QTimeEdit *>(u"windowStartEdit"_s)->setTime(QTime(0, 0));
    window->findChild<QTimeEdit *>(u"windowEndEdit"_s)->setTime(QTime(23, 59));
    QVERIFY(startAction->isEnabled());
    QVERIFY(!windowProblem->isVisible());
}

void TestMainWindow::runCompletesAndMatchesStore()
{
    auto window = openWindow(0.0);
    QTRY_VERIFY(window->isEngineOpen());
    const QString batchId = prepareBatch(*window);
    QVERIFY(!batchId.isEmpty());

    auto *startAction = window->findChild<QAction *>(u"startAction"_s);
    QTRY_VERIFY2(startAction->isEnabled(), qPrintable(window->startBlockedReason()));
    startAction->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(currentStatus(*window), toString(BatchStatus::Completed), RunTimeoutMs);
    QTRY_COMPARE(window->findChild<QLabel *>(u"runStateLabel"_s)->text(),
                 StatusText::runState(BatchStatus::Completed, nullptr));

    // Every dashboard tile shows the store's count for its status.
    Result<Connection> connection = Connection::openSqlite(m_storePath, u"check"_s, Connection::Mode::ReadOnly);
    QVERIFY(connection);
    Result<QHash<CallStatus, qint64>> counts = BatchRepository(connection->database()).countCallsByStatus(batchId);
    QVERIFY(counts);
    for (int i = 0; i < CallStatusCount; ++i) {
        const auto status = CallStatus(i);
        auto *tile = window->findChild<QWidget *>(u"tile_"_s + toString(status));
        QVERIFY2(tile, qPrintable(toString(status)));
        auto *count = tile->findChild<QLabel *>(u"count"_s);
        QTRY_COMPARE(count->text(), QString::number(counts->value(status)));
    }
    const qint64 calls = queryCount(m_storePath, u"SELECT COUNT(*) FROM calls WHERE batch_id = ?"_s, batchId);
    QVERIFY(calls > 0);
    QCOMPARE(queryCount(m_storePath,
                        u"SELECT COUNT(*) FROM calls WHERE batch_id = ? AND status IN ('pending', "
                        "'waiting_for_window', 'dialing', 'ringing', 'in_progress')"_s,
                        batchId),
             0);

    // Export the calls report: one row per call and a header.
    const QString reportPath = m_dir->filePath(u"report.csv"_s);
    window->findChild<QAction *>(u"exportAction"_s)->trigger();
    ExportDialog *exportDialog = window->exportDialog();
    QVERIFY(exportDialog);
    exportDialog->setKind(ReportKind::Calls);
    exportDialog->setOutputPath(reportPath);
    exportDialog->startExport();
    QTRY_VERIFY_WITH_TIMEOUT(!exportDialog->isRunning() && exportDialog->lastOutcome().rows > 0, 20000);
    QCOMPARE(exportDialog->lastOutcome().rows, calls);

    QFile report(reportPath);
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = report.readAll().split('\n');
    qint64 nonEmpty = 0;
    for (const QByteArray &line : lines) {
        if (!line.trimmed().isEmpty())
            ++nonEmpty;
    }
    // No exported field of the test list contains a line break, so each record is one line.
    QCOMPARE(nonEmpty, calls + 1);
}

void TestMainWindow::pauseAndResumeMidBatch()
{
    // A clock 20 times real time leaves several seconds of wall time to pause in.
    auto window = openWindow(20.0);
    QTRY_VERIFY(window->isEngineOpen());
    const QString batchId = prepareBatch(*window);
    QVERIFY(!batchId.isEmpty());
    window->findChild<QSpinBox *>(u"concurrentCallsSpin"_s)->setValue(2);

    auto *startAction = window->findChild<QAction *>(u"startAction"_s);
    QTRY_VERIFY2(startAction->isEnabled(), qPrintable(window->startBlockedReason()));
    startAction->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(currentStatus(*window), toString(BatchStatus::Running), 20000);

    auto *pauseAction = window->findChild<QAction *>(u"pauseAction"_s);
    QTRY_VERIFY(pauseAction->isEnabled());
    pauseAction->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(currentStatus(*window), toString(BatchStatus::Paused), 20000);
    QVERIFY(window->findChild<QLabel *>(u"runStateLabel"_s)->text().startsWith(
        StatusText::batchStatus(BatchStatus::Paused)));
    QVERIFY(!window->findChild<QAction *>(u"startAction"_s)->isEnabled());

    // Once calls in flight have drained, a paused batch places no new attempts.
    const QString attemptsSql = u"SELECT COUNT(*) FROM attempts WHERE batch_id = ?"_s;
    QTRY_COMPARE_WITH_TIMEOUT(queryCount(m_storePath,
                                         u"SELECT COUNT(*) FROM attempts WHERE batch_id = ? AND state <> 'ended'"_s,
                                         batchId),
                              0, 30000);
    const qint64 attemptsWhilePaused = queryCount(m_storePath, attemptsSql, batchId);
    QTest::qWait(1500);
    QCOMPARE(queryCount(m_storePath, attemptsSql, batchId), attemptsWhilePaused);
    QVERIFY(queryCount(m_storePath, u"SELECT COUNT(*) FROM calls WHERE batch_id = ? AND status = 'pending'"_s,
                       batchId)
            > 0);

    auto *resumeAction = window->findChild<QAction *>(u"resumeAction"_s);
    QVERIFY(resumeAction->isEnabled());
    resumeAction->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(currentStatus(*window) == toString(BatchStatus::Running)
                                 || currentStatus(*window) == toString(BatchStatus::Completed),
                             20000);
    // Retry delays are minutes of engine time, so the test checks that dialing continues rather
    // than waiting for the last retry.
    QTRY_VERIFY_WITH_TIMEOUT(queryCount(m_storePath, attemptsSql, batchId) > attemptsWhilePaused, 30000);
}

void TestMainWindow::stopAsksForConfirmation()
{
    auto window = openWindow(5.0);
    QTRY_VERIFY(window->isEngineOpen());
    QVERIFY(!prepareBatch(*window).isEmpty());

    QList<bool> answers = {false, true};
    int questions = 0;
    window->dialogSeams().confirm = [&answers, &questions](QWidget *, const QString &, const QString &,
                                                           DialogSeams::ConfirmDone done) {
        ++questions;
        done(answers.takeFirst());
    };

    auto *startAction = window->findChild<QAction *>(u"startAction"_s);
    QTRY_VERIFY2(startAction->isEnabled(), qPrintable(window->startBlockedReason()));
    startAction->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(currentStatus(*window), toString(BatchStatus::Running), 20000);

    auto *stopAction = window->findChild<QAction *>(u"stopAction"_s);
    QTRY_VERIFY(stopAction->isEnabled());
    QCOMPARE(stopAction->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Period));
    stopAction->trigger();
    QCOMPARE(questions, 1);
    QTest::qWait(300);
    QCOMPARE(currentStatus(*window), toString(BatchStatus::Running));

    stopAction->trigger();
    QCOMPARE(questions, 2);
    QTRY_COMPARE_WITH_TIMEOUT(currentStatus(*window), toString(BatchStatus::Stopped), 20000);
    QVERIFY(!window->findChild<QAction *>(u"resumeAction"_s)->isEnabled());
}

void TestMainWindow::duplicateCopiesCalls()
{
    auto window = openWindow(0.0);
    const QString batchId = importContacts(*window);
    QVERIFY(!batchId.isEmpty());

    window->findChild<QAction *>(u"duplicateBatchAction"_s)->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(window->batchList()->model()->rowCount(), 2, 20000);
    QTRY_VERIFY(!window->currentBatchId().isEmpty() && window->currentBatchId() != batchId);

    const QString copyId = window->currentBatchId();
    const QString countSql = u"SELECT COUNT(*) FROM calls WHERE batch_id = ?"_s;
    QCOMPARE(queryCount(m_storePath, countSql, copyId), queryCount(m_storePath, countSql, batchId));
    QCOMPARE(toString(window->currentBatch()->status), toString(BatchStatus::Draft));
    QVERIFY(window->currentBatch()->name.endsWith(u"(copy)"_s));
}

void TestMainWindow::renameAndArchiveBatch()
{
    auto window = openWindow(0.0);
    const QString batchId = importContacts(*window);
    QVERIFY(!batchId.isEmpty());

    BatchListModel *model = window->batchList()->model();
    const QModelIndex name = model->index(model->rowOf(batchId), BatchListModel::NameColumn);
    QVERIFY(model->setData(name, u"Spring renewals"_s));
    QCOMPARE(window->currentBatch()->name, u"Spring renewals"_s);

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"check"_s, Connection::Mode::ReadOnly);
    QVERIFY(connection);
    Result<std::optional<Batch>> stored = BatchRepository(connection->database()).find(batchId);
    QVERIFY(stored && stored->has_value());
    QCOMPARE((*stored)->name, u"Spring renewals"_s);

    auto *archive = window->findChild<QAction *>(u"archiveBatchAction"_s);
    QVERIFY(archive->isEnabled());
    archive->trigger();
    QTRY_COMPARE(window->batchList()->filterModel()->rowCount(), 0);
    QTRY_VERIFY(window->currentBatchId().isEmpty());

    window->findChild<QCheckBox *>(u"showArchivedCheck"_s)->setChecked(true);
    QCOMPARE(window->batchList()->filterModel()->rowCount(), 1);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
