#pragma once

#include <QString>

namespace Dialdeck {

// The owner name an engine writes into the batch leases it holds, in the form
// "program@host:pid" (for example "dialdeck-service@desk-7:4242").
class LeaseOwner final
{
public:
    // Returns true when `owner` names a process on this host that no longer
    // exists, as after a crash or kill -9: its lease may be taken over at once
    // instead of after it expires. Returns false for any other host, for a
    // name in another form, and for a process that exists (even when its pid
    // was reused by another program, which only delays the takeover).
    static bool isGone(const QString &owner);
};

} // namespace Dialdeck
