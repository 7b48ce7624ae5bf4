// Kills dialdeck-service with SIGKILL many times while it dials a large batch
// through dialdeck-sim, restarts it each time, and checks the store against
// the simulator's journal afterwards (see tests/support/crashharness.h).
// Prints the seed and the figures of each run; exits with 1 when any run
// broke an invariant. A failing run is repeated with --seed.
//
//   bench_crash [--calls N] [--kills N] [--seed N] [--runs N] [--faults]
//               [--disk-full] [--min-life MS] [--max-life MS] [--keep]

#include "crashharness.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QTextStream>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// The simulator's faults that the --faults run turns on, with the shares used.
const QStringList FaultOptions = {u"--fault-drop-callbacks"_s, u"0.2"_s,
                                  u"--fault-duplicate-callbacks"_s, u"0.2"_s,
                                  u"--fault-reorder-callbacks"_s, u"0.1"_s,
                                  u"--fault-500-after-place"_s, u"0.1"_s,
                                  u"--fault-stall"_s, u"0.05"_s,
                                  u"--stall-ms"_s, u"3000"_s};

bool readNumber(const QCommandLineParser &parser, const QString &name, qint64 minimum,
                qint64 &value)
{
    bool ok = false;
    value = parser.value(name).toLongLong(&ok);
    if (ok && value >= minimum)
        return true;
    QTextStream(stderr) << "bench_crash: --" << name << " \"" << parser.value(name)
                        << "\" is not a whole number of at least " << minimum << Qt::endl;
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Kills dialdeck-service at random moments while it dials "
                                     "and checks that no call was lost or dialed twice."_s);
    parser.addHelpOption();
    parser.addOptions({
        {u"calls"_s, u"Calls in the batch (at most 3800)."_s, u"N"_s, u"3000"_s},
        {u"kills"_s, u"SIGKILLs per run before the batch may finish."_s, u"N"_s, u"50"_s},
        {u"seed"_s, u"Seed of the first run (default: the current time)."_s, u"N"_s},
        {u"runs"_s, u"Runs, with seeds counting up from --seed."_s, u"N"_s, u"1"_s},
        {u"min-life"_s, u"Shortest life of a service process before its kill, in ms."_s,
         u"MS"_s, u"500"_s},
        {u"max-life"_s, u"Longest life of a service process before its kill, in ms."_s, u"MS"_s,
         u"8000"_s},
        {u"faults"_s, u"Turn on the simulator's callback and create-request faults."_s},
        {u"disk-full"_s, u"Let the first service process's store writes fail after 256 KiB."_s},
        {u"timeout"_s, u"Seconds after which a run gives up."_s, u"SECONDS"_s, u"3600"_s},
        {u"bin-dir"_s, u"Folder of dialdeck-service and dialdeck-sim (default: ../bin next to "
                       "this program)."_s,
         u"DIR"_s},
        {u"keep"_s, u"Keep the store, journal and logs of every run."_s},
    });
    parser.process(app);

    qint64 calls = 0, kills = 0, runs = 0, minLife = 0, maxLife = 0, timeout = 0;
    if (!readNumber(parser, u"calls"_s, 1, calls) || !readNumber(parser, u"kills"_s, 0, kills)
        || !readNumber(parser, u"runs"_s, 1, runs)
        || !readNumber(parser, u"min-life"_s, 50, minLife)
        || !readNumber(parser, u"max-life"_s, minLife, maxLife)
        || !readNumber(parser, u"timeout"_s, 10, timeout)) {
        return 2;
    }
    quint64 seed = quint64(QDateTime::currentMSecsSinceEpoch());
    if (parser.isSet(u"seed"_s)) {
        bool ok = false;
        seed = parser.value(u"seed"_s).toULongLong(&ok);
        if (!ok) {
            QTextStream(stderr) << "bench_crash: the seed \"" << parser.value(u"seed"_s)
                                << "\" is not a whole number" << Qt::endl;
            return 2;
        }
    }

    CrashRunOptions options;
    options.binDir = parser.isSet(u"bin-dir"_s)
                         ? parser.value(u"bin-dir"_s)
                         : QDir(QCoreApplication::applicationDirPath()).filePath(u"../bin"_s);
    options.calls = int(calls);
    options.kills = int(kills);
    options.minLifeMs = int(minLife);
    options.maxLifeMs = int(maxLife);
    options.timeoutSeconds = int(timeout);
    options.keepFiles = parser.isSet(u"keep"_s);
    if (parser.isSet(u"faults"_s))
        options.simOptions = FaultOptions;
    if (parser.isSet(u"disk-full"_s))
        options.diskFullAfterBytes = 256 * 1024;

    int failed = 0;
    for (qint64 run = 0; run < runs; ++run) {
        options.seed = seed + quint64(run);
        CrashHarness harness(options);
        harness.setProgressHandler([](const QString &line) { out() << line << Qt::endl; });
        const CrashRunReport report = harness.run();
        out() << (report.passed() ? "PASS " : "FAIL ") << report.summary() << Qt::endl;
        if (!report.passed())
            ++failed;
    }
    out() << failed << " of " << runs << " runs failed" << Qt::endl;
    return failed == 0 ? 0 : 1;
}
