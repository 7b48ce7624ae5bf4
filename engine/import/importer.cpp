#include "importer.h"

#include "callwriter.h"
#include "core/ids.h"
#include "core/logging.h"
#include "duplicatefilter.h"
#include "importpipeline.h"
#include "store/batchrepository.h"
#include "store/donotcallrepository.h"
#include "store/sqlsupport.h"
#include "timezonetable.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::Import", text);
}

Result<QHash<QString, int>> loadExistingNumbers(QSqlDatabase db, const QString &batchId)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    query.prepare(u"SELECT e164, line FROM calls WHERE batch_id = ?"_s);
    query.addBindValue(batchId);
    if (Result<void> done = execQuery(query, tr("Reading the numbers of batch %1").arg(batchId));
        !done) {
        return done.error();
    }

    QHash<QString, int> numbers;
    while (query.next())
        numbers.insert(query.value(0).toString(), query.value(1).toInt());
    return numbers;
}

// Page cache of the connection during an import, in KiB. The index on
// (batch_id, e164) receives numbers in random order. With SQLite's default
// cache of 2 MiB, a million-row import spilled and reread index pages, which
// cost 15 s of system time in bench_import. An index entry takes about 50
// bytes, so 64 MiB holds that index for about a million calls (an estimate).
constexpr qint64 importCacheKiB = 64 * 1024;

// Sets the connection's page cache to `kibibytes` and returns the setting it
// had, as PRAGMA cache_size reads it (negative values are KiB, positive
// values pages). Returns nothing when the setting could not be read.
std::optional<qint64> setCacheSize(QSqlDatabase db, qint64 kibibytes)
{
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA cache_size"_s) || !query.next())
        return std::nullopt;
    const qint64 previous = query.value(0).toLongLong();
    query.finish();
    if (!query.exec(u"PRAGMA cache_size = %1"_s.arg(-kibibytes)))
        qCWarning(lcImport) << "Could not enlarge the page cache:" << query.lastError().text();
    return previous;
}

void restoreCacheSize(QSqlDatabase db, std::optional<qint64> previous)
{
    if (!previous)
        return;
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA cache_size = %1"_s.arg(*previous)))
        qCWarning(lcImport) << "Could not restore the page cache:" << query.lastError().text();
}

void addRejection(ImportSummary &summary, RejectedRow &&row)
{
    summary.rejectedByReason[row.reasonCode] += 1;
    summary.rejected.append(std::move(row));
}

Batch newBatch(const ImportOptions &options, const QString &batchId)
{
    Batch batch;
    batch.id = batchId;
    batch.name = options.batchName.isEmpty() ? QFileInfo(options.filePath).completeBaseName()
                                             : options.batchName;
    batch.ownerUserId = options.ownerUserId;
    // NOTE: the batch stays a draft. The checks that make it ready (caller
    // numbers, calling window) belong to the code that starts batches.
    batch.status = BatchStatus::Draft;
    batch.config = options.config;
    batch.phoneIds = options.phoneIds;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    batch.sourceFile = options.filePath;
    return batch;
}

Result<QString> chooseBatchId(QSqlDatabase db, const ImportOptions &options)
{
    const QString batchId = options.batchId.isEmpty() ? Ids::generate() : options.batchId;
    if (!Ids::isValid(batchId)) {
        return Error{u"invalid_batch_id"_s,
                     tr("The batch id \"%1\" is not 24 lowercase hexadecimal digits; leave it "
                        "empty to get a new one.")
                         .arg(batchId)};
    }

    Result<std::optional<Batch>> existing = BatchRepository(db).find(batchId);
    if (!existing)
        return existing.error();
    if (existing->has_value()) {
        return Error{u"batch_exists"_s,
                     tr("A batch with the id %1 already exists; choose another id or leave it "
                        "empty to create a new batch.")
                         .arg(batchId)};
    }
    return batchId;
}

// Adds the columns' JSON text to what DuplicateFilter put in call.extra (an
// extension, other numbers of the contact) and clears the text. With nothing
// in call.extra, the text stays as it is and is stored unchanged.
void mergeExtra(CallRecord &call, std::string &extraJson)
{
    if (call.extra.isEmpty())
        return;

    QJsonObject merged = QJsonDocument::fromJson(QByteArray::fromStdString(extraJson)).object();
    for (auto it = call.extra.constBegin(); it != call.extra.constEnd(); ++it)
        merged.insert(it.key(), it.value());
    call.extra = merged;
    extraJson.clear();
}

// Stores the batch and its calls. The caller owns the transaction.
Result<void> storeBatch(QSqlDatabase db, ImportPipeline &pipeline, const Batch &batch,
                        DuplicateFilter &filter,
                        const std::function<bool(qint64)> &progress, ImportSummary &summary)
{
    if (Result<void> inserted = BatchRepository(db).insert(batch); !inserted)
        return inserted;

    CallWriter writer(db);
    if (Result<void> prepared = writer.prepare(batch.id); !prepared)
        return prepared;

    std::optional<Error> failure;
    const auto consume = [&](QList<ContactCandidate> &&chunk, qint64 rowsDone) {
        for (ContactCandidate &candidate : chunk) {
            summary.warnings.append(candidate.warnings);
            std::string extraJson = std::move(candidate.extraJson);
            std::variant<CallRecord, RejectedRow> outcome = filter.resolve(std::move(candidate));
            if (RejectedRow *rejected = std::get_if<RejectedRow>(&outcome)) {
                addRejection(summary, std::move(*rejected));
                continue;
            }

            CallRecord &call = std::get<CallRecord>(outcome);
            mergeExtra(call, extraJson);
            if (Result<void> stored = writer.append(call, extraJson); !stored) {
                failure = stored.error();
                return false;
            }
            ++summary.imported;
        }
        summary.totalRows = rowsDone;
        return !progress || progress(rowsDone);
    };

    Result<bool> completed = pipeline.run(consume);
    if (!completed)
        return completed.error();
    if (failure)
        return *failure;
    if (Result<void> flushed = writer.flush(); !flushed)
        return flushed;
    if (!*completed) {
        return Error{u"cancelled"_s,
                     tr("The import of %1 was cancelled; no batch and no calls were saved.")
                         .arg(batch.sourceFile)};
    }
    return {};
}

Result<ImportPreview> previewWith(const ImportOptions &options, int rowLimit,
                                  const QSet<QString> &doNotCall)
{
    ImportPipeline pipeline(options);
    if (Result<void> opened = pipeline.open(); !opened)
        return opened.error();

    ImportPreview preview;
    preview.format = pipeline.format();
    preview.formatName = displayName(pipeline.format());
    preview.headers = pipeline.headers();
    preview.mapping = pipeline.columns().toMapping(pipeline.headers());

    DuplicateFilter filter(doNotCall, {});
    const auto consume = [&](QList<ContactCandidate> &&chunk, qint64 rowsDone) {
        for (ContactCandidate &candidate : chunk) {
            preview.warnings.append(candidate.warnings);
            std::variant<CallRecord, RejectedRow> outcome = filter.resolve(std::move(candidate));
            if (RejectedRow *rejected = std::get_if<RejectedRow>(&outcome)) {
                preview.rejected.append(std::move(*rejected));
                continue;
            }
            ++preview.acceptedRows;
            if (preview.rows.size() < rowLimit)
                preview.rows.append(std::get<CallRecord>(std::move(outcome)));
        }
        preview.totalRows = rowsDone;
        return true;
    };
    if (Result<bool> done = pipeline.run(consume); !done)
        return done.error();
    return preview;
}

} // namespace

Result<ImportPreview> Importer::preview(const ImportOptions &options, int rowLimit)
{
    return previewWith(options, rowLimit, {});
}

Result<ImportPreview> Importer::preview(QSqlDatabase db, const ImportOptions &options,
                                        int rowLimit)
{
    Result<QSet<QString>> doNotCall = DoNotCallRepository(db).all();
    if (!doNotCall)
        return doNotCall.error();
    return previewWith(options, rowLimit, *doNotCall);
}

Result<ImportSummary> Importer::run(QSqlDatabase db, const ImportOptions &options,
                                    const std::function<bool(qint64)> &progress)
{
    QElapsedTimer timer;
    timer.start();

    ImportPipeline pipeline(options);
    if (Result<void> opened = pipeline.open(); !opened)
        return opened.error();
    pipeline.setExtraAsJson(true);
    Result<QString> batchId = chooseBatchId(db, options);
    if (!batchId)
        return batchId.error();
    Result<QSet<QString>> doNotCall = DoNotCallRepository(db).all();
    if (!doNotCall)
        return doNotCall.error();

    ImportSummary summary;
    summary.batchId = *batchId;
    summary.format = pipeline.format();
    DuplicateFilter filter(*doNotCall, {});
    const Batch batch = newBatch(options, *batchId);

    const std::optional<qint64> cacheSize = setCacheSize(db, importCacheKiB);
    if (!db.transaction()) {
        restoreCacheSize(db, cacheSize);
        return storeError(tr("Starting the import of batch %1").arg(batch.id), db.lastError());
    }
    Result<void> stored = storeBatch(db, pipeline, batch, filter, progress, summary);
    if (stored && !db.commit())
        stored = storeError(tr("Saving the import of batch %1").arg(batch.id), db.lastError());
    if (!stored)
        db.rollback();
    restoreCacheSize(db, cacheSize);
    if (!stored) {
        qCWarning(lcImport).noquote() << "Import of" << options.filePath << "into batch"
                                      << batch.id << "failed and was rolled back:"
                                      << stored.error().message;
        return stored.error();
    }

    qCInfo(lcImport).noquote() << "Imported" << summary.imported << "of" << summary.totalRows
                               << "rows of" << options.filePath << "into batch" << batch.id
                               << "in" << timer.elapsed() << "ms;" << summary.rejected.size()
                               << "rejected";
    return summary;
}

Result<RecordValidation> Importer::validateRecords(const QList<QJsonObject> &records,
                                                   const BatchConfig &config,
                                                   const QSet<QString> &doNotCall,
                                                   const QHash<QString, int> &existingNumbers)
{
    if (Result<void> checked = ImportPipeline::checkConfig(config); !checked)
        return checked.error();

    const RowConverter converter({}, ColumnMap(), ContactFormat::Delimited, config,
                                 TimeZoneTable::instance());
    DuplicateFilter filter(doNotCall, existingNumbers);
    RecordValidation validation;
    for (qsizetype i = 0; i < records.size(); ++i) {
        ContactCandidate candidate = converter.convertRecord(int(i), records[i]);
        validation.warnings.append(candidate.warnings);
        std::variant<CallRecord, RejectedRow> outcome = filter.resolve(std::move(candidate));
        if (RejectedRow *rejected = std::get_if<RejectedRow>(&outcome))
            validation.rejected.append(std::move(*rejected));
        else
            validation.accepted.append(std::get<CallRecord>(std::move(outcome)));
    }
    return validation;
}

Result<RecordValidation> Importer::validateRecords(QSqlDatabase db, const QString &batchId,
                                                   const QList<QJsonObject> &records,
                                                   const BatchConfig &config)
{
    Result<QSet<QString>> doNotCall = DoNotCallRepository(db).all();
    if (!doNotCall)
        return doNotCall.error();
    Result<QHash<QString, int>> existing = loadExistingNumbers(db, batchId);
    if (!existing)
        return existing.error();
    return validateRecords(records, config, *doNotCall, *existing);
}

} // namespace Dialdeck
