// Measures Importer::run on a generated contact list and, for scale, the
// sqlite3 command line's .import of the same file (no normalisation at all).
// Usage: bench_import [--rows N] [--keep]

#include "import/importer.h"
#include "store/connection.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>

#include <sys/resource.h>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const char *const firstNames[] = {"Ann", "Bruno", "Chiara", "Dmitri", "Émilie", "Farah", "Gunnar",
                                  "Hana", "Igor", "Jun", "Kofi", "Lena", "Mateo", "Nadia"};
const char *const lastNames[] = {"Lindqvist", "Okafor", "Delacroix", "Vasquez", "Nakamura",
                                 "O'Connell", "Achebe", "Kowalczyk", "Ferreira", "Haddad",
                                 "Müller", "Brennan", "Sørensen", "Quist"};
const int usAreaCodes[] = {201, 202, 212, 213, 305, 312, 415, 512, 602, 617, 702, 808, 907, 206};

QByteArray digits(QRandomGenerator &random, int count)
{
    QByteArray text;
    for (int i = 0; i < count; ++i)
        text.append(char('0' + random.bounded(10)));
    return text;
}

// A US, UK or German number in one of the ways people write them, and the
// country column that goes with it.
std::pair<QByteArray, QByteArray> validNumber(QRandomGenerator &random)
{
    const int kind = random.bounded(100);
    if (kind < 60) {
        const QByteArray area = QByteArray::number(usAreaCodes[random.bounded(14)]);
        const QByteArray exchange = QByteArray::number(random.bounded(200, 1000));
        const QByteArray line = digits(random, 4);
        switch (random.bounded(5)) {
        case 0:
            return {"(" + area + ") " + exchange + "-" + line, "US"};
        case 1:
            return {area + "-" + exchange + "-" + line, "US"};
        case 2:
            return {"+1 " + area + " " + exchange + " " + line, ""};
        case 3:
            return {area + "." + exchange + "." + line, "US"};
        default:
            return {"1-" + area + "-" + exchange + "-" + line, "US"};
        }
    }
    if (kind < 80) {
        // libphonenumber 8.12.57 accepts London 020 numbers that go on with 3, 7 or 8.
        const char leading[] = {'3', '7', '8'};
        const QByteArray subscriber = leading[random.bounded(3)] + digits(random, 3) + " "
                                      + digits(random, 4);
        switch (random.bounded(3)) {
        case 0:
            return {"020 " + subscriber, "GB"};
        case 1:
            return {"+44 20 " + subscriber, ""};
        default:
            return {"0044 20 " + subscriber, "United Kingdom"};
        }
    }
    if (random.bounded(2) == 0)
        return {"030 " + QByteArray::number(random.bounded(2, 10)) + digits(random, 6), "DE"};
    return {"+49 151 " + digits(random, 8), "Deutschland"};
}

// Writes `rows` contacts: about 3 % unusable values and about 2 % repeats
// of an earlier number.
void writeContacts(const QString &path, int rows)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        std::fprintf(stderr, "Could not write the contact file %s\n", qPrintable(path));
        std::exit(1);
    }

    QRandomGenerator random(20240611);
    QList<std::pair<QByteArray, QByteArray>> recent;
    file.write("id,first_name,last_name,phone,country,email,notes\n");
    for (int i = 0; i < rows; ++i) {
        std::pair<QByteArray, QByteArray> number;
        const int kind = random.bounded(100);
        if (kind < 3) {
            const char *const unusable[] = {"N/A", "4.15555E+09", "555-0100", "", "12"};
            number = {unusable[random.bounded(5)], "US"};
        } else if (kind < 5 && !recent.isEmpty()) {
            number = recent[random.bounded(int(recent.size()))];
        } else {
            number = validNumber(random);
            if (recent.size() < 1000)
                recent.append(number);
            else
                recent[random.bounded(1000)] = number;
        }

        const QByteArray first = firstNames[random.bounded(14)];
        const QByteArray last = lastNames[random.bounded(14)];
        const QByteArray note = i % 10 == 0 ? QByteArray("\"call after 10, ask for " + first + '"')
                                            : QByteArray();
        file.write(QByteArray::number(i + 1) + ',' + first + ',' + last + ",\"" + number.first
                   + "\"," + number.second + ',' + first.toLower() + '.' + QByteArray::number(i)
                   + "@example.com," + note + '\n');
    }
}

// User plus system CPU time of this process so far, in seconds.
double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval &time) {
        return double(time.tv_sec) + double(time.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The 1-minute load average, to tell a quiet machine from a busy one.
QByteArray loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return "unknown";
    return file.readAll().split(' ').first();
}

qint64 peakResidentKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmarks the contact-list importer."_s);
    parser.addHelpOption();
    parser.addOption({u"rows"_s, u"Number of contact rows to generate (default 1000000)."_s,
                      u"count"_s, u"1000000"_s});
    parser.addOption({u"keep"_s, u"Keep the generated file and stores in the temporary folder."_s});
    parser.process(app);

    const int rows = parser.value(u"rows"_s).toInt();
    QTemporaryDir folder;
    folder.setAutoRemove(!parser.isSet(u"keep"_s));
    const QString csvPath = folder.filePath(u"contacts.csv"_s);

    QElapsedTimer timer;
    timer.start();
    writeContacts(csvPath, rows);
    std::printf("Generated %d rows (%.1f MB) in %.2f s: %s\n", rows,
                double(QFile(csvPath).size()) / 1e6, double(timer.elapsed()) / 1000.0,
                qPrintable(csvPath));

    Result<Connection> connection = Connection::openSqlite(folder.filePath(u"import.sqlite"_s),
                                                           u"bench"_s);
    if (!connection) {
        std::fprintf(stderr, "%s\n", qPrintable(connection.error().message));
        return 1;
    }

    ImportOptions options;
    options.filePath = csvPath;
    options.batchName = u"Benchmark"_s;
    std::printf("Load average before the import: %s\n", loadAverage().constData());
    timer.restart();
    const double cpuBefore = processCpuSeconds();
    Result<ImportSummary> summary = Importer::run(connection->database(), options, {});
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    const double cpuSeconds = processCpuSeconds() - cpuBefore;
    if (!summary) {
        std::fprintf(stderr, "Import failed: %s\n", qPrintable(summary.error().message));
        return 1;
    }

    std::printf("Importer::run: %lld rows, %lld imported, %lld rejected in %.2f s wall, "
                "%.0f rows/s, %.2f s CPU (%.1f us per row), peak RSS %lld MiB\n",
                summary->totalRows, summary->imported, qint64(summary->rejected.size()), seconds,
                double(summary->totalRows) / seconds, cpuSeconds,
                cpuSeconds * 1e6 / double(summary->totalRows), peakResidentKiB() / 1024);
    for (auto it = summary->rejectedByReason.cbegin(); it != summary->rejectedByReason.cend(); ++it)
        std::printf("  rejected %-22s %lld\n", qPrintable(it.key()), it.value());

    timer.restart();
    QProcess sqlite;
    sqlite.start(u"sqlite3"_s, {folder.filePath(u"plain.sqlite"_s), u"-cmd"_s, u".mode csv"_s,
                                u".import '%1' contacts"_s.arg(csvPath)});
    if (!sqlite.waitForFinished(-1) || sqlite.exitCode() != 0) {
        std::fprintf(stderr, "sqlite3 .import failed: %s\n", sqlite.readAllStandardError().constData());
        return 1;
    }
    std::printf("sqlite3 .import of the same file: %.2f s wall\n",
                double(timer.nsecsElapsed()) / 1e9);
    return 0;
}
