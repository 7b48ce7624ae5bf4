#pragma once

namespace Dialdeck::ExitCode {

// Process exit codes of dialdeck-service, listed in its --help.
constexpr int Ok = 0;
constexpr int Usage = 1;        // unknown command or option, missing argument
constexpr int InvalidInput = 2; // a file, number or setting that cannot be used
constexpr int NotFound = 3;     // the batch, caller number or user does not exist
constexpr int Rejected = 4;     // the batch cannot be started, paused or stopped in its state
constexpr int StoreFailed = 5;  // the store could not be opened, read or written
constexpr int Interrupted = 130;

} // namespace Dialdeck::ExitCode
