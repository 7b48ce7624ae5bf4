#pragma once

#include <QElapsedTimer>
#include <QString>

namespace Dialdeck {

// Limits how often one kind of log message is written: the first `burst`
// occurrences, then at most one per `intervalMs`, so that a dead callback URL
// in a large rehearsal does not flood the log.
class LogThrottle
{
public:
    LogThrottle(int burst, int intervalMs);

    // Returns true when this occurrence should be logged. *suppressed is set
    // to the number of occurrences left out since the last one logged.
    bool allow(int *suppressed);

    // Returns message, followed by the number left out when there were any.
    static QString withSuppressed(const QString &message, int suppressed);

private:
    int m_burst = 0;
    int m_intervalMs = 0;
    int m_logged = 0;
    int m_suppressed = 0;
    QElapsedTimer m_sinceLastLogged;
};

} // namespace Dialdeck
