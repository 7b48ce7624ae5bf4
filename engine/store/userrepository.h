#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QSqlDatabase>

#include <optional>

namespace Dialdeck {

// Reads and writes users.
class UserRepository
{
public:
    explicit UserRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> insert(const User &user);
    Result<std::optional<User>> find(const QString &id);
    Result<QList<User>> list();

    // Returns the desktop's own operator, created on first use, who owns the
    // batches imported from the console and the command line.
    Result<User> ensureLocalOperator();

private:
    QSqlDatabase m_db;
};

} // namespace Dialdeck
