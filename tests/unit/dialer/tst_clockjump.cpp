#include "carrier/simulatedcarrier.h"
#include "core/clock.h"
#include "core/ids.h"
#include "dialer/clockjumpguard.h"
#include "dialer/engine.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QFutureWatcher>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Monday 2026-12-07 15:00 UTC is 10:00 in New York.
const qint64 mondayAfternoonUtc = QDateTime(QDate(2026, 12, 7), QTime(15, 0), Qt::UTC)
                                      .toMSecsSinceEpoch();
constexpr qint64 MinuteMs = 60'000;

// The readings of a clock that the test sets by hand: the wall clock, which
// can be set or jump, and the steady clock, which only moves forward.
struct ManualTime
{
    qint64 wallMs = mondayAfternoonUtc;
    qint64 steadyMs = 0;

    void pass(qint64 ms)
    {
        wallMs += ms;
        steadyMs += ms;
    }
};

class ManualClock final : public Clock
{
public:
    explicit ManualClock(const ManualTime &time)
        : m_time(time)
    {
    }

    qint64 nowMs() const override { return m_time.wallMs; }
    qint64 steadyMs() const override { return m_time.steadyMs; }

private:
    const ManualTime &m_time;
};

CommandResult await(QFuture<CommandResult> future)
{
    QFutureWatcher<CommandResult> watcher;
    watcher.setFuture(future);
    if (!QTest::qWaitFor([&] { return watcher.isFinished(); }, 10000))
        return CommandResult{{}, {}, {}, false, u"timeout"_s, u"no answer"_s};
    return future.result();
}

} // namespace

// A system clock that jumps while a batch runs pauses the batch with a reason
// instead of dialing the backlog of the gap at once.
class TestClockJump : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void guardIgnoresTimePassing();
    void guardReportsJumps_data();
    void guardReportsJumps();
    void describeNamesDirectionAndSize();
    void backwardJumpPausesBatch();
    void forwardJumpAfterSuspendPausesBatch();
    void longIdleGapKeepsDialing();
    void resumeAfterJumpDialsAgain();

private:
    QString createBatch(int calls);
    std::unique_ptr<Engine> openEngine();
    QString startBatch(Engine &engine, int calls);
    int dialCount(Engine &engine) const;
    QString storedStatus(const QString &batchId);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    std::unique_ptr<Connection> m_connection;
    QStringList m_phoneIds;
    QString m_ownerId;
    ManualTime m_time;
};

void TestClockJump::init()
{
    QStandardPaths::setTestModeEnabled(true);
    m_time = ManualTime{};
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"test"_s);
    QVERIFY(connection.ok());
    m_connection = std::make_unique<Connection>(std::move(connection).value());

    Result<User> owner = UserRepository(m_connection->database()).ensureLocalOperator();
    QVERIFY(owner.ok());
    m_ownerId = owner->id;

    Phone phone;
    phone.id = Ids::generate();
    phone.e164 = u"+12125550100"_s;
    phone.label = u"NYC"_s;
    QVERIFY(PhoneRepository(m_connection->database()).insert(phone).ok());
    m_phoneIds = {phone.id};
}

void TestClockJump::cleanup()
{
    m_connection.reset();
    m_dir.reset();
}

QString TestClockJump::createBatch(int calls)
{
    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Clock batch"_s;
    batch.ownerUserId = m_ownerId;
    batch.status = BatchStatus::Ready;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    // One call per second: time stands still between the test's steps, so
    // only a moving clock lets the engine dial more.
    batch.config.maxCallsPerSecond = 1;
    batch.config.maxConcurrentCalls = 100;
    batch.phoneIds = m_phoneIds;
    if (!BatchRepository(m_connection->database()).insert(batch).ok())
        return {};

    QSqlQuery insert(m_connection->database());
    insert.prepare(u"INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, "
                   "tz_source, status) VALUES (?, ?, ?, ?, ?, 'US', 'America/New_York', 'column', "
                   "'pending')"_s);
    for (int i = 0; i < calls; ++i) {
        const QString e164 = u"+1212555"_s + QString::number(1000 + i);
        insert.addBindValue(batch.id);
        insert.addBindValue(i + 2);
        insert.addBindValue(u"Callee %1"_s.arg(i));
        insert.addBindValue(e164);
        insert.addBindValue(e164);
        if (!insert.exec())
            return {};
    }
    return batch.id;
}

std::unique_ptr<Engine> TestClockJump::openEngine()
{
    EngineSettings settings;
    settings.storePath = m_storePath;
    settings.snapshotIntervalMs = 50;
    settings.makeClock = [this] { return std::make_unique<ManualClock>(m_time); };
    auto engine = std::make_unique<Engine>(settings);
    QSignalSpy opened(engine.get(), &Engine::opened);
    engine->open();
    return opened.size() == 1 ? std::move(engine) : nullptr;
}

QString TestClockJump::startBatch(Engine &engine, int calls)
{
    const QString batchId = createBatch(calls);
    if (batchId.isEmpty())
        return {};
    const CommandResult started = await(engine.requestStart({batchId, {}, {}, {}}));
    if (!started.ok())
        return {};
    // Lets the engine tick a few times at the start instant.
    QTest::qWait(100);
    return batchId;
}

int TestClockJump::dialCount(Engine &engine) const
{
    auto *carrier = qobject_cast<SimulatedCarrier *>(engine.carrier());
    return carrier ? carrier->dialCount() : -1;
}

QString TestClockJump::storedStatus(const QString &batchId)
{
    QSqlQuery query(m_connection->database());
    query.prepare(u"SELECT status || '|' || COALESCE(status_reason, '') FROM batches WHERE id = ?"_s);
    query.addBindValue(batchId);
    return query.exec() && query.next() ? query.value(0).toString() : QString();
}

void TestClockJump::guardIgnoresTimePassing()
{
    ClockJumpGuard guard;
    ManualClock clock(m_time);
    QVERIFY(!guard.check(clock));
    m_time.pass(10);
    QVERIFY(!guard.check(clock));
    m_time.pass(24 * 60 * MinuteMs);
    QVERIFY(!guard.check(clock));
}

void TestClockJump::guardReportsJumps_data()
{
    QTest::addColumn<qint64>("wallStepMs");
    QTest::addColumn<qint64>("steadyStepMs");
    QTest::addColumn<bool>("reported");

    QTest::newRow("small NTP step back") << qint64(-1500) << qint64(10) << false;
    QTest::newRow("back by a minute") << -MinuteMs << qint64(10) << true;
    QTest::newRow("ahead by two minutes") << 2 * MinuteMs << qint64(10) << false;
    QTest::newRow("ahead by ten minutes") << 10 * MinuteMs << qint64(10) << true;
    QTest::newRow("suspend of an hour") << 60 * MinuteMs << qint64(0) << true;
    QTest::newRow("engine busy for ten minutes") << 10 * MinuteMs << 10 * MinuteMs << false;
}

void TestClockJump::guardReportsJumps()
{
    QFETCH(qint64, wallStepMs);
    QFETCH(qint64, steadyStepMs);
    QFETCH(bool, reported);

    ClockJumpGuard guard;
    ManualClock clock(m_time);
    QVERIFY(!guard.check(clock));
    m_time.wallMs += wallStepMs;
    m_time.steadyMs += steadyStepMs;
    const std::optional<qint64> jump = guard.check(clock);
    QCOMPARE(jump.has_value(), reported);
    if (reported)
        QCOMPARE(*jump, wallStepMs - steadyStepMs);

    // The jump is reported once; the new offset is the reference from then on.
    m_time.pass(1000);
    QVERIFY(!guard.check(clock));
}

void TestClockJump::describeNamesDirectionAndSize()
{
    const QString back = ClockJumpGuard::describe(-3 * 60 * MinuteMs);
    QVERIFY2(back.contains(u"moved back by 180 minutes"_s), qPrintable(back));
    QVERIFY2(back.contains(u"resume the batch"_s), qPrintable(back));
    const QString ahead = ClockJumpGuard::describe(45'000 * 60);
    QVERIFY2(ahead.contains(u"jumped ahead by 45 minutes"_s), qPrintable(ahead));
    QVERIFY2(ahead.contains(u"suspend"_s), qPrintable(ahead));
}

void TestClockJump::backwardJumpPausesBatch()
{
    std::unique_ptr<Engine> engine = openEngine();
    QVERIFY(engine);
    QSignalSpy messages(engine.get(), &Engine::operatorMessage);
    QSignalSpy statuses(engine.get(), &Engine::batchStatusChanged);
    const QString batchId = startBatch(*engine, 50);
    QVERIFY(!batchId.isEmpty());
    QVERIFY(dialCount(*engine) >= 1);

    m_time.wallMs -= 60 * MinuteMs;
    QTRY_VERIFY(storedStatus(batchId).startsWith(u"paused|"_s));
    QVERIFY2(storedStatus(batchId).contains(u"moved back by 60 minutes"_s),
             qPrintable(storedStatus(batchId)));
    QVERIFY(!messages.isEmpty());
    QVERIFY(messages.last().at(1).toString().contains(u"system clock"_s));
    QVERIFY(statuses.last().at(1).value<BatchStatus>() == BatchStatus::Paused);

    // Paused: time passing dials nothing more.
    const int dialsAtPause = dialCount(*engine);
    m_time.pass(30'000);
    QTest::qWait(200);
    QCOMPARE(dialCount(*engine), dialsAtPause);
}

void TestClockJump::forwardJumpAfterSuspendPausesBatch()
{
    std::unique_ptr<Engine> engine = openEngine();
    QVERIFY(engine);
    const QString batchId = startBatch(*engine, 50);
    QVERIFY(!batchId.isEmpty());
    const int dialsBefore = dialCount(*engine);

    // A suspend: the wall clock moves on, the steady clock does not.
    m_time.wallMs += 40 * MinuteMs;
    QTRY_VERIFY(storedStatus(batchId).startsWith(u"paused|"_s));
    QVERIFY2(storedStatus(batchId).contains(u"jumped ahead by 40 minutes"_s),
             qPrintable(storedStatus(batchId)));

    // No burst: at most the one call a tick already under way could dial.
    QTest::qWait(200);
    QVERIFY2(dialCount(*engine) <= dialsBefore + 1,
             qPrintable(u"%1 dials before, %2 after"_s.arg(dialsBefore).arg(dialCount(*engine))));
}

void TestClockJump::longIdleGapKeepsDialing()
{
    std::unique_ptr<Engine> engine = openEngine();
    QVERIFY(engine);
    const QString batchId = startBatch(*engine, 50);
    QVERIFY(!batchId.isEmpty());
    const int dialsBefore = dialCount(*engine);

    // Twenty minutes on both clocks: time passed, nothing jumped.
    m_time.pass(20 * MinuteMs);
    QTRY_VERIFY(dialCount(*engine) > dialsBefore);
    QTest::qWait(100);
    QVERIFY2(!storedStatus(batchId).startsWith(u"paused"_s), qPrintable(storedStatus(batchId)));
}

void TestClockJump::resumeAfterJumpDialsAgain()
{
    std::unique_ptr<Engine> engine = openEngine();
    QVERIFY(engine);
    const QString batchId = startBatch(*engine, 50);
    QVERIFY(!batchId.isEmpty());

    m_time.wallMs -= 10 * MinuteMs;
    QTRY_VERIFY(storedStatus(batchId).startsWith(u"paused|"_s));
    const int dialsAtPause = dialCount(*engine);

    const CommandResult resumed = await(engine->requestResume(batchId));
    QVERIFY2(resumed.ok(), qPrintable(resumed.errorMessage));
    QCOMPARE(storedStatus(batchId), u"running|"_s);
    // The call in flight holds the only caller number until it ends on the
    // simulated carrier, which scheduled its end on the clock before the jump.
    m_time.pass(15 * MinuteMs);
    QTRY_VERIFY(dialCount(*engine) > dialsAtPause);
}

QTEST_GUILESS_MAIN(TestClockJump)
#include "tst_clockjump.moc"
