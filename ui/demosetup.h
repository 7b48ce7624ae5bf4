#pragma once

#include "core/batchconfig.h"
#include "core/result.h"

#include <QCoreApplication>
#include <QString>

namespace Dialdeck {

// Prepares a first-run demo: when the store has no batches, imports a contact
// file as "Demo batch" with a wide calling window (08:00-21:00 in each
// callee's zone, every day), adds two simulated caller numbers when the store
// has none, picks them for the batch and marks it ready, so Start Calling
// works at once.
// NOTE: the window still applies in each callee's own zone, so calls to
// far-away zones wait in "queued" for hours of engine time; the demo finishes
// within a minute only with a fast clock such as --speed 1440.
class DemoSetup
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::DemoSetup)

public:
    struct Request
    {
        QString storePath;
        QString filePath;
        // Empty uses the desktop's local operator.
        QString ownerUserId;
        // Region, zone and pacing of the demo batch; window and days are replaced.
        BatchConfig config;
    };

    struct Outcome
    {
        // Empty when the store already had batches and nothing was done.
        QString batchId;
        QString summary;
    };

    static constexpr auto BatchName = QT_TRANSLATE_NOOP("Dialdeck::DemoSetup", "Demo batch");

    // Opens its own store connection, so it may run on a worker thread.
    static Result<Outcome> run(const Request &request);
};

} // namespace Dialdeck
