// Runs a simulated batch through the real engine as fast as the machine allows
// and prints the calls per second of wall time. Each call is journaled, dialed
// on the simulated carrier, and its events are applied to the store.
//
//   bench_engine [--calls N] [--phones N] [--keep DIR]

#include "benchbatch.h"
#include "dialer/engine.h"
#include "store/connection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFutureWatcher>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

qint64 peakRssKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{u"calls"_s, u"Calls in the batch."_s, u"N"_s, u"100000"_s},
                       {u"phones"_s, u"Caller numbers, which is also the concurrency."_s, u"N"_s,
                        u"1000"_s},
                       {u"keep"_s, u"Keep the store in this folder."_s, u"DIR"_s}});
    parser.process(app);
    const int calls = parser.value(u"calls"_s).toInt();
    const int phones = parser.value(u"phones"_s).toInt();

    QTemporaryDir temporary;
    const QString folder = parser.isSet(u"keep"_s) ? parser.value(u"keep"_s) : temporary.path();
    const QString storePath = folder + u"/bench-engine.sqlite"_s;
    QFile::remove(storePath);

    QString batchId;
    {
        Result<Connection> connection = Connection::openSqlite(storePath, u"setup"_s);
        if (!connection) {
            std::fprintf(stderr, "%s\n", qPrintable(connection.error().message));
            return 1;
        }
        batchId = createBenchBatch(connection->database(), calls, phones);
    }

    EngineSettings settings;
    settings.storePath = storePath;
    settings.clockSpeed = 0;
    settings.clockStartMs = QDateTime(QDate(2026, 12, 7), QTime(15, 0), Qt::UTC).toMSecsSinceEpoch();
    settings.snapshotIntervalMs = 250;
    Engine engine(settings);
    engine.open();

    QElapsedTimer wall;
    QTextStream out(stdout);
    QObject::connect(&engine, &Engine::batchFinished, &app, [&](const QString &, BatchStatus status) {
        const double seconds = double(wall.elapsed()) / 1000.0;
        out << "calls: " << calls << ", caller numbers: " << phones << Qt::endl;
        out << "final status: " << toString(status) << Qt::endl;
        out << "wall time: " << seconds << " s" << Qt::endl;
        out << "calls per second of wall time: " << qRound(double(calls) / seconds) << Qt::endl;
        out << "peak RSS: " << peakRssKiB() / 1024 << " MiB" << Qt::endl;
        QCoreApplication::quit();
    });

    wall.start();
    QFutureWatcher<CommandResult> watcher;
    QObject::connect(&watcher, &QFutureWatcher<CommandResult>::finished, &app, [&] {
        if (!watcher.result().ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(watcher.result().errorMessage));
            QCoreApplication::exit(1);
        }
    });
    watcher.setFuture(engine.requestStart({batchId, {}, {}, {}}));
    const int result = QCoreApplication::exec();

    Result<Connection> check = Connection::openSqlite(storePath, u"check"_s);
    if (check) {
        QSqlQuery query(check->database());
        query.exec(u"SELECT COUNT(*), COUNT(DISTINCT call_id) FROM attempts"_s);
        if (query.next()) {
            out << "attempts: " << query.value(0).toLongLong() << " for "
                << query.value(1).toLongLong() << " calls" << Qt::endl;
        }
        query.exec(u"SELECT COUNT(*) FROM events"_s);
        if (query.next())
            out << "carrier events applied: " << query.value(0).toLongLong() << Qt::endl;
    }
    return result;
}
