#pragma once

#include "carrier.h"
#include "plivosettings.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace Dialdeck {

class Clock;
class PlivoRestClient;

// Dials through Plivo's Voice API (or dialdeck-sim at another base URL).
//
// A dial request that fails with a 5xx answer or a time-out may still have
// placed the call, and Plivo has no idempotency key, so such a request is
// never sent again: the call is looked up in Plivo's live, queued and
// completed calls, and only when none of them knows it is the attempt failed
// (the retry policy may then dial a new attempt). The same look-ups recover
// the outcome of a call whose hangup callback never arrived, and of attempts
// found open after a restart.
class PlivoCarrier final : public Carrier
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlivoCarrier)

public:
    PlivoCarrier(PlivoSettings settings, const Clock &clock, QObject *parent = nullptr);
    ~PlivoCarrier() override;

    QString name() const override;
    void placeCall(const DialRequest &request) override;
    void hangUp(const QString &callUuid) override;
    void reconcile(const DialRequest &request, const QString &requestUuid) override;
    void acceptCallback(const CarrierEvent &event) override;
    void claimCallUuids(const QStringList &callUuids) override;

    // Calls the carrier follows: placed or being looked up, without a final event yet.
    int trackedCalls() const { return int(m_calls.size()); }
    PlivoRestClient &client() { return *m_client; }

private:
    struct Tracked
    {
        DialRequest request;
        QString requestUuid;
        QString callUuid;
        // Wall-clock ms (QDateTime) of the dial request and of the last look-up.
        qint64 requestedAtMs = 0;
        qint64 checkedAtMs = 0;
        // Look-ups in a row that found the call nowhere.
        int misses = 0;
        // The dial request's answer is unknown (5xx, time-out) or the attempt
        // was found open after a restart: Placed has not been reported yet.
        bool uncertain = false;
        bool lookupRunning = false;
    };
    using Found = std::function<void(bool found)>;

    void handleCreateReply(qint64 attemptId, const struct PlivoReply &reply);
    void reportRejection(qint64 attemptId, CarrierError::Severity severity, bool retryable,
                         const QString &message);
    void checkOverdue();
    void lookUp(qint64 attemptId);
    void lookUpKnownCall(qint64 attemptId);
    void lookUpLiveOrQueued(qint64 attemptId, const QString &status, Found done);
    void matchCandidates(qint64 attemptId, const QString &status, QStringList uuids, Found done);
    void lookUpCompleted(qint64 attemptId, Found done);
    void adopt(qint64 attemptId, const QString &callUuid, const QString &requestUuid);
    void finishFromCdr(qint64 attemptId, const QJsonObject &cdr);
    void lookUpMissed(qint64 attemptId);
    int reconcileAfterMs(const Tracked &call) const;

    PlivoSettings m_settings;
    const Clock &m_clock;
    std::unique_ptr<PlivoRestClient> m_client;
    QHash<qint64, Tracked> m_calls;
    // Call uuids already matched to an attempt, so that a look-up by numbers
    // never gives one call to two attempts.
    QSet<QString> m_claimed;
    QTimer m_watchdog{this};
};

} // namespace Dialdeck
