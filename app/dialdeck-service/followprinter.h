#pragma once

#include "dialer/progresssnapshot.h"

#include <QElapsedTimer>
#include <QObject>

namespace Dialdeck {

// Prints a batch's progress for `dialdeck-service start --follow`: a progress
// bar redrawn in place on a terminal, or one plain line every few seconds
// (and on each status change) when the output is a file or a pipe.
class FollowPrinter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FollowPrinter)

public:
    FollowPrinter(QString batchId, bool follow, QObject *parent = nullptr);

    void printStarted(const QString &sessionId, bool alreadyStarted);
    void printFinished(BatchStatus status);
    void onProgress(const Dialdeck::ProgressSnapshot &snapshot);

    // Several lines describing a batch's progress, for `status`.
    static QString describe(const BatchProgress &progress);

private:
    static QString summaryLine(const BatchProgress &progress);

    QString m_batchId;
    bool m_follow = false;
    bool m_terminal = false;
    BatchProgress m_last;
    bool m_haveLast = false;
    QElapsedTimer m_sinceLine;
};

} // namespace Dialdeck
