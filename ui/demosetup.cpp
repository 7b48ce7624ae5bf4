#include "demosetup.h"

#include "core/ids.h"
#include "core/logging.h"
#include "import/importer.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

struct DemoNumber
{
    const char16_t *e164;
    const char *label;
};

// Fictional 555-01xx numbers; the simulated carrier never dials out.
constexpr DemoNumber demoNumbers[] = {
    {u"+12125550100", QT_TRANSLATE_NOOP("Dialdeck::DemoSetup", "NYC main")},
    {u"+14155550100", QT_TRANSLATE_NOOP("Dialdeck::DemoSetup", "SF main")},
};

// Adds the demo caller numbers when the store has none; returns the ids of
// the numbers the demo batch rotates through: every enabled number.
Result<QStringList> ensureCallerNumbers(QSqlDatabase db)
{
    PhoneRepository phones(db);
    Result<QList<Phone>> existing = phones.list();
    if (!existing)
        return existing.error();

    if (existing->isEmpty()) {
        for (const DemoNumber &number : demoNumbers) {
            Phone phone;
            phone.id = Ids::generate();
            phone.e164 = QString::fromUtf16(number.e164);
            phone.label = DemoSetup::tr(number.label);
            phone.createdAt = QDateTime::currentDateTimeUtc();
            if (Result<void> inserted = phones.insert(phone); !inserted)
                return inserted.error();
            existing->append(phone);
        }
    }

    QStringList ids;
    for (const Phone &phone : std::as_const(*existing)) {
        if (phone.enabled)
            ids.append(phone.id);
    }
    return ids;
}

} // namespace

Result<DemoSetup::Outcome> DemoSetup::run(const Request &request)
{
    Result<Connection> connection = Connection::openSqlite(request.storePath, u"demo"_s);
    if (!connection)
        return connection.error();
    QSqlDatabase db = connection->database();

    BatchRepository batches(db);
    Result<QList<Batch>> existing = batches.list();
    if (!existing)
        return existing.error();
    if (!existing->isEmpty())
        return Outcome{};

    QString owner = request.ownerUserId;
    if (owner.isEmpty()) {
        Result<User> localOperator = UserRepository(db).ensureLocalOperator();
        if (!localOperator)
            return localOperator.error();
        owner = localOperator->id;
    }

    Result<QStringList> phoneIds = ensureCallerNumbers(db);
    if (!phoneIds)
        return phoneIds.error();

    ImportOptions options;
    options.filePath = request.filePath;
    options.batchId = Ids::generate();
    options.batchName = tr(BatchName);
    options.ownerUserId = owner;
    options.config = request.config;
    options.config.windowStart = QTime(8, 0);
    options.config.windowEnd = QTime(21, 0);
    options.config.allowedDays = 0b1111111;
    options.phoneIds = *phoneIds;

    Result<ImportSummary> summary = Importer::run(db, options, {});
    if (!summary)
        return summary.error();

    const QString reason = tr("Demo batch prepared at first start");
    if (Result<void> ready = batches.setStatus(options.batchId, BatchStatus::Ready, reason,
                                               QDateTime::currentDateTimeUtc());
        !ready) {
        return ready.error();
    }

    qCInfo(lcUi) << "Imported the demo batch" << options.batchId << "with" << summary->imported << "calls";
    return Outcome{options.batchId,
                   tr("Imported %1 calls from %2 into \"%3\"; %4 rows were rejected. Click Start Calling to run it.")
                       .arg(summary->imported)
                       .arg(request.filePath, options.batchName)
                       .arg(summary->rejected.size())};
}

} // namespace Dialdeck
