#include "batchlistpanel.h"

#include "batchfiltermodel.h"
#include "batchlistmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

BatchListPanel::BatchListPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"batchListPanel"_s);

    m_model = new BatchListModel(this);
    m_filter = new BatchFilterModel(this);
    m_filter->setSourceModel(m_model);

    m_filterEdit = new QLineEdit;
    m_filterEdit->setObjectName(u"batchFilterEdit"_s);
    m_filterEdit->setPlaceholderText(tr("Filter by name, status or owner"));
    m_filterEdit->setAccessibleName(tr("Batch filter"));
    m_filterEdit->setClearButtonEnabled(true);
    m_showArchived = new QCheckBox(tr("Show &archived"));
    m_showArchived->setObjectName(u"showArchivedCheck"_s);

    m_table = new QTableView;
    m_table->setObjectName(u"batchTable"_s);
    m_table->setAccessibleName(tr("Batches"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(BatchListModel::CreatedColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    m_rename = new QAction(tr("&Rename Batch"), this);
    m_rename->setObjectName(u"renameBatchAction"_s);
    m_rename->setShortcut(QKeySequence(Qt::Key_F2));
    m_rename->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_duplicate = new QAction(tr("&Duplicate Batch"), this);
    m_duplicate->setObjectName(u"duplicateBatchAction"_s);
    m_archive = new QAction(tr("Arc&hive Batch"), this);
    m_archive->setObjectName(u"archiveBatchAction"_s);
    m_table->addActions({m_rename, m_duplicate, m_archive});
    addAction(m_rename);

    auto *buttons = new QHBoxLayout;
    for (QAction *action : {m_rename, m_duplicate, m_archive}) {
        auto *button = new QToolButton;
        button->setObjectName(action->objectName() + u"Button"_s);
        button->setDefaultAction(action);
        buttons->addWidget(button);
    }
    buttons->addStretch();

    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_showArchived);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filterRow);
    layout->addWidget(m_table);
    layout->addLayout(buttons);

    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &BatchFilterModel::setFilterText);
    connect(m_showArchived, &QCheckBox::toggled, m_filter, &BatchFilterModel::setShowArchived);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &BatchListPanel::onCurrentChanged);
    // QTableView::selectRow() moves the current index before it selects the
    // row, so the batch only counts as current once the selection follows.
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &BatchListPanel::onCurrentChanged);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &BatchListPanel::onCurrentChanged);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &BatchListPanel::onCurrentChanged);
    connect(m_rename, &QAction::triggered, this, &BatchListPanel::startRename);
    connect(m_duplicate, &QAction::triggered, this, [this] {
        if (!currentBatchId().isEmpty())
            Q_EMIT duplicateRequested(currentBatchId());
    });
    connect(m_archive, &QAction::triggered, this, [this] {
        if (!currentBatchId().isEmpty())
            Q_EMIT archiveRequested(currentBatchId());
    });

    setTabOrder(m_filterEdit, m_showArchived);
    setTabOrder(m_showArchived, m_table);
    onCurrentChanged();
}

void BatchListPanel::setRows(QList<BatchRow> rows)
{
    const QString previous = m_currentId;
    m_replacingRows = true;
    m_model->setRows(std::move(rows));
    selectBatch(previous);
    m_replacingRows = false;
    onCurrentChanged();
}

QString BatchListPanel::currentBatchId() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), current.parent()))
        return QString();
    return current.data(BatchListModel::BatchIdRole).toString();
}

bool BatchListPanel::selectBatch(const QString &batchId)
{
    const int sourceRow = m_model->rowOf(batchId);
    if (sourceRow < 0)
        return false;
    const QModelIndex index = m_filter->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid())
        return false;

    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    return true;
}

void BatchListPanel::setArchiveAllowed(bool allowed)
{
    m_archiveAllowed = allowed;
    m_archive->setEnabled(allowed && !currentBatchId().isEmpty());
}

QByteArray BatchListPanel::saveState() const
{
    return m_table->horizontalHeader()->saveState();
}

void BatchListPanel::restoreState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_table->horizontalHeader()->restoreState(state);
}

void BatchListPanel::onCurrentChanged()
{
    if (m_replacingRows)
        return;

    const QString id = currentBatchId();
    const bool selected = !id.isEmpty();
    m_rename->setEnabled(selected);
    m_duplicate->setEnabled(selected);
    m_archive->setEnabled(selected && m_archiveAllowed);

    if (id == m_currentId)
        return;
    m_currentId = id;
    Q_EMIT currentBatchChanged(id);
}

void BatchListPanel::startRename()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const QModelIndex nameIndex = current.siblingAtColumn(BatchListModel::NameColumn);
    m_table->setFocus();
    m_table->setCurrentIndex(nameIndex);
    m_table->edit(nameIndex);
}

} // namespace Dialdeck
