#include "calllogreader.h"

#include "core/domain.h"
#include "core/logging.h"
#include "store/sqlsupport.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// How many ids are read between two checks for a newer generation.
constexpr int StaleCheckInterval = 16384;

QString pageSql(const QVector<qint64> &ids)
{
    QStringList idTexts;
    idTexts.reserve(ids.size());
    for (qint64 id : ids)
        idTexts << QString::number(id);

    // The ids come from the store as integers, so writing them into the
    // statement cannot inject SQL and avoids binding 256 values one by one.
    return uR"(SELECT c.id, c.name, c.e164, c.time_zones, c.status, c.attempt_count,
                      (SELECT a.caller_e164 FROM attempts a WHERE a.call_id = c.id
                       ORDER BY a.attempt_number DESC LIMIT 1),
                      c.last_outcome, c.next_due_at, c.skip_reason
               FROM calls c WHERE c.id IN ()"_s
        + idTexts.join(u',') + u')';
}

CallLogRow rowFromQuery(const QSqlQuery &query)
{
    CallLogRow row;
    row.id = query.value(0).toLongLong();
    row.name = query.value(1).toString();
    row.e164 = query.value(2).toString();
    row.timeZones = splitTimeZones(query.value(3).toString());
    row.status = callStatusFromString(query.value(4).toString()).value_or(CallStatus::Pending);
    row.attemptCount = query.value(5).toInt();
    row.lastCallerE164 = query.value(6).toString();
    row.lastOutcome = query.value(7).toString();
    row.nextDueMs = query.value(8).isNull() ? -1 : query.value(8).toLongLong();
    row.skipReason = query.value(9).toString();
    return row;
}

void bindAll(QSqlQuery &query, const QVariantList &values)
{
    for (const QVariant &value : values)
        query.addBindValue(value);
}

} // namespace

CallLogReader::CallLogReader(QObject *parent) : QObject(parent) {}

CallLogReader::~CallLogReader() = default;

void CallLogReader::open(const QString &storePath)
{
    m_connection.reset();
    m_keys.clear();
    m_keysGeneration = 0;

    Result<Connection> connection =
        Connection::openSqlite(storePath, u"calllog"_s, Connection::Mode::ReadOnly);
    if (!connection) {
        qCWarning(lcUi) << "Opening the call log store failed:" << connection.error().message;
        Q_EMIT openFinished(connection.error().message);
        return;
    }

    m_connection = std::make_unique<Connection>(std::move(connection).value());
    Q_EMIT openFinished({});
}

void CallLogReader::prepare(quint64 generation, const CallLogQuery &query)
{
    if (isStale(generation))
        return;
    if (!m_connection) {
        Q_EMIT failed(generation, tr("The call log has no store open; choose a store file first."));
        return;
    }

    QSqlQuery count(m_connection->database());
    count.prepare(u"SELECT COUNT(*) FROM calls c "_s + query.whereSql());
    bindAll(count, query.bindValues());
    const QString countOperation = tr("Counting the calls of batch %1").arg(query.batchId);
    if (Result<void> executed = execQuery(count, countOperation); !executed) {
        Q_EMIT failed(generation, executed.error().message);
        return;
    }
    if (!count.next()) {
        Q_EMIT failed(generation, storeError(countOperation, count.lastError()).message);
        return;
    }
    Q_EMIT counted(generation, count.value(0).toLongLong());

    if (readKeys(generation, query))
        Q_EMIT keysReady(generation, m_keys.size());
}

bool CallLogReader::readKeys(quint64 generation, const CallLogQuery &query)
{
    m_keys.clear();
    m_keysGeneration = 0;

    QSqlQuery select(m_connection->database());
    select.setForwardOnly(true);
    select.prepare(u"SELECT c.id FROM calls c "_s + query.whereSql() + u' ' + query.orderBySql());
    bindAll(select, query.bindValues());
    if (Result<void> executed = execQuery(select, tr("Reading the calls of batch %1").arg(query.batchId));
        !executed) {
        Q_EMIT failed(generation, executed.error().message);
        return false;
    }

    while (select.next()) {
        m_keys.append(select.value(0).toLongLong());
        if (m_keys.size() % StaleCheckInterval == 0 && isStale(generation)) {
            m_keys.clear();
            return false;
        }
    }

    m_keysGeneration = generation;
    return true;
}

void CallLogReader::fetchPage(quint64 generation, int page)
{
    if (isStale(generation) || generation != m_keysGeneration || !m_connection)
        return;

    const qsizetype first = qsizetype(page) * PageSize;
    if (page < 0 || first >= m_keys.size())
        return;

    const QVector<qint64> ids = m_keys.mid(first, PageSize);
    QSqlQuery select(m_connection->database());
    select.setForwardOnly(true);
    if (!select.exec(pageSql(ids))) {
        Q_EMIT failed(generation, storeError(tr("Reading call log page %1").arg(page),
                                             select.lastError()).message);
        return;
    }

    QHash<qint64, CallLogRow> byId;
    byId.reserve(ids.size());
    while (select.next()) {
        CallLogRow row = rowFromQuery(select);
        byId.insert(row.id, std::move(row));
    }

    // Rows keep the order of the id snapshot. A call deleted since the
    // refresh keeps its place with only its id, until the next refresh.
    QList<CallLogRow> rows;
    rows.reserve(ids.size());
    for (qint64 id : ids) {
        CallLogRow row = byId.value(id);
        row.id = id;
        rows.append(std::move(row));
    }
    Q_EMIT pageFetched(generation, page, rows);
}

void CallLogReader::loadFilterChoices(const QString &batchId)
{
    if (!m_connection)
        return;

    QSqlQuery query(m_connection->database());
    query.setForwardOnly(true);

    // Caller numbers the batch may use, plus any it used before a change of selection.
    QStringList callers;
    query.prepare(u"SELECT p.e164 FROM batch_phones bp JOIN phones p ON p.id = bp.phone_id "
                  "WHERE bp.batch_id = ? "
                  "UNION SELECT DISTINCT a.caller_e164 FROM attempts a WHERE a.batch_id = ?"_s);
    query.addBindValue(batchId);
    query.addBindValue(batchId);
    if (Result<void> executed = execQuery(query, tr("Listing the caller numbers of batch %1").arg(batchId));
        !executed) {
        qCWarning(lcUi) << executed.error().message;
        return;
    }
    while (query.next())
        callers << query.value(0).toString();

    QSet<QString> zoneSet;
    query.prepare(u"SELECT DISTINCT time_zones FROM calls WHERE batch_id = ?"_s);
    query.addBindValue(batchId);
    if (Result<void> executed = execQuery(query, tr("Listing the time zones of batch %1").arg(batchId));
        !executed) {
        qCWarning(lcUi) << executed.error().message;
        return;
    }
    while (query.next()) {
        for (const QByteArray &zone : splitTimeZones(query.value(0).toString()))
            zoneSet.insert(QString::fromUtf8(zone));
    }

    QStringList zones(zoneSet.cbegin(), zoneSet.cend());
    callers.removeAll(QString());
    callers.sort();
    zones.sort();
    Q_EMIT filterChoicesReady(batchId, callers, zones);
}

} // namespace Dialdeck
