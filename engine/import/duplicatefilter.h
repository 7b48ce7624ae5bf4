#pragma once

#include "importtypes.h"
#include "rowconverter.h"

#include <QHash>
#include <QSet>

#include <variant>

namespace Dialdeck {

// Picks the number to dial for each contact, in source order, and rejects
// numbers on the do-not-call list and numbers seen before. Not thread-safe:
// one import runs its contacts through one filter, in order.
//
// One call per contact. The first of its numbers that is valid, not on the
// do-not-call list and not a duplicate is dialed. Its further usable numbers
// are kept as "alternatePhones" (E.164) in the call's extra JSON and are not
// dialed. A contact without a usable number is rejected with the reason of
// its first number.
class DuplicateFilter
{
public:
    // `doNotCall` contains E.164 numbers. `existing` maps the E.164 numbers of
    // calls already in the batch to their lines, so that new rows duplicating
    // them are rejected too.
    DuplicateFilter(const QSet<QString> &doNotCall, const QHash<QString, int> &existing);

    std::variant<CallRecord, RejectedRow> resolve(ContactCandidate &&candidate);

private:
    std::optional<Error> problemWith(const NormalisedPhone &phone) const;

    // E.164 digits read as a number; 15 digits fit in 64 bits.
    QSet<quint64> m_doNotCall;
    // Number -> line of the row (or call) that has it.
    QHash<quint64, int> m_seen;
};

} // namespace Dialdeck
