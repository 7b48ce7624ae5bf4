#pragma once

#include "calllogquery.h"
#include "calllogreader.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QThread>

#include <optional>

namespace Dialdeck {

// The calls of one batch as a table, for batches of a million calls and
// more. Rows are read in pages of CallLogReader::PageSize on a reader thread
// with its own read-only store connection. data() on a row whose page is not
// loaded yet returns a placeholder and requests the page, and dataChanged()
// follows when it arrives. At most MaxCachedPages pages stay in memory, the
// least recently used are dropped first.
//
// rowCount() is the result of a COUNT query run by refresh(), which also runs
// after every change of batch, filter or sort order. Rows are a snapshot of
// the ids matching at the last refresh: a call whose status changes later
// keeps its row (with the new status) until the next refresh.
class CallLogModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        IdColumn,
        NameColumn,
        E164Column,
        ZonesColumn,
        StatusColumn,
        AttemptsColumn,
        LastCallerColumn,
        LastOutcomeColumn,
        NextDueUtcColumn,
        NextDueLocalColumn,
        ColumnCount,
    };

    enum Role
    {
        // qint64 call id, or an invalid QVariant while the row is not loaded.
        CallIdRole = Qt::UserRole + 1,
        // bool: the row's page is in memory.
        LoadedRole,
    };

    static constexpr int MaxCachedPages = 64;

    explicit CallLogModel(QObject *parent = nullptr);
    ~CallLogModel() override;

    // Opens the store read-only on the reader thread; openFailed() reports errors.
    void open(const QString &storePath);
    QString storePath() const { return m_storePath; }

    void setBatch(const QString &batchId);
    QString batchId() const { return m_query.batchId; }
    void setFilter(const CallLogFilter &filter);
    CallLogFilter filter() const { return m_query.filter; }

    // Counts the matching calls again and drops every cached page.
    void refresh();
    // Reads the cached pages again to show status changes. Rows keep their
    // old text until the new page arrives, so nothing blinks.
    void reloadCachedPages();
    // Reads the cached pages that hold rows first..last again, as above.
    void reloadCachedRows(int first, int last);

    std::optional<qint64> callIdAt(int row) const;
    bool isRowLoaded(int row) const;
    // False between a refresh and the moment the reader has the row ids.
    bool isReady() const { return m_ready; }
    int cachedPageCount() const { return int(m_pages.size()); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void openFailed(const QString &message);
    // The reader has the ids of the current query; rows can be read.
    void ready(qint64 rowCount);
    void pageLoaded(int page);
    void loadFailed(const QString &message);
    void filterChoicesChanged(const QStringList &callerNumbers, const QStringList &timeZones);

private:
    struct Page
    {
        QList<CallLogRow> rows;
        quint64 lastUse = 0;
    };

    const CallLogRow *rowAt(int row) const;
    void requestPage(int page) const;
    void evictPages();
    QVariant displayValue(const CallLogRow &row, int column) const;

    void onOpenFinished(const QString &errorMessage);
    void onCounted(quint64 generation, qint64 count);
    void onKeysReady(quint64 generation, qint64 count);
    void onPageFetched(quint64 generation, int page, const QList<Dialdeck::CallLogRow> &rows);
    void onFailed(quint64 generation, const QString &message);

    QThread m_thread;
    CallLogReader *m_reader = nullptr;
    QString m_storePath;
    CallLogQuery m_query;
    quint64 m_generation = 0;
    qint64 m_rowCount = 0;
    bool m_ready = false;
    // Pages and requests change inside the const data(), as a cache does.
    mutable QHash<int, Page> m_pages;
    mutable QSet<int> m_requested;
    mutable quint64 m_useCounter = 0;
};

} // namespace Dialdeck
