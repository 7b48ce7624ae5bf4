#include "monitorteststore.h"

#include "core/ids.h"
#include "store/batchrepository.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Engine time the generated calls are due around: 2026-03-02 15:00 UTC.
constexpr qint64 BaseDueMs = 1772463600000;

} // namespace

QString MonitorTestStore::path() const
{
    return m_dir.filePath(u"monitor.sqlite"_s);
}

const QStringList &MonitorTestStore::zoneLists()
{
    static const QStringList zones = {u"America/New_York"_s, u"America/Chicago"_s,
                                      u"America/Los_Angeles"_s,
                                      u"America/Chicago&America/Denver"_s};
    return zones;
}

const QStringList &MonitorTestStore::statusCycle()
{
    static const QStringList statuses = {u"pending"_s,   u"completed"_s, u"no_answer"_s,
                                         u"busy"_s,      u"pending"_s,   u"failed"_s,
                                         u"skipped"_s,   u"completed"_s, u"waiting_for_window"_s};
    return statuses;
}

QString MonitorTestStore::create(int callCount)
{
    if (!m_dir.isValid())
        return u"The temporary folder could not be created."_s;

    Result<Connection> connection = Connection::openSqlite(path(), u"test"_s);
    if (!connection)
        return connection.error().message;
    m_connection = std::make_unique<Connection>(std::move(connection).value());

    Result<User> owner = UserRepository(database()).ensureLocalOperator();
    if (!owner)
        return owner.error().message;

    PhoneRepository phones(database());
    const QStringList numbers = {u"+12125550100"_s, u"+13125550111"_s};
    for (int i = 0; i < numbers.size(); ++i) {
        Phone phone;
        phone.id = Ids::generate();
        phone.e164 = numbers.at(i);
        phone.label = u"Line %1"_s.arg(i + 1);
        phone.createdAt = QDateTime::currentDateTimeUtc();
        if (Result<void> saved = phones.insert(phone); !saved)
            return saved.error().message;
        m_phones << phone;
    }

    m_batch.id = Ids::generate();
    m_batch.name = u"Generated batch"_s;
    m_batch.ownerUserId = owner->id;
    m_batch.status = BatchStatus::Ready;
    m_batch.createdAt = QDateTime::currentDateTimeUtc();
    m_batch.phoneIds = {m_phones.at(0).id, m_phones.at(1).id};
    BatchRepository batches(database());
    if (Result<void> saved = batches.insert(m_batch); !saved)
        return saved.error().message;
    if (Result<void> saved = batches.setPhones(m_batch.id, m_batch.phoneIds); !saved)
        return saved.error().message;

    return insertCalls(m_batch.id, callCount, true);
}

QString MonitorTestStore::addOtherBatch(int callCount)
{
    Batch other = m_batch;
    other.id = Ids::generate();
    other.name = u"Other batch"_s;
    if (Result<void> saved = BatchRepository(database()).insert(other); !saved)
        return saved.error().message;
    return insertCalls(other.id, callCount, false);
}

QString MonitorTestStore::insertCalls(const QString &batchId, int callCount, bool withAttempts)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return db.lastError().text();

    QSqlQuery call(db);
    call.prepare(u"INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, "
                 "tz_source, status, attempt_count, next_due_at, last_outcome) "
                 "VALUES (?, ?, ?, ?, ?, 'US', ?, 'phone_prefix', ?, ?, ?, ?)"_s);
    QSqlQuery attempt(db);
    attempt.prepare(u"INSERT INTO attempts (call_id, batch_id, attempt_number, caller_phone_id, "
                    "caller_e164, state, created_at, ended_at, outcome, hangup_cause, "
                    "ring_seconds, talk_seconds, cost, allowed_rule) "
                    "VALUES (?, ?, ?, ?, ?, 'ended', ?, ?, ?, 'NORMAL_CLEARING', 7, ?, 0.0125, "
                    "'window 09:00-20:00 open in America/New_York; round robin')"_s);

    for (int i = 0; i < callCount; ++i) {
        const int attempts = withAttempts && i % 3 == 0 ? 1 + (i / 3) % 2 : 0;
        const QString status = statusCycle().at(i % statusCycle().size());

        call.addBindValue(batchId);
        call.addBindValue(i + 2);
        call.addBindValue(u"Contact %1 %2"_s.arg(i % 7 == 0 ? u"Smith"_s : u"Jones"_s).arg(i));
        call.addBindValue(u"(555) 010-%1"_s.arg(i));
        call.addBindValue(u"+1555%1"_s.arg(i, 7, 10, QLatin1Char('0')));
        call.addBindValue(zoneLists().at(i % zoneLists().size()));
        call.addBindValue(status);
        call.addBindValue(attempts);
        call.addBindValue(status == u"pending" ? QVariant(BaseDueMs + qint64(i % 1000) * 60000)
                                               : QVariant(QMetaType::fromType<qint64>()));
        call.addBindValue(attempts > 0 ? QVariant(u"no_answer"_s) : QVariant(QMetaType::fromType<QString>()));
        if (!call.exec())
            return call.lastError().text();

        const qint64 callId = call.lastInsertId().toLongLong();
        for (int number = 1; number <= attempts; ++number) {
            // Alternates the caller number by call and attempt, so both have calls.
            const Phone &caller = m_phones.at((i / 3 + number) % 2);
            const qint64 startMs = BaseDueMs - qint64(attempts - number + 1) * 3600000;
            attempt.addBindValue(callId);
            attempt.addBindValue(batchId);
            attempt.addBindValue(number);
            attempt.addBindValue(caller.id);
            attempt.addBindValue(caller.e164);
            attempt.addBindValue(startMs);
            attempt.addBindValue(startMs + 37000);
            attempt.addBindValue(u"no_answer"_s);
            attempt.addBindValue(number * 3);
            if (!attempt.exec())
                return attempt.lastError().text();
        }
    }

    if (!db.commit())
        return db.lastError().text();
    return {};
}

} // namespace Dialdeck
