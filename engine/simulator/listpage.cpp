#include "listpage.h"

#include "carrier/formparams.h"
#include "queryparams.h"

#include <algorithm>
#include <limits>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

Result<int> readInteger(const QueryParams &query, const QString &key, int fallback, int min,
                        int max)
{
    if (!query.contains(key))
        return fallback;
    bool ok = false;
    const int value = query.value(key).toInt(&ok);
    if (!ok || value < min || value > max) {
        return Error{u"invalid_argument"_s,
                     u"invalid %1: give a whole number from %2 to %3"_s.arg(key).arg(min).arg(max)};
    }
    return value;
}

QJsonValue link(const QString &path, const QueryParams &query, int limit, int offset)
{
    PlivoSignature::Params pairs;
    for (const auto &pair : query.pairs()) {
        if (pair.first != u"limit" && pair.first != u"offset")
            pairs.append(pair);
    }
    pairs.append({u"limit"_s, QString::number(limit)});
    pairs.append({u"offset"_s, QString::number(offset)});
    return QJsonValue(QString(path + u'?' + QString::fromLatin1(FormParams::encode(pairs))));
}

} // namespace

Result<ListPage> ListPage::fromQuery(const QueryParams &query)
{
    auto limit = readInteger(query, u"limit"_s, MaxLimit, 1, MaxLimit);
    if (!limit)
        return limit.error();
    auto offset = readInteger(query, u"offset"_s, 0, 0, std::numeric_limits<int>::max());
    if (!offset)
        return offset.error();
    return ListPage{limit.value(), offset.value()};
}

QJsonObject ListPage::meta(const QString &path, const QueryParams &query,
                           qsizetype totalCount) const
{
    const QJsonValue null(QJsonValue::Null);
    const bool hasNext = qsizetype(offset) + limit < totalCount;
    const bool hasPrevious = offset > 0;
    return {
        {u"limit"_s, limit},
        {u"offset"_s, offset},
        {u"total_count"_s, qint64(totalCount)},
        {u"next"_s, hasNext ? link(path, query, limit, offset + limit) : null},
        {u"previous"_s, hasPrevious ? link(path, query, limit, std::max(0, offset - limit)) : null},
    };
}

} // namespace Dialdeck
