#include "phonerepository.h"

#include "sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

Result<void> PhoneRepository::insert(const Phone &phone)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO phones (id, e164, label, enabled, daily_cap, cooldown_seconds, "
                  "created_at) VALUES (?, ?, COALESCE(?, ''), ?, ?, ?, ?)"_s);
    query.addBindValue(phone.id);
    query.addBindValue(phone.e164);
    query.addBindValue(phone.label);
    query.addBindValue(phone.enabled);
    query.addBindValue(phone.dailyCap);
    query.addBindValue(phone.cooldownSeconds);
    query.addBindValue(phone.createdAt.isValid() ? phone.createdAt.toMSecsSinceEpoch()
                                                 : QDateTime::currentMSecsSinceEpoch());
    return execQuery(query, QObject::tr("Saving caller number %1").arg(phone.e164));
}

Result<void> PhoneRepository::update(const Phone &phone)
{
    QSqlQuery query(m_db);
    query.prepare(u"UPDATE phones SET label = COALESCE(?, ''), enabled = ?, daily_cap = ?, "
                  "cooldown_seconds = ? "
                  "WHERE id = ?"_s);
    query.addBindValue(phone.label);
    query.addBindValue(phone.enabled);
    query.addBindValue(phone.dailyCap);
    query.addBindValue(phone.cooldownSeconds);
    query.addBindValue(phone.id);
    return execQuery(query, QObject::tr("Saving caller number %1").arg(phone.e164));
}

Result<std::optional<Phone>> PhoneRepository::find(const QString &id)
{
    Result<QList<Phone>> phones = select(u"WHERE id = ?"_s, id);
    if (!phones)
        return phones.error();
    if (phones->isEmpty())
        return std::optional<Phone>();
    return std::optional<Phone>(phones->first());
}

Result<std::optional<Phone>> PhoneRepository::findByE164(const QString &e164)
{
    Result<QList<Phone>> phones = select(u"WHERE e164 = ?"_s, e164);
    if (!phones)
        return phones.error();
    if (phones->isEmpty())
        return std::optional<Phone>();
    return std::optional<Phone>(phones->first());
}

Result<QList<Phone>> PhoneRepository::list()
{
    return select(QString(), QVariant());
}

Result<QList<Phone>> PhoneRepository::select(const QString &where, const QVariant &value)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, e164, label, enabled, daily_cap, cooldown_seconds, created_at "
                  "FROM phones "
                  % where % u" ORDER BY created_at, id"_s);
    if (!where.isEmpty())
        query.addBindValue(value);
    if (Result<void> done = execQuery(query, QObject::tr("Reading caller numbers")); !done)
        return done.error();

    QList<Phone> phones;
    while (query.next()) {
        Phone phone;
        phone.id = query.value(0).toString();
        phone.e164 = query.value(1).toString();
        phone.label = query.value(2).toString();
        phone.enabled = query.value(3).toBool();
        phone.dailyCap = query.value(4).toInt();
        phone.cooldownSeconds = query.value(5).toInt();
        phone.createdAt = timeFromSql(query.value(6));
        phones.append(phone);
    }
    return phones;
}

} // namespace Dialdeck
