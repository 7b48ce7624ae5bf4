#include "calllogmodel.h"

#include "core/domain.h"
#include "core/logging.h"
#include "monitortext.h"

#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QTimeZone>

#include <limits>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr int PageSize = CallLogReader::PageSize;

int pageOf(int row)
{
    return row / PageSize;
}

// QTimeZone construction parses the zone database, so the few zones a batch
// uses are built once per thread and kept.
QTimeZone cachedZone(const QByteArray &ianaId)
{
    thread_local QHash<QByteArray, QTimeZone> zones;
    auto found = zones.constFind(ianaId);
    if (found != zones.constEnd())
        return *found;
    return *zones.insert(ianaId, QTimeZone(ianaId));
}

} // namespace

CallLogModel::CallLogModel(QObject *parent) : QAbstractTableModel(parent)
{
    qRegisterMetaType<CallLogRow>();
    qRegisterMetaType<QList<CallLogRow>>();
    qRegisterMetaType<CallLogQuery>();

    m_thread.setObjectName(u"calllog-reader"_s);
    m_reader = new CallLogReader;
    m_reader->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_reader, &QObject::deleteLater);

    connect(m_reader, &CallLogReader::openFinished, this, &CallLogModel::onOpenFinished);
    connect(m_reader, &CallLogReader::counted, this, &CallLogModel::onCounted);
    connect(m_reader, &CallLogReader::keysReady, this, &CallLogModel::onKeysReady);
    connect(m_reader, &CallLogReader::pageFetched, this, &CallLogModel::onPageFetched);
    connect(m_reader, &CallLogReader::failed, this, &CallLogModel::onFailed);
    connect(m_reader, &CallLogReader::filterChoicesReady, this,
            [this](const QString &batchId, const QStringList &callers, const QStringList &zones) {
                if (batchId == m_query.batchId)
                    Q_EMIT filterChoicesChanged(callers, zones);
            });

    m_thread.start();
}

CallLogModel::~CallLogModel()
{
    // Skips every queued request, so the reader thread ends after the query
    // it is running now.
    m_reader->announceGeneration(std::numeric_limits<quint64>::max());
    m_thread.quit();
    m_thread.wait();
}

void CallLogModel::open(const QString &storePath)
{
    m_storePath = storePath;
    QMetaObject::invokeMethod(
        m_reader, [reader = m_reader, storePath] { reader->open(storePath); },
        Qt::QueuedConnection);
    refresh();
}

void CallLogModel::setBatch(const QString &batchId)
{
    if (batchId == m_query.batchId)
        return;

    m_query.batchId = batchId;
    refresh();
}

void CallLogModel::setFilter(const CallLogFilter &filter)
{
    if (filter == m_query.filter)
        return;

    m_query.filter = filter;
    refresh();
}

void CallLogModel::sort(int column, Qt::SortOrder order)
{
    const int sortColumn = column >= 0 && column < ColumnCount ? column : -1;
    if (sortColumn == m_query.sortColumn && order == m_query.sortOrder)
        return;

    m_query.sortColumn = sortColumn;
    m_query.sortOrder = order;
    refresh();
}

void CallLogModel::refresh()
{
    ++m_generation;
    m_reader->announceGeneration(m_generation);

    beginResetModel();
    m_rowCount = 0;
    m_ready = false;
    m_pages.clear();
    m_requested.clear();
    endResetModel();

    if (m_storePath.isEmpty() || m_query.batchId.isEmpty())
        return;

    const quint64 generation = m_generation;
    const CallLogQuery query = m_query;
    QMetaObject::invokeMethod(
        m_reader,
        [reader = m_reader, generation, query] {
            reader->prepare(generation, query);
            reader->loadFilterChoices(query.batchId);
        },
        Qt::QueuedConnection);
}

void CallLogModel::reloadCachedPages()
{
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
        if (!m_requested.contains(it.key()))
            requestPage(it.key());
    }
}

void CallLogModel::reloadCachedRows(int first, int last)
{
    if (first < 0 || last < first)
        return;

    for (int page = pageOf(first); page <= pageOf(last); ++page) {
        if (m_pages.contains(page) && !m_requested.contains(page))
            requestPage(page);
    }
}

std::optional<qint64> CallLogModel::callIdAt(int row) const
{
    const CallLogRow *callRow = rowAt(row);
    if (!callRow)
        return std::nullopt;
    return callRow->id;
}

bool CallLogModel::isRowLoaded(int row) const
{
    return rowAt(row) != nullptr;
}

const CallLogRow *CallLogModel::rowAt(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return nullptr;

    auto page = m_pages.find(pageOf(row));
    if (page == m_pages.end())
        return nullptr;

    const int offset = row % PageSize;
    if (offset >= page->rows.size())
        return nullptr;

    page->lastUse = ++m_useCounter;
    return &page->rows.at(offset);
}

void CallLogModel::requestPage(int page) const
{
    m_requested.insert(page);

    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        m_reader, [reader = m_reader, generation, page] { reader->fetchPage(generation, page); },
        Qt::QueuedConnection);
}

void CallLogModel::evictPages()
{
    while (m_pages.size() > MaxCachedPages) {
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it) {
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        }
        m_pages.erase(oldest);
    }
}

int CallLogModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    // QAbstractItemModel counts rows in int; a batch beyond 2^31 - 1 calls
    // shows its first 2^31 - 1.
    return int(std::min<qint64>(m_rowCount, std::numeric_limits<int>::max()));
}

int CallLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CallLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};

    const CallLogRow *row = rowAt(index.row());
    if (role == LoadedRole)
        return row != nullptr;

    if (!row) {
        const int page = pageOf(index.row());
        if (!m_requested.contains(page))
            requestPage(page);
        if (role == Qt::DisplayRole && index.column() == NameColumn)
            return tr("Loading…");
        if (role == Qt::ForegroundRole)
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    }

    switch (role) {
    case Qt::DisplayRole:
        return displayValue(*row, index.column());
    case CallIdRole:
        return row->id;
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && !row->skipReason.isEmpty())
            return row->skipReason;
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == IdColumn || index.column() == AttemptsColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant CallLogModel::displayValue(const CallLogRow &row, int column) const
{
    switch (column) {
    case IdColumn:
        return row.id;
    case NameColumn:
        return row.name;
    case E164Column:
        return row.e164;
    case ZonesColumn:
        return joinTimeZones(row.timeZones).replace(u'&', u", "_s);
    case StatusColumn:
        return MonitorText::callStatus(row.status);
    case AttemptsColumn:
        return row.attemptCount;
    case LastCallerColumn:
        return row.lastCallerE164;
    case LastOutcomeColumn:
        return MonitorText::outcome(row.lastOutcome);
    case NextDueUtcColumn:
        return row.nextDueMs < 0 ? QString() : MonitorText::utcDateTime(row.nextDueMs);
    case NextDueLocalColumn:
        if (row.nextDueMs < 0 || row.timeZones.isEmpty())
            return QString();
        return MonitorText::dateTime(row.nextDueMs, cachedZone(row.timeZones.constFirst()));
    default:
        return {};
    }
}

QVariant CallLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);

    switch (section) {
    case IdColumn:
        return tr("Call ID");
    case NameColumn:
        return tr("Name");
    case E164Column:
        return tr("Number (E.164)");
    case ZonesColumn:
        return tr("Time zones");
    case StatusColumn:
        return tr("Status");
    case AttemptsColumn:
        return tr("Attempts");
    case LastCallerColumn:
        return tr("Last caller number");
    case LastOutcomeColumn:
        return tr("Last outcome");
    case NextDueUtcColumn:
        return tr("Next due (UTC)");
    case NextDueLocalColumn:
        return tr("Next due (callee time)");
    default:
        return {};
    }
}

void CallLogModel::onOpenFinished(const QString &errorMessage)
{
    if (errorMessage.isEmpty())
        return;
    Q_EMIT openFailed(errorMessage);
}

void CallLogModel::onCounted(quint64 generation, qint64 count)
{
    if (generation != m_generation || count <= 0)
        return;

    beginInsertRows({}, 0, int(std::min<qint64>(count, std::numeric_limits<int>::max())) - 1);
    m_rowCount = count;
    endInsertRows();
}

void CallLogModel::onKeysReady(quint64 generation, qint64 count)
{
    if (generation != m_generation)
        return;

    // Calls changed status between the count and the id query; the ids win.
    if (count != m_rowCount) {
        beginResetModel();
        m_rowCount = count;
        m_pages.clear();
        m_requested.clear();
        endResetModel();
    }

    m_ready = true;
    Q_EMIT ready(count);
}

void CallLogModel::onPageFetched(quint64 generation, int page, const QList<CallLogRow> &rows)
{
    if (generation != m_generation)
        return;

    m_requested.remove(page);
    if (rows.isEmpty())
        return;

    m_pages.insert(page, Page{rows, ++m_useCounter});
    evictPages();

    const int first = page * PageSize;
    const int last = std::min(first + int(rows.size()), rowCount()) - 1;
    if (last >= first)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    Q_EMIT pageLoaded(page);
}

void CallLogModel::onFailed(quint64 generation, const QString &message)
{
    if (generation != m_generation)
        return;

    // Pages that failed are requested again the next time the view reads them.
    m_requested.clear();
    qCWarning(lcUi) << "Call log:" << message;
    Q_EMIT loadFailed(message);
}

} // namespace Dialdeck
