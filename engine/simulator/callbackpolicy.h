#pragma once

#include <QUrl>

namespace Dialdeck {

// The delivery rules of one callback URL: timeouts, retries and the failures
// that are retried. Plivo reads them from the URL fragment, e.g.
// https://host/answer?x=1#ct=2000&rt=5000&rc=2&rp=ct,rt, and neither sends nor
// signs the fragment. Values outside Plivo's allowed ranges are clamped.
struct CallbackPolicy
{
    // ct: connect timeout, 100..10000 ms.
    int connectTimeoutMs = 2000;
    // rt: read timeout once connected, 100..40000 ms.
    int readTimeoutMs = 40000;
    // tt: total time for all tries, 100..55000 ms.
    int totalTimeoutMs = 55000;
    // rc: retries after the first try, 0..5.
    int retries = 1;
    // rp: retry on a connect failure (ct), a read failure (rt), a 4xx or a 5xx response.
    bool retryOnConnectFailure = true;
    bool retryOnReadFailure = true;
    bool retryOn4xx = false;
    bool retryOn5xx = false;

    // Reads the fragment of `url`. Without rc the retries are defaultRetries.
    static CallbackPolicy fromUrl(const QUrl &url, int defaultRetries);
};

} // namespace Dialdeck
