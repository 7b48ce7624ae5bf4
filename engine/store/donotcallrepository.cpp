#include "donotcallrepository.h"

#include "sqlsupport.h"

#include <QDateTime>
#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

Result<void> DoNotCallRepository::add(const QString &e164, const QString &reason)
{
    QSqlQuery query(m_db);
    // COALESCE because a null QString binds as NULL, which OR IGNORE would
    // silently drop instead of listing the number.
    query.prepare(u"INSERT OR IGNORE INTO dnc_numbers (e164, reason, added_at) "
                  "VALUES (?, COALESCE(?, ''), ?)"_s);
    query.addBindValue(e164);
    query.addBindValue(reason);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    return execQuery(query, QObject::tr("Adding %1 to the do-not-call list").arg(e164));
}

Result<void> DoNotCallRepository::remove(const QString &e164)
{
    QSqlQuery query(m_db);
    query.prepare(u"DELETE FROM dnc_numbers WHERE e164 = ?"_s);
    query.addBindValue(e164);
    return execQuery(query, QObject::tr("Removing %1 from the do-not-call list").arg(e164));
}

Result<bool> DoNotCallRepository::contains(const QString &e164)
{
    QSqlQuery query(m_db);
    query.prepare(u"SELECT 1 FROM dnc_numbers WHERE e164 = ?"_s);
    query.addBindValue(e164);
    if (Result<void> done = execQuery(query, QObject::tr("Reading the do-not-call list")); !done)
        return done.error();
    return query.next();
}

Result<QSet<QString>> DoNotCallRepository::all()
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT e164 FROM dnc_numbers"_s);
    if (Result<void> done = execQuery(query, QObject::tr("Reading the do-not-call list")); !done)
        return done.error();

    QSet<QString> numbers;
    while (query.next())
        numbers.insert(query.value(0).toString());
    return numbers;
}

} // namespace Dialdeck
