#pragma once

#include "carrier/plivosignature.h"
#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Dialdeck {

// A URL Plivo calls during a call and the HTTP method it uses.
struct CallbackTarget
{
    QUrl url;
    QByteArray method = "POST";

    bool isSet() const { return !url.isEmpty(); }
};

// The parameters of one Make Call request (POST .../Call/), checked as Plivo
// checks them. Errors carry Plivo-style text for the `error` field of a 400.
struct CallRequest
{
    // Plivo accepts at most this many destinations in one request.
    static constexpr int MaxDestinations = 1000;

    QString from;
    // Numbers or sip: URIs; `to` joins several with "<".
    QStringList destinations;
    QString callerName;

    CallbackTarget answer;
    CallbackTarget ring;
    CallbackTarget hangup;
    CallbackTarget fallback;
    CallbackTarget machineDetectionTarget;

    // Empty (off), "true" (report machines) or "hangup" (end calls a machine answers).
    QString machineDetection;
    int machineDetectionTimeMs = 5000;
    int ringTimeoutSeconds = 120;
    // Counted from the answer; Plivo cuts longer limits to 24 hours.
    int timeLimitSeconds = 14400;
    // Counted from the start of ringing; 0 is off.
    int hangupOnRingSeconds = 0;
    // Sent as X-PH-<key> with every request made for the call.
    PlivoSignature::Params sipHeaders;
    QString parentCallUuid;
    bool errorIfParentNotFound = false;

    // Reads a JSON object or a form-encoded body into text values. JSON
    // numbers and booleans become their text.
    static Result<QHash<QString, QString>> paramsFromBody(const QByteArray &body,
                                                          const QByteArray &contentType);

    static Result<CallRequest> fromParams(const QHash<QString, QString> &params);
};

} // namespace Dialdeck
