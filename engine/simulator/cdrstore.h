#pragma once

#include "simulatedcall.h"

#include <QHash>
#include <QList>

#include <vector>

namespace Dialdeck {

class CdrFilter;

// The call detail records of calls that were dialed and have ended, in the
// order they ended. Queued calls canceled before dialing have none.
class CdrStore
{
public:
    void add(const SimulatedCall &call);

    // Returns the record of one call, or nullptr.
    const SimulatedCall *find(const QString &callUuid) const;
    // Returns the records that match, newest end first.
    QList<const SimulatedCall *> query(const CdrFilter &filter) const;
    qsizetype size() const { return qsizetype(m_calls.size()); }

private:
    std::vector<SimulatedCall> m_calls;
    QHash<QString, qsizetype> m_byUuid;
};

} // namespace Dialdeck
