#include "core/ids.h"
#include "dialer/engine.h"
#include "dialer/journal.h"
#include "dialer/outboxwriter.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"
#include "store/webhookendpointrepository.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Monday 2026-12-07 15:00 UTC is 10:00 in New York, inside the default calling window.
const qint64 mondayAfternoonUtc = QDateTime(QDate(2026, 12, 7), QTime(15, 0), Qt::UTC)
                                      .toMSecsSinceEpoch();

StartRequest startOf(const QString &batchId)
{
    StartRequest request;
    request.batchId = batchId;
    return request;
}

CommandResult await(QFuture<CommandResult> future)
{
    QFutureWatcher<CommandResult> watcher;
    watcher.setFuture(future);
    if (!QTest::qWaitFor([&] { return watcher.isFinished(); }, 10000))
        return CommandResult{{}, {}, {}, false, u"timeout"_s, u"no answer"_s};
    return future.result();
}

struct OutboxRow
{
    QString endpointId;
    QString batchId;
    qint64 sequence = 0;
    QString eventId;
    QString kind;
    QJsonObject body;
};

} // namespace

// Checks that webhook events are written in the transaction of the change they
// report, numbered per endpoint and batch, and only for endpoints that apply.
// Also checks that a running engine reports a whole batch this way.
class TestOutboxWriter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void writerSkipsBatchWithoutEndpoint();
    void writerSkipsDisabledAndOtherBatchEndpoints();
    void rolledBackEventLeavesNoRow();
    void committedEventCallsHandler();
    void sequenceCountsPerEndpointAndBatch();
    void unchangedStatusWritesNothing();
    void statusChangeWritesItsKind_data();
    void statusChangeWritesItsKind();
    void attemptFinishedReportsStoredAttempt();
    void engineReportsWholeBatchInOrder();
    void engineReportsStopOnce();

private:
    QString createBatch(int calls, BatchStatus status = BatchStatus::Ready);
    QString addEndpoint(const QString &batchId = {}, bool enabled = true);
    BatchProgress progressOf(const QString &batchId, BatchStatus status);
    QList<OutboxRow> outbox();
    qint64 scalar(const QString &sql);
    std::unique_ptr<Engine> openEngine();
    bool waitFinished(Engine &engine, const QString &batchId);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    std::unique_ptr<Connection> m_connection;
    QString m_ownerId;
    QStringList m_phoneIds;
};

void TestOutboxWriter::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"test"_s);
    QVERIFY2(connection.ok(), qPrintable(connection.ok() ? QString() : connection.error().message));
    m_connection = std::make_unique<Connection>(std::move(connection).value());

    Result<User> owner = UserRepository(m_connection->database()).ensureLocalOperator();
    QVERIFY(owner.ok());
    m_ownerId = owner->id;

    m_phoneIds.clear();
    Phone phone;
    phone.id = Ids::generate();
    phone.e164 = u"+12125550100"_s;
    QVERIFY(PhoneRepository(m_connection->database()).insert(phone).ok());
    m_phoneIds.append(phone.id);
}

void TestOutboxWriter::cleanup()
{
    m_connection.reset();
    m_dir.reset();
}

QString TestOutboxWriter::createBatch(int calls, BatchStatus status)
{
    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Outbox batch"_s;
    batch.ownerUserId = m_ownerId;
    batch.status = status;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    batch.config.maxCallsPerSecond = 10;
    batch.config.maxConcurrentCalls = 4;
    batch.phoneIds = m_phoneIds;
    if (!BatchRepository(m_connection->database()).insert(batch).ok())
        return {};

    QSqlQuery insert(m_connection->database());
    insert.prepare(u"INSERT INTO calls (batch_id, line, phone_raw, e164, region, time_zones, "
                   "tz_source, status) VALUES (?, ?, ?, ?, 'US', 'America/New_York', 'column', "
                   "'pending')"_s);
    for (int i = 0; i < calls; ++i) {
        const QString e164 = u"+1212555%1"_s.arg(2000 + i);
        insert.addBindValue(batch.id);
        insert.addBindValue(i + 2);
        insert.addBindValue(e164);
        insert.addBindValue(e164);
        if (!insert.exec())
            return {};
    }
    return batch.id;
}

QString TestOutboxWriter::addEndpoint(const QString &batchId, bool enabled)
{
    WebhookEndpoint endpoint;
    endpoint.id = Ids::generate();
    endpoint.batchId = batchId;
    endpoint.url = u"http://127.0.0.1:9/hooks"_s;
    endpoint.secretLocation = u"file:/nonexistent/secret"_s;
    endpoint.enabled = enabled;
    if (!WebhookEndpointRepository(m_connection->database()).insert(endpoint).ok())
        return {};
    return endpoint.id;
}

BatchProgress TestOutboxWriter::progressOf(const QString &batchId, BatchStatus status)
{
    BatchProgress progress;
    progress.batchId = batchId;
    progress.name = u"Outbox batch"_s;
    progress.status = status;
    progress.sessionId = u"6d5f3c2a-1b4e-4f7a-9c8d-0e1f2a3b4c5d"_s;
    progress.totalCalls = 3;
    progress.counts[std::size_t(CallStatus::Pending)] = 3;
    return progress;
}

QList<OutboxRow> TestOutboxWriter::outbox()
{
    QSqlQuery query(m_connection->database());
    query.exec(u"SELECT endpoint_id, batch_id, sequence, event_id, kind, payload FROM "
               "webhook_outbox ORDER BY id"_s);
    QList<OutboxRow> rows;
    while (query.next()) {
        OutboxRow row;
        row.endpointId = query.value(0).toString();
        row.batchId = query.value(1).toString();
        row.sequence = query.value(2).toLongLong();
        row.eventId = query.value(3).toString();
        row.kind = query.value(4).toString();
        row.body = QJsonDocument::fromJson(query.value(5).toByteArray()).object();
        rows.append(row);
    }
    return rows;
}

qint64 TestOutboxWriter::scalar(const QString &sql)
{
    QSqlQuery query(m_connection->database());
    query.exec(sql);
    return query.next() ? query.value(0).toLongLong() : -1;
}

std::unique_ptr<Engine> TestOutboxWriter::openEngine()
{
    EngineSettings settings;
    settings.storePath = m_storePath;
    settings.clockSpeed = 0;
    settings.clockStartMs = mondayAfternoonUtc;
    settings.simulation.seed = 3;
    settings.snapshotIntervalMs = 50;
    auto engine = std::make_unique<Engine>(settings);
    QSignalSpy opened(engine.get(), &Engine::opened);
    engine->open();
    return opened.size() == 1 ? std::move(engine) : nullptr;
}

bool TestOutboxWriter::waitFinished(Engine &engine, const QString &batchId)
{
    bool finished = false;
    QMetaObject::Connection connection = connect(
        &engine, &Engine::batchFinished, this,
        [&](const QString &id, BatchStatus) { finished = finished || id == batchId; });
    (void)QTest::qWaitFor([&] { return finished; }, 30000);
    disconnect(connection);
    return finished;
}

void TestOutboxWriter::writerSkipsBatchWithoutEndpoint()
{
    const QString batchId = createBatch(3);
    Journal journal(m_connection->database());

    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStarted(progressOf(batchId, BatchStatus::Ready), mondayAfternoonUtc).ok());
    QVERIFY(journal.commit().ok());

    QCOMPARE(outbox().size(), 0);
}

void TestOutboxWriter::writerSkipsDisabledAndOtherBatchEndpoints()
{
    const QString batchId = createBatch(3);
    const QString otherBatchId = createBatch(1);
    QVERIFY(!addEndpoint(otherBatchId).isEmpty());
    QVERIFY(!addEndpoint({}, false).isEmpty());
    const QString applying = addEndpoint(batchId);
    Journal journal(m_connection->database());

    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStarted(progressOf(batchId, BatchStatus::Ready), mondayAfternoonUtc).ok());
    QVERIFY(journal.commit().ok());

    const QList<OutboxRow> rows = outbox();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].endpointId, applying);
    QCOMPARE(rows[0].batchId, batchId);
}

void TestOutboxWriter::rolledBackEventLeavesNoRow()
{
    const QString batchId = createBatch(3);
    QVERIFY(!addEndpoint().isEmpty());
    Journal journal(m_connection->database());
    int notified = 0;
    journal.setOutboxCommittedHandler([&] { ++notified; });

    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStarted(progressOf(batchId, BatchStatus::Ready), mondayAfternoonUtc).ok());
    journal.rollback();

    QCOMPARE(outbox().size(), 0);
    QCOMPARE(notified, 0);

    // A later empty transaction must not report the rolled-back event either.
    QVERIFY(journal.begin().ok());
    QVERIFY(journal.commit().ok());
    QCOMPARE(notified, 0);
}

void TestOutboxWriter::committedEventCallsHandler()
{
    const QString batchId = createBatch(3);
    QVERIFY(!addEndpoint().isEmpty());
    Journal journal(m_connection->database());
    int notified = 0;
    journal.setOutboxCommittedHandler([&] { ++notified; });

    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStarted(progressOf(batchId, BatchStatus::Ready), mondayAfternoonUtc).ok());
    QCOMPARE(notified, 0);
    QVERIFY(journal.commit().ok());

    QCOMPARE(notified, 1);
    QCOMPARE(outbox().size(), 1);
}

void TestOutboxWriter::sequenceCountsPerEndpointAndBatch()
{
    const QString first = createBatch(3);
    const QString second = createBatch(3);
    const QString global = addEndpoint();
    const QString secondOnly = addEndpoint(second);
    Journal journal(m_connection->database());

    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStarted(progressOf(first, BatchStatus::Ready), mondayAfternoonUtc).ok());
    QVERIFY(journal.outbox().batchStarted(progressOf(second, BatchStatus::Ready), mondayAfternoonUtc).ok());
    QVERIFY(journal.outbox().batchStatusChanged(progressOf(first, BatchStatus::Paused), mondayAfternoonUtc).ok());
    QVERIFY(journal.outbox().batchStatusChanged(progressOf(second, BatchStatus::Paused), mondayAfternoonUtc).ok());
    QVERIFY(journal.commit().ok());

    QHash<QString, QList<qint64>> sequences;
    QHash<QString, QStringList> eventIds;
    for (const OutboxRow &row : outbox()) {
        const QString stream = row.endpointId + u'/' + row.batchId;
        sequences[stream].append(row.sequence);
        eventIds[row.batchId + u'/' + row.kind].append(row.eventId);
        QCOMPARE(row.body.value(u"sequence"_s).toInteger(), row.sequence);
        QCOMPARE(row.body.value(u"eventId"_s).toString(), row.eventId);
    }
    const QList<qint64> oneTwo{1, 2};
    QCOMPARE(sequences.value(global + u'/' + first), oneTwo);
    QCOMPARE(sequences.value(global + u'/' + second), oneTwo);
    QCOMPARE(sequences.value(secondOnly + u'/' + second), oneTwo);
    QVERIFY(!sequences.contains(secondOnly + u'/' + first));

    // One event keeps one id across the endpoints that receive it.
    const QStringList secondStarted = eventIds.value(second + u"/batch.started"_s);
    QCOMPARE(secondStarted.size(), 2);
    QCOMPARE(secondStarted[0], secondStarted[1]);
    QVERIFY(secondStarted[0] != eventIds.value(first + u"/batch.started"_s).value(0));
}

void TestOutboxWriter::unchangedStatusWritesNothing()
{
    const QString batchId = createBatch(3, BatchStatus::Stopped);
    QVERIFY(!addEndpoint().isEmpty());
    Journal journal(m_connection->database());

    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStatusChanged(progressOf(batchId, BatchStatus::Stopped), mondayAfternoonUtc).ok());
    QVERIFY(journal.commit().ok());

    QCOMPARE(outbox().size(), 0);
}

void TestOutboxWriter::statusChangeWritesItsKind_data()
{
    QTest::addColumn<BatchStatus>("status");
    QTest::addColumn<QString>("kind");

    QTest::newRow("queued") << BatchStatus::Queued << u"batch.window_waiting"_s;
    QTest::newRow("running again") << BatchStatus::Running << u"batch.resumed"_s;
    QTest::newRow("paused") << BatchStatus::Paused << u"batch.paused"_s;
    QTest::newRow("stopped") << BatchStatus::Stopped << u"batch.stopped"_s;
    QTest::newRow("completed") << BatchStatus::Completed << u"batch.completed"_s;
}

void TestOutboxWriter::statusChangeWritesItsKind()
{
    QFETCH(BatchStatus, status);
    QFETCH(QString, kind);

    const BatchStatus stored = status == BatchStatus::Running ? BatchStatus::Paused
                                                              : BatchStatus::Running;
    const QString batchId = createBatch(3, stored);
    QVERIFY(!addEndpoint().isEmpty());
    Journal journal(m_connection->database());

    BatchProgress progress = progressOf(batchId, status);
    progress.statusReason = u"A reason"_s;
    progress.nextWindowOpeningMs = mondayAfternoonUtc + 3'600'000;
    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().batchStatusChanged(progress, mondayAfternoonUtc).ok());
    QVERIFY(journal.commit().ok());

    const QList<OutboxRow> rows = outbox();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].kind, kind);
    const QJsonObject body = rows[0].body;
    QCOMPARE(body.value(u"event"_s).toString(), kind);
    QCOMPARE(body.value(u"batchId"_s).toString(), batchId);
    QCOMPARE(body.value(u"sessionId"_s).toString(), progress.sessionId);
    QCOMPARE(body.value(u"timestamp"_s).toString(), u"2026-12-07T15:00:00.000Z"_s);
    const QJsonObject data = body.value(u"data"_s).toObject();
    QCOMPARE(data.value(u"status"_s).toString(), toString(status));
    QCOMPARE(data.value(u"progress"_s).toObject().value(u"totalCalls"_s).toInteger(), 3);
    if (status == BatchStatus::Queued)
        QCOMPARE(data.value(u"nextWindowOpensAt"_s).toString(), u"2026-12-07T16:00:00.000Z"_s);
    else
        QVERIFY(!data.contains(u"nextWindowOpensAt"_s));
}

void TestOutboxWriter::attemptFinishedReportsStoredAttempt()
{
    const QString batchId = createBatch(1, BatchStatus::Running);
    QVERIFY(!addEndpoint().isEmpty());
    const qint64 callId = scalar(u"SELECT id FROM calls"_s);

    QSqlQuery insert(m_connection->database());
    insert.prepare(u"INSERT INTO attempts (call_id, batch_id, attempt_number, caller_phone_id, "
                   "caller_e164, request_uuid, call_uuid, state, created_at, answered_at, ended_at, "
                   "outcome, hangup_cause, ring_seconds, talk_seconds, cost, session_id) VALUES "
                   "(?, ?, 2, ?, '+12125550100', 'req-1', 'call-1', 'ended', ?, ?, ?, 'answered', "
                   "'NORMAL_CLEARING', 7, 65, 0.017, 'session-1')"_s);
    insert.addBindValue(callId);
    insert.addBindValue(batchId);
    insert.addBindValue(m_phoneIds.first());
    insert.addBindValue(mondayAfternoonUtc);
    insert.addBindValue(mondayAfternoonUtc + 9'000);
    insert.addBindValue(mondayAfternoonUtc + 74'000);
    QVERIFY(insert.exec());
    const qint64 attemptId = insert.lastInsertId().toLongLong();
    QVERIFY(QSqlQuery(m_connection->database())
                .exec(u"UPDATE calls SET status = 'completed', attempt_count = 2"_s));

    Journal journal(m_connection->database());
    QVERIFY(journal.begin().ok());
    QVERIFY(journal.outbox().attemptFinished(batchId, attemptId).ok());
    QVERIFY(journal.commit().ok());

    const QList<OutboxRow> rows = outbox();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0].kind, u"call.completed"_s);
    const QJsonObject body = rows[0].body;
    QCOMPARE(body.value(u"sessionId"_s).toString(), u"session-1"_s);
    QCOMPARE(body.value(u"timestamp"_s).toString(), u"2026-12-07T15:01:14.000Z"_s);

    const QJsonObject data = body.value(u"data"_s).toObject();
    QCOMPARE(data.value(u"attemptId"_s).toInteger(), attemptId);
    QCOMPARE(data.value(u"callId"_s).toInteger(), callId);
    QCOMPARE(data.value(u"attemptNumber"_s).toInt(), 2);
    QCOMPARE(data.value(u"number"_s).toString(), u"+12125552000"_s);
    QCOMPARE(data.value(u"callerNumber"_s).toString(), u"+12125550100"_s);
    QCOMPARE(data.value(u"callerPhoneId"_s).toString(), m_phoneIds.first());
    QCOMPARE(data.value(u"callUuid"_s).toString(), u"call-1"_s);
    QCOMPARE(data.value(u"outcome"_s).toString(), u"answered"_s);
    QCOMPARE(data.value(u"hangupCause"_s).toString(), u"NORMAL_CLEARING"_s);
    QCOMPARE(data.value(u"ringSeconds"_s).toInt(), 7);
    QCOMPARE(data.value(u"talkSeconds"_s).toInt(), 65);
    QCOMPARE(data.value(u"cost"_s).toDouble(), 0.017);
    QCOMPARE(data.value(u"dialedAt"_s).toString(), u"2026-12-07T15:00:00.000Z"_s);
    QCOMPARE(data.value(u"answeredAt"_s).toString(), u"2026-12-07T15:00:09.000Z"_s);
    QCOMPARE(data.value(u"callStatus"_s).toString(), u"completed"_s);
    QCOMPARE(data.value(u"final"_s).toBool(), true);
    QVERIFY(data.value(u"nextAttemptAt"_s).isNull());
    QVERIFY(data.value(u"machineResult"_s).isNull());
}

void TestOutboxWriter::engineReportsWholeBatchInOrder()
{
    const QString batchId = createBatch(12);
    const QString endpointId = addEndpoint();
    std::unique_ptr<Engine> engine = openEngine();
    QVERIFY(engine);
    QSignalSpy written(engine.get(), &Engine::outboxWritten);

    const CommandResult started = await(engine->requestStart(startOf(batchId)));
    QVERIFY2(started.ok(), qPrintable(started.errorMessage));
    QVERIFY(waitFinished(*engine, batchId));
    QVERIFY(written.size() >= 2);

    const QList<OutboxRow> rows = outbox();
    QVERIFY(rows.size() >= 14);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        QCOMPARE(rows[i].endpointId, endpointId);
        QCOMPARE(rows[i].sequence, i + 1);
        QCOMPARE(rows[i].body.value(u"sessionId"_s).toString(), started.sessionId);
    }
    QCOMPARE(rows.first().kind, u"batch.started"_s);
    QCOMPARE(rows.last().kind, u"batch.completed"_s);
    QCOMPARE(rows.last().body.value(u"data"_s).toObject().value(u"progress"_s).toObject()
                 .value(u"finishedCalls"_s).toInteger(),
             12);

    // Exactly one call.completed per attempt, each naming its own attempt.
    QSet<qint64> reported;
    for (const OutboxRow &row : rows) {
        if (row.kind == u"call.completed")
            reported.insert(row.body.value(u"data"_s).toObject().value(u"attemptId"_s).toInteger());
    }
    QCOMPARE(qint64(reported.size()), scalar(u"SELECT COUNT(*) FROM attempts"_s));
    QCOMPARE(qint64(std::count_if(rows.cbegin(), rows.cend(),
                                  [](const OutboxRow &row) { return row.kind == u"call.completed"; })),
             qint64(reported.size()));
}

void TestOutboxWriter::engineReportsStopOnce()
{
    const QString batchId = createBatch(20);
    QVERIFY(!addEndpoint().isEmpty());
    std::unique_ptr<Engine> engine = openEngine();
    QVERIFY(engine);

    bool stopRequested = false;
    engine->setAfterJournalHook([&] {
        if (!stopRequested) {
            stopRequested = true;
            engine->requestStop(batchId);
        }
        return true;
    });
    QVERIFY(await(engine->requestStart(startOf(batchId))).ok());
    QVERIFY(waitFinished(*engine, batchId));

    QStringList kinds;
    for (const OutboxRow &row : outbox())
        kinds.append(row.kind);
    QCOMPARE(kinds.count(u"batch.stopped"_s), 1);
    QCOMPARE(kinds.count(u"batch.completed"_s), 0);
    QCOMPARE(kinds.first(), u"batch.started"_s);
    QCOMPARE(qint64(kinds.count(u"call.completed"_s)), scalar(u"SELECT COUNT(*) FROM attempts"_s));
}

QTEST_GUILESS_MAIN(TestOutboxWriter)
#include "tst_outboxwriter.moc"
