#pragma once

#include "core/result.h"
#include "reportoptions.h"

#include <QCoreApplication>
#include <QSqlDatabase>

#include <functional>

namespace Dialdeck {

// Writes the call or attempt report of one batch as a CSV file for
// spreadsheet programs: RFC 4180, UTF-8 with a byte order mark, CRLF line
// ends, an English header row and UTC times in ISO 8601.
class CsvReportWriter
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::CsvReportWriter)

public:
    // Receives the rows written so far and the rows the report will have;
    // returning false cancels the export.
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    // Streams the report from the store; progress(done, total) returning false cancels.
    // Memory use does not grow with the batch: one forward-only query feeds a
    // QSaveFile, so the file at options.outputPath is created or replaced only
    // when the whole report was written, and stays untouched on any error or
    // cancel. Progress is called after every 1000 rows and once at the end.
    // Returns the number of rows written, not counting the header.
    static Result<qint64> write(QSqlDatabase db, const ReportOptions &options,
                                const Progress &progress = {});
};

} // namespace Dialdeck
