#include "benchbatch.h"

#include "core/ids.h"
#include "store/batchrepository.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

QString createBenchBatch(QSqlDatabase db, int calls, int phones)
{
    Result<User> owner = UserRepository(db).ensureLocalOperator();
    PhoneRepository phoneRepository(db);
    QStringList phoneIds;
    for (int i = 0; i < phones; ++i) {
        Phone phone;
        phone.id = Ids::generate();
        phone.e164 = u"+1212%1"_s.arg(5550000 + i);
        (void)phoneRepository.insert(phone);
        phoneIds.append(phone.id);
    }

    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Engine benchmark"_s;
    batch.ownerUserId = owner ? owner->id : QString();
    batch.status = BatchStatus::Ready;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    batch.phoneIds = phoneIds;
    // A window open all day, every day, so the figure is the engine's own cost.
    batch.config.windowStart = QTime(0, 0);
    batch.config.windowEnd = QTime(23, 59, 59);
    batch.config.allowedDays = 0x7f;
    batch.config.maxCallsPerSecond = 1000;
    batch.config.maxConcurrentCalls = phones;
    (void)BatchRepository(db).insert(batch);

    db.transaction();
    QSqlQuery insert(db);
    insert.prepare(
        u"INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, "
        "tz_source, status) VALUES (?, ?, '', ?, ?, 'US', ?, 'phone_prefix', 'pending')"_s);
    const QStringList zones = {u"America/New_York"_s, u"America/Chicago"_s, u"America/Denver"_s,
                               u"America/Los_Angeles"_s};
    for (int i = 0; i < calls; ++i) {
        const QString e164 = u"+1%1"_s.arg(2012000000LL + i);
        insert.addBindValue(batch.id);
        insert.addBindValue(i + 2);
        insert.addBindValue(e164);
        insert.addBindValue(e164);
        insert.addBindValue(zones[i % zones.size()]);
        insert.exec();
    }
    db.commit();
    return batch.id;
}

} // namespace Dialdeck
