#include "batchfiltermodel.h"

#include "batchlistmodel.h"
#include "core/statuses.h"

namespace Dialdeck {

BatchFilterModel::BatchFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(BatchListModel::SortRole);
    setDynamicSortFilter(true);
}

void BatchFilterModel::setFilterText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_filterText)
        return;
    m_filterText = trimmed;
    invalidateRowsFilter();
}

void BatchFilterModel::setShowArchived(bool show)
{
    if (show == m_showArchived)
        return;
    m_showArchived = show;
    invalidateRowsFilter();
}

bool BatchFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    const QModelIndex nameIndex = source->index(sourceRow, BatchListModel::NameColumn, sourceParent);

    const auto status = BatchStatus(nameIndex.data(BatchListModel::StatusRole).toInt());
    if (status == BatchStatus::Archived && !m_showArchived)
        return false;

    if (m_filterText.isEmpty())
        return true;

    for (int column : {BatchListModel::NameColumn, BatchListModel::StatusColumn, BatchListModel::OwnerColumn}) {
        const QString text = source->index(sourceRow, column, sourceParent).data().toString();
        if (text.contains(m_filterText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace Dialdeck
