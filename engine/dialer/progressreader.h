#pragma once

#include "core/result.h"
#include "progresssnapshot.h"

#include <QSqlDatabase>

namespace Dialdeck {

// Builds a batch's BatchProgress from the store alone, for a batch that no
// engine in this process runs (`dialdeck-service status`, the REST API).
// Rates over time (calls per minute, ETA) need a running engine and stay empty.
class ProgressReader final
{
public:
    static Result<BatchProgress> read(QSqlDatabase db, const QString &batchId, qint64 nowMs);
};

} // namespace Dialdeck
