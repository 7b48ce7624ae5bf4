#include "callbackpolicy.h"

#include <QUrlQuery>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

void readBounded(const QUrlQuery &fragment, const QString &key, int min, int max, int *value)
{
    if (!fragment.hasQueryItem(key))
        return;
    bool ok = false;
    const int parsed = fragment.queryItemValue(key).toInt(&ok);
    if (ok)
        *value = std::clamp(parsed, min, max);
}

} // namespace

CallbackPolicy CallbackPolicy::fromUrl(const QUrl &url, int defaultRetries)
{
    // Allowed ranges and defaults from Plivo's callback configuration page
    // (plivo.com/docs/voice/concepts/callback-configurations).
    CallbackPolicy policy;
    policy.retries = std::clamp(defaultRetries, 0, 5);
    if (!url.hasFragment())
        return policy;

    const QUrlQuery fragment(url.fragment(QUrl::FullyDecoded));
    readBounded(fragment, u"ct"_s, 100, 10000, &policy.connectTimeoutMs);
    readBounded(fragment, u"rt"_s, 100, 40000, &policy.readTimeoutMs);
    readBounded(fragment, u"tt"_s, 100, 55000, &policy.totalTimeoutMs);
    readBounded(fragment, u"rc"_s, 0, 5, &policy.retries);

    if (fragment.hasQueryItem(u"rp"_s)) {
        const QStringList kinds = fragment.queryItemValue(u"rp"_s).split(u',', Qt::SkipEmptyParts);
        const bool all = kinds.contains(u"all"_s);
        policy.retryOnConnectFailure = all || kinds.contains(u"ct"_s);
        policy.retryOnReadFailure = all || kinds.contains(u"rt"_s);
        policy.retryOn4xx = all || kinds.contains(u"4xx"_s);
        policy.retryOn5xx = all || kinds.contains(u"5xx"_s);
    }
    return policy;
}

} // namespace Dialdeck
