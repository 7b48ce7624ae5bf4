#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QSqlDatabase>

#include <optional>

namespace Dialdeck {

// Reads and writes caller numbers.
class PhoneRepository
{
public:
    explicit PhoneRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    Result<void> insert(const Phone &phone);
    // Saves label, enabled, daily cap and cooldown; the number and id stay.
    Result<void> update(const Phone &phone);
    Result<std::optional<Phone>> find(const QString &id);
    Result<std::optional<Phone>> findByE164(const QString &e164);
    Result<QList<Phone>> list();

private:
    Result<QList<Phone>> select(const QString &where, const QVariant &value);

    QSqlDatabase m_db;
};

} // namespace Dialdeck
