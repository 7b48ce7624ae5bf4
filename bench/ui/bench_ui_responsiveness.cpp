// Measures how long the console's UI thread stalls while the engine runs a
// large batch as fast as it can: a DashboardWidget takes every progress
// snapshot and a CallLogView pages through the calls while the table is
// scrolled. A 5 ms precise timer on the UI thread records how late each tick
// fires; the worst and the 99th-percentile lateness are the result.
//
// Run with QT_QPA_PLATFORM=offscreen. Options: --calls N (default 100000),
// --timeout-s S (default 1800), --keep-store (prints the store path), and
// --call-log-only S, which runs no engine and scrolls the call log for S
// seconds, to measure the call log alone on batches too large to dial here.

#include "core/ids.h"
#include "dialer/engine.h"
#include "dialer/enginethread.h"
#include "monitor/calllogmodel.h"
#include "monitor/calllogview.h"
#include "monitor/dashboardwidget.h"
#include "store/batchrepository.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QScrollBar>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int ProbeIntervalMs = 5;
constexpr int ScrollIntervalMs = 400;
constexpr double TargetMaxStallMs = 50.0;
// Monday 2026-03-02 14:00 UTC, 09:00 in New York. The engine clock jumps
// over any closed window, so the start instant only fixes the dates shown.
constexpr qint64 EngineStartMs = 1772460000000;

// Times every event the UI thread handles at the outer level, to find the
// cause of a stall. Long event handling means UI work, and a late tick after
// only short events means the thread waited for a CPU.
class ProbeApplication final : public QApplication
{
public:
    using QApplication::QApplication;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth > 0 || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);

        ++m_depth;
        QElapsedTimer timer;
        timer.start();
        const bool handled = QApplication::notify(receiver, event);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        --m_depth;

        m_eventMs.push_back(ms);
        if (ms > m_worstMs) {
            m_worstMs = ms;
            m_worstEvent = u"%1 to %2"_s.arg(int(event->type()))
                               .arg(QString::fromLatin1(receiver->metaObject()->className()));
        }
        return handled;
    }

    const std::vector<double> &eventMs() const { return m_eventMs; }
    double worstMs() const { return m_worstMs; }
    QString worstEvent() const { return m_worstEvent; }

private:
    int m_depth = 0;
    std::vector<double> m_eventMs;
    double m_worstMs = 0.0;
    QString m_worstEvent;
};

struct Options
{
    int calls = 100000;
    int timeoutSeconds = 1800;
    bool keepStore = false;
    // Seconds of scrolling without an engine; 0 runs the batch.
    int callLogOnlySeconds = 0;
};

Options parseOptions(const QApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"UI responsiveness probe for the Dialdeck console"_s);
    parser.addHelpOption();
    const QCommandLineOption calls(u"calls"_s, u"Calls in the generated batch."_s, u"N"_s, u"100000"_s);
    const QCommandLineOption timeout(u"timeout-s"_s, u"Wall-clock seconds before giving up."_s,
                                     u"S"_s, u"1800"_s);
    const QCommandLineOption keep(u"keep-store"_s, u"Keep the generated store and print its path."_s);
    const QCommandLineOption callLogOnly(u"call-log-only"_s,
                                         u"Run no engine; scroll the call log for S seconds."_s,
                                         u"S"_s, u"0"_s);
    parser.addOptions({calls, timeout, keep, callLogOnly});
    parser.process(app);

    Options options;
    options.calls = std::max(1, parser.value(calls).toInt());
    options.timeoutSeconds = std::max(1, parser.value(timeout).toInt());
    options.keepStore = parser.isSet(keep);
    options.callLogOnlySeconds = std::max(0, parser.value(callLogOnly).toInt());
    return options;
}

// Creates the batch with plain SQL inserts, so the importer's cost stays
// out of the measurement.
Result<QString> createBatch(const QString &storePath, int callCount)
{
    Result<Connection> connection = Connection::openSqlite(storePath, u"bench-setup"_s);
    if (!connection)
        return connection.error();
    QSqlDatabase db = connection->database();

    Result<User> owner = UserRepository(db).ensureLocalOperator();
    if (!owner)
        return owner.error();

    QStringList phoneIds;
    for (const QString &number : {u"+12125550100"_s, u"+13125550111"_s}) {
        Phone phone;
        phone.id = Ids::generate();
        phone.e164 = number;
        phone.label = u"Bench line"_s;
        phone.createdAt = QDateTime::currentDateTimeUtc();
        if (Result<void> saved = PhoneRepository(db).insert(phone); !saved)
            return saved.error();
        phoneIds << phone.id;
    }

    Batch batch;
    batch.id = Ids::generate();
    batch.name = u"Responsiveness bench"_s;
    batch.ownerUserId = owner->id;
    batch.status = BatchStatus::Ready;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    batch.phoneIds = phoneIds;
    batch.config.windowStart = QTime(0, 0);
    batch.config.windowEnd = QTime(23, 59);
    batch.config.allowedDays = 0b1111111;
    batch.config.maxCallsPerSecond = 50.0;
    batch.config.maxConcurrentCalls = 100;
    BatchRepository batches(db);
    if (Result<void> saved = batches.insert(batch); !saved)
        return saved.error();
    if (Result<void> saved = batches.setPhones(batch.id, phoneIds); !saved)
        return saved.error();

    if (!db.transaction())
        return Error{u"store_failed"_s, db.lastError().text()};
    QSqlQuery insert(db);
    insert.prepare(u"INSERT INTO calls (batch_id, line, name, phone_raw, e164, region, time_zones, "
                   "tz_source, status) VALUES (?, ?, ?, ?, ?, 'US', 'America/New_York', "
                   "'batch_default', 'pending')"_s);
    for (int i = 0; i < callCount; ++i) {
        insert.addBindValue(batch.id);
        insert.addBindValue(i + 2);
        insert.addBindValue(u"Contact %1"_s.arg(i));
        insert.addBindValue(u"212555%1"_s.arg(i, 4, 10, QLatin1Char('0')));
        insert.addBindValue(u"+1646%1"_s.arg(i, 7, 10, QLatin1Char('0')));
        if (!insert.exec())
            return Error{u"store_failed"_s, insert.lastError().text()};
    }
    if (!db.commit())
        return Error{u"store_failed"_s, db.lastError().text()};
    return batch.id;
}

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const auto index = std::size_t(fraction * double(values.size() - 1));
    return values[index];
}

} // namespace

int main(int argc, char **argv)
{
    ProbeApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const Options options = parseOptions(app);

    QTemporaryDir dir;
    dir.setAutoRemove(!options.keepStore);
    const QString storePath = dir.filePath(u"bench.sqlite"_s);

    QElapsedTimer setupTimer;
    setupTimer.start();
    const Result<QString> batchId = createBatch(storePath, options.calls);
    if (!batchId) {
        std::fprintf(stderr, "Creating the bench batch failed: %s\n", qPrintable(batchId.error().message));
        return 2;
    }
    std::printf("store: %d calls created in %lld ms\n", options.calls, setupTimer.elapsed());

    QWidget window;
    auto *layout = new QHBoxLayout(&window);
    auto *dashboard = new DashboardWidget(&window);
    auto *callLog = new CallLogView(&window);
    layout->addWidget(dashboard);
    layout->addWidget(callLog);
    window.resize(1600, 900);
    dashboard->setBatch(*batchId);
    callLog->setStorePath(storePath);
    callLog->setBatch(*batchId);
    window.show();

    EngineSettings settings;
    settings.storePath = storePath;
    settings.clockSpeed = 0.0;
    settings.clockStartMs = EngineStartMs;
    settings.ownerName = u"bench-ui-responsiveness"_s;
    EngineThread engineThread(settings);
    Engine *engine = engineThread.engine();

    int snapshots = 0;
    QObject::connect(engine, &Engine::progressUpdated, dashboard, &DashboardWidget::applySnapshot);
    QObject::connect(engine, &Engine::progressUpdated, &app, [&snapshots] { ++snapshots; });
    QObject::connect(engine, &Engine::openFailed, &app, [&app](const QString &message) {
        std::fprintf(stderr, "The engine could not open the store: %s\n", qPrintable(message));
        app.exit(2);
    });
    QObject::connect(engine, &Engine::batchFinished, &app,
                     [&app, id = *batchId](const QString &finishedId, BatchStatus status) {
                         if (finishedId != id)
                             return;
                         std::printf("batch finished: %s\n", qPrintable(toString(status)));
                         app.exit(0);
                     });

    QFutureWatcher<CommandResult> startWatcher;
    QObject::connect(engine, &Engine::opened, &app, [&] {
        StartRequest request;
        request.batchId = *batchId;
        startWatcher.setFuture(engine->requestStart(request));
    });
    QObject::connect(&startWatcher, &QFutureWatcher<CommandResult>::finished, &app, [&] {
        const CommandResult result = startWatcher.result();
        if (!result.ok()) {
            std::fprintf(stderr, "Starting the batch failed: %s: %s\n",
                         qPrintable(result.errorCode), qPrintable(result.errorMessage));
            app.exit(2);
        }
    });

    // The probe: each tick records how much later than planned it fired.
    std::vector<double> lateMs;
    lateMs.reserve(std::size_t(options.timeoutSeconds) * 1000 / ProbeIntervalMs);
    QElapsedTimer sinceLastTick;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(ProbeIntervalMs);
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const double gapMs = double(sinceLastTick.nsecsElapsed()) / 1e6;
        sinceLastTick.start();
        lateMs.push_back(std::max(0.0, gapMs - ProbeIntervalMs));
    });

    // An operator scrolling the call log, so pages load during the run.
    QTableView *table = callLog->table();
    int scrollStep = 0;
    QTimer scroller;
    scroller.setInterval(ScrollIntervalMs);
    QObject::connect(&scroller, &QTimer::timeout, table, [table, &scrollStep] {
        QScrollBar *bar = table->verticalScrollBar();
        const int position = (++scrollStep * 7919) % std::max(1, bar->maximum() + 1);
        bar->setValue(position);
    });

    QTimer::singleShot(options.timeoutSeconds * 1000, &app, [&app, &options] {
        std::fprintf(stderr,
                     "The batch did not finish within %d s; raise --timeout-s or lower --calls.\n",
                     options.timeoutSeconds);
        app.exit(3);
    });

    QElapsedTimer runTimer;
    runTimer.start();
    QObject::connect(callLog->model(), &CallLogModel::ready, &app, [&runTimer](qint64 rows) {
        std::printf("call log: %lld rows ready after %lld ms\n", rows, runTimer.elapsed());
    });
    if (options.callLogOnlySeconds > 0)
        QTimer::singleShot(options.callLogOnlySeconds * 1000, &app, [&app] { app.exit(0); });
    else
        engineThread.start();
    sinceLastTick.start();
    probe.start();
    scroller.start();
    const int exitCode = app.exec();
    const qint64 runMs = runTimer.elapsed();
    probe.stop();
    scroller.stop();

    const double worst = lateMs.empty() ? 0.0 : *std::max_element(lateMs.begin(), lateMs.end());
    const double p99 = percentile(lateMs, 0.99);
    const double p50 = percentile(lateMs, 0.50);
    const auto over = std::count_if(lateMs.begin(), lateMs.end(),
                                     [](double late) { return late > TargetMaxStallMs; });

    std::printf("run: %lld ms wall, %d snapshots, %zu probe ticks\n", runMs, snapshots, lateMs.size());
    std::printf("stall: worst %.1f ms, p99 %.1f ms, p50 %.2f ms, ticks over %.0f ms: %lld\n", worst,
                p99, p50, TargetMaxStallMs, qint64(over));
    std::printf("UI events: %zu handled, worst %.1f ms (event type %s), p99 %.2f ms\n",
                app.eventMs().size(), app.worstMs(), qPrintable(app.worstEvent()),
                percentile(app.eventMs(), 0.99));
    std::printf("target (no stall above %.0f ms): %s\n", TargetMaxStallMs,
                worst <= TargetMaxStallMs ? "met" : "missed");
    if (options.keepStore)
        std::printf("store kept at %s\n", qPrintable(storePath));
    return exitCode;
}
