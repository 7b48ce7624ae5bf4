#include "callernumbertablemodel.h"

#include "monitortext.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

void CallerNumberTableModel::update(const QList<CallerNumberProgress> &callers, qint64 nowMs)
{
    const int oldCount = int(m_callers.size());
    const int newCount = int(callers.size());

    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_callers.resize(newCount);
        endRemoveRows();
    }

    // Texts before the change, to signal only cells that differ.
    QList<QStringList> before;
    before.reserve(std::min(oldCount, newCount));
    for (int row = 0; row < std::min(oldCount, newCount); ++row) {
        QStringList texts;
        for (int column = 0; column < ColumnCount; ++column)
            texts << cellText(row, column);
        before << texts;
    }

    if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        m_callers = callers;
        m_nowMs = nowMs;
        endInsertRows();
    } else {
        m_callers = callers;
        m_nowMs = nowMs;
    }

    for (int row = 0; row < before.size(); ++row) {
        for (int column = 0; column < ColumnCount; ++column) {
            if (cellText(row, column) != before.at(row).at(column))
                Q_EMIT dataChanged(index(row, column), index(row, column));
        }
    }
}

void CallerNumberTableModel::clear()
{
    if (m_callers.isEmpty())
        return;

    beginResetModel();
    m_callers.clear();
    endResetModel();
}

int CallerNumberTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_callers.size());
}

int CallerNumberTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallerNumberTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    if (role == Qt::DisplayRole)
        return cellText(index.row(), index.column());
    if (role == Qt::TextAlignmentRole && (index.column() == CallsTodayColumn
                                          || index.column() == AnswerRateColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QString CallerNumberTableModel::cellText(int row, int column) const
{
    const CallerNumberProgress &caller = m_callers.at(row);

    switch (column) {
    case NumberColumn:
        return caller.e164;
    case LabelColumn:
        return caller.label;
    case CallsTodayColumn:
        return QString::number(caller.callsToday);
    case AnswerRateColumn:
        if (caller.ended == 0)
            return u"–"_s;
        return u"%1 %"_s.arg(100.0 * caller.answered / caller.ended, 0, 'f', 1);
    case LastUsedColumn:
        if (caller.lastUsedMs < 0)
            return tr("never");
        return tr("%1 ago").arg(MonitorText::duration(m_nowMs - caller.lastUsedMs));
    case StateColumn:
        if (caller.capReached)
            return tr("Cap reached");
        if (caller.inCall)
            return tr("In call");
        if (caller.resting)
            return tr("Resting");
        return tr("Ready");
    default:
        return {};
    }
}

QVariant CallerNumberTableModel::headerData(int section, Qt::Orientation orientation,
                                            int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case NumberColumn:
        return tr("Caller number");
    case LabelColumn:
        return tr("Label");
    case CallsTodayColumn:
        return tr("Calls today");
    case AnswerRateColumn:
        return tr("Answer rate");
    case LastUsedColumn:
        return tr("Last used");
    case StateColumn:
        return tr("State");
    default:
        return {};
    }
}

} // namespace Dialdeck
