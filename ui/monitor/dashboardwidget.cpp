#include "dashboardwidget.h"

#include "callernumbertablemodel.h"
#include "inflighttablemodel.h"
#include "monitortext.h"
#include "progresschartview.h"

#include <QDateTime>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr int TileColumns = 6;
// The progress bar counts in thousandths, so a million-call batch still moves.
constexpr int ProgressSteps = 1000;
const QString SplitterStateKey = u"monitor/dashboardSplitterState"_s;

void setTextIfChanged(QLabel *label, const QString &text)
{
    if (label->text() != text)
        label->setText(text);
}

} // namespace

DashboardWidget::DashboardWidget(QWidget *parent) : QWidget(parent)
{
    setObjectName(u"dashboard"_s);

    m_chart = new ProgressChartView(this);
    m_callerModel = new CallerNumberTableModel(this);
    m_inFlightModel = new InFlightTableModel(this);
    m_callerTable = createTable(m_callerModel, u"callerNumberTable"_s, tr("Caller numbers"));
    m_inFlightTable = createTable(m_inFlightModel, u"inFlightTable"_s, tr("Calls in flight"));

    auto *callerBox = new QGroupBox(tr("Caller numbers"), this);
    auto *callerLayout = new QVBoxLayout(callerBox);
    callerLayout->addWidget(m_callerTable);
    auto *inFlightBox = new QGroupBox(tr("Calls in flight"), this);
    auto *inFlightLayout = new QVBoxLayout(inFlightBox);
    inFlightLayout->addWidget(m_inFlightTable);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(u"dashboardSplitter"_s);
    m_splitter->addWidget(m_chart);
    m_splitter->addWidget(callerBox);
    m_splitter->addWidget(inFlightBox);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createTiles());
    layout->addWidget(createProgressRow());
    layout->addWidget(m_splitter, 1);

    restoreViewState();
    clearFigures();
}

DashboardWidget::~DashboardWidget()
{
    saveViewState();
}

QWidget *DashboardWidget::createTiles()
{
    auto *tiles = new QWidget(this);
    auto *grid = new QGridLayout(tiles);
    grid->setContentsMargins(0, 0, 0, 0);

    for (int i = 0; i < CallStatusCount; ++i) {
        const auto status = CallStatus(i);
        auto *tile = new QGroupBox(MonitorText::callStatus(status), tiles);
        tile->setObjectName(u"tile_"_s + toString(status));
        tile->setAccessibleName(tr("%1 calls").arg(MonitorText::callStatus(status)));

        // The count is the tile's only QLabel, so tests and screen readers find it directly.
        auto *count = new QLabel(u"0"_s, tile);
        count->setObjectName(u"count"_s);
        count->setAlignment(Qt::AlignCenter);
        QFont font = count->font();
        font.setPointSizeF(font.pointSizeF() * 1.6);
        font.setBold(true);
        count->setFont(font);

        auto *tileLayout = new QVBoxLayout(tile);
        tileLayout->addWidget(count);
        grid->addWidget(tile, i / TileColumns, i % TileColumns);
        m_tileCounts[std::size_t(i)] = count;
    }
    return tiles;
}

QWidget *DashboardWidget::createProgressRow()
{
    auto *row = new QWidget(this);
    auto *layout = new QVBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);

    m_overallProgress = new QProgressBar(row);
    m_overallProgress->setObjectName(u"overallProgress"_s);
    m_overallProgress->setAccessibleName(tr("Overall progress"));
    m_overallProgress->setRange(0, ProgressSteps);

    m_etaLabel = new QLabel(row);
    m_etaLabel->setObjectName(u"etaLabel"_s);
    m_rateLabel = new QLabel(row);
    m_rateLabel->setObjectName(u"rateLabel"_s);
    m_nextWindowLabel = new QLabel(row);
    m_nextWindowLabel->setObjectName(u"nextWindowLabel"_s);

    auto *texts = new QHBoxLayout;
    texts->addWidget(m_etaLabel);
    texts->addStretch(1);
    texts->addWidget(m_rateLabel);
    texts->addStretch(1);
    texts->addWidget(m_nextWindowLabel);

    layout->addWidget(m_overallProgress);
    layout->addLayout(texts);
    return row;
}

QTableView *DashboardWidget::createTable(QAbstractItemModel *model, const QString &objectName,
                                         const QString &accessibleName)
{
    auto *table = new QTableView(this);
    table->setObjectName(objectName);
    table->setAccessibleName(accessibleName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

void DashboardWidget::setBatch(const QString &batchId)
{
    if (batchId == m_batchId)
        return;

    m_batchId = batchId;
    clearFigures();
}

void DashboardWidget::clearFigures()
{
    for (QLabel *count : m_tileCounts)
        setTextIfChanged(count, u"0"_s);
    m_overallProgress->setValue(0);
    m_overallProgress->setFormat(tr("No calls finished yet"));
    setTextIfChanged(m_etaLabel, m_batchId.isEmpty() ? tr("No batch selected.") : QString());
    setTextIfChanged(m_rateLabel, QString());
    setTextIfChanged(m_nextWindowLabel, QString());
    m_chart->clear();
    m_callerModel->clear();
    m_inFlightModel->clear();
}

void DashboardWidget::applySnapshot(const ProgressSnapshot &snapshot)
{
    const BatchProgress *progress = snapshot.find(m_batchId);
    if (!progress)
        return;

    updateTiles(*progress);
    updateProgress(*progress);
    m_chart->addSample(progress->nowMs, progress->callsPerMinute, progress->answerRate);
    m_callerModel->update(progress->callerNumbers, progress->nowMs);
    m_inFlightModel->update(progress->inFlight, progress->nowMs);
}

void DashboardWidget::updateTiles(const BatchProgress &progress)
{
    for (int i = 0; i < CallStatusCount; ++i)
        setTextIfChanged(m_tileCounts[std::size_t(i)], QString::number(progress.count(CallStatus(i))));
}

void DashboardWidget::updateProgress(const BatchProgress &progress)
{
    const int value = int(progress.progress() * ProgressSteps);
    if (m_overallProgress->value() != value)
        m_overallProgress->setValue(value);
    const QString format = tr("%1 of %2 calls finished (%3 %)")
                               .arg(progress.finishedCalls)
                               .arg(progress.totalCalls)
                               .arg(progress.progress() * 100.0, 0, 'f', 1);
    if (m_overallProgress->format() != format)
        m_overallProgress->setFormat(format);

    QString eta;
    if (progress.finishedAtMs >= 0)
        eta = tr("Finished at %1 UTC").arg(MonitorText::utcDateTime(progress.finishedAtMs));
    else if (progress.etaMs >= 0)
        eta = tr("ETA %1 UTC (in %2 of engine time)")
                  .arg(MonitorText::utcDateTime(progress.etaMs),
                       MonitorText::duration(progress.etaMs - progress.nowMs));
    else
        eta = tr("ETA unknown");
    setTextIfChanged(m_etaLabel, eta);

    setTextIfChanged(m_rateLabel, tr("%1 calls/min, answer rate %2 %, %3 in flight")
                                      .arg(progress.callsPerMinute, 0, 'f', 1)
                                      .arg(progress.answerRate * 100.0, 0, 'f', 1)
                                      .arg(progress.inFlightCount));

    const QString nextWindow =
        progress.nextWindowOpeningMs < 0
            ? QString()
            : tr("Calling window next opens %1 UTC")
                  .arg(MonitorText::utcDateTime(progress.nextWindowOpeningMs));
    setTextIfChanged(m_nextWindowLabel, nextWindow);
}

void DashboardWidget::saveViewState() const
{
    QSettings settings;
    settings.setValue(SplitterStateKey, m_splitter->saveState());
}

void DashboardWidget::restoreViewState()
{
    const QSettings settings;
    const QByteArray state = settings.value(SplitterStateKey).toByteArray();
    if (!state.isEmpty())
        m_splitter->restoreState(state);
}

} // namespace Dialdeck
