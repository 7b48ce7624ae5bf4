#include "queryparams.h"

#include "carrier/formparams.h"

namespace Dialdeck {

QueryParams QueryParams::fromUrl(const QUrl &url)
{
    QueryParams params;
    const PlivoSignature::Params all =
        FormParams::parseLenient(url.query(QUrl::FullyEncoded).toUtf8());
    for (const auto &pair : all) {
        if (!params.contains(pair.first))
            params.m_pairs.append(pair);
    }
    return params;
}

bool QueryParams::contains(const QString &key) const
{
    for (const auto &pair : m_pairs) {
        if (pair.first == key)
            return true;
    }
    return false;
}

QString QueryParams::value(const QString &key) const
{
    for (const auto &pair : m_pairs) {
        if (pair.first == key)
            return pair.second.trimmed();
    }
    return {};
}

} // namespace Dialdeck
