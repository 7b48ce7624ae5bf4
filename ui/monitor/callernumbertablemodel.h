#pragma once

#include "dialer/progresssnapshot.h"

#include <QAbstractTableModel>

namespace Dialdeck {

// The caller numbers of a batch run, one row each, with their live figures.
// update() changes cells in place and signals only the cells that changed.
class CallerNumberTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NumberColumn,
        LabelColumn,
        CallsTodayColumn,
        AnswerRateColumn,
        LastUsedColumn,
        StateColumn,
        ColumnCount,
    };

    using QAbstractTableModel::QAbstractTableModel;

    // Takes the caller numbers of one snapshot; nowMs is the engine clock.
    void update(const QList<CallerNumberProgress> &callers, qint64 nowMs);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString cellText(int row, int column) const;

    QList<CallerNumberProgress> m_callers;
    qint64 m_nowMs = 0;
};

} // namespace Dialdeck
