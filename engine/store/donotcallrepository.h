#pragma once

#include "core/result.h"

#include <QSet>
#include <QSqlDatabase>

namespace Dialdeck {

// The do-not-call list: E.164 numbers that are never dialed.
class DoNotCallRepository
{
public:
    explicit DoNotCallRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    // Adds a number; adding one that is already listed keeps the first entry.
    Result<void> add(const QString &e164, const QString &reason);
    Result<void> remove(const QString &e164);
    Result<bool> contains(const QString &e164);
    Result<QSet<QString>> all();

private:
    QSqlDatabase m_db;
};

} // namespace Dialdeck
