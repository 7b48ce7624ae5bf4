#pragma once

#include "core/result.h"

#include <QByteArrayView>
#include <QString>

namespace Dialdeck {

// The body {batchId, userId} of the pause-, resume- and stop-calling requests.
struct BatchCommandRequest
{
    QString batchId;
    QString userId;

    // Errors: invalid_argument (HTTP 400) naming the field.
    static Result<BatchCommandRequest> parse(QByteArrayView body);
};

} // namespace Dialdeck
