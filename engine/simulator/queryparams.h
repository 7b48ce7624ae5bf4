#pragma once

#include "carrier/plivosignature.h"

#include <QUrl>

namespace Dialdeck {

// The decoded query of a REST request. "+" and "%20" both decode to a space,
// because HTTP clients encode spaces either way. A key given twice keeps its
// first value.
class QueryParams
{
public:
    static QueryParams fromUrl(const QUrl &url);

    bool contains(const QString &key) const;
    // Returns the trimmed value of key, or an empty string.
    QString value(const QString &key) const;
    const PlivoSignature::Params &pairs() const { return m_pairs; }

private:
    PlivoSignature::Params m_pairs;
};

} // namespace Dialdeck
