#include "monitor/attempthistorydialog.h"
#include "monitor/calllogmodel.h"
#include "monitor/calllogview.h"
#include "monitorteststore.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int CallCount = 3000;
constexpr int TimeoutMs = 20000;

} // namespace

class TestCallLogView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsBatchCalls();
    void statusFilterNarrowsRows();
    void callerAndZoneChoicesFilled();
    void searchAppliesAfterTyping();
    void enterOpensAttemptHistory();
    void attemptHistoryOfCallWithoutAttempts();
    void attemptHistoryOfMissingCall();

private:
    qint64 count(const QString &where);

    MonitorTestStore m_store;
    CallLogView *m_view = nullptr;
};

void TestCallLogView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    const QString error = m_store.create(CallCount);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestCallLogView::init()
{
    m_view = new CallLogView;
    m_view->resize(1200, 600);
    m_view->setStorePath(m_store.path());
    m_view->setBatch(m_store.batchId());
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->isReady(), TimeoutMs);
}

void TestCallLogView::cleanup()
{
    delete m_view;
    m_view = nullptr;
}

qint64 TestCallLogView::count(const QString &where)
{
    QSqlQuery query(m_store.database());
    query.prepare(u"SELECT COUNT(*) FROM calls WHERE batch_id = ? AND "_s + where);
    query.addBindValue(m_store.batchId());
    if (!query.exec() || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

void TestCallLogView::showsBatchCalls()
{
    auto *table = m_view->findChild<QTableView *>(u"callLogTable"_s);
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), CallCount);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->isRowLoaded(0), TimeoutMs);
    QCOMPARE(table->model()->index(0, CallLogModel::NameColumn).data().toString(),
             u"Contact Smith 0"_s);
    QCOMPARE(m_view->findChild<QLabel *>(u"callLogStatus"_s)->text(), u"Calls matching: 3000"_s);
}

void TestCallLogView::statusFilterNarrowsRows()
{
    auto *status = m_view->findChild<QComboBox *>(u"callLogStatusFilter"_s);
    QVERIFY(status);
    const int busy = status->findData(u"busy"_s);
    QVERIFY(busy > 0);

    status->setCurrentIndex(busy);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), int(count(u"status = 'busy'"_s)), TimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->isRowLoaded(0), TimeoutMs);
    QCOMPARE(m_view->model()->index(0, CallLogModel::StatusColumn).data().toString(), u"Busy"_s);

    status->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), CallCount, TimeoutMs);
}

void TestCallLogView::callerAndZoneChoicesFilled()
{
    auto *callers = m_view->findChild<QComboBox *>(u"callLogCallerFilter"_s);
    auto *zones = m_view->findChild<QComboBox *>(u"callLogZoneFilter"_s);
    QVERIFY(callers);
    QVERIFY(zones);
    QTRY_COMPARE_WITH_TIMEOUT(callers->count(), 3, TimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(zones->count(), 5, TimeoutMs);

    zones->setCurrentIndex(zones->findData(u"America/Denver"_s));
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(),
                              int(count(u"time_zones LIKE '%America/Denver%'"_s)), TimeoutMs);
    // Refilling the choices after the refresh keeps the chosen zone.
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->isReady(), TimeoutMs);
    QCOMPARE(zones->currentData().toString(), u"America/Denver"_s);
}

void TestCallLogView::searchAppliesAfterTyping()
{
    auto *search = m_view->findChild<QLineEdit *>(u"callLogSearch"_s);
    QVERIFY(search);

    QTest::keyClicks(search, u"Smith"_s);
    // The query waits for a pause in typing.
    QCOMPARE(m_view->model()->filter().text, QString());
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->filter().text, u"Smith"_s, TimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_view->model()->rowCount(), int(count(u"name LIKE '%Smith%'"_s)),
                              TimeoutMs);
}

void TestCallLogView::enterOpensAttemptHistory()
{
    auto *table = m_view->findChild<QTableView *>(u"callLogTable"_s);
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->isRowLoaded(3), TimeoutMs);
    // Row 3 is the fourth generated call, which has two attempts.
    const qint64 callId = m_view->model()->callIdAt(3).value_or(-1);

    QSignalSpy opened(m_view, &CallLogView::attemptHistoryOpened);
    table->setFocus();
    table->setCurrentIndex(table->model()->index(3, CallLogModel::NameColumn));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.constFirst().at(0).toLongLong(), callId);

    AttemptHistoryDialog *dialog = m_view->attemptHistoryDialog();
    QVERIFY(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isLoaded(), TimeoutMs);

    auto *attempts = dialog->findChild<QTableWidget *>(u"attemptHistoryTable"_s);
    QVERIFY(attempts);
    QCOMPARE(attempts->rowCount(), 2);
    QCOMPARE(attempts->item(0, AttemptHistoryDialog::NumberColumn)->text(), u"1"_s);
    // The generated attempts start 2 h and 1 h before 2026-03-02 15:00 UTC;
    // row 3 lists America/Chicago first, UTC-6 before DST starts on March 8.
    QCOMPARE(attempts->item(0, AttemptHistoryDialog::StartedUtcColumn)->text(),
             u"2026-03-02 13:00:00 UTC"_s);
    QCOMPARE(attempts->item(0, AttemptHistoryDialog::StartedLocalColumn)->text(),
             u"2026-03-02 07:00:00 CST"_s);
    QCOMPARE(attempts->item(1, AttemptHistoryDialog::TalkSecondsColumn)->text(), u"6"_s);
    QCOMPARE(attempts->item(1, AttemptHistoryDialog::OutcomeColumn)->text(), u"No answer"_s);
    QCOMPARE(attempts->item(1, AttemptHistoryDialog::HangupCauseColumn)->text(),
             u"NORMAL_CLEARING"_s);
    QVERIFY(attempts->item(1, AttemptHistoryDialog::AllowedRuleColumn)->text().startsWith(u"window"_s));
    QVERIFY(!attempts->item(1, AttemptHistoryDialog::CallerColumn)->text().isEmpty());
}

void TestCallLogView::attemptHistoryOfCallWithoutAttempts()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->isRowLoaded(1), TimeoutMs);
    const qint64 callId = m_view->model()->callIdAt(1).value_or(-1);

    AttemptHistoryDialog dialog(m_store.path(), callId);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isLoaded(), TimeoutMs);
    QCOMPARE(dialog.findChild<QTableWidget *>(u"attemptHistoryTable"_s)->rowCount(), 0);
    QVERIFY(dialog.findChild<QLabel *>(u"attemptHistorySummary"_s)->text().contains(u"attempts: 0"_s));
}

void TestCallLogView::attemptHistoryOfMissingCall()
{
    AttemptHistoryDialog dialog(m_store.path(), 987654321);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isLoaded(), TimeoutMs);
    const QString summary = dialog.findChild<QLabel *>(u"attemptHistorySummary"_s)->text();
    QVERIFY2(summary.contains(u"987654321"_s) && summary.contains(u"not found"_s), qPrintable(summary));
}

QTEST_MAIN(TestCallLogView)
#include "tst_calllogview.moc"
