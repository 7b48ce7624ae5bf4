#include "monitor/callernumbertablemodel.h"
#include "monitor/dashboardwidget.h"
#include "monitor/inflighttablemodel.h"
#include "monitor/progresschartview.h"

#include <QGroupBox>
#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString BatchId = u"0123456789abcdef01234567"_s;
// 2026-03-02 15:00 UTC.
constexpr qint64 NowMs = 1772463600000;

BatchProgress makeProgress()
{
    BatchProgress progress;
    progress.batchId = BatchId;
    progress.name = u"Spring campaign"_s;
    progress.status = BatchStatus::Running;
    progress.nowMs = NowMs;
    for (int i = 0; i < CallStatusCount; ++i)
        progress.counts[std::size_t(i)] = 10 * (i + 1);
    progress.totalCalls = 1000;
    progress.finishedCalls = 250;
    progress.callsPerMinute = 42.0;
    progress.answerRate = 0.5;
    progress.etaMs = NowMs + 90 * 60 * 1000;

    CallerNumberProgress first;
    first.phoneId = u"a"_s;
    first.e164 = u"+12125550100"_s;
    first.label = u"Line 1"_s;
    first.callsToday = 12;
    first.answered = 3;
    first.ended = 6;
    first.lastUsedMs = NowMs - 65000;
    CallerNumberProgress second = first;
    second.phoneId = u"b"_s;
    second.e164 = u"+13125550111"_s;
    second.label = u"Line 2"_s;
    second.resting = true;
    progress.callerNumbers = {first, second};

    for (int i = 0; i < 3; ++i) {
        InFlightCall call;
        call.callId = 100 + i;
        call.attemptId = 500 + i;
        call.e164 = u"+1555000010%1"_s.arg(i);
        call.callerE164 = first.e164;
        call.status = CallStatus::Ringing;
        call.sinceMs = NowMs - 5000;
        progress.inFlight << call;
    }
    progress.inFlightCount = 3;
    return progress;
}

ProgressSnapshot snapshotOf(const BatchProgress &progress)
{
    ProgressSnapshot snapshot;
    snapshot.takenAtMs = progress.nowMs;
    snapshot.batches = {progress};
    return snapshot;
}

QLabel *tileCount(const DashboardWidget &dashboard, CallStatus status)
{
    auto *tile = dashboard.findChild<QGroupBox *>(u"tile_"_s + toString(status));
    return tile ? tile->findChild<QLabel *>() : nullptr;
}

} // namespace

class TestDashboardWidget : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void tilesShowEachStatusCount();
    void snapshotOfOtherBatchIgnored();
    void progressBarAndEta();
    void updateKeepsWidgetsAndSignalsChangedCells();
    void inFlightRowsGrowAndShrinkWithoutReset();
    void setBatchClearsFigures();
    void chartThrottlesPoints();
    void chartDropsOldPoints();
};

void TestDashboardWidget::tilesShowEachStatusCount()
{
    DashboardWidget dashboard;
    dashboard.setBatch(BatchId);
    dashboard.applySnapshot(snapshotOf(makeProgress()));

    for (int i = 0; i < CallStatusCount; ++i) {
        QLabel *count = tileCount(dashboard, CallStatus(i));
        QVERIFY2(count, qPrintable(toString(CallStatus(i))));
        QCOMPARE(count->text(), QString::number(10 * (i + 1)));
    }
    QVERIFY(dashboard.findChild<QGroupBox *>(u"tile_no_answer"_s));
    QVERIFY(dashboard.findChild<QGroupBox *>(u"tile_waiting_for_window"_s));
}

void TestDashboardWidget::snapshotOfOtherBatchIgnored()
{
    DashboardWidget dashboard;
    dashboard.setBatch(BatchId);

    BatchProgress other = makeProgress();
    other.batchId = u"ffffffffffffffffffffffff"_s;
    dashboard.applySnapshot(snapshotOf(other));

    QCOMPARE(tileCount(dashboard, CallStatus::Pending)->text(), u"0"_s);
    QCOMPARE(dashboard.findChild<QProgressBar *>(u"overallProgress"_s)->value(), 0);
}

void TestDashboardWidget::progressBarAndEta()
{
    DashboardWidget dashboard;
    dashboard.setBatch(BatchId);
    dashboard.applySnapshot(snapshotOf(makeProgress()));

    auto *bar = dashboard.findChild<QProgressBar *>(u"overallProgress"_s);
    QVERIFY(bar);
    QCOMPARE(bar->value(), bar->maximum() / 4);
    QVERIFY2(bar->format().contains(u"250"_s), qPrintable(bar->format()));

    auto *eta = dashboard.findChild<QLabel *>(u"etaLabel"_s);
    QVERIFY(eta);
    QVERIFY2(eta->text().contains(u"2026-03-02 16:30:00"_s), qPrintable(eta->text()));
    QVERIFY2(eta->text().contains(u"1:30:00"_s), qPrintable(eta->text()));

    BatchProgress finished = makeProgress();
    finished.finishedCalls = finished.totalCalls;
    finished.finishedAtMs = NowMs;
    dashboard.applySnapshot(snapshotOf(finished));
    QCOMPARE(bar->value(), bar->maximum());
    QVERIFY2(eta->text().contains(u"Finished"_s), qPrintable(eta->text()));
}

void TestDashboardWidget::updateKeepsWidgetsAndSignalsChangedCells()
{
    DashboardWidget dashboard;
    dashboard.setBatch(BatchId);
    BatchProgress progress = makeProgress();
    dashboard.applySnapshot(snapshotOf(progress));

    QLabel *pendingCount = tileCount(dashboard, CallStatus::Pending);
    const int childCount = int(dashboard.findChildren<QWidget *>().size());
    auto *callerTable = dashboard.findChild<QTableView *>(u"callerNumberTable"_s);
    QVERIFY(callerTable);
    QAbstractItemModel *callers = callerTable->model();
    QCOMPARE(callers->rowCount(), 2);

    QSignalSpy changed(callers, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(callers, &QAbstractItemModel::modelReset);
    progress.callerNumbers[1].callsToday = 13;
    progress.counts[0] = 7;
    dashboard.applySnapshot(snapshotOf(progress));

    QCOMPARE(tileCount(dashboard, CallStatus::Pending), pendingCount);
    QCOMPARE(pendingCount->text(), u"7"_s);
    QCOMPARE(int(dashboard.findChildren<QWidget *>().size()), childCount);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    const auto cell = changed.constFirst().at(0).value<QModelIndex>();
    QCOMPARE(cell.row(), 1);
    QCOMPARE(cell.column(), int(CallerNumberTableModel::CallsTodayColumn));
    QCOMPARE(cell.data().toString(), u"13"_s);

    const QModelIndex state = callers->index(1, CallerNumberTableModel::StateColumn);
    QCOMPARE(state.data().toString(), u"Resting"_s);
    QCOMPARE(callers->index(0, CallerNumberTableModel::AnswerRateColumn).data().toString(),
             u"50.0 %"_s);
    QCOMPARE(callers->index(0, CallerNumberTableModel::LastUsedColumn).data().toString(),
             u"1:05 ago"_s);
}

void TestDashboardWidget::inFlightRowsGrowAndShrinkWithoutReset()
{
    DashboardWidget dashboard;
    dashboard.setBatch(BatchId);
    BatchProgress progress = makeProgress();
    dashboard.applySnapshot(snapshotOf(progress));

    auto *table = dashboard.findChild<QTableView *>(u"inFlightTable"_s);
    QVERIFY(table);
    QAbstractItemModel *calls = table->model();
    QCOMPARE(calls->rowCount(), 3);
    QCOMPARE(calls->index(0, InFlightTableModel::DurationColumn).data().toString(), u"0:05"_s);

    QSignalSpy inserted(calls, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(calls, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(calls, &QAbstractItemModel::modelReset);

    progress.inFlight.removeLast();
    dashboard.applySnapshot(snapshotOf(progress));
    QCOMPARE(calls->rowCount(), 2);
    QCOMPARE(removed.size(), 1);

    progress.inFlight << progress.inFlight.constFirst() << progress.inFlight.constFirst();
    progress.inFlight.last().callId = 999;
    dashboard.applySnapshot(snapshotOf(progress));
    QCOMPARE(calls->rowCount(), 4);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(calls->index(3, InFlightTableModel::CallIdColumn).data().toString(), u"999"_s);
    QCOMPARE(reset.size(), 0);
}

void TestDashboardWidget::setBatchClearsFigures()
{
    DashboardWidget dashboard;
    dashboard.setBatch(BatchId);
    dashboard.applySnapshot(snapshotOf(makeProgress()));
    QCOMPARE(dashboard.findChild<QTableView *>(u"callerNumberTable"_s)->model()->rowCount(), 2);

    dashboard.setBatch(u"ffffffffffffffffffffffff"_s);
    QCOMPARE(dashboard.batchId(), u"ffffffffffffffffffffffff"_s);
    QCOMPARE(tileCount(dashboard, CallStatus::Completed)->text(), u"0"_s);
    QCOMPARE(dashboard.findChild<QTableView *>(u"callerNumberTable"_s)->model()->rowCount(), 0);
    QCOMPARE(dashboard.findChild<QTableView *>(u"inFlightTable"_s)->model()->rowCount(), 0);
    QCOMPARE(dashboard.findChild<ProgressChartView *>()->pointCount(), 0);
}

void TestDashboardWidget::chartThrottlesPoints()
{
    ProgressChartView chart;
    chart.addSample(NowMs, 10, 0.5);
    QCOMPARE(chart.pointCount(), 1);

    // Less than an engine minute and a wall second later: no new point.
    chart.addSample(NowMs + 20000, 11, 0.5);
    QCOMPARE(chart.pointCount(), 1);

    // A full engine minute later: a new point at once.
    chart.addSample(NowMs + 60000, 12, 0.5);
    QCOMPARE(chart.pointCount(), 2);

    // A wall second later, although less than an engine minute passed.
    QTest::qWait(1050);
    chart.addSample(NowMs + 61000, 13, 0.5);
    QCOMPARE(chart.pointCount(), 3);

    // An engine clock that went backwards adds nothing.
    QTest::qWait(1050);
    chart.addSample(NowMs, 13, 0.5);
    QCOMPARE(chart.pointCount(), 3);
}

void TestDashboardWidget::chartDropsOldPoints()
{
    ProgressChartView chart;
    chart.setHistoryMs(10 * 60 * 1000);
    for (int minute = 0; minute <= 30; ++minute)
        chart.addSample(NowMs + qint64(minute) * 60000, minute, 0.25);

    // Minutes 20 to 30 are within ten minutes of the last point.
    QCOMPARE(chart.pointCount(), 11);
}

QTEST_MAIN(TestDashboardWidget)
#include "tst_dashboardwidget.moc"
