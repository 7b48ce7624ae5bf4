#include "storeaudit.h"

#include "core/batchconfig.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QUuid>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 DayMs = 24LL * 3600 * 1000;

struct AttemptRow
{
    qint64 id = 0;
    QString batchId;
    qint64 createdAtMs = 0;
    QString callerPhoneId;
    QString calleeE164;
    QString timeZones; // '&'-separated, as the importer stores them
};

QString instantText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// Returns why the instant is outside the batch's calling rules in `zoneName`,
// or "" when it is inside them.
QString windowViolation(const BatchConfig &config, const QByteArray &zoneName, qint64 instantMs)
{
    const QTimeZone zone(zoneName);
    if (!zone.isValid())
        return u"the time zone %1 is unknown"_s.arg(QString::fromLatin1(zoneName));

    const QDateTime local = QDateTime::fromMSecsSinceEpoch(instantMs, zone);
    const QString where = u" in %1 (local %2)"_s.arg(QString::fromLatin1(zoneName),
                                                     local.toString(Qt::ISODate));
    if (!config.isDayAllowed(Qt::DayOfWeek(local.date().dayOfWeek())))
        return u"the weekday is not allowed"_s + where;
    if (config.isHoliday(local.date()))
        return u"the date is a holiday"_s + where;
    if (local.time() < config.windowStart || local.time() >= config.windowEnd)
        return u"the time is outside %1-%2"_s.arg(config.windowStart.toString(u"HH:mm"),
                                                   config.windowEnd.toString(u"HH:mm"))
            + where;
    return {};
}

class Auditor
{
public:
    explicit Auditor(QSqlDatabase db) : m_db(std::move(db)) {}

    StoreAuditReport run()
    {
        if (!loadBatches() || !loadDoNotCall() || !loadCaps() || !loadAttempts())
            return m_report;

        for (const AttemptRow &attempt : std::as_const(m_attempts)) {
            checkWindow(attempt);
            checkDoNotCall(attempt);
            checkDailyCap(attempt);
            ++m_report.attemptsChecked;
        }
        return m_report;
    }

private:
    bool exec(QSqlQuery &query, const QString &sql)
    {
        if (query.exec(sql))
            return true;
        m_report.violations.append(u"Reading the store failed: %1 (%2)"_s.arg(
            query.lastError().text(), sql));
        return false;
    }

    bool loadBatches()
    {
        QSqlQuery query(m_db);
        if (!exec(query, u"SELECT id, config FROM batches"_s))
            return false;

        while (query.next()) {
            const QString id = query.value(0).toString();
            const QJsonDocument json = QJsonDocument::fromJson(query.value(1).toByteArray());
            Result<BatchConfig> config = BatchConfig::fromJson(json.object());
            if (!config) {
                m_report.violations.append(u"Batch %1 has an unreadable configuration: %2"_s.arg(
                    id, config.error().message));
                continue;
            }
            m_configs.insert(id, *config);
        }
        return true;
    }

    bool loadDoNotCall()
    {
        QSqlQuery query(m_db);
        if (!exec(query, u"SELECT e164, added_at FROM dnc_numbers"_s))
            return false;
        while (query.next())
            m_doNotCallSince.insert(query.value(0).toString(), query.value(1).toLongLong());
        return true;
    }

    bool loadCaps()
    {
        QSqlQuery query(m_db);
        if (!exec(query, u"SELECT id, daily_cap FROM phones"_s))
            return false;
        while (query.next())
            m_dailyCaps.insert(query.value(0).toString(), query.value(1).toInt());
        return true;
    }

    // Attempts in creation order, so the daily-cap count is the attempt's rank in its day.
    bool loadAttempts()
    {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!exec(query, u"SELECT a.id, a.batch_id, a.created_at, a.caller_phone_id, c.e164, "
                         "c.time_zones FROM attempts a JOIN calls c ON c.id = a.call_id "
                         "ORDER BY a.created_at, a.id"_s)) {
            return false;
        }

        while (query.next()) {
            AttemptRow row;
            row.id = query.value(0).toLongLong();
            row.batchId = query.value(1).toString();
            row.createdAtMs = query.value(2).toLongLong();
            row.callerPhoneId = query.value(3).toString();
            row.calleeE164 = query.value(4).toString();
            row.timeZones = query.value(5).toString();
            m_attempts.append(row);
        }
        return true;
    }

    void checkWindow(const AttemptRow &attempt)
    {
        const auto config = m_configs.constFind(attempt.batchId);
        if (config == m_configs.constEnd()) {
            m_report.violations.append(u"Attempt %1 belongs to batch %2, which has no usable "
                                       "configuration"_s.arg(attempt.id)
                                           .arg(attempt.batchId));
            return;
        }

        QList<QByteArray> zones = attempt.timeZones.toLatin1().split('&');
        zones.removeAll(QByteArray());
        if (zones.isEmpty())
            zones = {config->defaultTimeZone};

        for (const QByteArray &zone : std::as_const(zones)) {
            const QString reason = windowViolation(*config, zone, attempt.createdAtMs);
            if (!reason.isEmpty()) {
                m_report.violations.append(u"Attempt %1 to %2 was created at %3, but %4"_s
                                               .arg(attempt.id)
                                               .arg(attempt.calleeE164,
                                                    instantText(attempt.createdAtMs), reason));
            }
        }
    }

    void checkDoNotCall(const AttemptRow &attempt)
    {
        const auto since = m_doNotCallSince.constFind(attempt.calleeE164);
        if (since == m_doNotCallSince.constEnd() || *since > attempt.createdAtMs)
            return;
        m_report.violations.append(u"Attempt %1 dialed %2 at %3, which is on the do-not-call "
                                   "list since %4"_s.arg(attempt.id)
                                       .arg(attempt.calleeE164, instantText(attempt.createdAtMs),
                                            instantText(*since)));
    }

    // Caps count the attempts of a caller number in one UTC day, across batches,
    // as the caller rotation does.
    void checkDailyCap(const AttemptRow &attempt)
    {
        if (attempt.callerPhoneId.isEmpty())
            return;

        const int cap = m_dailyCaps.value(attempt.callerPhoneId, 0);
        const qint64 day = attempt.createdAtMs >= 0 ? attempt.createdAtMs / DayMs
                                                    : (attempt.createdAtMs + 1) / DayMs - 1;
        const int used = ++m_usesPerDay[{attempt.callerPhoneId, day}];
        if (cap <= 0 || used <= cap)
            return;
        m_report.violations.append(u"Attempt %1 was caller number %2's call %3 on %4 (UTC), "
                                   "above its daily cap of %5"_s.arg(attempt.id)
                                       .arg(attempt.callerPhoneId)
                                       .arg(used)
                                       .arg(QDateTime::fromMSecsSinceEpoch(attempt.createdAtMs,
                                                                           Qt::UTC)
                                                .date()
                                                .toString(Qt::ISODate))
                                       .arg(cap));
    }

    QSqlDatabase m_db;
    StoreAuditReport m_report;
    QHash<QString, BatchConfig> m_configs;
    QHash<QString, qint64> m_doNotCallSince; // e164 -> added_at
    QHash<QString, int> m_dailyCaps;         // phone id -> daily_cap, 0 for none
    QHash<std::pair<QString, qint64>, int> m_usesPerDay;
    QList<AttemptRow> m_attempts;
};

} // namespace

QString StoreAuditReport::summary() const
{
    if (violations.isEmpty())
        return {};
    return u"%1 violation(s) in %2 attempts:\n"_s.arg(violations.size()).arg(attemptsChecked)
        + violations.join(u'\n');
}

StoreAuditReport StoreAudit::auditSqliteFile(const QString &path)
{
    const QString name = u"storeaudit-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    StoreAuditReport report;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
        if (!db.open()) {
            report.violations.append(u"Opening the store %1 failed: %2"_s.arg(
                path, db.lastError().text()));
        } else {
            report = Auditor(db).run();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return report;
}

} // namespace Dialdeck
