#pragma once

#include <QString>

namespace Dialdeck {

enum class ReportKind
{
    // One row per call of the batch, with a summary of its attempts.
    Calls,
    // One row per attempt of the batch.
    Attempts,
};

// The batch, report kind and output file of one export.
struct ReportOptions
{
    QString batchId;
    ReportKind kind = ReportKind::Calls;
    QString outputPath;
};

} // namespace Dialdeck
