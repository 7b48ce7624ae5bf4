#pragma once

#include "core/result.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QSqlDatabase>
#include <QThread>

#include <functional>
#include <memory>

namespace Dialdeck {

class Connection;

// Runs the REST API's store reads on a thread of their own, with their own
// connection, so the HTTP thread never waits for the store. Tasks run one at
// a time in the order they were posted.
class ApiStoreThread final
{
    Q_DISABLE_COPY_MOVE(ApiStoreThread)

public:
    explicit ApiStoreThread(QString storePath);
    // Quits the thread after the tasks already posted and closes the connection.
    ~ApiStoreThread();

    // Starts the thread and opens the connection there; returns its error.
    Result<void> start();

    // Posts `task` to the store thread; the future receives its result.
    template<typename T> QFuture<T> run(std::function<T(QSqlDatabase)> task)
    {
        auto promise = std::make_shared<QPromise<T>>();
        QFuture<T> future = promise->future();
        promise->start();
        post([promise, task = std::move(task)](QSqlDatabase db) {
            promise->addResult(task(std::move(db)));
            promise->finish();
        });
        return future;
    }

private:
    void post(std::function<void(QSqlDatabase)> task);

    QString m_storePath;
    QThread m_thread;
    // Lives on m_thread; deleted there when the thread finishes.
    QObject *m_context = nullptr;
    // Opened and closed on m_thread.
    std::unique_ptr<Connection> m_connection;
};

} // namespace Dialdeck
