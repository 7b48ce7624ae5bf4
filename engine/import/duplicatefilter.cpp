#include "duplicatefilter.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QVarLengthArray>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

quint64 numberKey(QStringView e164)
{
    return e164.sliced(e164.startsWith(u'+') ? 1 : 0).toULongLong();
}

RejectedRow rejectedRow(int line, const QString &value, const Error &problem)
{
    return RejectedRow{line, value, problem.code, problem.message};
}

} // namespace

DuplicateFilter::DuplicateFilter(const QSet<QString> &doNotCall, const QHash<QString, int> &existing)
{
    for (const QString &number : doNotCall)
        m_doNotCall.insert(numberKey(number));
    for (auto it = existing.cbegin(); it != existing.cend(); ++it)
        m_seen.insert(numberKey(it.key()), it.value());
}

std::optional<Error> DuplicateFilter::problemWith(const NormalisedPhone &phone) const
{
    const quint64 key = numberKey(phone.e164);
    if (m_doNotCall.contains(key)) {
        return Error{toString(RejectionReason::DoNotCall),
                     QCoreApplication::translate("Dialdeck::Import",
                                                 "The number %1 is on the do-not-call list; it "
                                                 "is never dialed.")
                         .arg(phone.e164)};
    }

    const auto seen = m_seen.constFind(key);
    if (seen != m_seen.cend()) {
        return Error{toString(RejectionReason::Duplicate),
                     QCoreApplication::translate("Dialdeck::Import",
                                                 "The number %1 duplicates line %2; it is "
                                                 "dialed once.")
                         .arg(phone.e164)
                         .arg(*seen)};
    }
    return std::nullopt;
}

std::variant<CallRecord, RejectedRow> DuplicateFilter::resolve(ContactCandidate &&candidate)
{
    std::optional<Error> firstProblem = candidate.firstProblem;
    qsizetype chosen = -1;
    for (qsizetype i = 0; i < candidate.phones.size() && chosen < 0; ++i) {
        std::optional<Error> problem = problemWith(candidate.phones[i].phone);
        if (!problem)
            chosen = i;
        else if (!firstProblem)
            firstProblem = problem;
    }
    if (chosen < 0) {
        Q_ASSERT(firstProblem);
        return rejectedRow(candidate.line, candidate.firstRaw, *firstProblem);
    }

    const PhoneCandidate &dialed = candidate.phones[chosen];
    const quint64 dialedKey = numberKey(dialed.phone.e164);
    // A contact has a handful of numbers at most, so a list beats a hash set here.
    QJsonArray alternates;
    QVarLengthArray<quint64, 8> listed{dialedKey};
    for (qsizetype i = chosen + 1; i < candidate.phones.size(); ++i) {
        const NormalisedPhone &phone = candidate.phones[i].phone;
        const quint64 key = numberKey(phone.e164);
        if (listed.contains(key) || m_doNotCall.contains(key))
            continue;
        listed.append(key);
        alternates.append(phone.e164);
    }
    m_seen.insert(dialedKey, candidate.line);

    CallRecord call;
    call.line = candidate.line;
    call.name = candidate.name;
    call.phoneRaw = dialed.raw;
    call.e164 = dialed.phone.e164;
    call.region = dialed.phone.region;
    call.timeZones = dialed.timeZones;
    call.timeZoneSource = dialed.timeZoneSource;
    call.status = CallStatus::Pending;
    call.extra = std::move(candidate.extra);
    if (!dialed.phone.extension.isEmpty())
        call.extra.insert(u"extension"_s, dialed.phone.extension);
    if (!alternates.isEmpty())
        call.extra.insert(u"alternatePhones"_s, alternates);
    return call;
}

} // namespace Dialdeck
