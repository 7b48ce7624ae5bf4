#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <optional>

namespace Dialdeck {

// The body of POST /api/call/start-calling, checked field by field. Pure: no
// store, no HTTP types, so it can be unit-tested and fuzzed on its own.
struct StartCallingRequest
{
    // Records accepted in callData; more are rejected with payload_too_large
    // (HTTP 413). Ten thousand records of about 100 bytes stay well under the
    // 1 MiB body limit of the server.
    static constexpr int MaxCallDataRecords = 10'000;

    QString batchId;
    QString userId;
    // Absent, or given as an empty array: the batch's own caller numbers.
    std::optional<QStringList> phoneIds;
    // When present, these records replace the batch's calls.
    std::optional<QList<QJsonObject>> callData;
    // Empty, or a UUID in its 36-character form.
    QString sessionId;

    // Errors: invalid_argument (HTTP 400) naming the field, or
    // payload_too_large (HTTP 413) for too many callData records.
    static Result<StartCallingRequest> parse(QByteArrayView body);
};

} // namespace Dialdeck
