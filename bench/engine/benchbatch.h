#pragma once

#include <QSqlDatabase>
#include <QString>

namespace Dialdeck {

// Writes a ready batch of `calls` US calls, spread over four US zones, and
// `phones` caller numbers straight into the store with plain SQL, so that an
// engine benchmark measures the engine and not the importer. The calling
// window is open all day, every day, and the concurrency equals `phones`.
// Returns the batch id.
QString createBenchBatch(QSqlDatabase db, int calls, int phones);

} // namespace Dialdeck
