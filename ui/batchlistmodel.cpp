#include "batchlistmodel.h"

#include "dialer/progresssnapshot.h"
#include "statustext.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/sqlsupport.h"

#include <QLocale>
#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Result<void> addCallCounts(QSqlDatabase db, QHash<QString, BatchRow *> &rowsById)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT batch_id, status, COUNT(*) FROM calls GROUP BY batch_id, status"_s);
    if (Result<void> done = execQuery(query, BatchListModel::tr("Counting the calls of each batch")); !done)
        return done;

    while (query.next()) {
        BatchRow *row = rowsById.value(query.value(0).toString());
        if (!row)
            continue;
        const qint64 count = query.value(2).toLongLong();
        row->totalCalls += count;
        const std::optional<CallStatus> status = callStatusFromString(query.value(1).toString());
        if (status && isFinal(*status))
            row->finishedCalls += count;
    }
    return {};
}

Result<void> addAnsweredCounts(QSqlDatabase db, QHash<QString, BatchRow *> &rowsById)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT batch_id, COUNT(*) FROM attempts WHERE outcome = 'answered' GROUP BY batch_id"_s);
    if (Result<void> done = execQuery(query, BatchListModel::tr("Counting the answered calls of each batch")); !done)
        return done;

    while (query.next()) {
        if (BatchRow *row = rowsById.value(query.value(0).toString()))
            row->answeredCalls = query.value(1).toLongLong();
    }
    return {};
}

Result<QHash<QString, QString>> loadUserNames(QSqlDatabase db)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT id, name FROM users"_s);
    if (Result<void> done = execQuery(query, BatchListModel::tr("Reading the users")); !done)
        return done.error();

    QHash<QString, QString> names;
    while (query.next())
        names.insert(query.value(0).toString(), query.value(1).toString());
    return names;
}

} // namespace

BatchListModel::BatchListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

Result<QList<BatchRow>> BatchListModel::load(const QString &storePath)
{
    Result<Connection> connection = Connection::openSqlite(storePath, u"batchlist"_s,
                                                           Connection::Mode::ReadOnly);
    if (!connection)
        return connection.error();
    QSqlDatabase db = connection->database();

    Result<QList<Batch>> batches = BatchRepository(db).list();
    if (!batches)
        return batches.error();
    Result<QHash<QString, QString>> userNames = loadUserNames(db);
    if (!userNames)
        return userNames.error();

    QList<BatchRow> rows;
    rows.reserve(batches->size());
    for (const Batch &batch : std::as_const(*batches))
        rows.append(BatchRow{batch, userNames->value(batch.ownerUserId), 0, 0, 0});

    QHash<QString, BatchRow *> rowsById;
    for (BatchRow &row : rows)
        rowsById.insert(row.batch.id, &row);
    if (Result<void> done = addCallCounts(db, rowsById); !done)
        return done.error();
    if (Result<void> done = addAnsweredCounts(db, rowsById); !done)
        return done.error();
    return rows;
}

void BatchListModel::setRows(QList<BatchRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void BatchListModel::applySnapshot(const ProgressSnapshot &snapshot)
{
    for (const BatchProgress &progress : snapshot.batches) {
        const int index = rowOf(progress.batchId);
        if (index < 0)
            continue;

        BatchRow &row = m_rows[index];
        row.batch.status = progress.status;
        row.batch.statusReason = progress.statusReason;
        row.totalCalls = progress.totalCalls;
        row.finishedCalls = progress.finishedCalls;
        row.answeredCalls = progress.answeredAttempts;
        Q_EMIT dataChanged(this->index(index, StatusColumn), this->index(index, AnsweredColumn));
    }
}

void BatchListModel::setStatus(const QString &batchId, BatchStatus status)
{
    const int index = rowOf(batchId);
    if (index < 0)
        return;
    m_rows[index].batch.status = status;
    Q_EMIT dataChanged(this->index(index, StatusColumn), this->index(index, StatusColumn));
}

std::optional<BatchRow> BatchListModel::row(const QString &batchId) const
{
    const int index = rowOf(batchId);
    if (index < 0)
        return std::nullopt;
    return m_rows.at(index);
}

int BatchListModel::rowOf(const QString &batchId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).batch.id == batchId)
            return i;
    }
    return -1;
}

int BatchListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int BatchListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BatchListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};

    const BatchRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(row, index.column());
    case Qt::EditRole:
        return index.column() == NameColumn ? QVariant(row.batch.name) : displayValue(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !row.batch.statusReason.isEmpty())
            return row.batch.statusReason;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= ProgressColumn && index.column() <= AnsweredColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        return sortValue(row, index.column());
    case BatchIdRole:
        return row.batch.id;
    case StatusRole:
        return int(row.batch.status);
    default:
        return {};
    }
}

QVariant BatchListModel::displayValue(const BatchRow &row, int column) const
{
    const QLocale locale;
    switch (column) {
    case NameColumn:
        return row.batch.name;
    case StatusColumn:
        return StatusText::batchStatus(row.batch.status);
    case ProgressColumn: {
        const int percent = row.totalCalls > 0 ? int(100 * row.finishedCalls / row.totalCalls) : 0;
        return tr("%1 %").arg(percent);
    }
    case CallsColumn:
        return locale.toString(row.totalCalls);
    case AnsweredColumn:
        return locale.toString(row.answeredCalls);
    case CreatedColumn:
        return locale.toString(row.batch.createdAt.toLocalTime(), QLocale::ShortFormat);
    case OwnerColumn:
        return row.ownerName;
    default:
        return {};
    }
}

QVariant BatchListModel::sortValue(const BatchRow &row, int column) const
{
    switch (column) {
    case NameColumn:
        return row.batch.name.toCaseFolded();
    case StatusColumn:
        return int(row.batch.status);
    case ProgressColumn:
        return row.totalCalls > 0 ? double(row.finishedCalls) / double(row.totalCalls) : 0.0;
    case CallsColumn:
        return row.totalCalls;
    case AnsweredColumn:
        return row.answeredCalls;
    case CreatedColumn:
        return row.batch.createdAt.toMSecsSinceEpoch();
    case OwnerColumn:
        return row.ownerName.toCaseFolded();
    default:
        return {};
    }
}

bool BatchListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || role != Qt::EditRole || index.column() != NameColumn)
        return false;

    const QString name = value.toString().trimmed();
    BatchRow &row = m_rows[index.row()];
    if (name.isEmpty() || name == row.batch.name)
        return false;

    row.batch.name = name;
    Q_EMIT dataChanged(index, index);
    Q_EMIT renameRequested(row.batch.id, name);
    return true;
}

QVariant BatchListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};

    switch (section) {
    case NameColumn:
        return tr("Name");
    case StatusColumn:
        return tr("Status");
    case ProgressColumn:
        return tr("Progress");
    case CallsColumn:
        return tr("Calls");
    case AnsweredColumn:
        return tr("Answered");
    case CreatedColumn:
        return tr("Created");
    case OwnerColumn:
        return tr("Owner");
    default:
        return {};
    }
}

Qt::ItemFlags BatchListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == NameColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

} // namespace Dialdeck
