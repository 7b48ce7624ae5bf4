#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QHash>
#include <QSqlDatabase>

#include <optional>

namespace Dialdeck {

// Reads and writes batches and their caller-number selection.
class BatchRepository
{
public:
    explicit BatchRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> insert(const Batch &batch);
    Result<std::optional<Batch>> find(const QString &id);
    Result<QList<Batch>> list();

    Result<void> rename(const QString &id, const QString &name);
    Result<void> setConfig(const QString &id, const BatchConfig &config);
    Result<void> setPhones(const QString &id, const QStringList &phoneIds);
    Result<void> setSessionId(const QString &id, const QString &sessionId);

    // Sets the status and its reason; running stamps started_at once, and a
    // final status (completed, stopped) stamps finished_at.
    Result<void> setStatus(const QString &id, BatchStatus status, const QString &reason,
                           const QDateTime &when);

    // Number of calls of the batch in each status.
    Result<QHash<CallStatus, qint64>> countCallsByStatus(const QString &id);

private:
    Result<QStringList> loadPhoneIds(const QString &id);

    QSqlDatabase m_db;
};

} // namespace Dialdeck
