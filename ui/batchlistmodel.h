#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QAbstractTableModel>
#include <QList>

namespace Dialdeck {

struct ProgressSnapshot;

// One line of the batch list: the batch and the figures shown beside it.
struct BatchRow
{
    Batch batch;
    QString ownerName;
    qint64 totalCalls = 0;
    // Calls in a final status (see isFinal(CallStatus)).
    qint64 finishedCalls = 0;
    // Attempts that ended answered.
    qint64 answeredCalls = 0;
};

// The batches of the store, one row each, for the batch list. Rows come from
// load() (run it on a worker thread) and live figures from applySnapshot().
// The name column is editable; an edit emits renameRequested() and the
// caller saves it.
class BatchListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        ProgressColumn,
        CallsColumn,
        AnsweredColumn,
        CreatedColumn,
        OwnerColumn,
        ColumnCount,
    };

    // Role with a value that sorts naturally (numbers, times) for each column.
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int BatchIdRole = Qt::UserRole + 2;
    static constexpr int StatusRole = Qt::UserRole + 3;

    explicit BatchListModel(QObject *parent = nullptr);

    // Reads every batch with its call figures through its own connection to
    // the store at `storePath`, so it may run on any thread.
    static Result<QList<BatchRow>> load(const QString &storePath);

    void setRows(QList<BatchRow> rows);
    void applySnapshot(const ProgressSnapshot &snapshot);
    void setStatus(const QString &batchId, BatchStatus status);

    std::optional<BatchRow> row(const QString &batchId) const;
    int rowOf(const QString &batchId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

Q_SIGNALS:
    void renameRequested(const QString &batchId, const QString &name);

private:
    QVariant displayValue(const BatchRow &row, int column) const;
    QVariant sortValue(const BatchRow &row, int column) const;

    QList<BatchRow> m_rows;
};

} // namespace Dialdeck
