#pragma once

#include "core/result.h"

#include <QSqlDatabase>

namespace Dialdeck {

// Versioned schema changes. The table schema_version holds the version the
// store is at; each migration runs once, in its own transaction, and a store
// newer than this build understands is rejected rather than touched.
class Migrations
{
public:
    // The schema version this build writes.
    static int latestVersion();

    // Applies every migration the store has not seen yet.
    static Result<void> migrate(QSqlDatabase &db);

    // Checks, without writing, that the store's schema is the one this build
    // reads. Read-only connections use it.
    static Result<void> checkVersion(QSqlDatabase &db);

    static Result<int> currentVersion(QSqlDatabase &db);
};

} // namespace Dialdeck
