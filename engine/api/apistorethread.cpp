#include "apistorethread.h"

#include "store/connection.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

ApiStoreThread::ApiStoreThread(QString storePath)
    : m_storePath(std::move(storePath))
    , m_context(new QObject)
{
    m_thread.setObjectName(u"dialdeck-api-store"_s);
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
}

ApiStoreThread::~ApiStoreThread()
{
    if (!m_thread.isRunning()) {
        delete m_context;
        return;
    }

    QMetaObject::invokeMethod(
        m_context, [this] { m_connection.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

Result<void> ApiStoreThread::start()
{
    m_thread.start();

    Result<void> opened;
    QMetaObject::invokeMethod(
        m_context,
        [this, &opened] {
            Result<Connection> connection = Connection::openSqlite(m_storePath, u"api"_s);
            if (!connection) {
                opened = connection.error();
                return;
            }
            m_connection = std::make_unique<Connection>(std::move(connection).value());
        },
        Qt::BlockingQueuedConnection);
    return opened;
}

void ApiStoreThread::post(std::function<void(QSqlDatabase)> task)
{
    QMetaObject::invokeMethod(
        m_context,
        [this, task = std::move(task)] {
            task(m_connection ? m_connection->database() : QSqlDatabase());
        },
        Qt::QueuedConnection);
}

} // namespace Dialdeck
