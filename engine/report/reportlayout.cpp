#include "reportlayout.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Selects the calls of batch :batch as a range of row ids, because scanning
// the range yields the calls already in id order. With the batch_id indexes,
// SQLite would sort the whole report in a temporary B-tree before returning
// the first row, and the unary + keeps it from choosing them. If the calls of
// two batches interleave, the range also covers the other batch's rows, which
// are read and skipped.
QString batchCallsFilter()
{
    return u"c.id BETWEEN (SELECT MIN(b.id) FROM calls b WHERE b.batch_id = :batch) "
           "AND (SELECT MAX(b.id) FROM calls b WHERE b.batch_id = :batch) "
           "AND +c.batch_id = :batch"_s;
}

// The last attempt of a call is the one with the highest attempt number. Each
// subquery is a lookup in the UNIQUE (call_id, attempt_number) index, so the
// outer query streams calls without collecting the attempts first. Column
// headers stay in English whatever the UI language, so that scripts reading
// the file can rely on them.
ReportLayout callsLayout()
{
    ReportLayout layout;
    layout.countSql = u"SELECT COUNT(*) FROM calls WHERE batch_id = :batch"_s;
    layout.selectSql = uR"(
        SELECT c.id, c.line, c.name, c.phone_raw, c.e164, c.region, c.time_zones, c.tz_source,
               c.status, c.attempt_count,
               (SELECT MIN(f.created_at) FROM attempts f WHERE f.call_id = c.id),
               l.created_at, l.caller_e164, l.outcome, l.hangup_cause, l.ring_seconds,
               l.talk_seconds,
               (SELECT SUM(t.cost) FROM attempts t WHERE t.call_id = c.id),
               c.skip_reason, l.session_id, c.extra
        FROM calls c
        LEFT JOIN attempts l ON l.call_id = c.id AND l.attempt_number =
            (SELECT MAX(m.attempt_number) FROM attempts m WHERE m.call_id = c.id)
        WHERE )"_s
                       % batchCallsFilter() % u" ORDER BY c.id"_s;
    layout.columns = {
        {u"Call ID"_s, CellFormat::Integer},
        {u"Line"_s, CellFormat::Integer},
        {u"Name"_s, CellFormat::Text},
        {u"Original phone"_s, CellFormat::Text},
        {u"E.164"_s, CellFormat::PhoneNumber},
        {u"Region"_s, CellFormat::Text},
        {u"Time zones"_s, CellFormat::Text},
        {u"Time zone source"_s, CellFormat::Text},
        {u"Status"_s, CellFormat::Text},
        {u"Attempts"_s, CellFormat::Integer},
        {u"First attempt (UTC)"_s, CellFormat::Time},
        {u"Last attempt (UTC)"_s, CellFormat::Time},
        {u"Caller number"_s, CellFormat::PhoneNumber},
        {u"Outcome"_s, CellFormat::Text},
        {u"Hangup cause"_s, CellFormat::Text},
        {u"Ring seconds"_s, CellFormat::Integer},
        {u"Talk seconds"_s, CellFormat::Integer},
        {u"Total cost"_s, CellFormat::Money},
        {u"Skip reason"_s, CellFormat::Text},
        {u"Session ID"_s, CellFormat::Text},
        {u"Extra fields"_s, CellFormat::Text},
    };
    return layout;
}

ReportLayout attemptsLayout()
{
    ReportLayout layout;
    layout.countSql = u"SELECT COUNT(*) FROM attempts a JOIN calls c ON c.id = a.call_id "
                      "WHERE c.batch_id = :batch"_s;
    // CROSS JOIN makes SQLite keep calls as the outer loop, so the rows come out
    // in call order and, within a call, in the attempt-number order of the
    // UNIQUE (call_id, attempt_number) index, again without a sort.
    layout.selectSql = uR"(
        SELECT a.id, a.call_id, a.attempt_number, c.name, c.e164, a.caller_phone_id,
               a.caller_e164, a.request_uuid, a.call_uuid, a.state, a.created_at, a.ringing_at,
               a.answered_at, a.ended_at, a.outcome, a.hangup_cause, a.ring_seconds,
               a.talk_seconds, a.cost, a.machine_result, a.allowed_rule, a.session_id
        FROM calls c
        CROSS JOIN attempts a ON a.call_id = c.id
        WHERE )"_s
                       % batchCallsFilter() % u" ORDER BY c.id, a.attempt_number"_s;
    layout.columns = {
        {u"Attempt ID"_s, CellFormat::Integer},
        {u"Call ID"_s, CellFormat::Integer},
        {u"Attempt number"_s, CellFormat::Integer},
        {u"Name"_s, CellFormat::Text},
        {u"E.164"_s, CellFormat::PhoneNumber},
        {u"Caller number ID"_s, CellFormat::Text},
        {u"Caller number"_s, CellFormat::PhoneNumber},
        {u"Request UUID"_s, CellFormat::Text},
        {u"Call UUID"_s, CellFormat::Text},
        {u"State"_s, CellFormat::Text},
        {u"Created (UTC)"_s, CellFormat::Time},
        {u"Ringing (UTC)"_s, CellFormat::Time},
        {u"Answered (UTC)"_s, CellFormat::Time},
        {u"Ended (UTC)"_s, CellFormat::Time},
        {u"Outcome"_s, CellFormat::Text},
        {u"Hangup cause"_s, CellFormat::Text},
        {u"Ring seconds"_s, CellFormat::Integer},
        {u"Talk seconds"_s, CellFormat::Integer},
        {u"Cost"_s, CellFormat::Money},
        {u"Machine detection"_s, CellFormat::Text},
        {u"Allowed rule"_s, CellFormat::Text},
        {u"Session ID"_s, CellFormat::Text},
    };
    return layout;
}

} // namespace

const ReportLayout &ReportLayout::forKind(ReportKind kind)
{
    static const ReportLayout calls = callsLayout();
    static const ReportLayout attempts = attemptsLayout();

    switch (kind) {
    case ReportKind::Calls:
        return calls;
    case ReportKind::Attempts:
        return attempts;
    }
    return calls;
}

} // namespace Dialdeck
