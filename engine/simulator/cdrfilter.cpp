#include "cdrfilter.h"

#include "queryparams.h"
#include "simulatedcall.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <tuple>
#include <utility>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr qint64 DayMs = 24LL * 3600 * 1000;

Error badRequest(const QString &text)
{
    return Error{u"invalid_argument"_s, text};
}

// Parses "YYYY-MM-DD HH:MM[:ss[.uuuuuu]]" as UTC; returns -1 when invalid.
qint64 parseUtcTime(const QString &text)
{
    static const QRegularExpression shape(
        u"^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2})(?::(\\d{2})(?:\\.(\\d{1,6}))?)?$"_s);
    const QRegularExpressionMatch match = shape.match(text);
    if (!match.hasMatch())
        return -1;

    const QString seconds = match.captured(2).isEmpty() ? u"00"_s : match.captured(2);
    QDateTime time = QDateTime::fromString(match.captured(1) + u':' + seconds,
                                           u"yyyy-MM-dd HH:mm:ss"_s);
    if (!time.isValid())
        return -1;
    time.setTimeSpec(Qt::UTC);

    // Microseconds count down to whole milliseconds.
    const QString fraction = match.captured(3).leftJustified(6, u'0');
    return time.toMSecsSinceEpoch() + fraction.toLongLong() / 1000;
}

// Strips a leading "+" so that "+1415" and "1415" compare alike.
QString digitsOf(const QString &number)
{
    return number.startsWith(u'+') ? number.mid(1) : number;
}

} // namespace

bool CdrFilter::Comparison::test(qint64 actual) const
{
    switch (op) {
    case Op::Equal:
        return actual == value;
    case Op::Greater:
        return actual > value;
    case Op::GreaterOrEqual:
        return actual >= value;
    case Op::Less:
        return actual < value;
    case Op::LessOrEqual:
        return actual <= value;
    }
    return false;
}

Result<void> CdrFilter::readComparisons(const QueryParams &query, const QString &field,
                                        bool isTime, QList<Comparison> *comparisons)
{
    using Op = Comparison::Op;
    const std::array<std::pair<QString, Op>, 5> suffixes = {{
        {QString(), Op::Equal},
        {u"__gt"_s, Op::Greater},
        {u"__gte"_s, Op::GreaterOrEqual},
        {u"__lt"_s, Op::Less},
        {u"__lte"_s, Op::LessOrEqual},
    }};

    for (const auto &[suffix, op] : suffixes) {
        const QString key = field + suffix;
        if (!query.contains(key))
            continue;

        const QString text = query.value(key);
        bool ok = false;
        const qint64 value = isTime ? parseUtcTime(text) : text.toLongLong(&ok);
        if ((isTime && value < 0) || (!isTime && (!ok || value < 0))) {
            return badRequest(isTime ? u"invalid %1: give a UTC time as YYYY-MM-DD HH:MM[:ss]"_s
                                           .arg(key)
                                     : u"invalid %1: give whole seconds"_s.arg(key));
        }
        comparisons->append(Comparison{op, value});
    }
    return {};
}

Result<CdrFilter> CdrFilter::fromQuery(const QueryParams &query, qint64 nowMs)
{
    CdrFilter filter;
    filter.m_direction = query.value(u"call_direction"_s);
    if (!filter.m_direction.isEmpty() && filter.m_direction != u"outbound"
        && filter.m_direction != u"inbound") {
        return badRequest(u"invalid call_direction: use inbound or outbound"_s);
    }
    filter.m_fromPrefix = digitsOf(query.value(u"from_number"_s));
    filter.m_toPrefix = digitsOf(query.value(u"to_number"_s));
    filter.m_hangupSource = query.value(u"hangup_source"_s);
    filter.m_parentCallUuid = query.value(u"parent_call_uuid"_s);

    if (query.contains(u"hangup_cause_code"_s)) {
        bool ok = false;
        filter.m_hangupCauseCode = query.value(u"hangup_cause_code"_s).toInt(&ok);
        if (!ok)
            return badRequest(u"invalid hangup_cause_code: give a whole number"_s);
    }

    for (const auto &[field, isTime, list] :
         {std::tuple{u"end_time"_s, true, &filter.m_endTime},
          std::tuple{u"bill_duration"_s, false, &filter.m_billDuration}}) {
        const Result<void> read = readComparisons(query, field, isTime, list);
        if (!read)
            return read.error();
    }

    if (filter.m_endTime.isEmpty()) {
        filter.m_endTime.append(Comparison{Comparison::Op::GreaterOrEqual, nowMs - 7 * DayMs});
        return filter;
    }
    const Result<void> span = filter.checkEndTimeSpan();
    if (!span)
        return span.error();
    return filter;
}

Result<void> CdrFilter::checkEndTimeSpan() const
{
    using Op = Comparison::Op;
    std::optional<qint64> earliest;
    std::optional<qint64> latest;
    for (const Comparison &comparison : m_endTime) {
        if (comparison.op == Op::Greater || comparison.op == Op::GreaterOrEqual)
            earliest = std::max(earliest.value_or(comparison.value), comparison.value);
        if (comparison.op == Op::Less || comparison.op == Op::LessOrEqual)
            latest = std::min(latest.value_or(comparison.value), comparison.value);
    }
    if (earliest && latest && *latest - *earliest > 30 * DayMs)
        return badRequest(u"invalid end_time range: it may span at most 30 days"_s);
    return {};
}

bool CdrFilter::matchesParties(const SimulatedCall &call) const
{
    // Every simulated call is outbound.
    if (m_direction == u"inbound")
        return false;
    if (!m_fromPrefix.isEmpty() && !digitsOf(call.request.from).startsWith(m_fromPrefix))
        return false;
    return m_toPrefix.isEmpty() || digitsOf(call.to).startsWith(m_toPrefix);
}

bool CdrFilter::matches(const SimulatedCall &call) const
{
    if (!matchesParties(call))
        return false;
    if (!m_hangupSource.isEmpty() && call.cause.source != m_hangupSource)
        return false;
    if (!m_parentCallUuid.isEmpty() && call.request.parentCallUuid != m_parentCallUuid)
        return false;
    if (m_hangupCauseCode && call.cause.code != *m_hangupCauseCode)
        return false;

    for (const Comparison &comparison : m_endTime) {
        // An exact end_time names a whole second.
        const bool exact = comparison.op == Comparison::Op::Equal;
        if (exact && call.endedMs / 1000 != comparison.value / 1000)
            return false;
        if (!exact && !comparison.test(call.endedMs))
            return false;
    }
    for (const Comparison &comparison : m_billDuration) {
        if (!comparison.test(call.durationSeconds))
            return false;
    }
    return true;
}

} // namespace Dialdeck
