// Measures the least time the store needs for the rows of a simulated batch:
// the store's own schema and pragmas, the rows each call writes, and nothing
// else (no engine, no carrier, no scheduling). Its calls per second are the
// most that SQLite allows on this machine before any engine code runs.
//
//   bench_store_floor [--calls N] [--concurrency N] [--attempts-per-call X]
//                     [--write-set engine|minimum|both] [--keep DIR]
//
// Every attempt lives over nine commits, as in a batch at speed 0, where one
// commit covers 5 s of engine time:
//   commit t      the attempt row is journaled (the dial would follow the commit)
//   commit t + 1  the carrier's request and call UUIDs are stored; ring event
//   commit t + 3  answer event
//   commit t + 8  hangup event; the outcome of the attempt and of its call
// A new attempt starts in each commit for every eighth in-flight call, so
// `--concurrency` calls are in flight at once. Each write set runs on a fresh store:
//   engine     the rows the engine writes now: the above, plus the call marked
//              dialing and the ringing and answered states of the attempt and its call
//   minimum    only the rows the journal rules require: the above
// As in the engine, events go in up to 64 rows per statement and every other
// statement writes one row. Writing those rows 64 at a time, with
// UPDATE ... FROM (VALUES ...), was tried in the engine and took as long.

#include "benchbatch.h"

#include "store/connection.h"
#include "store/multirowstatement.h"
#include "store/sqlitestatement.h"
#include "store/sqlsupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>
#include <variant>
#include <vector>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int CommitsPerAttempt = 8;
constexpr qint64 CommitSpanMs = 5000;
constexpr int EventRowsPerStatement = 64;

using Value = std::variant<qint64, QString>;

// A statement over any number of rows, written in statements of up to `maxRows` rows.
class RowStatement
{
public:
    RowStatement(QSqlDatabase db, QByteArray head, QByteArray tuple, QByteArray tail, int columns,
                 int maxRows)
        : m_statements(std::move(db), std::move(head), std::move(tuple), std::move(tail), maxRows)
        , m_columns(columns)
    {}

    // `values` contains the rows one after another, `columns` values each.
    Result<void> run(const std::vector<Value> &values)
    {
        const std::size_t columns = std::size_t(m_columns);
        const std::size_t maxRows = std::size_t(m_statements.maxRows());
        const std::size_t rows = values.size() / columns;
        for (std::size_t first = 0; first < rows; first += maxRows) {
            const std::size_t count = std::min(maxRows, rows - first);
            SqliteStatement &statement = m_statements.forRows(int(count));
            for (std::size_t i = 0; i < count * columns; ++i) {
                const Value &value = values[first * columns + i];
                std::visit([&](const auto &v) { statement.bind(int(i) + 1, v); }, value);
            }

            while (true) {
                Result<bool> row = statement.nextRow("Writing rows %1", qint64(first));
                if (!row)
                    return row.error();
                if (!*row)
                    break;
            }
        }
        return {};
    }

private:
    MultiRowStatement m_statements;
    int m_columns;
};

// A statement that writes one row, as the engine's do. Its values come in the
// order of its numbered parameters, with the row id first.
RowStatement singleRow(QSqlDatabase db, const char *sql, int columns)
{
    return RowStatement(std::move(db), QByteArray(), sql, QByteArray(), columns, 1);
}

struct WriteSet
{
    const char *name;
    bool writesStatesInBetween;
};

struct RunFigures
{
    double seconds = 0;
    qint64 rowChanges = 0;
    qint64 endedAttempts = 0;
    qint64 events = 0;
};

// A UUID that starts with the journal time in milliseconds, as the simulated
// carrier's do, so that the call-UUID indexes grow at one end.
QString timeOrderedUuid(qint64 journalMs, qint64 attempt, char version)
{
    const QString hex = u"%1"_s.arg(journalMs, 12, 16, QChar(u'0'));
    return u"%1-%2-%3%4-8000-%5"_s.arg(hex.left(8), hex.mid(8), QChar(QLatin1Char(version)))
        .arg(attempt % 0x1000, 3, 16, QChar(u'0'))
        .arg(attempt, 12, 16, QChar(u'0'));
}

class FloorRun
{
public:
    FloorRun(QSqlDatabase db, const WriteSet &set, QString batchId, qint64 firstCallId, int calls)
        : m_db(std::move(db))
        , m_set(set)
        , m_batchId(std::move(batchId))
        , m_firstCallId(firstCallId)
        , m_calls(calls)
        , m_journal(singleRow(m_db,
                              "INSERT INTO attempts (call_id, batch_id, attempt_number, "
                              "caller_e164, state, created_at, allowed_rule, session_id) "
                              "VALUES (?, ?, ?, ?, 'dialing', ?, ?, ?)",
                              7))
        , m_markDialing(singleRow(m_db,
                                  "UPDATE calls SET status = 'dialing', attempt_count = ?2, "
                                  "next_due_at = NULL WHERE id = ?1",
                                  2))
        , m_storeUuids(singleRow(
              m_db, "UPDATE attempts SET request_uuid = ?2, call_uuid = ?3 WHERE id = ?1", 3))
        , m_attemptRinging(singleRow(
              m_db, "UPDATE attempts SET state = 'ringing', ringing_at = ?2 WHERE id = ?1", 2))
        , m_attemptAnswered(singleRow(m_db,
                                      "UPDATE attempts SET state = 'in_progress', answered_at = "
                                      "?2, machine_result = 'human' WHERE id = ?1",
                                      2))
        , m_callStatus(singleRow(m_db, "UPDATE calls SET status = ?2 WHERE id = ?1", 2))
        , m_events(m_db,
                   "INSERT OR IGNORE INTO events (attempt_id, call_uuid, kind, received_at) "
                   "VALUES ",
                   "(?, ?, ?, ?)", " RETURNING call_uuid, kind", 4, EventRowsPerStatement)
        , m_finishAttempt(singleRow(m_db,
                                    "UPDATE attempts SET state = 'ended', ringing_at = ?2, "
                                    "answered_at = ?3, machine_result = 'human', ended_at = ?4, "
                                    "outcome = 'answered', hangup_cause = 'NORMAL_CLEARING', "
                                    "ring_seconds = 6, talk_seconds = 24, cost = 0.0095 "
                                    "WHERE id = ?1",
                                    4))
        , m_finishCall(singleRow(m_db,
                                 "UPDATE calls SET status = 'completed', next_due_at = NULL, "
                                 "last_outcome = 'answered', skip_reason = '' WHERE id = ?1",
                                 1))
    {}

    Result<RunFigures> run(qint64 attempts, int concurrency, qint64 startMs)
    {
        const qint64 perCommit = std::max(1, concurrency / CommitsPerAttempt);
        const qint64 changesBefore = totalChanges();
        QElapsedTimer wall;
        wall.start();

        for (qint64 commit = 0; (commit - CommitsPerAttempt) * perCommit < attempts; ++commit) {
            const qint64 nowMs = startMs + commit * CommitSpanMs;
            if (Result<void> begun = beginWriteTransaction(m_db, u"Starting a commit"_s); !begun)
                return begun.error();
            // The attempts that reach a step in this commit were journaled `age` commits ago.
            const auto range = [&](int age) {
                const qint64 first = (commit - age) * perCommit;
                return std::pair(std::clamp<qint64>(first, 0, attempts),
                                 std::clamp<qint64>(first + perCommit, 0, attempts));
            };
            if (Result<void> done = writeCommit(range, nowMs); !done)
                return done.error();
            if (!m_db.commit())
                return Error{u"store_failed"_s,
                             u"Commit %1 failed: %2"_s.arg(commit).arg(m_db.lastError().text())};
        }

        RunFigures figures;
        figures.seconds = double(wall.nsecsElapsed()) / 1e9;
        figures.rowChanges = totalChanges() - changesBefore;
        figures.endedAttempts = scalar(u"SELECT COUNT(*) FROM attempts WHERE state = 'ended'"_s);
        figures.events = scalar(u"SELECT COUNT(*) FROM events"_s);
        return figures;
    }

private:
    template<typename Range> Result<void> writeCommit(const Range &range, qint64 nowMs)
    {
        if (Result<void> done = journal(range(0), nowMs); !done)
            return done;
        if (Result<void> done = ring(range(1), nowMs); !done)
            return done;
        if (Result<void> done = answer(range(3), nowMs); !done)
            return done;
        return hangUp(range(CommitsPerAttempt), nowMs);
    }

    qint64 callId(qint64 attempt) const { return m_firstCallId + attempt % m_calls; }
    // Attempts are journaled in order into an empty table, so row ids count from 1.
    static qint64 attemptId(qint64 attempt) { return attempt + 1; }
    // Returns the journal time of an attempt that reaches a step `age` commits after it.
    static qint64 journaledAt(qint64 nowMs, int age) { return nowMs - age * CommitSpanMs; }

    Result<void> journal(std::pair<qint64, qint64> attempts, qint64 nowMs)
    {
        std::vector<Value> rows;
        std::vector<Value> dialing;
        for (qint64 a = attempts.first; a < attempts.second; ++a) {
            const qint64 number = a / m_calls + 1;
            rows.insert(rows.end(), {callId(a), m_batchId, number, u"+12125550000"_s, nowMs,
                                     u"00:00-23:59 every day local; America/New_York 10:00 Mon; "
                                     "caller number: round-robin"_s,
                                     u"62e14ae6-21ba-4c32-83e2-09b9205e00bb"_s});
            dialing.insert(dialing.end(), {callId(a), number});
        }
        if (Result<void> done = m_journal.run(rows); !done)
            return done;
        return m_set.writesStatesInBetween ? m_markDialing.run(dialing) : Result<void>{};
    }

    Result<void> ring(std::pair<qint64, qint64> attempts, qint64 nowMs)
    {
        std::vector<Value> uuids;
        std::vector<Value> events;
        std::vector<Value> states;
        std::vector<Value> calls;
        for (qint64 a = attempts.first; a < attempts.second; ++a) {
            const qint64 journaledMs = journaledAt(nowMs, 1);
            const QString callUuid = timeOrderedUuid(journaledMs, a, '7');
            uuids.insert(uuids.end(),
                         {attemptId(a), timeOrderedUuid(journaledMs, a, '4'), callUuid});
            events.insert(events.end(), {attemptId(a), callUuid, u"ring"_s, nowMs});
            states.insert(states.end(), {attemptId(a), nowMs});
            calls.insert(calls.end(), {callId(a), u"ringing"_s});
        }
        if (Result<void> done = m_storeUuids.run(uuids); !done)
            return done;
        if (Result<void> done = m_events.run(events); !done)
            return done;
        if (!m_set.writesStatesInBetween)
            return {};
        if (Result<void> done = m_attemptRinging.run(states); !done)
            return done;
        return m_callStatus.run(calls);
    }

    Result<void> answer(std::pair<qint64, qint64> attempts, qint64 nowMs)
    {
        std::vector<Value> events;
        std::vector<Value> states;
        std::vector<Value> calls;
        for (qint64 a = attempts.first; a < attempts.second; ++a) {
            const QString callUuid = timeOrderedUuid(journaledAt(nowMs, 3), a, '7');
            events.insert(events.end(), {attemptId(a), callUuid, u"answer"_s, nowMs});
            states.insert(states.end(), {attemptId(a), nowMs});
            calls.insert(calls.end(), {callId(a), u"in_progress"_s});
        }
        if (Result<void> done = m_events.run(events); !done)
            return done;
        if (!m_set.writesStatesInBetween)
            return {};
        if (Result<void> done = m_attemptAnswered.run(states); !done)
            return done;
        return m_callStatus.run(calls);
    }

    Result<void> hangUp(std::pair<qint64, qint64> attempts, qint64 nowMs)
    {
        std::vector<Value> events;
        std::vector<Value> outcomes;
        std::vector<Value> calls;
        for (qint64 a = attempts.first; a < attempts.second; ++a) {
            const qint64 journaledMs = journaledAt(nowMs, CommitsPerAttempt);
            const QString callUuid = timeOrderedUuid(journaledMs, a, '7');
            events.insert(events.end(), {attemptId(a), callUuid, u"hangup"_s, nowMs});
            outcomes.insert(outcomes.end(), {attemptId(a), journaledMs + CommitSpanMs,
                                             journaledMs + 3 * CommitSpanMs, nowMs});
            calls.push_back(callId(a));
        }
        if (Result<void> done = m_events.run(events); !done)
            return done;
        if (Result<void> done = m_finishAttempt.run(outcomes); !done)
            return done;
        return m_finishCall.run(calls);
    }

    qint64 scalar(const QString &sql) const
    {
        QSqlQuery query(m_db);
        return query.exec(sql) && query.next() ? query.value(0).toLongLong() : -1;
    }

    qint64 totalChanges() const { return scalar(u"SELECT total_changes()"_s); }

    QSqlDatabase m_db;
    WriteSet m_set;
    QString m_batchId;
    qint64 m_firstCallId;
    qint64 m_calls;
    RowStatement m_journal;
    RowStatement m_markDialing;
    RowStatement m_storeUuids;
    RowStatement m_attemptRinging;
    RowStatement m_attemptAnswered;
    RowStatement m_callStatus;
    RowStatement m_events;
    RowStatement m_finishAttempt;
    RowStatement m_finishCall;
};

struct Options
{
    int calls = 0;
    int concurrency = 0;
    double attemptsPerCall = 0;
    QString folder;
};

// Runs one write set on a fresh store in `options.folder` and prints its line.
bool measure(const Options &options, const WriteSet &set, int index)
{
    const QString storePath = u"%1/store-floor-%2.sqlite"_s.arg(options.folder).arg(index);
    QFile::remove(storePath);
    Result<Connection> connection = Connection::openSqlite(storePath, u"floor-%1"_s.arg(index));
    if (!connection) {
        std::fprintf(stderr, "%s\n", qPrintable(connection.error().message));
        return false;
    }
    QSqlDatabase db = connection->database();
    const QString batchId = createBenchBatch(db, options.calls, 1);

    // The engine's own settings for its connection, and a clean WAL to start from.
    QSqlQuery pragma(db);
    for (const QString &sql :
         {u"PRAGMA wal_autocheckpoint = 10000"_s, u"PRAGMA temp_store = MEMORY"_s,
          u"PRAGMA wal_checkpoint(TRUNCATE)"_s}) {
        pragma.exec(sql);
        pragma.finish();
    }
    QSqlQuery first(db);
    first.exec(u"SELECT MIN(id) FROM calls"_s);
    const qint64 firstCallId = first.next() ? first.value(0).toLongLong() : 1;
    first.finish();

    const qint64 attempts = qRound64(options.calls * options.attemptsPerCall);
    const qint64 startMs = QDateTime(QDate(2026, 12, 7), QTime(15, 0), Qt::UTC).toMSecsSinceEpoch();
    Result<RunFigures> figures = FloorRun(db, set, batchId, firstCallId, options.calls)
                                     .run(attempts, options.concurrency, startMs);
    if (!figures) {
        std::fprintf(stderr, "%s\n", qPrintable(figures.error().message));
        return false;
    }
    if (figures->endedAttempts != attempts || figures->events != 3 * attempts) {
        std::fprintf(stderr,
                     "%s: expected %lld ended attempts and %lld events, found %lld and %lld\n",
                     set.name, qint64(attempts), qint64(3 * attempts), figures->endedAttempts,
                     figures->events);
        return false;
    }

    const double perCall = figures->seconds * 1e6 / options.calls;
    std::printf("%-10s %9.2f %12.1f %9lld %21.1f\n", set.name, figures->seconds, perCall,
                qRound64(options.calls / figures->seconds),
                double(figures->rowChanges) / options.calls);
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Times the store's rows of a simulated batch, with no engine."_s);
    parser.addHelpOption();
    parser.addOptions(
        {{u"calls"_s, u"Calls in the batch."_s, u"N"_s, u"100000"_s},
         {u"concurrency"_s, u"Calls in flight at once."_s, u"N"_s, u"1000"_s},
         {u"attempts-per-call"_s, u"Attempts per call on average (1.48 in the engine benchmark)."_s,
          u"X"_s, u"1.48"_s},
         {u"write-set"_s, u"Which write set to run: engine, minimum or both."_s, u"NAME"_s,
          u"both"_s},
         {u"keep"_s, u"Keep the stores in this folder."_s, u"DIR"_s}});
    parser.process(app);

    QTemporaryDir temporary;
    Options options;
    options.calls = parser.value(u"calls"_s).toInt();
    options.concurrency = parser.value(u"concurrency"_s).toInt();
    options.attemptsPerCall = parser.value(u"attempts-per-call"_s).toDouble();
    options.folder = parser.isSet(u"keep"_s) ? parser.value(u"keep"_s) : temporary.path();
    if (options.calls < 1 || options.concurrency < 1 || options.attemptsPerCall < 1) {
        std::fprintf(stderr, "--calls and --concurrency must be at least 1, and "
                             "--attempts-per-call at least 1.0.\n");
        return 2;
    }
    const QString chosen = parser.value(u"write-set"_s);
    if (chosen != u"engine" && chosen != u"minimum" && chosen != u"both") {
        std::fprintf(stderr, "Invalid write set '%s'; use engine, minimum or both.\n",
                     qPrintable(chosen));
        return 2;
    }

    std::printf("calls: %d, in flight: %d, attempts per call: %.2f\n", options.calls,
                options.concurrency, options.attemptsPerCall);
    std::printf("%-10s %9s %12s %9s %21s\n", "write set", "wall (s)", "us per call", "calls/s",
                "row changes per call");
    const WriteSet sets[] = {{"engine", true}, {"minimum", false}};
    int index = 0;
    for (const WriteSet &set : sets) {
        const bool selected = chosen == u"both" || chosen == QLatin1StringView(set.name);
        if (selected && !measure(options, set, index))
            return 1;
        ++index;
    }
    return 0;
}
