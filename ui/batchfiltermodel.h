#pragma once

#include <QSortFilterProxyModel>

namespace Dialdeck {

// Sorts the batch list by each column's natural value and filters it by the
// filter box's text (matched against name, status and owner); archived
// batches are hidden unless showArchived is set.
class BatchFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit BatchFilterModel(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    void setShowArchived(bool show);
    bool showArchived() const { return m_showArchived; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_filterText;
    bool m_showArchived = false;
};

} // namespace Dialdeck
