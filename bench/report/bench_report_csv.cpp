// Measures CsvReportWriter on a generated batch: rows per second and the peak
// resident memory of the export, to check that memory stays flat as the batch grows.

#include "report/csvreportwriter.h"
#include "store/batchrepository.h"
#include "store/connection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <ctime>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString batchId = u"64f1a2b3c4d5e6f708192a3b"_s;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// Returns a field of /proc/self/status in KiB, or -1 where the file is missing.
qint64 procStatusKiB(QByteArrayView field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;

    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(field) && line.size() > field.size() && line[field.size()] == ':')
            return line.sliced(field.size() + 1).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Lowers VmHWM to the current resident size (Linux 4.0 and later), so the next
// reading shows the peak of the export alone rather than of the data generation.
bool resetPeakRss()
{
    QFile clearRefs(u"/proc/self/clear_refs"_s);
    return clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
}

bool exec(QSqlDatabase db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.prepare(sql);
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (query.exec())
        return true;

    QTextStream(stderr) << "Generating the batch failed: " << query.lastError().text() << '\n';
    return false;
}

// Inserts `calls` calls with one ended attempt each, in one transaction. Every
// tenth name contains a comma, a non-ASCII letter and a quote, every hundredth
// starts with '=', so quoting and the formula guard run as in real data.
bool generateBatch(QSqlDatabase db, qint64 calls)
{
    Batch batch;
    batch.id = batchId;
    batch.name = u"Benchmark"_s;
    batch.createdAt = QDateTime::currentDateTimeUtc();
    if (Result<void> inserted = BatchRepository(db).insert(batch); !inserted) {
        QTextStream(stderr) << inserted.error().message << '\n';
        return false;
    }

    db.transaction();
    const bool generated =
        exec(db, uR"(
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
            INSERT INTO calls (id, batch_id, line, name, phone_raw, e164, region, time_zones,
                               tz_source, status, attempt_count, extra)
            SELECT i, ?, i + 1,
                   CASE WHEN i % 100 = 0 THEN '=Caller ' || i
                        WHEN i % 10 = 0 THEN 'Ibáñez, "Caller" ' || i
                        ELSE 'Caller ' || i END,
                   '(555) ' || printf('%07d', i), '+1555' || printf('%07d', i), 'US',
                   'America/Chicago&America/Denver', 'phone_prefix', 'completed', 1,
                   CASE WHEN i % 10 = 0 THEN '{"account":"' || i || '"}' END
            FROM n)"_s,
             {calls, batchId})
        && exec(db, uR"(
            INSERT INTO attempts (id, call_id, batch_id, attempt_number, caller_phone_id,
                                  caller_e164, request_uuid, call_uuid, state, created_at,
                                  ringing_at, answered_at, ended_at, outcome, hangup_cause,
                                  ring_seconds, talk_seconds, cost, machine_result, allowed_rule,
                                  session_id)
            SELECT id, id, batch_id, 1, 'aaaaaaaaaaaaaaaaaaaaaaaa', '+15550009999',
                   'req-' || id, 'call-' || id, 'ended', 1709301600000 + id * 1000,
                   1709301602000 + id * 1000, 1709301608000 + id * 1000,
                   1709301669000 + id * 1000, 'answered', 'NORMAL_CLEARING', 6, 61,
                   0.0085 * (id % 7), 'human', 'window 09:00-20:00 America/Chicago', 'session-1'
            FROM calls WHERE batch_id = ?)"_s,
                {batchId});
    if (!generated) {
        db.rollback();
        return false;
    }
    return db.commit();
}

bool runExport(QSqlDatabase db, ReportKind kind, const QString &path)
{
    const QString kindName = kind == ReportKind::Calls ? u"calls"_s : u"attempts"_s;
    const bool peakReset = resetPeakRss();

    // CPU time next to wall time, because on a busy machine the wall time
    // also counts the time other processes held the CPU.
    QElapsedTimer timer;
    timer.start();
    const std::clock_t cpuStart = std::clock();
    Result<qint64> written = CsvReportWriter::write(db, {batchId, kind, path});
    const double cpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    const qint64 elapsedMs = std::max<qint64>(timer.elapsed(), 1);
    if (!written) {
        QTextStream(stderr) << written.error().message << '\n';
        return false;
    }

    out() << kindName << " report: " << *written << " rows in " << elapsedMs << " ms = "
          << qint64(double(*written) * 1000.0 / double(elapsedMs)) << " rows/s (CPU "
          << qint64(cpuSeconds * 1000.0) << " ms = "
          << qint64(double(*written) / std::max(cpuSeconds, 0.001)) << " rows/s), "
          << QFileInfo(path).size() / (1024 * 1024) << " MiB, peak RSS "
          << procStatusKiB("VmHWM") / 1024 << " MiB"
          << (peakReset ? "" : " (peak of the whole process: VmHWM could not be reset)")
          << Qt::endl;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Generates a batch in a temporary store and times its CSV reports."_s);
    parser.addHelpOption();
    const QCommandLineOption callsOption(u"calls"_s,
                                         u"Number of calls to generate, each with one attempt."_s,
                                         u"count"_s, u"1000000"_s);
    parser.addOption(callsOption);
    parser.process(app);

    bool valid = false;
    const qint64 calls = parser.value(callsOption).toLongLong(&valid);
    if (!valid || calls < 1) {
        QTextStream(stderr) << "Invalid --calls value " << parser.value(callsOption)
                            << "; give a positive whole number.\n";
        return 1;
    }

    QTemporaryDir dir;
    Result<Connection> connection =
        Connection::openSqlite(dir.filePath(u"bench.sqlite"_s), u"bench"_s);
    if (!dir.isValid() || !connection) {
        QTextStream(stderr) << "Could not create the benchmark store in " << dir.path() << '\n';
        return 1;
    }
    const QSqlDatabase db = connection->database();

    QElapsedTimer timer;
    timer.start();
    if (!generateBatch(db, calls))
        return 1;
    out() << "generated " << calls << " calls and attempts in " << timer.elapsed() << " ms, RSS "
          << procStatusKiB("VmRSS") / 1024 << " MiB" << Qt::endl;

    const bool exported = runExport(db, ReportKind::Calls, dir.filePath(u"calls.csv"_s))
                          && runExport(db, ReportKind::Attempts, dir.filePath(u"attempts.csv"_s));
    return exported ? 0 : 1;
}
