#include "crashharness.h"

#include "simulatorprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>

#include <algorithm>
#include <array>
#include <csignal>
#include <sys/resource.h>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// The simulator's default account, and a token that only these runs use.
const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;
const QByteArray SimToken = "dialdeck-crash-harness-token";
// dialdeck-service's exit code when its store failed.
constexpr int StoreFailedExitCode = 5;
// runServiceUntilKilled() result when the program could not be started at all.
constexpr int ServiceDidNotStart = -2;
// Caller numbers: all ten of the simulated account (its default +14155550100
// to +14155550109). A caller number carries one call at a time, so they bound
// the calls in flight.
constexpr int CallerNumbers = 10;
// Area codes of the US East Coast, all in one time zone, so the batch's
// 00:00-23:59 window closes for the same single minute for every number.
// With 100 numbers each they allow runs of up to 3,800 calls.
constexpr std::array AreaCodes{201, 203, 212, 215, 240, 267, 301, 302, 332, 347,
                               410, 443, 484, 516, 551, 585, 607, 610, 617, 631,
                               646, 680, 716, 718, 732, 781, 845, 848, 856, 857,
                               862, 908, 914, 917, 929, 934, 973, 978};
const QString FinalCallStatuses = u"'completed', 'busy', 'no_answer', 'failed', 'skipped', "
                                  "'cancelled'"_s;

// Returns a free loopback port. Another program may take it before the
// service binds it, which makes the run fail with a clear error, not pass.
int freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// Numbers 555-0100 to 555-0199 are reserved for fiction in every North
// American area code, and libphonenumber accepts them as valid.
QString fictionalNumber(int index)
{
    const int areaCode = AreaCodes.at(std::size_t(index / 100) % AreaCodes.size());
    return u"+1"_s + QString::number(areaCode) + u"5550"_s + QString::number(100 + index % 100);
}

QString sqlCount(QSqlDatabase db, const QString &sql, bool &ok)
{
    QSqlQuery query(db);
    ok = query.exec(sql) && query.next();
    return ok ? query.value(0).toString() : QString();
}

} // namespace

QString CrashRunReport::summary() const
{
    return u"seed %1: %2 kills, %3 service starts, %4 calls, %5 attempts, %6 dials placed, "
           "%7 calls ended, %8 s, %9 violations"_s.arg(seed)
        .arg(kills)
        .arg(serviceStarts)
        .arg(calls)
        .arg(attempts)
        .arg(placed)
        .arg(ended)
        .arg(seconds, 0, 'f', 1)
        .arg(violations.size());
}

CrashHarness::CrashHarness(CrashRunOptions options)
    : m_options(std::move(options))
{
    m_report.seed = m_options.seed;
}

CrashHarness::~CrashHarness()
{
    m_sim.reset();
    QSqlDatabase::removeDatabase(u"crash-check"_s);
}

void CrashHarness::fail(const QString &violation)
{
    m_report.violations.append(violation);
    progress(u"VIOLATION (seed %1): %2"_s.arg(m_options.seed).arg(violation));
}

void CrashHarness::progress(const QString &line) const
{
    if (m_progress)
        m_progress(line);
}

CrashRunReport CrashHarness::run()
{
    QElapsedTimer elapsed;
    elapsed.start();
    progress(u"crash run with seed %1: %2 calls, %3 kills"_s.arg(m_options.seed)
                 .arg(m_options.calls)
                 .arg(m_options.kills));

    if (!prepareFiles() || !startSimulator() || !prepareBatch()) {
        m_report.seconds = elapsed.elapsed() / 1000.0;
        return m_report;
    }

    QRandomGenerator random(quint32(m_options.seed ^ (m_options.seed >> 32)));
    bool finished = false;
    bool diskFull = m_options.diskFullAfterBytes > 0;
    while (!finished) {
        if (elapsed.elapsed() > qint64(m_options.timeoutSeconds) * 1000) {
            fail(u"the batch did not complete within %1 s"_s.arg(m_options.timeoutSeconds));
            break;
        }

        // After the planned kills, the last process runs until the batch ends.
        const bool mayKill = m_report.kills < m_options.kills && !diskFull;
        const int lifeMs = mayKill ? int(random.bounded(m_options.minLifeMs, m_options.maxLifeMs + 1))
                                   : -1;
        const int exitCode = runServiceUntilKilled(lifeMs, diskFull, finished);
        if (exitCode == ServiceDidNotStart)
            break;
        if (diskFull) {
            checkDiskFullPause(exitCode);
            diskFull = false;
            continue;
        }
        if (!finished && exitCode >= 0) {
            fail(u"service start %1 exited with code %2 before the batch completed; see %3"_s
                     .arg(m_report.serviceStarts)
                     .arg(exitCode)
                     .arg(m_dir->filePath(u"service.log"_s)));
            break;
        }
    }

    // Also after a time-out: the invariants hold at every moment, not only at the end.
    if (!m_batchId.isEmpty())
        checkStore();
    m_report.seconds = elapsed.elapsed() / 1000.0;
    if (!m_report.passed() || m_options.keepFiles) {
        m_dir->setAutoRemove(false);
        progress(u"files of seed %1 kept in %2"_s.arg(m_options.seed).arg(m_dir->path()));
    }
    return m_report;
}

bool CrashHarness::prepareFiles()
{
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        fail(u"could not create a temporary folder: %1"_s.arg(m_dir->errorString()));
        return false;
    }
    m_report.workDir = m_dir->path();
    m_store = m_dir->filePath(u"store.sqlite"_s);
    m_journal = m_dir->filePath(u"sim-journal.jsonl"_s);
    m_tokenFile = m_dir->filePath(u"plivo-token"_s);

    if (!SimulatorProcess::writeTokenFile(m_tokenFile, SimToken)) {
        fail(u"could not write %1"_s.arg(m_tokenFile));
        return false;
    }

    QFile contacts(m_dir->filePath(u"contacts.csv"_s));
    if (!contacts.open(QIODevice::WriteOnly)) {
        fail(u"could not write %1"_s.arg(contacts.fileName()));
        return false;
    }
    contacts.write("Name,Phone\n");
    for (int i = 0; i < m_options.calls; ++i)
        contacts.write(u"Contact %1,%2\n"_s.arg(i + 1).arg(fictionalNumber(i)).toUtf8());

    // Fast pacing, and retries after seconds instead of the default minutes,
    // so that retried calls (more than one attempt per number) happen within a run.
    const QJsonObject retry{{u"maxAttempts"_s, 2}, {u"delaySeconds"_s, 5}};
    const QJsonObject settings{
        {u"maxCallsPerSecond"_s, 10},
        {u"maxConcurrentCalls"_s, 20},
        {u"retry"_s, QJsonObject{{u"busy"_s, retry}, {u"noAnswer"_s, retry},
                                 {u"failed"_s, retry}, {u"machine"_s, retry}}},
    };
    QFile settingsFile(m_dir->filePath(u"settings.json"_s));
    if (!settingsFile.open(QIODevice::WriteOnly)
        || settingsFile.write(QJsonDocument(settings).toJson()) < 0) {
        fail(u"could not write %1"_s.arg(settingsFile.fileName()));
        return false;
    }
    return true;
}

bool CrashHarness::startSimulator()
{
    m_sim = std::make_unique<SimulatorProcess>();
    m_sim->setBinaryDir(m_options.binDir);
    const QStringList options{u"--journal"_s,      m_journal,    u"--speed"_s,     u"60"_s,
                              u"--cps"_s,          u"20"_s,      u"--talk-time"_s, u"10-60"_s,
                              u"--cash-credits"_s, u"100000"_s,  u"--seed"_s,
                              QString::number(m_options.seed)};
    const QString error = m_sim->start(m_tokenFile, m_dir->filePath(u"sim.log"_s),
                                       options + m_options.simOptions);
    if (!error.isEmpty()) {
        fail(error);
        return false;
    }
    return true;
}

QString CrashHarness::serviceOutput(const QStringList &arguments, int &exitCode)
{
    QProcess process;
    process.start(QDir(m_options.binDir).filePath(u"dialdeck-service"_s),
                  QStringList{u"--db"_s, m_store} + arguments);
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        exitCode = -1;
        return QString::fromUtf8(process.readAllStandardError());
    }
    exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
}

bool CrashHarness::prepareBatch()
{
    int exitCode = -1;
    const QString imported = serviceOutput({u"import"_s, m_dir->filePath(u"contacts.csv"_s),
                                            u"--name"_s, u"Crash run"_s, u"--map"_s,
                                            u"phone=Phone,name=Name"_s, u"--region"_s, u"US"_s,
                                            u"--settings"_s, m_dir->filePath(u"settings.json"_s),
                                            u"--window"_s, u"00:00-23:59"_s, u"--days"_s,
                                            u"mon,tue,wed,thu,fri,sat,sun"_s},
                                           exitCode);
    const QRegularExpression id(u"\\b([0-9a-f]{24})\\b"_s);
    const QRegularExpressionMatch batch = id.match(imported);
    if (exitCode != 0 || !batch.hasMatch()) {
        fail(u"the import failed (exit code %1): %2"_s.arg(exitCode).arg(imported));
        return false;
    }
    m_batchId = batch.captured(1);

    QStringList phoneIds;
    for (int i = 0; i < CallerNumbers; ++i) {
        const QString added = serviceOutput({u"phones"_s, u"add"_s,
                                             u"+141555501"_s + QString::number(i).rightJustified(2, u'0')},
                                            exitCode);
        const QRegularExpressionMatch phone = id.match(added);
        if (exitCode != 0 || !phone.hasMatch()) {
            fail(u"adding a caller number failed: %1"_s.arg(added));
            return false;
        }
        phoneIds.append(phone.captured(1));
    }
    m_phoneIds = phoneIds.join(u',');

    m_callbackPort = freeLoopbackPort();
    if (m_callbackPort == 0) {
        fail(u"no free loopback port for the callbacks"_s);
        return false;
    }
    progress(u"batch %1 imported; callbacks on port %2"_s.arg(m_batchId).arg(m_callbackPort));
    return true;
}

QStringList CrashHarness::startArguments() const
{
    // The same callback port every time, so that callbacks of calls placed by
    // a killed process reach its successor.
    return {u"--db"_s,
            m_store,
            u"start"_s,
            m_batchId,
            u"--follow"_s,
            u"--phones"_s,
            m_phoneIds,
            u"--carrier"_s,
            u"plivo"_s,
            u"--plivo-url"_s,
            m_sim->baseUrl(),
            u"--plivo-auth-id"_s,
            SimAuthId,
            u"--plivo-token-file"_s,
            m_tokenFile,
            u"--webhook-listen"_s,
            u"127.0.0.1:%1"_s.arg(m_callbackPort),
            u"--reconcile-after"_s,
            u"3"_s,
            u"--webhook-wait"_s,
            u"0"_s};
}

// Runs one service process. lifeMs < 0 lets it run until it exits. Returns
// its exit code, -1 when it was killed or ServiceDidNotStart; sets
// `finished` when it exited with 0, which it does once the batch finished.
int CrashHarness::runServiceUntilKilled(int lifeMs, bool diskFull, bool &finished)
{
    QProcess service;
    const QString log = m_dir->filePath(u"service.log"_s);
    service.setStandardOutputFile(log, QIODevice::Append);
    service.setStandardErrorFile(log, QIODevice::Append);

    qint64 fileLimit = 0;
    if (diskFull) {
        const qint64 largest = std::max({QFileInfo(m_store).size(),
                                         QFileInfo(m_store + u"-wal"_s).size(),
                                         QFileInfo(log).size()});
        fileLimit = largest + m_options.diskFullAfterBytes;
    }
    // Runs in the child between fork and exec. With SIGXFSZ ignored, a write
    // beyond the limit fails with EFBIG, so SQLite's write fails as on a full
    // disk (where the error would be ENOSPC).
    service.setChildProcessModifier([fileLimit] {
        if (fileLimit <= 0)
            return;
        std::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{rlim_t(fileLimit), rlim_t(fileLimit)};
        setrlimit(RLIMIT_FSIZE, &limit);
    });

    ++m_report.serviceStarts;
    const QStringList arguments = startArguments();
    service.start(QDir(m_options.binDir).filePath(u"dialdeck-service"_s), arguments);
    if (!service.waitForStarted(10000)) {
        fail(u"dialdeck-service did not start: %1"_s.arg(service.errorString()));
        return ServiceDidNotStart;
    }

    const bool exited = service.waitForFinished(lifeMs < 0 ? m_options.timeoutSeconds * 1000
                                                           : lifeMs);
    if (!exited) {
        service.kill();
        service.waitForFinished();
        if (lifeMs >= 0) {
            ++m_report.kills;
            progress(u"killed service start %1 after %2 ms"_s.arg(m_report.serviceStarts)
                         .arg(lifeMs));
        }
        return -1;
    }

    const int exitCode = service.exitStatus() == QProcess::NormalExit ? service.exitCode() : -1;
    finished = exitCode == 0;
    progress(u"service start %1 exited with code %2"_s.arg(m_report.serviceStarts).arg(exitCode));
    return exitCode;
}

// The process whose file writes failed must have paused the batch with a
// message naming the store failure, and exited with the store-failure code.
void CrashHarness::checkDiskFullPause(int exitCode)
{
    QFile log(m_dir->filePath(u"service.log"_s));
    const QString text = log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll())
                                                       : QString();
    if (exitCode != StoreFailedExitCode) {
        fail(u"with writes failing, the service exited with code %1, not %2"_s.arg(exitCode)
                 .arg(StoreFailedExitCode));
        return;
    }
    if (!text.contains(u"Dialing stopped because the store failed"_s)) {
        fail(u"with writes failing, the service did not say that dialing stopped"_s);
        return;
    }
    m_report.diskFullPaused = true;
    QFile journal(m_journal);
    if (journal.open(QIODevice::ReadOnly))
        m_report.placedBeforeDiskFull = int(journal.readAll().count("\"event\":\"placed\""));
    progress(u"the service paused the batch when its store writes failed, after %1 dials"_s
                 .arg(m_report.placedBeforeDiskFull));
}

void CrashHarness::checkStore()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"crash-check"_s);
    db.setDatabaseName(m_store);
    db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
    if (!db.open()) {
        fail(u"could not open the store %1"_s.arg(m_store));
        return;
    }

    bool ok = false;
    const QString status = sqlCount(db, u"SELECT status FROM batches WHERE id = '%1'"_s
                                            .arg(m_batchId), ok);
    if (status != u"completed")
        fail(u"the batch ended as \"%1\", not completed"_s.arg(status));

    const QString openCalls = sqlCount(db, u"SELECT COUNT(*) FROM calls WHERE batch_id = '%1' "
                                           "AND status NOT IN (%2)"_s
                                               .arg(m_batchId, FinalCallStatuses), ok);
    if (!ok || openCalls != u"0")
        fail(u"%1 calls have no final status"_s.arg(openCalls));
    const QString openAttempts = sqlCount(db, u"SELECT COUNT(*) FROM attempts WHERE batch_id = "
                                              "'%1' AND state <> 'ended'"_s.arg(m_batchId), ok);
    if (!ok || openAttempts != u"0")
        fail(u"%1 attempts are not ended"_s.arg(openAttempts));
    m_report.calls = sqlCount(db, u"SELECT COUNT(*) FROM calls WHERE batch_id = '%1'"_s
                                      .arg(m_batchId), ok).toInt();

    struct StoredAttempt
    {
        QString callUuid;
        QString number;
        QString outcome;
    };
    QHash<QString, StoredAttempt> attempts;
    QHash<QString, int> attemptsByNumber;
    QSqlQuery query(db);
    if (!query.exec(u"SELECT a.id, COALESCE(a.call_uuid, ''), c.e164, COALESCE(a.outcome, '') "
                    "FROM attempts a JOIN calls c ON c.id = a.call_id WHERE a.batch_id = '%1'"_s
                        .arg(m_batchId))) {
        fail(u"could not read the attempts"_s);
        return;
    }
    while (query.next()) {
        const StoredAttempt attempt{query.value(1).toString(), query.value(2).toString(),
                                    query.value(3).toString()};
        attempts.insert(query.value(0).toString(), attempt);
        ++attemptsByNumber[attempt.number];
    }
    m_report.attempts = int(attempts.size());

    QFile journal(m_journal);
    if (!journal.open(QIODevice::ReadOnly)) {
        fail(u"could not read the simulator's journal %1"_s.arg(m_journal));
        return;
    }
    QHash<QString, int> placedByAttempt;
    QHash<QString, int> placedByNumber;
    QHash<QString, QString> placedCallUuids;
    while (!journal.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(journal.readLine()).object();
        const QString event = line.value(u"event"_s).toString();
        const QString attemptId = line.value(u"attempt"_s).toString();
        QString number = line.value(u"to"_s).toString();
        if (!number.isEmpty() && !number.startsWith(u'+'))
            number.prepend(u'+');

        if (event == u"placed") {
            ++m_report.placed;
            ++placedByNumber[number];
            placedCallUuids.insert(attemptId, line.value(u"call_uuid"_s).toString());
            if (++placedByAttempt[attemptId] == 2)
                fail(u"attempt %1 was dialed more than once"_s.arg(attemptId));
            // Journal before dial: every attempt the simulator placed is in the store.
            if (!attempts.contains(attemptId))
                fail(u"attempt %1 was dialed to %2 but is not in the store"_s.arg(attemptId,
                                                                                 number));
            else if (attempts.value(attemptId).number != number)
                fail(u"attempt %1 was dialed to %2 but the store has it for %3"_s
                         .arg(attemptId, number, attempts.value(attemptId).number));
        } else if (event == u"ended") {
            ++m_report.ended;
            const StoredAttempt stored = attempts.value(attemptId);
            const QString callUuid = line.value(u"call_uuid"_s).toString();
            if (stored.callUuid != callUuid)
                fail(u"call %1 of attempt %2 ended, but the store has call uuid \"%3\""_s
                         .arg(callUuid, attemptId, stored.callUuid));
            if (stored.outcome.isEmpty())
                fail(u"call %1 of attempt %2 ended without an outcome in the store"_s
                         .arg(callUuid, attemptId));
        }
    }
    // A call found by a look-up belongs to the attempt that placed it: never
    // to a later attempt of the same number, and never to two attempts.
    QHash<QString, QString> attemptByCallUuid;
    for (auto it = attempts.cbegin(); it != attempts.cend(); ++it) {
        const QString &callUuid = it->callUuid;
        if (callUuid.isEmpty())
            continue;
        if (placedCallUuids.value(it.key()) != callUuid) {
            fail(u"attempt %1 has call uuid %2, but the simulator placed %3 for it"_s
                     .arg(it.key(), callUuid, placedCallUuids.value(it.key(), u"no call"_s)));
        }
        const QString other = attemptByCallUuid.value(callUuid);
        if (!other.isEmpty())
            fail(u"attempts %1 and %2 share call uuid %3"_s.arg(other, it.key(), callUuid));
        attemptByCallUuid.insert(callUuid, it.key());
    }

    for (auto it = placedByNumber.cbegin(); it != placedByNumber.cend(); ++it) {
        if (it.value() > attemptsByNumber.value(it.key())) {
            fail(u"%1 was dialed %2 times but has %3 attempts"_s.arg(it.key())
                     .arg(it.value())
                     .arg(attemptsByNumber.value(it.key())));
        }
    }
    if (m_report.placed == 0)
        fail(u"the simulator placed no call"_s);
}

} // namespace Dialdeck
