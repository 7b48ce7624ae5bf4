#include "userrepository.h"

#include "core/ids.h"
#include "sqlsupport.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

const QString localOperatorName = u"Local operator"_s;

User userFromQuery(const QSqlQuery &query)
{
    User user;
    user.id = query.value(0).toString();
    user.name = query.value(1).toString();
    user.canManageCalling = query.value(2).toBool();
    user.createdAt = timeFromSql(query.value(3));
    return user;
}

} // namespace

Result<void> UserRepository::insert(const User &user)
{
    QSqlQuery query(m_db);
    query.prepare(u"INSERT INTO users (id, name, can_manage_calling, created_at) "
                  "VALUES (?, ?, ?, ?)"_s);
    query.addBindValue(user.id);
    query.addBindValue(user.name);
    query.addBindValue(user.canManageCalling);
    query.addBindValue(user.createdAt.isValid() ? user.createdAt.toMSecsSinceEpoch()
                                                : QDateTime::currentMSecsSinceEpoch());
    return execQuery(query, QObject::tr("Saving user %1").arg(user.id));
}

Result<std::optional<User>> UserRepository::find(const QString &id)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, name, can_manage_calling, created_at FROM users WHERE id = ?"_s);
    query.addBindValue(id);
    if (Result<void> done = execQuery(query, QObject::tr("Reading user %1").arg(id)); !done)
        return done.error();
    if (!query.next())
        return std::optional<User>();
    return std::optional<User>(userFromQuery(query));
}

Result<QList<User>> UserRepository::list()
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, name, can_manage_calling, created_at FROM users "
                  "ORDER BY created_at, id"_s);
    if (Result<void> done = execQuery(query, QObject::tr("Listing users")); !done)
        return done.error();

    QList<User> users;
    while (query.next())
        users.append(userFromQuery(query));
    return users;
}

Result<User> UserRepository::ensureLocalOperator()
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT id, name, can_manage_calling, created_at FROM users WHERE name = ? "
                  "ORDER BY created_at LIMIT 1"_s);
    query.addBindValue(localOperatorName);
    if (Result<void> done = execQuery(query, QObject::tr("Reading the local operator")); !done)
        return done.error();
    if (query.next())
        return userFromQuery(query);

    User user;
    user.id = Ids::generate();
    user.name = localOperatorName;
    user.canManageCalling = true;
    user.createdAt = QDateTime::currentDateTimeUtc();
    if (Result<void> saved = insert(user); !saved)
        return saved.error();
    return user;
}

} // namespace Dialdeck
