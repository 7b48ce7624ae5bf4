#pragma once

#include "apienvelope.h"
#include "batchcommandrequest.h"
#include "core/domain.h"
#include "dialer/engine.h"
#include "startcallingrequest.h"

#include <QJsonArray>
#include <QSqlDatabase>

#include <optional>

namespace Dialdeck {

// A start-calling request after the store checks: either the refusal to send,
// or the engine request with the outcome of the callData checks.
struct StartPlan
{
    std::optional<ApiEnvelope> refusal;
    StartRequest request;
    // Echoed in the response when the request gave one.
    QString requestedSessionId;
    bool hasCallData = false;
    int acceptedCalls = 0;
    // {index, value, reasonCode, reason} of each callData record not accepted.
    QJsonArray rejected;
};

// The checks a command request needs from the store before it goes to the
// engine. They run on the API's store thread.
class CommandPreparation final
{
public:
    // Checks that the token's user may act as request.userId and runs each
    // callData record through the importer's checks against the batch's
    // settings and the do-not-call list.
    static StartPlan prepareStart(QSqlDatabase db, const User &caller,
                                  const StartCallingRequest &request);

    // Checks a pause, resume or stop request: the token's user is userId, has
    // the Calling Management permission, and owns the batch, which exists.
    // Returns the refusal, or nothing when the command may go to the engine.
    static std::optional<ApiEnvelope> checkBatchCommand(QSqlDatabase db, const User &caller,
                                                        const BatchCommandRequest &request);
};

} // namespace Dialdeck
