#pragma once

#include "core/result.h"
#include "importtypes.h"

#include <QJsonObject>
#include <QSet>
#include <QSqlDatabase>

#include <functional>

namespace Dialdeck {

// Imports contact lists into batches. Every entry point runs the same checks:
// libphonenumber normalisation with the row's country or the batch's default
// region, time zones from a zone column, the phone-prefix table or the
// batch's default zone, then the do-not-call and duplicate checks. A contact
// with several numbers becomes one call (see DuplicateFilter).
class Importer
{
public:
    // Reads and checks the whole file and returns the first `rowLimit` accepted
    // rows, every rejected row and the counts. Writes nothing. Without a
    // database the do-not-call list is not consulted.
    static Result<ImportPreview> preview(const ImportOptions &options, int rowLimit);
    static Result<ImportPreview> preview(QSqlDatabase db, const ImportOptions &options,
                                         int rowLimit);

    // Creates the batch (status draft) and stores every accepted row as a
    // pending call, all in one transaction: on any failure, or when `progress`
    // returns false, nothing is stored. `progress` receives the rows read so
    // far and may be empty. Fails when the batch id already exists.
    static Result<ImportSummary> run(QSqlDatabase db, const ImportOptions &options,
                                     const std::function<bool(qint64 rowsDone)> &progress);

    // Checks in-memory records, such as the callData of a REST request, the
    // same way. Each record contains "phone" or "phoneNumber", optional "name",
    // "country" and "timeZone"; other members are kept in the call's extra
    // JSON. `existingNumbers` maps E.164 numbers already in the batch to their
    // lines. Lines of the results are 0-based record indexes.
    static Result<RecordValidation> validateRecords(const QList<QJsonObject> &records,
                                                    const BatchConfig &config,
                                                    const QSet<QString> &doNotCall,
                                                    const QHash<QString, int> &existingNumbers);

    // Same, reading the do-not-call list and the numbers of batch `batchId`
    // (which may not exist yet) from the store.
    static Result<RecordValidation> validateRecords(QSqlDatabase db, const QString &batchId,
                                                    const QList<QJsonObject> &records,
                                                    const BatchConfig &config);
};

} // namespace Dialdeck
