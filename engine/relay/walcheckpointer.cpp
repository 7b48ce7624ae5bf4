#include "walcheckpointer.h"

#include "core/logging.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QUuid>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

void checkpoint(const QString &connectionName)
{
    QSqlQuery query(QSqlDatabase::database(connectionName));
    if (!query.exec(u"PRAGMA wal_checkpoint(PASSIVE)"_s)) {
        qCWarning(lcRelayServer).noquote()
            << "Checkpoint of the relay log failed:" << query.lastError().text();
    }
}

} // namespace

WalCheckpointer::WalCheckpointer(const QString &databasePath, std::chrono::milliseconds interval)
    : m_worker(new QObject)
    , m_connectionName(u"checkpoint-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_thread.setObjectName(u"WalCheckpointer"_s);
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();

    // Qt Sql connections belong to the thread that opens them.
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, name = m_connectionName, databasePath, interval] {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
            db.setDatabaseName(databasePath);
            if (!db.open()) {
                qCWarning(lcRelayServer).noquote()
                    << "Cannot open the relay log for checkpoints:" << db.lastError().text();
                return;
            }
            auto *timer = new QTimer(worker);
            QObject::connect(timer, &QTimer::timeout, worker, [name] { checkpoint(name); });
            timer->start(interval);
        });
}

WalCheckpointer::~WalCheckpointer()
{
    QMetaObject::invokeMethod(
        m_worker,
        [name = m_connectionName] {
            if (QSqlDatabase::database(name, false).isOpen())
                checkpoint(name);
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

} // namespace Dialdeck
