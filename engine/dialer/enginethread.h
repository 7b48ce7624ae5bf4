#pragma once

#include "enginesettings.h"

#include <QThread>

#include <memory>

namespace Dialdeck {

class Engine;

// Owns the engine's QThread: creates the Engine, moves it to the thread and
// opens it there; the destructor shuts the engine down on its own thread,
// quits the thread and waits for it.
class EngineThread final
{
    Q_DISABLE_COPY_MOVE(EngineThread)

public:
    explicit EngineThread(const EngineSettings &settings);
    ~EngineThread();

    // Starts the thread and posts Engine::open(); connect to the engine's
    // signals before calling it.
    void start();

    Engine *engine() const { return m_engine; }

private:
    QThread m_thread;
    // Deleted on its own thread when the thread finishes.
    Engine *m_engine = nullptr;
};

} // namespace Dialdeck
