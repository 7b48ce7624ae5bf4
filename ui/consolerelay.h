#pragma once

#include "relay/relayclient.h"

#include <QThread>

namespace Dialdeck {

class Engine;

// Runs the console's RelayClient on a thread of its own, so the WebSocket,
// the frames and the client's cursor read never occupy the UI thread.
// Connect to client()'s signals with a receiver on the UI thread, so they
// arrive queued. The destructor stops the client on its thread, then quits
// the thread and waits for it, so destroy this before the engine.
class ConsoleRelay final
{
    Q_DISABLE_COPY_MOVE(ConsoleRelay)

public:
    ConsoleRelay(RelayClient::Settings settings, Engine *engine);
    ~ConsoleRelay();

    // Starts the thread and the client's first connection. Call once the
    // engine has opened (RelayClient::start() reads the engine's store).
    void start();

    // Lives on the relay thread: connect to its signals, call nothing on it.
    const RelayClient *client() const { return m_client; }
    QUrl url() const { return m_url; }

private:
    QThread m_thread;
    QUrl m_url;
    // Deleted on its own thread when the thread finishes.
    RelayClient *m_client = nullptr;
};

} // namespace Dialdeck
