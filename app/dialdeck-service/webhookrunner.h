#pragma once

#include "core/result.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace Dialdeck {

class Engine;
class WebhookDispatcher;

// Runs a WebhookDispatcher on the main thread of a dialdeck-service command
// that runs an engine, and lets the command finish the outbox before it exits.
class WebhookRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookRunner)

public:
    static constexpr int DefaultFinishWaitSeconds = 30;

    // `finishWaitMs` is the longest wait for outstanding deliveries once the command is done.
    WebhookRunner(const QString &storePath, int finishWaitMs, QObject *parent = nullptr);
    ~WebhookRunner() override;

    // Opens the dispatcher and wakes it whenever `engine` commits webhook events.
    Result<void> attach(Engine *engine);

    // Calls `done` once nothing is left to deliver to an enabled endpoint, or
    // after the finish wait. Undelivered events stay in the outbox for the next run.
    void finishThen(std::function<void()> done);

private:
    void onDrained();
    void finish();

    QString m_storePath;
    std::unique_ptr<WebhookDispatcher> m_dispatcher;
    std::function<void()> m_done;
    QTimer m_finishLimit{this};
};

} // namespace Dialdeck
