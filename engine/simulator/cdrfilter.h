#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

#include <optional>

namespace Dialdeck {

class QueryParams;
struct SimulatedCall;

// The filters of Plivo's CDR list (GET .../Call/): call_direction,
// from_number and to_number (exact or prefix), hangup_cause_code,
// hangup_source, parent_call_uuid, and bill_duration and end_time compared
// exactly or with the suffixes __gt, __gte, __lt and __lte.
//
// end_time values are UTC, "YYYY-MM-DD HH:MM[:ss[.uuuuuu]]". Without an
// end_time filter only calls that ended in the last 7 days are listed, and a
// range wider than 30 days is rejected, as Plivo does.
class CdrFilter
{
public:
    static Result<CdrFilter> fromQuery(const QueryParams &query, qint64 nowMs);

    bool matches(const SimulatedCall &call) const;
    // Checks only call_direction, from_number and to_number, the filters of
    // the live call list.
    bool matchesParties(const SimulatedCall &call) const;

private:
    struct Comparison
    {
        enum class Op
        {
            Equal,
            Greater,
            GreaterOrEqual,
            Less,
            LessOrEqual,
        };
        Op op = Op::Equal;
        qint64 value = 0;

        bool test(qint64 actual) const;
    };

    static Result<void> readComparisons(const QueryParams &query, const QString &field,
                                        bool isTime, QList<Comparison> *comparisons);
    Result<void> checkEndTimeSpan() const;

    QString m_direction;
    QString m_fromPrefix;
    QString m_toPrefix;
    QString m_hangupSource;
    QString m_parentCallUuid;
    std::optional<int> m_hangupCauseCode;
    // end_time in ms since the epoch, bill_duration in seconds.
    QList<Comparison> m_endTime;
    QList<Comparison> m_billDuration;
};

} // namespace Dialdeck
