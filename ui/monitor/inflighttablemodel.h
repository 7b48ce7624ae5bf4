#pragma once

#include "dialer/progresssnapshot.h"

#include <QAbstractTableModel>

namespace Dialdeck {

// The calls being dialed, ringing or talking, oldest first. update() keeps
// rows in place, adds or removes rows only at the end and signals only the
// cells whose text changed, so the table does not flicker.
class InFlightTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        CallIdColumn,
        NumberColumn,
        CallerColumn,
        StatusColumn,
        AttemptColumn,
        DurationColumn,
        ColumnCount,
    };

    using QAbstractTableModel::QAbstractTableModel;

    // Takes the in-flight calls of one snapshot; nowMs is the engine clock.
    void update(const QList<InFlightCall> &calls, qint64 nowMs);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString cellText(const InFlightCall &call, int column, qint64 nowMs) const;

    QList<InFlightCall> m_calls;
    qint64 m_nowMs = 0;
};

} // namespace Dialdeck
