#pragma once

#include "callpagerequest.h"
#include "core/result.h"

#include <QJsonObject>
#include <QSqlDatabase>

namespace Dialdeck {

// Store reads behind the REST API's read endpoints. Each returns the `data`
// object of the response, or not_found / store_failed.
class BatchQueries final
{
public:
    // Every batch, newest first: id, name, status, owner, session and times.
    static Result<QJsonObject> listBatches(QSqlDatabase db);

    // One page of a batch's calls in id order, with the total that matches the filter.
    static Result<QJsonObject> callPage(QSqlDatabase db, const QString &batchId,
                                        const CallPageRequest &page);
};

} // namespace Dialdeck
