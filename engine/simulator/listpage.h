#pragma once

#include "core/result.h"

#include <QJsonObject>

namespace Dialdeck {

class QueryParams;

// The limit/offset window of a list request and the `meta` object of its
// answer. Plivo allows limit 1..20 (default 20) and offset >= 0 (default 0);
// meta.next and meta.previous are paths with the same query and the
// neighbouring offset, or null.
struct ListPage
{
    static constexpr int MaxLimit = 20;

    int limit = MaxLimit;
    int offset = 0;

    // Fails with Plivo-style text for a 400 on an invalid limit or offset.
    static Result<ListPage> fromQuery(const QueryParams &query);

    QJsonObject meta(const QString &path, const QueryParams &query, qsizetype totalCount) const;
};

} // namespace Dialdeck
