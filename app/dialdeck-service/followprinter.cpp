#include "followprinter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Wall-clock seconds between plain progress lines when stdout is not a terminal.
constexpr qint64 PlainLineIntervalMs = 2000;
constexpr int BarWidth = 30;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::FollowPrinter", text);
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QString utc(qint64 ms)
{
    if (ms < 0)
        return tr("unknown");
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s);
}

} // namespace

FollowPrinter::FollowPrinter(QString batchId, bool follow, QObject *parent)
    : QObject(parent)
    , m_batchId(std::move(batchId))
    , m_follow(follow)
    , m_terminal(isatty(fileno(stdout)) == 1)
{
    m_sinceLine.start();
}

void FollowPrinter::printStarted(const QString &sessionId, bool alreadyStarted)
{
    if (alreadyStarted) {
        out() << tr("Batch %1 was already started with session %2; nothing is dialed again.")
                     .arg(m_batchId, sessionId)
              << Qt::endl;
        return;
    }
    out() << tr("Started batch %1, session %2.").arg(m_batchId, sessionId) << Qt::endl;
}

void FollowPrinter::printFinished(BatchStatus status)
{
    if (m_terminal && m_follow)
        out() << Qt::endl;
    if (m_haveLast)
        out() << describe(m_last);
    out() << tr("Batch %1 is %2.").arg(m_batchId, toString(status)) << Qt::endl;
}

void FollowPrinter::onProgress(const ProgressSnapshot &snapshot)
{
    const BatchProgress *progress = snapshot.find(m_batchId);
    if (!progress)
        return;

    const bool statusChanged = !m_haveLast || m_last.status != progress->status;
    m_last = *progress;
    m_haveLast = true;
    if (!m_follow)
        return;

    if (m_terminal) {
        const int filled = int(progress->progress() * BarWidth);
        const QString bar = QString(filled, u'#') + QString(BarWidth - filled, u'.');
        out() << '\r' << '[' << bar << "] " << summaryLine(*progress) << "\x1b[K";
        out().flush();
        return;
    }
    if (statusChanged || m_sinceLine.elapsed() >= PlainLineIntervalMs) {
        out() << summaryLine(*progress) << Qt::endl;
        m_sinceLine.restart();
    }
}

QString FollowPrinter::summaryLine(const BatchProgress &progress)
{
    return tr("%1 %2/%3 calls finished (%4%), %5 in flight, answered %6%, engine time %7")
        .arg(toString(progress.status))
        .arg(progress.finishedCalls)
        .arg(progress.totalCalls)
        .arg(qRound(progress.progress() * 100))
        .arg(progress.inFlightCount)
        .arg(qRound(progress.answerRate * 100))
        .arg(utc(progress.nowMs));
}

QString FollowPrinter::describe(const BatchProgress &progress)
{
    QString text;
    QTextStream stream(&text);
    stream << tr("Batch %1 \"%2\": %3").arg(progress.batchId, progress.name,
                                             toString(progress.status));
    if (!progress.statusReason.isEmpty())
        stream << " (" << progress.statusReason << ')';
    stream << '\n';
    stream << tr("  calls: %1, finished: %2, attempts: %3, in flight: %4")
                  .arg(progress.totalCalls)
                  .arg(progress.finishedCalls)
                  .arg(progress.attempts)
                  .arg(progress.inFlightCount)
           << '\n';
    stream << "  ";
    for (int i = 0; i < CallStatusCount; ++i) {
        if (progress.counts[std::size_t(i)] > 0)
            stream << toString(CallStatus(i)) << '=' << progress.counts[std::size_t(i)] << ' ';
    }
    stream << '\n';
    stream << tr("  answer rate: %1%, average talk: %2 s, cost: $%3")
                  .arg(qRound(progress.answerRate * 100))
                  .arg(progress.averageTalkSeconds, 0, 'f', 1)
                  .arg(progress.cost, 0, 'f', 4)
           << '\n';
    if (progress.nextWindowOpeningMs >= 0)
        stream << tr("  calling window next opens: %1").arg(utc(progress.nextWindowOpeningMs)) << '\n';
    for (const CallerNumberProgress &caller : progress.callerNumbers) {
        // The first figure counts the batch's attempts since 00:00 UTC, the other two all of them.
        stream << tr("  caller %1 %2: %3 attempts today (UTC); %4 of all %5 ended attempts "
                     "answered")
                      .arg(caller.e164, caller.label)
                      .arg(caller.callsToday)
                      .arg(caller.answered)
                      .arg(caller.ended)
               << '\n';
    }
    stream.flush();
    return text;
}

} // namespace Dialdeck
