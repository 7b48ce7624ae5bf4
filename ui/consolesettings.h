#pragma once

#include "core/batchconfig.h"

#include <QString>

namespace Dialdeck {

// The console's saved preferences, kept in QSettings: the simulated carrier,
// the store location and the defaults of new batches. Nothing secret is kept.
struct ConsoleSettings
{
    // Only the simulated carrier exists so far.
    QString carrier = QStringLiteral("simulated");
    quint64 simulationSeed = 1;
    // Engine-clock speed: 1 is real time, 60 runs a minute per second.
    double clockSpeed = 1.0;
    // Empty means Connection::defaultPath().
    QString storePath;
    // Window, days, region, zone and pacing of new batches; the other fields
    // keep BatchConfig's defaults.
    BatchConfig newBatchDefaults;

    static ConsoleSettings load();
    void save() const;

    // Applies the saved defaults to a configuration: window, days, region,
    // zone, calls per second and concurrent calls.
    void applyDefaultsTo(BatchConfig &config) const;
};

} // namespace Dialdeck
