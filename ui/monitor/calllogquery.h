#pragma once

#include "core/statuses.h"

#include <QString>
#include <QVariantList>

#include <optional>

namespace Dialdeck {

// Filter of the call log: a call of the batch is shown when it passes every filter that is set.
struct CallLogFilter
{
    std::optional<CallStatus> status;
    // Calls with at least one attempt from this caller number; empty means any.
    QString callerE164;
    // Calls that may be in this IANA zone; empty means any.
    QString timeZone;
    // Case-insensitive substring of the name or the E.164 number (ASCII case
    // folding only, as SQLite's LIKE does); empty means any.
    QString text;

    friend bool operator==(const CallLogFilter &, const CallLogFilter &) = default;
};

// The SQL of one call-log view: batch, filter and sort order. Every clause
// refers to the calls table as `c` and uses bind values only, never text
// pasted into the statement.
struct CallLogQuery
{
    QString batchId;
    CallLogFilter filter;
    // A CallLogModel::Column; -1 keeps the store's order (call id).
    int sortColumn = -1;
    Qt::SortOrder sortOrder = Qt::AscendingOrder;

    // "WHERE c.batch_id = ? AND ...", matching bindValues().
    QString whereSql() const;
    QVariantList bindValues() const;
    // "ORDER BY <column>, c.id", ending with the id so the order is total.
    // SQLite sorts in a temporary B-tree unless an index delivers the order.
    // Its choice of index depends on the filter, so no sort column is
    // promised to be fast. The sort runs once per refresh, on the reader thread.
    QString orderBySql() const;
};

} // namespace Dialdeck
