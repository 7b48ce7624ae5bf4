#pragma once

#include "carrier.h"
#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <utility>

namespace Dialdeck {

// Turns what Plivo reports about a call into CarrierEvents: the parameters of
// its ring, answer, hangup and machine-detection callbacks, and the call
// detail record (CDR) its look-up returns. Pure functions, so they can be
// tested and fuzzed without a network.
class PlivoCallback final
{
public:
    using Params = QList<std::pair<QString, QString>>;

    enum class Kind
    {
        Ring,
        Answer,
        Hangup,
        Machine,
    };

    // "ring", "answer", "hangup" or "machine" (the callback path); Plivo's
    // fallback URL counts as an answer.
    static std::optional<Kind> kindFromPath(QStringView path);

    // The event one callback reports. `attemptId` comes from the callback
    // URL's query; `nowMs` is when the engine received it. A callback without
    // a CallUUID, or whose Event does not fit its URL, is refused.
    static Result<CarrierEvent> toEvent(Kind kind, const Params &params, qint64 attemptId,
                                        qint64 nowMs);

    // The hangup event a CDR (GET Call/{uuid}/ or one object of the CDR list)
    // describes; used when the hangup callback never arrived.
    static Result<CarrierEvent> eventFromCdr(const QJsonObject &cdr, qint64 attemptId,
                                             qint64 nowMs);

    // Plivo's hangup cause code (see its hangup-causes table) and call status
    // as Dialdeck's outcome. `answered` tells a completed call from one that
    // ended while ringing when the code is not conclusive.
    static CallOutcome outcomeFor(int causeCode, QStringView callStatus, bool answered,
                                  bool machine);

    static QString value(const Params &params, QStringView key);
};

} // namespace Dialdeck
