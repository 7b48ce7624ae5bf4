#include "commandpreparation.h"

#include "import/importer.h"
#include "store/batchrepository.h"
#include "store/userrepository.h"

#include <QCoreApplication>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::CommandPreparation", text);
}

ApiEnvelope refusal(const Error &error)
{
    return ApiEnvelope::failure(ApiEnvelope::httpStatusFor(error.code), error.message);
}

// A token acts for its own user only. Returns the refusal when userId names
// someone else: 404 when that user does not exist, 403 otherwise.
std::optional<ApiEnvelope> checkActingUser(QSqlDatabase db, const User &caller,
                                           const QString &userId)
{
    if (userId == caller.id)
        return std::nullopt;

    Result<std::optional<User>> named = UserRepository(db).find(userId);
    if (!named)
        return refusal(named.error());
    if (!named->has_value())
        return ApiEnvelope::failure(404, tr("User %1 does not exist.").arg(userId));
    return ApiEnvelope::failure(403, tr("The API token belongs to user %1, so it may act only as "
                                        "%1, not as user %2.")
                                         .arg(caller.id, userId));
}

QJsonArray rejectedRecords(const QList<RejectedRow> &rows)
{
    QJsonArray rejected;
    for (const RejectedRow &row : rows) {
        rejected.append(QJsonObject{
            {u"index"_s, row.line},
            {u"value"_s, row.value},
            {u"reasonCode"_s, row.reasonCode},
            {u"reason"_s, row.reason},
        });
    }
    return rejected;
}

// Checks the records against the batch's settings. A batch that does not
// exist gets an empty list, and the engine then rejects the start with not_found.
std::optional<ApiEnvelope> checkCallData(QSqlDatabase db, const StartCallingRequest &request,
                                         StartPlan &plan)
{
    Result<std::optional<Batch>> batch = BatchRepository(db).find(request.batchId);
    if (!batch)
        return refusal(batch.error());
    plan.request.replacementCalls = QList<CallRecord>();
    if (!batch->has_value())
        return std::nullopt;

    Result<RecordValidation> checked =
        Importer::validateRecords(db, QString(), *request.callData, batch->value().config);
    if (!checked) {
        const int status = checked.error().code == u"invalid_config" ? 422 : 500;
        return ApiEnvelope::failure(status, checked.error().message);
    }

    plan.acceptedCalls = int(checked->accepted.size());
    plan.rejected = rejectedRecords(checked->rejected);
    plan.request.replacementCalls = std::move(checked->accepted);
    return std::nullopt;
}

} // namespace

StartPlan CommandPreparation::prepareStart(QSqlDatabase db, const User &caller,
                                           const StartCallingRequest &request)
{
    StartPlan plan;
    plan.request.batchId = request.batchId;
    plan.request.userId = request.userId;
    plan.request.phoneIds = request.phoneIds;
    plan.request.sessionId = request.sessionId;
    plan.requestedSessionId = request.sessionId;
    plan.hasCallData = request.callData.has_value();

    plan.refusal = checkActingUser(db, caller, request.userId);
    if (!plan.refusal && request.callData)
        plan.refusal = checkCallData(db, request, plan);
    return plan;
}

std::optional<ApiEnvelope> CommandPreparation::checkBatchCommand(QSqlDatabase db,
                                                                 const User &caller,
                                                                 const BatchCommandRequest &request)
{
    if (std::optional<ApiEnvelope> refused = checkActingUser(db, caller, request.userId))
        return refused;
    if (!caller.canManageCalling) {
        return ApiEnvelope::failure(403, tr("User %1 does not have the Calling Management "
                                            "permission; ask an administrator to grant it.")
                                             .arg(caller.id));
    }

    Result<std::optional<Batch>> batch = BatchRepository(db).find(request.batchId);
    if (!batch)
        return refusal(batch.error());
    if (!batch->has_value())
        return ApiEnvelope::failure(404, tr("Batch %1 does not exist.").arg(request.batchId));
    if (batch->value().ownerUserId != request.userId) {
        return ApiEnvelope::failure(422, tr("User %1 does not own batch %2; send the request as "
                                            "its owner.")
                                             .arg(request.userId, request.batchId));
    }
    return std::nullopt;
}

} // namespace Dialdeck
