#include "cdrstore.h"

#include "cdrfilter.h"

namespace Dialdeck {

void CdrStore::add(const SimulatedCall &call)
{
    m_byUuid.insert(call.callUuid, qsizetype(m_calls.size()));
    m_calls.push_back(call);
}

const SimulatedCall *CdrStore::find(const QString &callUuid) const
{
    const auto found = m_byUuid.constFind(callUuid);
    if (found == m_byUuid.cend())
        return nullptr;
    return &m_calls[size_t(found.value())];
}

QList<const SimulatedCall *> CdrStore::query(const CdrFilter &filter) const
{
    QList<const SimulatedCall *> matches;
    for (auto it = m_calls.crbegin(); it != m_calls.crend(); ++it) {
        if (filter.matches(*it))
            matches.append(&*it);
    }
    return matches;
}

} // namespace Dialdeck
