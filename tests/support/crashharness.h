#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QTemporaryDir;

namespace Dialdeck {

class SimulatorProcess;

// Settings of one crash run. The defaults are the CI mode: a few hundred
// calls and five kills.
struct CrashRunOptions
{
    // Folder of the dialdeck-service and dialdeck-sim programs.
    QString binDir;
    int calls = 300;
    // SIGKILLs sent to the service before it may run the batch to its end.
    int kills = 5;
    // Seeds every random draw of the harness and of the simulator.
    quint64 seed = 1;
    // Each service process lives a random time in this range before its kill (wall clock).
    int minLifeMs = 500;
    int maxLifeMs = 6000;
    // Extra dialdeck-sim options, such as --fault-drop-callbacks 0.3.
    QStringList simOptions;
    // When above 0, the first service process may grow no file beyond the
    // store's size after import plus this many bytes (RLIMIT_FSIZE), so its
    // store writes fail as on a full disk. It must pause the batch and exit
    // with the store-failure code; later processes run without the limit.
    qint64 diskFullAfterBytes = 0;
    // Gives up on the batch after this long (wall clock).
    int timeoutSeconds = 600;
    // Keeps the work folder (store, simulator journal, logs) after the run.
    bool keepFiles = false;
};

// The outcome of a crash run: its figures and every broken invariant found.
struct CrashRunReport
{
    quint64 seed = 0;
    int kills = 0;
    int serviceStarts = 0;
    int calls = 0;
    int attempts = 0;
    // "placed" and "ended" lines of the simulator's journal.
    int placed = 0;
    int ended = 0;
    double seconds = 0;
    // Set when the disk-full process paused the batch and exited as expected.
    bool diskFullPaused = false;
    // Calls the simulator had placed when the disk-full process exited.
    int placedBeforeDiskFull = 0;
    QString workDir;
    QStringList violations;

    bool passed() const { return violations.isEmpty(); }
    // One line with the seed and the figures.
    QString summary() const;
};

// Runs a batch through real dialdeck-service processes that dial dialdeck-sim
// over loopback, kills the service with SIGKILL at seeded random moments and
// restarts it on the same store and callback port until the batch completes.
// Then compares the simulator's journal of every call it placed with the
// store: no attempt dialed twice, no number dialed more often than it has
// attempts, every placed attempt journaled with the same number, every call
// uuid in the store belonging to the call the simulator placed for that
// attempt, every ended call's outcome stored, and no call or attempt left open.
class CrashHarness final
{
public:
    explicit CrashHarness(CrashRunOptions options);
    ~CrashHarness();

    // Receives a line of progress (service starts, kills, restarts).
    void setProgressHandler(std::function<void(const QString &)> handler)
    {
        m_progress = std::move(handler);
    }

    CrashRunReport run();

private:
    bool prepareFiles();
    bool startSimulator();
    bool prepareBatch();
    QStringList startArguments() const;
    int runServiceUntilKilled(int lifeMs, bool diskFull, bool &finished);
    void checkStore();
    void checkDiskFullPause(int exitCode);
    QString serviceOutput(const QStringList &arguments, int &exitCode);
    void fail(const QString &violation);
    void progress(const QString &line) const;

    CrashRunOptions m_options;
    CrashRunReport m_report;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<SimulatorProcess> m_sim;
    std::function<void(const QString &)> m_progress;
    QString m_store;
    QString m_journal;
    QString m_tokenFile;
    QString m_batchId;
    QString m_phoneIds;
    int m_callbackPort = 0;
};

} // namespace Dialdeck
