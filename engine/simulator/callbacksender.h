#pragma once

#include "callrequest.h"
#include "carrier/plivosignature.h"
#include "logthrottle.h"

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>

#include <functional>

namespace Dialdeck {

// One HTTP request Plivo makes for a call: a notification (ring, machine
// detection, hangup) or the fetch of the answer XML.
struct CallbackDelivery
{
    // For logs, e.g. "hangup callback of call <uuid>".
    QString label;
    CallbackTarget target;
    PlivoSignature::Params params;
};

// The outcome of a delivery after all its tries.
struct CallbackResult
{
    // 0 when no HTTP response arrived.
    int httpStatus = 0;
    QByteArray body;
    QByteArray contentType;
    int tries = 0;
    // Set when no HTTP response arrived: what failed, in words.
    QString failure;

    bool isSuccess() const { return httpStatus >= 200 && httpStatus < 300; }
};

// Sends signed callbacks as Plivo does: form fields in a POST body or in the
// query of a GET, signed with V3 (X-Plivo-Signature-V3, -Ma-V3 and -V3-Nonce)
// over the exact URL requested with a fresh nonce per try. A try that fails to
// connect or to read a response is repeated up to the URL's retry count, which
// defaults to the simulator's --callback-retries. An HTTP error response is not
// repeated unless the URL fragment asks for it.
class CallbackSender final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallbackSender)

public:
    using Handler = std::function<void(const CallbackResult &result)>;

    CallbackSender(const QByteArray &authToken, int defaultRetries, QObject *parent = nullptr);
    ~CallbackSender() override;

    // Sends `delivery` and calls `done` with the outcome unless `context` was
    // destroyed first; a destroyed context also aborts the request.
    void send(const CallbackDelivery &delivery, QObject *context, Handler done);

    // Builds the request of one try: URL (with the fields in the query for
    // GET), body and signature headers. Public for tests.
    QNetworkRequest buildRequest(const CallbackDelivery &delivery, const QString &nonce,
                                 QByteArray *body) const;

    // Tries started, including retries, for tests and the log.
    int triesStarted() const { return m_triesStarted; }

private:
    friend class CallbackJob;

    QByteArray m_authToken;
    int m_defaultRetries = 1;
    QNetworkAccessManager m_network{this};
    int m_triesStarted = 0;
    // Retries and failures are logged in full 5 times, then once per 10 s.
    LogThrottle m_retryLog{5, 10000};
    LogThrottle m_failureLog{5, 10000};
};

} // namespace Dialdeck
