#include "sqlsupport.h"

#include "core/logging.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

Error storeError(const QString &what, const QSqlError &error)
{
    qCWarning(lcStore).noquote() << what << "failed:" << error.text();
    return Error{u"store_failed"_s, QCoreApplication::translate("Dialdeck::Store",
                                                                "%1 failed: %2.")
                                        .arg(what, error.text())};
}

Result<void> execQuery(QSqlQuery &query, const QString &what)
{
    if (!query.exec())
        return storeError(what, query.lastError());
    return {};
}

Result<void> beginWriteTransaction(QSqlDatabase &db, const QString &what)
{
    QSqlQuery query(db);
    if (!query.exec(u"BEGIN IMMEDIATE"_s))
        return storeError(what, query.lastError());
    return {};
}

QVariant sqlTime(const QDateTime &time)
{
    if (!time.isValid())
        return QVariant(QMetaType::fromType<qint64>());
    return QVariant(time.toMSecsSinceEpoch());
}

QDateTime timeFromSql(const QVariant &value)
{
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

QVariant sqlTextOrNull(const QString &text)
{
    if (text.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    return QVariant(text);
}

} // namespace Dialdeck
