#pragma once

#include "core/result.h"
#include "core/statuses.h"

#include <QUrlQuery>

#include <optional>

namespace Dialdeck {

// The query of GET /api/call/batch-calls/{batchId}: ?status=&limit=&offset=.
struct CallPageRequest
{
    static constexpr int DefaultLimit = 50;
    static constexpr int MaxLimit = 500;

    // Absent: calls in every status.
    std::optional<CallStatus> status;
    int limit = DefaultLimit;
    qint64 offset = 0;

    // Errors: invalid_argument (HTTP 400) naming the parameter and its value.
    static Result<CallPageRequest> parse(const QUrlQuery &query);
};

} // namespace Dialdeck
