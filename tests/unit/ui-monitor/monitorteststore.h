#pragma once

#include "core/domain.h"
#include "store/connection.h"

#include <QTemporaryDir>

#include <memory>

namespace Dialdeck {

// A store in a temporary folder with one batch of generated calls, two
// caller numbers and attempts for every third call, filled with plain SQL
// so a test of 200,000 calls sets up in about a second.
class MonitorTestStore
{
public:
    // Zone lists the generated calls cycle through.
    static const QStringList &zoneLists();
    static const QStringList &statusCycle();

    // Creates the store and `callCount` calls of a new batch; QVERIFY-style
    // failures are reported through the returned error text, empty on success.
    QString create(int callCount);
    // Adds a second batch of `callCount` calls, which filters must never show.
    QString addOtherBatch(int callCount);

    QString path() const;
    QString batchId() const { return m_batch.id; }
    const QList<Phone> &phones() const { return m_phones; }
    QSqlDatabase database() const { return m_connection->database(); }

private:
    QString insertCalls(const QString &batchId, int callCount, bool withAttempts);

    QTemporaryDir m_dir;
    std::unique_ptr<Connection> m_connection;
    Batch m_batch;
    QList<Phone> m_phones;
};

} // namespace Dialdeck
