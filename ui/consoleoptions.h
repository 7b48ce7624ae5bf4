#pragma once

#include "secretkeychain.h"

#include <QString>

#include <optional>

namespace Dialdeck {

// Start-up options of the console: the command line's choices, which take
// precedence over the saved settings.
struct ConsoleOptions
{
    // Store file; empty uses the saved store location or Connection::defaultPath().
    QString storePath;
    // Engine-clock speed: 1 is real time, 60 runs a minute per second, 0 runs
    // as fast as possible. Unset uses the saved setting.
    std::optional<double> clockSpeed;
    // Contact list imported as "Demo batch" when the store has no batches.
    QString demoFile;
    // Folder for PNG captures of the main views; empty takes none.
    QString screenshotDir;
    // False keeps the engine stopped, for tests that check only widgets.
    bool startEngine = true;
    // Replaces the OS keychain, for tests that keep secrets in memory; unset
    // uses QtKeychain. The Plivo token is read from it before the engine starts.
    std::optional<SecretKeychain> keychain;
};

} // namespace Dialdeck
