#pragma once

#include "core/answeraction.h"
#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <map>

#include <memory>
#include <optional>

namespace Dialdeck {

// A relay channel: one Plivo account (or application) whose callbacks one
// console receives.
struct RelayChannel
{
    QString name;
    // An owner-only file with the Plivo Auth Token; the token itself is never stored.
    QString authTokenFile;
    // What the relay answers on the channel's answer URL.
    AnswerAction answer;
    qint64 createdAtMs = 0;
    // The seq of the newest event; 0 before the first.
    qint64 lastSeq = 0;
};

// One callback as the relay received it.
struct RelayEvent
{
    QString channel;
    qint64 seq = 0;
    // ring, answer, hangup, machine or fallback.
    QString kind;
    qint64 receivedAtMs = 0;
    QString method;
    // The public URL Plivo signed, with the query as received.
    QString url;
    // The Plivo signature headers and the user agent as a JSON object.
    QByteArray headers;
    QByteArray body;
    QString contentType;
    // From the callback's CallUUID field; for logs and look-ups only.
    QString callUuid;
};

// An event to append with the (nonce, signature) pair that rejects its replays.
struct RelayAppend
{
    RelayEvent event;
    QString nonce;
    QByteArray signature;
};

// The relay's durable log: channels, their events numbered 1, 2, 3… per
// channel, and the (nonce, signature) pairs already seen. SQLite in WAL mode
// with synchronous=FULL, so a committed event survives a power cut.
// Not thread-safe: one thread opens and uses it.
class RelayStore final
{
    Q_DISABLE_COPY_MOVE(RelayStore)

public:
    // How long a (nonce, signature) pair is remembered to reject replays.
    static constexpr qint64 ReplayWindowMs = 24LL * 3600 * 1000;

    ~RelayStore();

    // Opens or creates the log at `path`.
    static Result<std::unique_ptr<RelayStore>> open(const QString &path);

    // True for 1 to 64 letters, digits, "-" or "_".
    static bool isValidChannelName(const QString &name);

    // Creates a channel and returns its client token, which is stored only as
    // a salted SHA-256 hash. Fails with conflict when the name is taken.
    Result<QString> addChannel(const QString &name, const QString &authTokenFile,
                               const AnswerAction &answer, qint64 nowMs);
    Result<void> setAnswer(const QString &name, const AnswerAction &answer);
    Result<QList<RelayChannel>> channels();
    Result<std::optional<RelayChannel>> channel(const QString &name);
    // Compares in constant time; false for an unknown channel.
    bool tokenMatches(const QString &channel, const QByteArray &token);

    // Appends an event and remembers (nonce, signature) in one transaction and
    // returns its seq. Fails with code "replayed" when the pair was seen in the
    // last ReplayWindowMs, and with store_failed when SQLite fails.
    Result<qint64> append(RelayEvent event, const QString &nonce, const QByteArray &signature);
    // Appends several events in one transaction, so that one fsync covers
    // them all (group commit). Each item gets its seq or its own "replayed" or
    // "not_found" (channel) error, which does not stop the others. When SQLite fails,
    // nothing is appended and the whole call fails with store_failed.
    Result<QList<Result<qint64>>> appendAll(QList<RelayAppend> &items);

    // Up to `limit` events of a channel with seq > afterSeq, oldest first.
    Result<QList<RelayEvent>> eventsAfter(const QString &channel, qint64 afterSeq, int limit);
    // The smallest seq still held, or lastSeq + 1 when the channel has none.
    Result<qint64> firstSeq(const QString &channel);

    // Deletes events older than maxAgeMs and all but the newest maxCount of
    // each channel, and forgets nonces older than ReplayWindowMs. Returns the
    // number of events deleted.
    Result<int> prune(qint64 nowMs, qint64 maxAgeMs, qint64 maxCount);

    // Runs a trivial query; false when the database cannot be read.
    bool isHealthy();

    // Test seam: when set, append() fails as if SQLite had failed.
    void setFailAppends(bool fail) { m_failAppends = fail; }

private:
    explicit RelayStore(QString connectionName);
    Result<void> migrate();
    // A statement prepared once and kept, because SQLite's parsing was a
    // large part of each callback's cost. Bind values with addBindValue();
    // call finish() after reading a SELECT so it keeps no read snapshot open.
    QSqlQuery &prepared(const QString &sql);
    Result<qint64> appendInTransaction(RelayEvent &event, const QString &nonce,
                                       const QByteArray &signature);

    QString m_connectionName;
    std::map<QString, QSqlQuery> m_statements;
    bool m_failAppends = false;
};

} // namespace Dialdeck
