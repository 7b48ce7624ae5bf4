#include "batchcommandrequest.h"

#include "requestbody.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

Result<BatchCommandRequest> BatchCommandRequest::parse(QByteArrayView body)
{
    Result<QJsonObject> object = RequestBody::parseObject(body);
    if (!object)
        return object.error();

    Result<QString> batchId = RequestBody::requiredId(*object, u"batchId"_s);
    if (!batchId)
        return batchId.error();
    Result<QString> userId = RequestBody::requiredId(*object, u"userId"_s);
    if (!userId)
        return userId.error();
    return BatchCommandRequest{*batchId, *userId};
}

} // namespace Dialdeck
