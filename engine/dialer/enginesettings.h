#pragma once

#include "carrier/plivosettings.h"
#include "carrier/simulationsettings.h"

#include <QString>

#include <functional>
#include <memory>

namespace Dialdeck {

class Clock;

// Settings of an Engine: its store, the carrier it dials through and the
// clock it runs on.
struct EngineSettings
{
    QString storePath;
    // "simulated" (in-process) or "plivo" (Plivo's API, or a Plivo-compatible
    // service such as dialdeck-sim at another base URL).
    QString carrier = QStringLiteral("simulated");
    SimulationSettings simulation;
    PlivoSettings plivo;
    // Engine-clock speed: 1 is real time, 60 runs a minute per second, and 0
    // runs as fast as possible by jumping over idle time.
    double clockSpeed = 1.0;
    // Engine-clock start instant, ms since epoch UTC; -1 starts at the current time.
    qint64 clockStartMs = -1;
    // Wall-clock interval between progress snapshots.
    int snapshotIntervalMs = 250;
    // Name of this engine in batch leases, e.g. "dialdeck-service@host:pid".
    QString ownerName;
    // Test seam: when set, the engine runs on the clock this returns instead
    // of the one clockSpeed and clockStartMs describe.
    std::function<std::unique_ptr<Clock>()> makeClock;
};

} // namespace Dialdeck
