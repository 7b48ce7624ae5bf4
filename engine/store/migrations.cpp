#include "migrations.h"

#include "core/logging.h"
#include "sqlsupport.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

#include <vector>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Migration N (1-based) brings the schema from version N-1 to N. Times are
// milliseconds since the Unix epoch, UTC. Batches, users and caller numbers
// have 24-hex-digit ids; calls, attempts and events use integer row ids
// because a batch may hold millions of them.
const std::vector<std::vector<const char *>> &migrationSteps()
{
    static const std::vector<std::vector<const char *>> steps = {
        {
            R"(CREATE TABLE users (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                can_manage_calling INTEGER NOT NULL DEFAULT 1,
                created_at INTEGER NOT NULL))",
            R"(CREATE TABLE phones (
                id TEXT PRIMARY KEY,
                e164 TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL DEFAULT '',
                enabled INTEGER NOT NULL DEFAULT 1,
                daily_cap INTEGER NOT NULL DEFAULT 0,
                cooldown_seconds INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL))",
            R"(CREATE TABLE batches (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                owner_user_id TEXT REFERENCES users(id),
                status TEXT NOT NULL,
                status_reason TEXT NOT NULL DEFAULT '',
                config TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                started_at INTEGER,
                finished_at INTEGER,
                session_id TEXT,
                source_file TEXT NOT NULL DEFAULT '',
                lease_owner TEXT,
                lease_expires_at INTEGER))",
            R"(CREATE TABLE batch_phones (
                batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
                phone_id TEXT NOT NULL REFERENCES phones(id),
                position INTEGER NOT NULL,
                PRIMARY KEY (batch_id, phone_id)))",
            R"(CREATE TABLE calls (
                id INTEGER PRIMARY KEY,
                batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
                line INTEGER NOT NULL,
                name TEXT NOT NULL DEFAULT '',
                phone_raw TEXT NOT NULL,
                e164 TEXT NOT NULL,
                region TEXT NOT NULL DEFAULT '',
                time_zones TEXT NOT NULL,
                tz_source TEXT NOT NULL,
                status TEXT NOT NULL,
                attempt_count INTEGER NOT NULL DEFAULT 0,
                next_due_at INTEGER,
                last_outcome TEXT,
                skip_reason TEXT NOT NULL DEFAULT '',
                extra TEXT))",
            "CREATE INDEX calls_batch_status ON calls (batch_id, status, next_due_at)",
            "CREATE INDEX calls_batch_e164 ON calls (batch_id, e164)",
            R"(CREATE TABLE attempts (
                id INTEGER PRIMARY KEY,
                call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
                batch_id TEXT NOT NULL,
                attempt_number INTEGER NOT NULL,
                caller_phone_id TEXT,
                caller_e164 TEXT NOT NULL,
                request_uuid TEXT,
                call_uuid TEXT,
                state TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                ringing_at INTEGER,
                answered_at INTEGER,
                ended_at INTEGER,
                outcome TEXT,
                hangup_cause TEXT,
                ring_seconds INTEGER NOT NULL DEFAULT 0,
                talk_seconds INTEGER NOT NULL DEFAULT 0,
                cost REAL NOT NULL DEFAULT 0,
                machine_result TEXT,
                allowed_rule TEXT NOT NULL DEFAULT '',
                session_id TEXT,
                UNIQUE (call_id, attempt_number)))",
            "CREATE INDEX attempts_batch_state ON attempts (batch_id, state)",
            "CREATE INDEX attempts_call_uuid ON attempts (call_uuid)",
            R"(CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                attempt_id INTEGER REFERENCES attempts(id) ON DELETE CASCADE,
                call_uuid TEXT NOT NULL,
                kind TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                payload TEXT,
                UNIQUE (call_uuid, kind)))",
            R"(CREATE TABLE dnc_numbers (
                e164 TEXT PRIMARY KEY,
                reason TEXT NOT NULL DEFAULT '',
                added_at INTEGER NOT NULL))",
        },
        // REST API tokens. The text handed to the user is "<id>.<secret>";
        // only SHA-256(salt || secret) is kept, so a copy of the store cannot
        // be used to call the API.
        {
            R"(CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                salt BLOB NOT NULL,
                secret_hash BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked_at INTEGER))",
            "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
        },
        // Outbound progress webhooks: the endpoints and the outbox of their
        // deliveries. A secret is never stored; secret_location names the
        // owner-only file ("file:PATH") or keychain entry ("keychain:KEY") that
        // holds it. Each (endpoint, batch) stream numbers its events from 1.
        {
            R"(CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                batch_id TEXT REFERENCES batches(id) ON DELETE CASCADE,
                url TEXT NOT NULL,
                secret_location TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                created_at INTEGER NOT NULL))",
            R"(CREATE TABLE webhook_outbox (
                id INTEGER PRIMARY KEY,
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                batch_id TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                event_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                session_id TEXT,
                payload TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL,
                attempt_count INTEGER NOT NULL DEFAULT 0,
                delivered_at INTEGER,
                last_status INTEGER,
                last_error TEXT NOT NULL DEFAULT '',
                UNIQUE (endpoint_id, batch_id, sequence),
                UNIQUE (endpoint_id, event_id)))",
            "CREATE INDEX webhook_outbox_undelivered ON webhook_outbox (endpoint_id, batch_id, "
            "sequence) WHERE delivered_at IS NULL",
        },
        // The last event of each dialdeck-relay channel the engine applied. It
        // is written in the transaction that applies the event, so a relay that
        // delivers an event again after a reconnect or a crash changes nothing.
        {
            R"(CREATE TABLE relay_cursors (
                channel TEXT PRIMARY KEY,
                seq INTEGER NOT NULL,
                updated_at INTEGER NOT NULL))",
        },
    };
    return steps;
}

Result<void> ensureVersionTable(QSqlDatabase &db)
{
    QSqlQuery query(db);
    if (!query.exec(u"CREATE TABLE IF NOT EXISTS schema_version ("
                    "version INTEGER NOT NULL, applied_at INTEGER NOT NULL)"_s)) {
        return storeError(QObject::tr("Creating the schema version table"), query.lastError());
    }
    return {};
}

Result<void> applyStep(QSqlDatabase &db, int version)
{
    if (!db.transaction())
        return storeError(QObject::tr("Starting migration %1").arg(version), db.lastError());

    QSqlQuery query(db);
    for (const char *statement : migrationSteps()[std::size_t(version - 1)]) {
        if (!query.exec(QString::fromUtf8(statement))) {
            const Error error = storeError(QObject::tr("Migration %1").arg(version),
                                           query.lastError());
            db.rollback();
            return error;
        }
    }

    query.prepare(u"INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"_s);
    query.addBindValue(version);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!query.exec() || !db.commit()) {
        const Error error = storeError(QObject::tr("Recording migration %1").arg(version),
                                       query.lastError());
        db.rollback();
        return error;
    }

    qCInfo(lcStore) << "Applied schema migration" << version;
    return {};
}

Error newerSchemaError(QSqlDatabase &db, int version)
{
    return Error{u"schema_too_new"_s,
                 QObject::tr("The store %1 has schema version %2, but this Dialdeck reads up to "
                             "version %3; upgrade Dialdeck or open another store file.")
                     .arg(db.databaseName())
                     .arg(version)
                     .arg(Migrations::latestVersion())};
}

} // namespace

int Migrations::latestVersion()
{
    return int(migrationSteps().size());
}

Result<int> Migrations::currentVersion(QSqlDatabase &db)
{
    if (!db.tables().contains(u"schema_version"_s))
        return 0;

    QSqlQuery query(db);
    if (!query.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s) || !query.next())
        return storeError(QObject::tr("Reading the schema version"), query.lastError());
    return query.value(0).toInt();
}

Result<void> Migrations::migrate(QSqlDatabase &db)
{
    if (Result<void> table = ensureVersionTable(db); !table)
        return table;

    Result<int> current = currentVersion(db);
    if (!current)
        return current.error();
    if (*current > latestVersion())
        return newerSchemaError(db, *current);

    for (int version = *current + 1; version <= latestVersion(); ++version) {
        if (Result<void> step = applyStep(db, version); !step)
            return step;
    }
    return {};
}

Result<void> Migrations::checkVersion(QSqlDatabase &db)
{
    Result<int> current = currentVersion(db);
    if (!current)
        return current.error();
    if (*current > latestVersion())
        return newerSchemaError(db, *current);
    if (*current < latestVersion()) {
        return Error{u"schema_too_old"_s,
                     QObject::tr("The store %1 has schema version %2 and needs version %3; open "
                                 "it once with dialdeck-service or the console to upgrade it.")
                         .arg(db.databaseName())
                         .arg(*current)
                         .arg(latestVersion())};
    }
    return {};
}

} // namespace Dialdeck
