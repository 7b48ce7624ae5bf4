#pragma once

#include "reportoptions.h"

#include <QList>
#include <QString>

namespace Dialdeck {

// The cell format of a report column. NULL always becomes an empty cell.
enum class CellFormat
{
    // Free text, written with the formula guard.
    Text,
    // An E.164 number, written without the formula guard when it has E.164 shape.
    PhoneNumber,
    Integer,
    // Milliseconds since the Unix epoch, written as UTC ISO 8601 with milliseconds and Z.
    Time,
    // A currency amount with 5 decimal places.
    Money,
};

struct ReportColumn
{
    QString header;
    CellFormat format = CellFormat::Text;
};

// The queries and columns of one report kind. Both queries take the batch id
// as the named placeholder :batch, their only bind value. selectSql returns the columns
// in this order, sorted by call id, without a sort step in SQLite.
struct ReportLayout
{
    QString countSql;
    QString selectSql;
    QList<ReportColumn> columns;

    static const ReportLayout &forKind(ReportKind kind);
};

} // namespace Dialdeck
