#pragma once

#include "core/statuses.h"
#include "dialer/progresssnapshot.h"

#include <QWidget>

#include <array>

class QAbstractItemModel;
class QGroupBox;
class QLabel;
class QProgressBar;
class QSplitter;
class QTableView;

namespace Dialdeck {

class CallerNumberTableModel;
class InFlightTableModel;
class ProgressChartView;

// Live view of one batch run: a tile per call status, overall progress with
// an ETA, a chart of dial rate and answer rate, the caller numbers and the
// calls in flight. Snapshots arrive several times a second, so every update
// changes labels and model cells in place; no widget is created per snapshot.
class DashboardWidget final : public QWidget
{
    Q_OBJECT

public:
    explicit DashboardWidget(QWidget *parent = nullptr);
    ~DashboardWidget() override;

    // Shows `batchId` from the next snapshot on and clears the previous
    // batch's figures and chart history.
    void setBatch(const QString &batchId);
    QString batchId() const { return m_batchId; }

public Q_SLOTS:
    // Shows the figures of the selected batch; a snapshot without it is ignored.
    void applySnapshot(const Dialdeck::ProgressSnapshot &snapshot);

private:
    QWidget *createTiles();
    QWidget *createProgressRow();
    QTableView *createTable(QAbstractItemModel *model, const QString &objectName,
                            const QString &accessibleName);
    void clearFigures();
    void updateTiles(const BatchProgress &progress);
    void updateProgress(const BatchProgress &progress);
    void saveViewState() const;
    void restoreViewState();

    QString m_batchId;
    std::array<QLabel *, CallStatusCount> m_tileCounts{};
    QProgressBar *m_overallProgress = nullptr;
    QLabel *m_etaLabel = nullptr;
    QLabel *m_nextWindowLabel = nullptr;
    QLabel *m_rateLabel = nullptr;
    ProgressChartView *m_chart = nullptr;
    CallerNumberTableModel *m_callerModel = nullptr;
    InFlightTableModel *m_inFlightModel = nullptr;
    QTableView *m_callerTable = nullptr;
    QTableView *m_inFlightTable = nullptr;
    QSplitter *m_splitter = nullptr;
};

} // namespace Dialdeck
