#pragma once

#include "accounttime.h"
#include "carrier/plivosignature.h"

#include <QJsonObject>

namespace Dialdeck {

struct SimulatedCall;

// The JSON objects and callback fields that describe a call, with Plivo's
// names: the CDR, the live and queued call objects, and the fields of the
// ring, answer (StartApp), machine detection and hangup callbacks.
class CallViews
{
public:
    CallViews(const QString &authId, double ratePerMinute, const AccountTime &time);

    QJsonObject cdr(const SimulatedCall &call) const;
    QJsonObject liveCall(const SimulatedCall &call) const;
    QJsonObject queuedCall(const SimulatedCall &call) const;

    PlivoSignature::Params ringParams(const SimulatedCall &call) const;
    PlivoSignature::Params startAppParams(const SimulatedCall &call) const;
    PlivoSignature::Params machineDetectionParams(const SimulatedCall &call) const;
    PlivoSignature::Params hangupParams(const SimulatedCall &call) const;

    // "/v1/Account/MA.../Call/<uuid>/"
    QString callResourceUri(const QString &callUuid) const;
    // The per-minute rate as Plivo writes it, "0.00850".
    QString rateText() const;
    static QString amountText(double dollars);

private:
    PlivoSignature::Params commonParams(const SimulatedCall &call) const;

    QString m_authId;
    double m_ratePerMinute = 0.0;
    AccountTime m_time;
};

} // namespace Dialdeck
