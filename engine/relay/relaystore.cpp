#include "relaystore.h"

#include "carrier/plivosignature.h"
#include "core/logging.h"
#include "store/sqlsupport.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QUuid>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::RelayStore", text);
}

// Each statement is one schema step; user_version counts the steps applied.
const QList<const char *> &schemaSteps()
{
    static const QList<const char *> steps = {
        R"(CREATE TABLE channels (
            name TEXT PRIMARY KEY,
            token_salt BLOB NOT NULL,
            token_hash BLOB NOT NULL,
            auth_token_file TEXT NOT NULL,
            answer_action TEXT NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL))",
        R"(CREATE TABLE events (
            channel TEXT NOT NULL REFERENCES channels(name) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            method TEXT NOT NULL,
            url TEXT NOT NULL,
            headers BLOB,
            body BLOB,
            content_type TEXT,
            call_uuid TEXT,
            PRIMARY KEY (channel, seq)))",   "CREATE INDEX events_received ON events (received_at)",
        R"(CREATE TABLE nonces (
            nonce TEXT NOT NULL,
            signature BLOB NOT NULL,
            seen_at INTEGER NOT NULL,
            PRIMARY KEY (nonce, signature)))",   "CREATE INDEX nonces_seen ON nonces (seen_at)",
    };
    return steps;
}

QByteArray tokenHash(const QByteArray &salt, const QByteArray &token)
{
    return QCryptographicHash::hash(QByteArray(salt + token), QCryptographicHash::Sha256);
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          count / int(sizeof(quint32)));
    return bytes;
}

RelayChannel channelFromRow(const QSqlQuery &query)
{
    RelayChannel channel;
    channel.name = query.value(0).toString();
    channel.authTokenFile = query.value(1).toString();
    const QJsonObject answer = QJsonDocument::fromJson(query.value(2).toByteArray()).object();
    if (Result<AnswerAction> action = AnswerAction::fromJson(answer))
        channel.answer = *action;
    channel.createdAtMs = query.value(3).toLongLong();
    channel.lastSeq = query.value(4).toLongLong();
    return channel;
}

} // namespace

RelayStore::RelayStore(QString connectionName)
    : m_connectionName(std::move(connectionName))
{}

RelayStore::~RelayStore()
{
    m_statements.clear();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<RelayStore>> RelayStore::open(const QString &path)
{
    const QString name = u"relay-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces);
    std::unique_ptr<RelayStore> store(new RelayStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    db.setDatabaseName(path);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!db.open())
        return storeError(tr("Opening the relay log %1").arg(path), db.lastError());

    // WAL lets readers run beside the writer; synchronous=FULL makes every
    // commit durable before the relay replies to Plivo. A checkpoint every 200
    // pages (800 KiB) keeps each checkpoint short and the log file small.
    // Checkpoints on a thread of their own were tried: at a steady 200
    // callbacks a second the log never restarted and grew by 8 MB a second.
    QSqlQuery pragma(db);
    for (const QString &statement :
         {u"PRAGMA journal_mode = WAL"_s, u"PRAGMA synchronous = FULL"_s,
          u"PRAGMA foreign_keys = ON"_s, u"PRAGMA wal_autocheckpoint = 200"_s}) {
        if (!pragma.exec(statement))
            return storeError(tr("Setting up the relay log %1").arg(path), pragma.lastError());
    }
    if (Result<void> migrated = store->migrate(); !migrated)
        return migrated.error();

    return store;
}

QSqlQuery &RelayStore::prepared(const QString &sql)
{
    auto found = m_statements.find(sql);
    if (found == m_statements.end()) {
        QSqlQuery query(QSqlDatabase::database(m_connectionName));
        query.setForwardOnly(true);
        query.prepare(sql);
        found = m_statements.emplace(sql, std::move(query)).first;
    }
    return found->second;
}

Result<void> RelayStore::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA user_version"_s) || !query.next())
        return storeError(tr("Reading the relay log's schema version"), query.lastError());
    const int version = query.value(0).toInt();
    const QList<const char *> &steps = schemaSteps();
    if (version > steps.size()) {
        return Error{u"store_failed"_s,
                     tr("The relay log has schema version %1, newer than this dialdeck-relay "
                        "knows (%2); use a newer dialdeck-relay.")
                         .arg(version)
                         .arg(steps.size())};
    }
    if (version == steps.size())
        return {};

    if (Result<void> begun = beginWriteTransaction(db, tr("Creating the relay log")); !begun)
        return begun;
    for (qsizetype step = version; step < steps.size(); ++step) {
        if (!query.exec(QString::fromUtf8(steps.at(step)))) {
            const Error error = storeError(tr("Creating the relay log"), query.lastError());
            db.rollback();
            return error;
        }
    }
    if (!query.exec(u"PRAGMA user_version = %1"_s.arg(steps.size())) || !db.commit()) {
        const Error error = storeError(tr("Creating the relay log"), query.lastError());
        db.rollback();
        return error;
    }
    return {};
}

bool RelayStore::isValidChannelName(const QString &name)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_-]{1,64}$"_s);
    return pattern.match(name).hasMatch();
}

Result<QString> RelayStore::addChannel(const QString &name, const QString &authTokenFile,
                                       const AnswerAction &answer, qint64 nowMs)
{
    if (!isValidChannelName(name)) {
        return Error{u"invalid_argument"_s,
                     tr("The channel name \"%1\" is invalid; use 1 to 64 letters, digits, \"-\" "
                        "or \"_\".")
                         .arg(name)};
    }
    Result<std::optional<RelayChannel>> existing = channel(name);
    if (!existing)
        return existing.error();
    if (existing->has_value()) {
        return Error{u"conflict"_s,
                     tr("The channel \"%1\" already exists; pick another name.").arg(name)};
    }

    // 32 random bytes, URL-safe Base64 without padding: 43 characters.
    const QByteArray token =
        randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray salt = randomBytes(16);
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(u"INSERT INTO channels (name, token_salt, token_hash, auth_token_file, "
                  "answer_action, created_at) VALUES (?, ?, ?, ?, ?, ?)"_s);
    query.addBindValue(name);
    query.addBindValue(salt);
    query.addBindValue(tokenHash(salt, token));
    query.addBindValue(authTokenFile);
    query.addBindValue(QJsonDocument(answer.toJson()).toJson(QJsonDocument::Compact));
    query.addBindValue(nowMs);
    if (Result<void> done = execQuery(query, tr("Adding relay channel %1").arg(name)); !done)
        return done.error();
    return QString::fromLatin1(token);
}

Result<void> RelayStore::setAnswer(const QString &name, const AnswerAction &answer)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(u"UPDATE channels SET answer_action = ? WHERE name = ?"_s);
    query.addBindValue(QJsonDocument(answer.toJson()).toJson(QJsonDocument::Compact));
    query.addBindValue(name);
    if (Result<void> done = execQuery(query, tr("Changing the answer of channel %1").arg(name));
        !done)
        return done;
    if (query.numRowsAffected() == 0) {
        return Error{u"not_found"_s, tr("The channel \"%1\" does not exist; list the channels with "
                                        "\"dialdeck-relay channel list\".")
                                         .arg(name)};
    }
    return {};
}

Result<QList<RelayChannel>> RelayStore::channels()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(u"SELECT name, auth_token_file, answer_action, created_at, last_seq "
                  "FROM channels ORDER BY name"_s);
    if (Result<void> done = execQuery(query, tr("Listing relay channels")); !done)
        return done.error();
    QList<RelayChannel> found;
    while (query.next())
        found.append(channelFromRow(query));
    return found;
}

Result<std::optional<RelayChannel>> RelayStore::channel(const QString &name)
{
    QSqlQuery &query = prepared(u"SELECT name, auth_token_file, answer_action, created_at, "
                                "last_seq FROM channels WHERE name = ?"_s);
    query.addBindValue(name);
    if (Result<void> done = execQuery(query, tr("Reading relay channel %1").arg(name)); !done)
        return done.error();
    std::optional<RelayChannel> found;
    if (query.next())
        found = channelFromRow(query);
    query.finish();
    return found;
}

bool RelayStore::tokenMatches(const QString &channel, const QByteArray &token)
{
    QSqlQuery &query = prepared(u"SELECT token_salt, token_hash FROM channels WHERE name = ?"_s);
    query.addBindValue(channel);
    if (!query.exec() || !query.next()) {
        query.finish();
        return false;
    }
    const QByteArray salt = query.value(0).toByteArray();
    const QByteArray expected = query.value(1).toByteArray();
    query.finish();
    return PlivoSignature::constantTimeEquals(tokenHash(salt, token), expected);
}

Result<qint64> RelayStore::append(RelayEvent event, const QString &nonce,
                                  const QByteArray &signature)
{
    QList<RelayAppend> items{RelayAppend{std::move(event), nonce, signature}};
    Result<QList<Result<qint64>>> appended = appendAll(items);
    if (!appended)
        return appended.error();
    return appended->constFirst();
}

Result<QList<Result<qint64>>> RelayStore::appendAll(QList<RelayAppend> &items)
{
    if (m_failAppends)
        return Error{u"store_failed"_s, tr("Appending to the relay log failed (test seam).")};

    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    const QString what = tr("Appending %1 events to the relay log").arg(items.size());
    if (Result<void> begun = beginWriteTransaction(db, what); !begun)
        return begun.error();

    QList<Result<qint64>> seqs;
    seqs.reserve(items.size());
    for (RelayAppend &item : items) {
        Result<qint64> seq = appendInTransaction(item.event, item.nonce, item.signature);
        // These two write nothing, so the rest of the transaction is kept.
        const bool itemOnly =
            !seq && (seq.error().code == u"replayed" || seq.error().code == u"not_found");
        if (!seq && !itemOnly) {
            db.rollback();
            return seq.error();
        }
        seqs.append(std::move(seq));
    }

    if (!db.commit()) {
        const Error error = storeError(what, db.lastError());
        db.rollback();
        return error;
    }
    return seqs;
}

Result<qint64> RelayStore::appendInTransaction(RelayEvent &event, const QString &nonce,
                                               const QByteArray &signature)
{
    const QString what = tr("Appending a %1 event to channel %2").arg(event.kind, event.channel);

    QSqlQuery &seen =
        prepared(u"SELECT 1 FROM nonces WHERE nonce = ? AND signature = ? AND seen_at > ?"_s);
    seen.addBindValue(nonce);
    seen.addBindValue(signature);
    seen.addBindValue(event.receivedAtMs - ReplayWindowMs);
    if (Result<void> done = execQuery(seen, what); !done)
        return done.error();
    const bool replayed = seen.next();
    seen.finish();
    if (replayed) {
        return Error{u"replayed"_s,
                     tr("This callback's nonce and signature were already received; a replayed "
                        "callback is not stored again.")};
    }

    QSqlQuery &next = prepared(u"UPDATE channels SET last_seq = last_seq + 1 WHERE name = ? "
                               "RETURNING last_seq"_s);
    next.addBindValue(event.channel);
    if (Result<void> done = execQuery(next, what); !done)
        return done.error();
    if (!next.next()) {
        next.finish();
        return Error{u"not_found"_s, tr("The channel \"%1\" does not exist.").arg(event.channel)};
    }
    event.seq = next.value(0).toLongLong();
    next.finish();

    QSqlQuery &insert =
        prepared(u"INSERT INTO events (channel, seq, kind, received_at, method, url, headers, "
                 "body, content_type, call_uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    for (const QVariant &value :
         {QVariant(event.channel), QVariant(event.seq), QVariant(event.kind),
          QVariant(event.receivedAtMs), QVariant(event.method), QVariant(event.url),
          QVariant(event.headers), QVariant(event.body), QVariant(event.contentType),
          QVariant(event.callUuid)}) {
        insert.addBindValue(value);
    }
    if (Result<void> done = execQuery(insert, what); !done)
        return done.error();

    QSqlQuery &remember = prepared(u"INSERT OR REPLACE INTO nonces (nonce, signature, seen_at) "
                                   "VALUES (?, ?, ?)"_s);
    remember.addBindValue(nonce);
    remember.addBindValue(signature);
    remember.addBindValue(event.receivedAtMs);
    if (Result<void> done = execQuery(remember, what); !done)
        return done.error();
    return event.seq;
}

Result<QList<RelayEvent>> RelayStore::eventsAfter(const QString &channel, qint64 afterSeq,
                                                  int limit)
{
    QSqlQuery &query =
        prepared(u"SELECT seq, kind, received_at, method, url, headers, body, content_type, "
                 "call_uuid FROM events WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?"_s);
    query.addBindValue(channel);
    query.addBindValue(afterSeq);
    query.addBindValue(limit);
    if (Result<void> done = execQuery(query, tr("Reading events of channel %1").arg(channel));
        !done)
        return done.error();

    QList<RelayEvent> events;
    while (query.next()) {
        RelayEvent event;
        event.channel = channel;
        event.seq = query.value(0).toLongLong();
        event.kind = query.value(1).toString();
        event.receivedAtMs = query.value(2).toLongLong();
        event.method = query.value(3).toString();
        event.url = query.value(4).toString();
        event.headers = query.value(5).toByteArray();
        event.body = query.value(6).toByteArray();
        event.contentType = query.value(7).toString();
        event.callUuid = query.value(8).toString();
        events.append(event);
    }
    query.finish();
    return events;
}

Result<qint64> RelayStore::firstSeq(const QString &channel)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    query.prepare(u"SELECT (SELECT min(seq) FROM events WHERE channel = ?), "
                  "(SELECT last_seq FROM channels WHERE name = ?)"_s);
    query.addBindValue(channel);
    query.addBindValue(channel);
    if (Result<void> done = execQuery(query, tr("Reading events of channel %1").arg(channel));
        !done)
        return done.error();
    if (!query.next())
        return qint64(1);
    if (!query.value(0).isNull())
        return query.value(0).toLongLong();
    return query.value(1).toLongLong() + 1;
}

Result<int> RelayStore::prune(qint64 nowMs, qint64 maxAgeMs, qint64 maxCount)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName);
    const QString what = tr("Deleting old relay events");
    if (Result<void> begun = beginWriteTransaction(db, what); !begun)
        return begun.error();

    int deleted = 0;
    QSqlQuery query(db);
    query.prepare(u"DELETE FROM events WHERE received_at < ?"_s);
    query.addBindValue(nowMs - maxAgeMs);
    Result<void> done = execQuery(query, what);
    deleted += query.numRowsAffected();
    if (done) {
        query.prepare(u"DELETE FROM events WHERE seq <= (SELECT last_seq FROM channels "
                      "WHERE channels.name = events.channel) - ?"_s);
        query.addBindValue(maxCount);
        done = execQuery(query, what);
        deleted += query.numRowsAffected();
    }
    if (done) {
        query.prepare(u"DELETE FROM nonces WHERE seen_at < ?"_s);
        query.addBindValue(nowMs - ReplayWindowMs);
        done = execQuery(query, what);
    }
    if (!done || !db.commit()) {
        db.rollback();
        return done ? storeError(what, db.lastError()) : done.error();
    }
    return deleted;
}

bool RelayStore::isHealthy()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName));
    return query.exec(u"SELECT count(*) FROM channels"_s) && query.next();
}

} // namespace Dialdeck
