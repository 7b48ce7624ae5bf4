// Measures CallingWindow::decide() on cached zone lists, the call the dialing
// engine makes for every candidate call on every tick, plus the cost of a
// cache miss and of CallerRotation::pick(). Prints one line per figure.

#include "schedule/callerrotation.h"
#include "schedule/callingwindow.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTextStream>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

// Zone lists of the shape the importer produces: mostly one zone, some
// numbers whose prefix spans two or three zones.
QList<QList<QByteArray>> sampleZoneLists()
{
    const QList<QByteArray> zones = {
        "America/New_York", "America/Chicago",  "America/Denver",   "America/Phoenix",
        "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "America/Detroit",
        "America/Indiana/Indianapolis", "America/Boise"};

    QList<QList<QByteArray>> lists;
    for (const QByteArray &zone : zones)
        lists.append({zone});
    for (qsizetype i = 0; i + 1 < zones.size(); ++i)
        lists.append({zones.at(i), zones.at(i + 1)});
    for (qsizetype i = 0; i + 2 < zones.size(); ++i)
        lists.append({zones.at(i), zones.at(i + 1), zones.at(i + 2)});
    return lists;
}

void printFigure(QTextStream &out, const char *name, qint64 calls, qint64 elapsedNs)
{
    const double seconds = double(elapsedNs) / 1e9;
    out << name << ": " << calls << " calls in " << QString::number(seconds, 'f', 3) << " s = "
        << QString::number(double(calls) / seconds, 'f', 0) << " calls/s, "
        << QString::number(double(elapsedNs) / double(calls), 'f', 1) << " ns/call\n";
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);

    const QList<QList<QByteArray>> lists = sampleZoneLists();
    // Monday 2026-03-09 15:00 UTC: the window is open in the eastern zones and
    // closed in the western ones, so the loop gets both kinds of decision.
    const qint64 start = QDateTime(QDate(2026, 3, 9), QTime(15, 0), Qt::UTC).toMSecsSinceEpoch();
    const CallingWindow window{BatchConfig()};

    QElapsedTimer timer;
    timer.start();
    qint64 allowed = 0;
    for (const QList<QByteArray> &zones : lists)
        allowed += window.decide(zones, start).allowed ? 1 : 0;
    printFigure(out, "decide, first call per zone list (cache miss)", lists.size(),
                timer.nsecsElapsed());

    // The clock advances 1 ms per call, so the run spans several minutes of
    // batch time and includes the per-minute rule refreshes.
    constexpr qint64 Calls = 10'000'000;
    timer.restart();
    for (qint64 i = 0; i < Calls; ++i)
        allowed += window.decide(lists.at(i % lists.size()), start + i).allowed ? 1 : 0;
    printFigure(out, "decide, cached zone lists", Calls, timer.nsecsElapsed());

    QList<Phone> phones;
    for (int i = 0; i < 20; ++i) {
        Phone phone;
        phone.id = u"phone%1"_s.arg(i);
        phone.e164 = u"+1%1736%2"_s.arg(201 + i * 7).arg(5000 + i);
        phones.append(phone);
    }
    CallerRotation rotation(RotationStrategy::LocalPresence, phones);
    QStringList callees;
    for (int i = 0; i < 1000; ++i)
        callees.append(u"+1%1555%2"_s.arg(201 + (i % 60) * 7).arg(1000 + i, 4, 10, QChar(u'0')));

    constexpr qint64 Picks = 1'000'000;
    timer.restart();
    qint64 picked = 0;
    for (qint64 i = 0; i < Picks; ++i) {
        const std::optional<CallerPick> pick = rotation.pick(callees.at(i % callees.size()), start);
        if (!pick)
            continue;
        ++picked;
        rotation.release(pick->phoneId, start, false);
    }
    printFigure(out, "local-presence pick + release", Picks, timer.nsecsElapsed());

    // Keeps the loops observable so the compiler cannot drop them.
    out << "(allowed decisions: " << allowed << ", picks: " << picked << ")\n";
    return 0;
}
