#include "carrier/simulatedcarrier.h"
#include "core/ids.h"
#include "dialer/engine.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/donotcallrepository.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QFutureWatcher>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Monday 2026-12-07 15:00 UTC is 10:00 in New York and 07:00 in Los Angeles.
const qint64 mondayAfternoonUtc = QDateTime(QDate(2026, 12, 7), QTime(15, 0), Qt::UTC)
                                      .toMSecsSinceEpoch();
// Monday 2026-12-07 08:00 UTC is 03:00 in New York.
const qint64 mondayNightNewYork = QDateTime(QDate(2026, 12, 7), QTime(8, 0), Qt::UTC)
                                      .toMSecsSinceEpoch();

CommandResult await(QFuture<CommandResult> future)
{
    QFutureWatcher<CommandResult> watcher;
    watcher.setFuture(future);
    if (!QTest::qWaitFor([&] { return watcher.isFinished(); }, 10000))
        return CommandResult{{}, {}, {}, false, u"timeout"_s, u"no answer"_s};
    return future.result();
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void engineRunsBatchToCompletion();
    void engineDialsOnlyInsideWindow();
    void enginePauseHoldsDialsUntilResume();
    void engineStopCancelsPendingCalls();
    void engineReconcilesJournaledAttemptsAfterCrash();
    void engineAppliesTickEventsPerAttempt();
    void engineRepeatedSessionDoesNotDialAgain();
    void engineSkipsDoNotCallNumbers();
    void engineRejectsUnstartableBatches_data();
    void engineRejectsUnstartableBatches();

private:
    QString createBatch(int calls, const QByteArray &zone = "America/New_York",
                        BatchStatus status = BatchStatus::Ready, bool withPhones = true);
    std::unique_ptr<Engine> openEngine(qint64 startMs, quint64 seed = 7);
    bool waitFinished(Engine &engine, const QString &batchId, int timeoutMs = 30000);
    QSqlQuery query(const QString &sql);
    qint64 scalar(const QString &sql);
    bool deliver(Engine &engine, const std::vector<CarrierEvent> &events);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    std::unique_ptr<Connection> m_connection;
    QStringList m_phoneIds;
    QString m_ownerId;
};

void TestEngine::init()
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

    PhoneRepository phones(m_connection->database());
    m_phoneIds.clear();
    for (const QString &number : {u"+12125550100"_s, u"+14155550100"_s}) {
        Phone phone;
        phone.id = Ids::generate();
        phone.e164 = number;
        phone.label = number.right(4);
        QVERIFY(phones.insert(phone).ok());
        m_phoneIds.append(phone.id);
    }
}

void TestEngine::cleanup()
{
    m_connection.reset();
    m_dir.reset();
}

QString TestEngine::createBatch(int calls, const QByteArray &zone, BatchStatus status,
                                bool withPhones)
{
    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Test batch"_s;
    batch.ownerUserId = m_ownerId;
    batch.status = status;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    batch.config.maxCallsPerSecond = 5;
    batch.config.maxConcurrentCalls = 4;
    if (withPhones)
        batch.phoneIds = m_phoneIds;
    if (!BatchRepository(m_connection->database()).insert(batch).ok())
        return {};

    QSqlQuery insert(m_connection->database());
    insert.prepare(u"INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, "
                   "tz_source, status) VALUES (?, ?, ?, ?, ?, 'US', ?, 'column', 'pending')"_s);
    for (int i = 0; i < calls; ++i) {
        const QString e164 = u"+1212555%1"_s.arg(1000 + i, 4, 10, QLatin1Char('0'));
        insert.addBindValue(batch.id);
        insert.addBindValue(i + 2);
        insert.addBindValue(u"Callee %1"_s.arg(i));
        insert.addBindValue(e164);
        insert.addBindValue(e164);
        insert.addBindValue(QString::fromLatin1(zone));
        if (!insert.exec())
            return {};
    }
    return batch.id;
}

std::unique_ptr<Engine> TestEngine::openEngine(qint64 startMs, quint64 seed)
{
    EngineSettings settings;
    settings.storePath = m_storePath;
    settings.clockSpeed = 0;
    settings.clockStartMs = startMs;
    settings.simulation.seed = seed;
    settings.snapshotIntervalMs = 50;
    auto engine = std::make_unique<Engine>(settings);
    QSignalSpy opened(engine.get(), &Engine::opened);
    engine->open();
    return opened.size() == 1 ? std::move(engine) : nullptr;
}

bool TestEngine::waitFinished(Engine &engine, const QString &batchId, int timeoutMs)
{
    bool finished = false;
    QMetaObject::Connection connection = connect(
        &engine, &Engine::batchFinished, this,
        [&](const QString &id, BatchStatus) { finished = finished || id == batchId; });
    (void)QTest::qWaitFor([&] { return finished; }, timeoutMs);
    disconnect(connection);
    return finished;
}

QSqlQuery TestEngine::query(const QString &sql)
{
    QSqlQuery result(m_connection->database());
    result.exec(sql);
    return result;
}

qint64 TestEngine::scalar(const QString &sql)
{
    QSqlQuery result = query(sql);
    return result.next() ? result.value(0).toLongLong() : -1;
}

// Hands all events to the engine before its next tick, so one tick applies
// them, and waits until they are committed.
bool TestEngine::deliver(Engine &engine, const std::vector<CarrierEvent> &events)
{
    std::vector<QFuture<bool>> futures;
    for (const CarrierEvent &event : events)
        futures.push_back(engine.requestCarrierEvent(event));
    for (const QFuture<bool> &future : futures) {
        if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10000) || !future.result())
            return false;
    }
    return true;
}

void TestEngine::engineRunsBatchToCompletion()
{
    const QString batchId = createBatch(60);
    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);

    const CommandResult started = await(engine->requestStart({batchId, {}, {}, {}}));
    QVERIFY2(started.ok(), qPrintable(started.errorMessage));
    QVERIFY(waitFinished(*engine, batchId));

    QCOMPARE(scalar(u"SELECT status = 'completed' FROM batches"_s), 1);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM calls WHERE status IN "
                    "('pending','waiting_for_window','dialing','ringing','in_progress')"_s),
             0);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE state != 'ended'"_s), 0);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE request_uuid IS NULL"_s), 0);

    auto *carrier = qobject_cast<SimulatedCarrier *>(engine->carrier());
    QVERIFY(carrier);
    QCOMPARE(carrier->dialCount(), scalar(u"SELECT COUNT(*) FROM attempts"_s));
    for (int dials : carrier->dialCounts())
        QCOMPARE(dials, 1);

    // Busy allows 3 attempts, no-answer 3, failed 2: no call exceeds the largest.
    QVERIFY(scalar(u"SELECT MAX(attempt_count) FROM calls"_s) <= 3);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM calls c WHERE attempt_count != "
                    "(SELECT COUNT(*) FROM attempts a WHERE a.call_id = c.id)"_s),
             0);
}

void TestEngine::engineDialsOnlyInsideWindow()
{
    const QString batchId = createBatch(20);
    std::unique_ptr<Engine> engine = openEngine(mondayNightNewYork);
    QVERIFY(engine);

    QVERIFY(await(engine->requestStart({batchId, {}, {}, {}})).ok());
    QVERIFY(waitFinished(*engine, batchId));

    // Independent check: every attempt started between 09:00 and 20:00 New York time on a weekday.
    const QTimeZone newYork("America/New_York");
    QSqlQuery attempts = query(u"SELECT created_at FROM attempts"_s);
    int checked = 0;
    while (attempts.next()) {
        const QDateTime local = QDateTime::fromMSecsSinceEpoch(attempts.value(0).toLongLong(),
                                                               newYork);
        QVERIFY2(local.time() >= QTime(9, 0) && local.time() < QTime(20, 0),
                 qPrintable(local.toString(Qt::ISODate)));
        QVERIFY(local.date().dayOfWeek() <= 5);
        ++checked;
    }
    QVERIFY(checked >= 20);
}

void TestEngine::enginePauseHoldsDialsUntilResume()
{
    const QString batchId = createBatch(40);
    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);

    bool pauseRequested = false;
    engine->setAfterJournalHook([&] {
        if (!pauseRequested && scalar(u"SELECT COUNT(*) FROM attempts"_s) >= 8) {
            pauseRequested = true;
            engine->requestPause(batchId);
        }
        return true;
    });
    QVERIFY(await(engine->requestStart({batchId, {}, {}, {}})).ok());

    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT status = 'paused' FROM batches"_s), 1, 10000);
    // In-flight calls drain; nothing new is journaled while paused.
    QTRY_COMPARE_WITH_TIMEOUT(scalar(u"SELECT COUNT(*) FROM attempts WHERE state != 'ended'"_s), 0,
                              10000);
    const qint64 attemptsWhilePaused = scalar(u"SELECT COUNT(*) FROM attempts"_s);
    QTest::qWait(200);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts"_s), attemptsWhilePaused);
    QVERIFY(scalar(u"SELECT COUNT(*) FROM calls WHERE status = 'pending'"_s) > 0);

    const CommandResult resumed = await(engine->requestResume(batchId));
    QVERIFY2(resumed.ok(), qPrintable(resumed.errorMessage));
    QVERIFY(waitFinished(*engine, batchId));

    QCOMPARE(scalar(u"SELECT status = 'completed' FROM batches"_s), 1);
    auto *carrier = qobject_cast<SimulatedCarrier *>(engine->carrier());
    for (int dials : carrier->dialCounts())
        QCOMPARE(dials, 1);
}

void TestEngine::engineStopCancelsPendingCalls()
{
    const QString batchId = createBatch(40);
    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);

    bool stopRequested = false;
    engine->setAfterJournalHook([&] {
        if (!stopRequested) {
            stopRequested = true;
            engine->requestStop(batchId);
        }
        return true;
    });
    QVERIFY(await(engine->requestStart({batchId, {}, {}, {}})).ok());
    QVERIFY(waitFinished(*engine, batchId));

    const qint64 attempts = scalar(u"SELECT COUNT(*) FROM attempts"_s);
    QVERIFY(attempts > 0);
    QVERIFY(attempts <= 4);
    QCOMPARE(scalar(u"SELECT status = 'stopped' FROM batches"_s), 1);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM calls WHERE status = 'cancelled'"_s), 40 - attempts);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE state != 'ended'"_s), 0);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM calls WHERE status = 'pending'"_s), 0);
}

void TestEngine::engineReconcilesJournaledAttemptsAfterCrash()
{
    const QString batchId = createBatch(30);
    std::unique_ptr<Engine> first = openEngine(mondayAfternoonUtc, 11);
    QVERIFY(first);

    // The first tick journals its attempts and then "crashes" before any dial.
    first->setAfterJournalHook([] { return false; });
    QVERIFY(await(first->requestStart({batchId, {}, {}, {}})).ok());
    QTRY_VERIFY(scalar(u"SELECT COUNT(*) FROM attempts"_s) > 0);
    const qint64 journaled = scalar(u"SELECT COUNT(*) FROM attempts"_s);
    QCOMPARE(qobject_cast<SimulatedCarrier *>(first->carrier())->dialCount(), 0);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE state = 'dialing'"_s), journaled);
    first->shutDown();
    first.reset();

    std::unique_ptr<Engine> second = openEngine(mondayAfternoonUtc + 60'000, 11);
    QVERIFY(second);
    const CommandResult resumed = await(second->requestStart({batchId, {}, {}, {}}));
    QVERIFY2(resumed.ok(), qPrintable(resumed.errorMessage));
    QVERIFY(waitFinished(*second, batchId));

    auto *carrier = qobject_cast<SimulatedCarrier *>(second->carrier());
    QSqlQuery reconciled = query(u"SELECT id, state FROM attempts ORDER BY id LIMIT %1"_s
                                     .arg(journaled));
    while (reconciled.next()) {
        const qint64 attemptId = reconciled.value(0).toLongLong();
        QCOMPARE(reconciled.value(1).toString(), u"ended"_s);
        QVERIFY2(!carrier->dialCounts().contains(attemptId),
                 qPrintable(u"attempt %1 was dialed again"_s.arg(attemptId)));
    }
    for (int dials : carrier->dialCounts())
        QCOMPARE(dials, 1);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE state != 'ended'"_s), 0);
    QCOMPARE(scalar(u"SELECT status = 'completed' FROM batches"_s), 1);
}

void TestEngine::engineAppliesTickEventsPerAttempt()
{
    const QString batchId = createBatch(1);
    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);

    // The attempt is journaled but never handed to the simulated carrier, so
    // only the events below reach it.
    engine->setAfterJournalHook([] { return false; });
    QVERIFY(await(engine->requestStart({batchId, {}, {}, {}})).ok());
    QTRY_COMPARE(scalar(u"SELECT COUNT(*) FROM attempts"_s), 1);
    const qint64 attemptId = scalar(u"SELECT id FROM attempts"_s);

    const QString callUuid = u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"_s;
    const auto event = [&](CarrierEvent::Kind kind, qint64 afterMs) {
        CarrierEvent built;
        built.kind = kind;
        built.attemptId = attemptId;
        built.requestUuid = u"request-1"_s;
        built.callUuid = callUuid;
        built.atMs = mondayAfternoonUtc + afterMs;
        return built;
    };
    CarrierEvent machine = event(CarrierEvent::Kind::MachineDetected, 7'000);
    machine.machineResult = u"human"_s;

    // One tick: the answer arrives before a late ringing and is delivered twice.
    QVERIFY(deliver(*engine, {event(CarrierEvent::Kind::Placed, 50),
                              event(CarrierEvent::Kind::Answered, 5'000),
                              event(CarrierEvent::Kind::Ringing, 1'000),
                              event(CarrierEvent::Kind::Answered, 5'000), machine}));

    QCOMPARE(scalar(u"SELECT COUNT(*) FROM events"_s), 3);
    QSqlQuery attempt = query(u"SELECT state, request_uuid, call_uuid, ringing_at, answered_at, "
                              "machine_result, ended_at FROM attempts"_s);
    QVERIFY(attempt.next());
    QCOMPARE(attempt.value(0).toString(), u"in_progress"_s);
    QCOMPARE(attempt.value(1).toString(), u"request-1"_s);
    QCOMPARE(attempt.value(2).toString(), callUuid);
    // A ringing that arrives after the answer does not move the attempt back.
    QVERIFY(attempt.value(3).isNull());
    QCOMPARE(attempt.value(4).toLongLong(), mondayAfternoonUtc + 5'000);
    QCOMPARE(attempt.value(5).toString(), u"human"_s);
    QVERIFY(attempt.value(6).isNull());
    // An open statement would keep this connection on the old snapshot.
    attempt.finish();
    QCOMPARE(scalar(u"SELECT status = 'in_progress' FROM calls"_s), 1);

    // A later tick: the hangup ends the attempt, and an event after it in
    // the same tick is dropped because the attempt is no longer in flight.
    CarrierEvent hangup = event(CarrierEvent::Kind::Hangup, 40'000);
    hangup.outcome = CallOutcome::Answered;
    hangup.hangupCause = u"NORMAL_CLEARING"_s;
    hangup.ringSeconds = 4;
    hangup.talkSeconds = 33;
    hangup.cost = 0.0085;
    CarrierEvent lateMachine = machine;
    lateMachine.callUuid = u"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"_s;
    lateMachine.machineResult = u"machine"_s;
    QVERIFY(deliver(*engine, {hangup, lateMachine}));

    QCOMPARE(scalar(u"SELECT COUNT(*) FROM events"_s), 4);
    attempt = query(u"SELECT state, outcome, hangup_cause, ring_seconds, talk_seconds, cost, "
                     "ended_at, machine_result, answered_at FROM attempts"_s);
    QVERIFY(attempt.next());
    QCOMPARE(attempt.value(0).toString(), u"ended"_s);
    QCOMPARE(attempt.value(1).toString(), u"answered"_s);
    QCOMPARE(attempt.value(2).toString(), u"NORMAL_CLEARING"_s);
    QCOMPARE(attempt.value(3).toInt(), 4);
    QCOMPARE(attempt.value(4).toInt(), 33);
    QCOMPARE(attempt.value(5).toDouble(), 0.0085);
    QCOMPARE(attempt.value(6).toLongLong(), mondayAfternoonUtc + 40'000);
    QCOMPARE(attempt.value(7).toString(), u"human"_s);
    QCOMPARE(attempt.value(8).toLongLong(), mondayAfternoonUtc + 5'000);
    QCOMPARE(scalar(u"SELECT status = 'completed' FROM calls"_s), 1);
}

void TestEngine::engineRepeatedSessionDoesNotDialAgain()
{
    const QString batchId = createBatch(10);
    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);
    const QString session = u"3f2c9a1e-8b4d-4c7a-9e21-5d6f7a8b9c0d"_s;

    QVERIFY(await(engine->requestStart({batchId, {}, {}, session})).ok());
    QVERIFY(waitFinished(*engine, batchId));
    const qint64 attempts = scalar(u"SELECT COUNT(*) FROM attempts"_s);

    const CommandResult again = await(engine->requestStart({batchId, {}, {}, session}));
    QVERIFY(again.ok());
    QVERIFY(again.alreadyStarted);
    QCOMPARE(int(again.status), int(BatchStatus::Completed));
    QTest::qWait(100);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts"_s), attempts);
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts WHERE session_id = '%1'"_s.arg(session)),
             attempts);
}

void TestEngine::engineSkipsDoNotCallNumbers()
{
    const QString batchId = createBatch(5);
    QVERIFY(DoNotCallRepository(m_connection->database()).add(u"+12125551002"_s, u"asked"_s).ok());
    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);

    QVERIFY(await(engine->requestStart({batchId, {}, {}, {}})).ok());
    QVERIFY(waitFinished(*engine, batchId));

    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts a JOIN calls c ON c.id = a.call_id "
                    "WHERE c.e164 = '+12125551002'"_s),
             0);
    QCOMPARE(scalar(u"SELECT status = 'skipped' FROM calls WHERE e164 = '+12125551002'"_s), 1);
}

void TestEngine::engineRejectsUnstartableBatches_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<QString>("errorCode");

    QTest::newRow("malformed id") << u"malformed id"_s << u"invalid_argument"_s;
    QTest::newRow("unknown batch") << u"unknown batch"_s << u"not_found"_s;
    QTest::newRow("no caller numbers") << u"no caller numbers"_s << u"unprocessable"_s;
    QTest::newRow("no calls") << u"no calls"_s << u"unprocessable"_s;
    QTest::newRow("completed batch") << u"completed batch"_s << u"conflict"_s;
    QTest::newRow("unknown user") << u"unknown user"_s << u"not_found"_s;
    QTest::newRow("bad session id") << u"bad session id"_s << u"invalid_argument"_s;
}

void TestEngine::engineRejectsUnstartableBatches()
{
    QFETCH(QString, situation);
    QFETCH(QString, errorCode);

    StartRequest request;
    if (situation == u"malformed id")
        request.batchId = u"12345"_s;
    else if (situation == u"unknown batch")
        request.batchId = Ids::generate();
    else if (situation == u"no caller numbers")
        request.batchId = createBatch(3, "America/New_York", BatchStatus::Ready, false);
    else if (situation == u"no calls")
        request.batchId = createBatch(0);
    else if (situation == u"completed batch")
        request.batchId = createBatch(3, "America/New_York", BatchStatus::Completed);
    else
        request.batchId = createBatch(3);
    if (situation == u"unknown user")
        request.userId = Ids::generate();
    if (situation == u"bad session id")
        request.sessionId = u"not-a-uuid"_s;

    std::unique_ptr<Engine> engine = openEngine(mondayAfternoonUtc);
    QVERIFY(engine);
    const CommandResult result = await(engine->requestStart(request));

    QCOMPARE(result.errorCode, errorCode);
    QVERIFY(!result.errorMessage.isEmpty());
    QCOMPARE(scalar(u"SELECT COUNT(*) FROM attempts"_s), 0);
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
