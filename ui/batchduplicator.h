#pragma once

#include "core/result.h"

#include <QCoreApplication>
#include <QString>

namespace Dialdeck {

// Copies a batch into a new draft: its configuration, caller numbers and
// calls, in one transaction. Copied calls start over as pending with no
// attempts, except rows the import itself skipped (for example numbers on the
// do-not-call list), which stay skipped with their reason.
class BatchDuplicator
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::BatchDuplicator)

public:
    // Opens its own connection to `storePath`, so it may run on a worker
    // thread. Returns the id of the new batch, owned by `ownerUserId`.
    static Result<QString> duplicate(const QString &storePath, const QString &sourceBatchId,
                                     const QString &newName, const QString &ownerUserId);
};

} // namespace Dialdeck
