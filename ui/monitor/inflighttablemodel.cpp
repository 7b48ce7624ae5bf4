#include "inflighttablemodel.h"

#include "monitortext.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

void InFlightTableModel::update(const QList<InFlightCall> &calls, qint64 nowMs)
{
    const int oldCount = int(m_calls.size());
    const int newCount = int(calls.size());

    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_calls.resize(newCount);
        endRemoveRows();
    }

    // Compares the rows that stay, before and after, cell by cell.
    const int keptRows = std::min(oldCount, newCount);
    QList<bool> changed(qsizetype(keptRows) * ColumnCount, false);
    for (int row = 0; row < keptRows; ++row) {
        for (int column = 0; column < ColumnCount; ++column) {
            changed[row * ColumnCount + column] = cellText(m_calls.at(row), column, m_nowMs)
                                                  != cellText(calls.at(row), column, nowMs);
        }
    }

    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        m_calls = calls;
        m_nowMs = nowMs;
        endInsertRows();
    } else {
        m_calls = calls;
        m_nowMs = nowMs;
    }

    for (int row = 0; row < keptRows; ++row) {
        for (int column = 0; column < ColumnCount; ++column) {
            if (changed.at(row * ColumnCount + column))
                Q_EMIT dataChanged(index(row, column), index(row, column));
        }
    }
}

void InFlightTableModel::clear()
{
    if (m_calls.isEmpty())
        return;

    beginResetModel();
    m_calls.clear();
    endResetModel();
}

int InFlightTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_calls.size());
}

int InFlightTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant InFlightTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    if (role == Qt::DisplayRole)
        return cellText(m_calls.at(index.row()), index.column(), m_nowMs);
    return {};
}

QString InFlightTableModel::cellText(const InFlightCall &call, int column, qint64 nowMs) const
{
    switch (column) {
    case CallIdColumn:
        return QString::number(call.callId);
    case NumberColumn:
        return call.e164;
    case CallerColumn:
        return call.callerE164;
    case StatusColumn:
        return MonitorText::callStatus(call.status);
    case AttemptColumn:
        return QString::number(call.attemptNumber);
    case DurationColumn:
        return MonitorText::duration(nowMs - call.sinceMs);
    default:
        return {};
    }
}

QVariant InFlightTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case CallIdColumn:
        return tr("Call ID");
    case NumberColumn:
        return tr("Number");
    case CallerColumn:
        return tr("Caller number");
    case StatusColumn:
        return tr("Status");
    case AttemptColumn:
        return tr("Attempt");
    case DurationColumn:
        return tr("For");
    default:
        return {};
    }
}

} // namespace Dialdeck
