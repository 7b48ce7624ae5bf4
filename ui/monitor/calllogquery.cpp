#include "calllogquery.h"

#include "calllogmodel.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// The last caller number of a call: one lookup in the UNIQUE (call_id,
// attempt_number) index of attempts per call.
constexpr auto LastCallerSql =
    u"(SELECT a.caller_e164 FROM attempts a WHERE a.call_id = c.id "
    "ORDER BY a.attempt_number DESC LIMIT 1)";

// Status in the order of the CallStatus enumeration, so sorting follows the
// life of a call rather than the alphabet.
QString statusOrderSql()
{
    QString sql = u"CASE c.status"_s;
    for (int i = 0; i < CallStatusCount; ++i)
        sql += u" WHEN '%1' THEN %2"_s.arg(toString(CallStatus(i))).arg(i);
    return sql + u" ELSE %1 END"_s.arg(CallStatusCount);
}

QString sortExpression(int column)
{
    switch (column) {
    case CallLogModel::NameColumn:
        return u"c.name"_s;
    case CallLogModel::E164Column:
        return u"c.e164"_s;
    case CallLogModel::ZonesColumn:
        return u"c.time_zones"_s;
    case CallLogModel::StatusColumn:
        return statusOrderSql();
    case CallLogModel::AttemptsColumn:
        return u"c.attempt_count"_s;
    case CallLogModel::LastCallerColumn:
        return QString::fromUtf16(LastCallerSql);
    case CallLogModel::LastOutcomeColumn:
        return u"c.last_outcome"_s;
    case CallLogModel::NextDueUtcColumn:
    case CallLogModel::NextDueLocalColumn:
        return u"c.next_due_at"_s;
    default:
        return {};
    }
}

// Escapes LIKE wildcards so the operator's text matches literally; the
// statements declare ESCAPE '\'.
QString escapeLike(const QString &text)
{
    QString escaped = text;
    escaped.replace(u"\\"_s, u"\\\\"_s);
    escaped.replace(u"%"_s, u"\\%"_s);
    escaped.replace(u"_"_s, u"\\_"_s);
    return escaped;
}

} // namespace

QString CallLogQuery::whereSql() const
{
    QString sql = u"WHERE c.batch_id = ?"_s;

    if (filter.status)
        sql += u" AND c.status = ?"_s;
    if (!filter.callerE164.isEmpty()) {
        sql += u" AND c.id IN (SELECT a.call_id FROM attempts a "
               "WHERE a.batch_id = ? AND a.caller_e164 = ?)"_s;
    }
    if (!filter.timeZone.isEmpty())
        sql += u" AND ('&' || c.time_zones || '&') LIKE ? ESCAPE '\\'"_s;
    if (!filter.text.isEmpty())
        sql += u" AND (c.name LIKE ? ESCAPE '\\' OR c.e164 LIKE ? ESCAPE '\\')"_s;
    return sql;
}

QVariantList CallLogQuery::bindValues() const
{
    QVariantList values{batchId};

    if (filter.status)
        values << toString(*filter.status);
    if (!filter.callerE164.isEmpty())
        values << batchId << filter.callerE164;
    if (!filter.timeZone.isEmpty())
        values << QString(u"%&"_s + escapeLike(filter.timeZone) + u"&%"_s);
    if (!filter.text.isEmpty()) {
        const QString pattern = u'%' + escapeLike(filter.text) + u'%';
        values << pattern << pattern;
    }
    return values;
}

QString CallLogQuery::orderBySql() const
{
    const QString direction = sortOrder == Qt::DescendingOrder ? u" DESC"_s : u""_s;
    const QString expression = sortExpression(sortColumn);
    if (expression.isEmpty())
        return u"ORDER BY c.id"_s + direction;
    return u"ORDER BY "_s + expression + direction + u", c.id"_s + direction;
}

} // namespace Dialdeck
