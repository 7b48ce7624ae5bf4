#pragma once

#include "core/result.h"

#include <QFile>

namespace Dialdeck {

struct SimulatedCall;

// Appends one JSON object per line to a file: a "placed" line when the API
// accepts a call (dialed at once or queued) and an "ended" line with its
// outcome. Each line is flushed at once, so a test or an operator can count
// the dials per number while the simulator runs. Times are simulated UTC.
//
// placed: event, time, request_uuid, call_uuid, from, to, answer_url, queued
//         and attempt (the answer_url's "attempt" query value) when present.
// ended:  event, time, request_uuid, call_uuid, from, to, attempt, call_status,
//         hangup_cause, hangup_cause_code, hangup_cause_name, hangup_source,
//         duration, bill_duration, total_cost.
class CallJournal
{
public:
    // Opens `path` for appending; an empty path writes nothing.
    Result<void> open(const QString &path);
    bool isOpen() const { return m_file.isOpen(); }

    void recordPlaced(const SimulatedCall &call, bool queued);
    void recordEnded(const SimulatedCall &call);

private:
    void write(const QJsonObject &line);

    QFile m_file;
};

} // namespace Dialdeck
