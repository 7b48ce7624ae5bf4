#include "statustext.h"

#include "dialer/progresssnapshot.h"

#include <QDateTime>
#include <QLocale>

namespace Dialdeck {

QString StatusText::batchStatus(BatchStatus status)
{
    switch (status) {
    case BatchStatus::Draft:
        return tr("Draft");
    case BatchStatus::Ready:
        return tr("Ready");
    case BatchStatus::Queued:
        return tr("Queued");
    case BatchStatus::Running:
        return tr("Running");
    case BatchStatus::Paused:
        return tr("Paused");
    case BatchStatus::Stopped:
        return tr("Stopped");
    case BatchStatus::Completed:
        return tr("Completed");
    case BatchStatus::Archived:
        return tr("Archived");
    }
    return toString(status);
}

QString StatusText::runState(BatchStatus status, const BatchProgress *progress)
{
    const int inFlight = progress ? progress->inFlightCount : 0;

    switch (status) {
    case BatchStatus::Draft:
    case BatchStatus::Ready:
        return tr("Not started");
    case BatchStatus::Running:
        return tr("Running: %n call(s) in flight", nullptr, inFlight);
    case BatchStatus::Queued: {
        if (!progress || progress->nextWindowOpeningMs < 0)
            return tr("Queued until the calling window opens");
        const QDateTime opening = QDateTime::fromMSecsSinceEpoch(progress->nextWindowOpeningMs)
                                      .toLocalTime();
        return tr("Queued until the calling window opens at %1 (local time)")
            .arg(QLocale().toString(opening, QLocale::ShortFormat));
    }
    case BatchStatus::Paused:
        if (inFlight > 0)
            return tr("Paused: draining %n in-flight call(s)", nullptr, inFlight);
        return tr("Paused");
    case BatchStatus::Stopped:
        if (inFlight > 0)
            return tr("Stopping: draining %n in-flight call(s)", nullptr, inFlight);
        return tr("Stopped");
    case BatchStatus::Completed:
        return tr("Completed");
    case BatchStatus::Archived:
        return tr("Archived");
    }
    return batchStatus(status);
}

} // namespace Dialdeck
