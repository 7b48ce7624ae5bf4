#pragma once

#include "core/statuses.h"

#include <QCoreApplication>
#include <QString>

namespace Dialdeck {

struct BatchProgress;

// Operator-facing words for engine states; the stored spellings stay English.
class StatusText
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::StatusText)

public:
    static QString batchStatus(BatchStatus status);

    // One sentence for the state label: running, queued until the window
    // opens (with its opening time in the console's local time), paused,
    // draining N in-flight calls, completed. `progress` may be null when the
    // engine has not reported on the batch.
    static QString runState(BatchStatus status, const BatchProgress *progress);
};

} // namespace Dialdeck
