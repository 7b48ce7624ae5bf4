#include "plivocarrier.h"

#include "core/clock.h"
#include "core/logging.h"
#include "plivocallback.h"
#include "plivorestclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUrlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Look-ups that find a call nowhere before its attempt is given up as never
// placed; each waits reconcileAfterMs() after the one before.
constexpr int MissesBeforeGivingUp = 3;
// How often the watchdog looks for calls overdue for a look-up.
constexpr int WatchdogIntervalMs = 1000;
// Slack for clocks and queueing when matching a completed call to a dial request.
constexpr qint64 MatchSlackMs = 60'000;

qint64 wallNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Plivo writes numbers with or without the leading plus.
QString digitsOf(const QString &number)
{
    return number.startsWith(u'+') ? number.mid(1) : number;
}

// Plivo's CDR times carry the account's offset: "2017-05-22 17:49:40+05:30".
std::optional<qint64> cdrTimeMs(const QString &text)
{
    QString iso = text;
    iso.replace(u' ', u'T');
    const QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time.toMSecsSinceEpoch();
}

QString requestUuidOf(const QJsonObject &json)
{
    const QJsonValue value = json.value(u"request_uuid"_s);
    if (value.isArray()) {
        const QJsonArray uuids = value.toArray();
        return uuids.isEmpty() ? QString() : uuids.first().toString();
    }
    return value.toString();
}

} // namespace

PlivoCarrier::PlivoCarrier(PlivoSettings settings, const Clock &clock, QObject *parent)
    : Carrier(parent)
    , m_settings(std::move(settings))
    , m_clock(clock)
    , m_client(std::make_unique<PlivoRestClient>(m_settings))
{
    m_watchdog.setInterval(WatchdogIntervalMs);
    connect(&m_watchdog, &QTimer::timeout, this, &PlivoCarrier::checkOverdue);
    m_watchdog.start();
}

PlivoCarrier::~PlivoCarrier() = default;

QString PlivoCarrier::name() const
{
    return u"Plivo at %1"_s.arg(m_settings.baseUrl.toString());
}

void PlivoCarrier::placeCall(const DialRequest &request)
{
    Tracked call;
    call.request = request;
    call.requestedAtMs = wallNowMs();
    call.checkedAtMs = call.requestedAtMs;
    m_calls.insert(request.attemptId, call);

    QJsonObject body{
        {u"from"_s, request.from},
        {u"to"_s, request.to},
        {u"answer_url"_s, m_settings.callbackUrl(u"answer", request.attemptId)},
        {u"answer_method"_s, u"POST"_s},
        {u"ring_url"_s, m_settings.callbackUrl(u"ring", request.attemptId)},
        {u"ring_method"_s, u"POST"_s},
        {u"hangup_url"_s, m_settings.callbackUrl(u"hangup", request.attemptId)},
        {u"hangup_method"_s, u"POST"_s},
        {u"fallback_url"_s, m_settings.callbackUrl(u"fallback", request.attemptId)},
        {u"fallback_method"_s, u"POST"_s},
        {u"ring_timeout"_s, request.ringTimeoutSeconds},
        {u"time_limit"_s, request.timeLimitSeconds},
    };
    if (!m_settings.machineDetection.isEmpty()) {
        body.insert(u"machine_detection"_s, m_settings.machineDetection);
        body.insert(u"machine_detection_url"_s,
                    m_settings.callbackUrl(u"machine", request.attemptId));
        body.insert(u"machine_detection_method"_s, u"POST"_s);
    }

    const qint64 attemptId = request.attemptId;
    m_client->post(u"Call/"_s, body, [this, attemptId](const PlivoReply &reply) {
        handleCreateReply(attemptId, reply);
    });
}

void PlivoCarrier::handleCreateReply(qint64 attemptId, const PlivoReply &reply)
{
    const auto found = m_calls.find(attemptId);
    if (found == m_calls.end())
        return;

    if (reply.isSuccess()) {
        // "call fired" and "call queued" both mean Plivo took the call.
        found->requestUuid = requestUuidOf(reply.json);
        CarrierEvent placed;
        placed.kind = CarrierEvent::Kind::Placed;
        placed.attemptId = attemptId;
        placed.requestUuid = found->requestUuid;
        placed.atMs = m_clock.nowMs();
        qCDebug(lcPlivo) << "Attempt" << attemptId << "placed as request" << placed.requestUuid;
        Q_EMIT eventReceived(placed);
        return;
    }

    const QString carrierText = reply.errorText();
    switch (reply.httpStatus) {
    case 400:
        reportRejection(attemptId, CarrierError::Severity::Failed, false,
                        tr("Plivo refused the call as invalid: %1").arg(carrierText));
        return;
    case 401:
        reportRejection(attemptId, CarrierError::Severity::Fatal, true,
                        tr("Plivo refused the credentials (%1); check the Plivo credentials, "
                           "then resume the batch.")
                            .arg(carrierText));
        return;
    case 403:
        reportRejection(attemptId, CarrierError::Severity::Failed, false,
                        tr("Plivo blocked the destination (geo permissions): %1")
                            .arg(carrierText));
        return;
    case 404:
        reportRejection(attemptId, CarrierError::Severity::Fatal, true,
                        tr("Plivo does not know the account (%1); check the Plivo Auth ID, "
                           "then resume the batch.")
                            .arg(carrierText));
        return;
    default:
        break;
    }

    if (reply.httpStatus == 0 && !reply.timedOut
        && (reply.networkError.contains(u"refused"_s, Qt::CaseInsensitive)
            || reply.networkError.contains(u"not found"_s, Qt::CaseInsensitive))) {
        // The request never reached Plivo, so no call exists.
        reportRejection(attemptId, CarrierError::Severity::Fatal, true,
                        tr("Plivo could not be reached (%1); check the network and the Plivo "
                           "address, then resume the batch.")
                            .arg(carrierText));
        return;
    }

    // After a 5xx response or a time-out the call may exist, so the request
    // is never sent again and the look-ups find out what happened.
    qCWarning(lcPlivo).noquote() << "Dial request of attempt" << attemptId
                                 << "has no clear answer (" << carrierText
                                 << "); looking the call up";
    found->uncertain = true;
    lookUp(attemptId);
}

void PlivoCarrier::reportRejection(qint64 attemptId, CarrierError::Severity severity,
                                   bool retryable, const QString &message)
{
    m_calls.remove(attemptId);
    CarrierError error;
    error.attemptId = attemptId;
    error.severity = severity;
    error.retryable = retryable;
    error.message = message;
    qCInfo(lcPlivo).noquote() << "Attempt" << attemptId << "not placed:" << message;
    Q_EMIT dialRejected(error);
}

void PlivoCarrier::hangUp(const QString &callUuid)
{
    // DELETE Call/ without a uuid ends every live call of the account.
    if (callUuid.trimmed().isEmpty()) {
        qCWarning(lcPlivo) << "Refused to hang up a call without a call uuid";
        return;
    }
    m_client->deleteResource(u"Call/"_s + callUuid + u'/', [callUuid](const PlivoReply &reply) {
        if (!reply.isSuccess() && reply.httpStatus != 404) {
            qCWarning(lcPlivo).noquote()
                << "Hanging up call" << callUuid << "failed:" << reply.errorText();
        }
    });
}

void PlivoCarrier::reconcile(const DialRequest &request, const QString &requestUuid)
{
    Tracked call;
    call.request = request;
    call.requestUuid = requestUuid;
    call.requestedAtMs = std::min(request.journaledAtMs, wallNowMs());
    call.uncertain = true;
    m_calls.insert(request.attemptId, call);
    lookUp(request.attemptId);
}

void PlivoCarrier::acceptCallback(const CarrierEvent &event)
{
    const auto found = m_calls.find(event.attemptId);
    if (found != m_calls.end()) {
        if (found->callUuid.isEmpty())
            found->callUuid = event.callUuid;
        m_claimed.insert(event.callUuid);
        if (event.kind == CarrierEvent::Kind::Hangup)
            m_calls.erase(found);
    }
    Q_EMIT eventReceived(event);
}

void PlivoCarrier::claimCallUuids(const QStringList &callUuids)
{
    for (const QString &callUuid : callUuids)
        m_claimed.insert(callUuid);
}

int PlivoCarrier::reconcileAfterMs(const Tracked &call) const
{
    if (m_settings.reconcileAfterMs > 0)
        return m_settings.reconcileAfterMs;
    return (call.request.ringTimeoutSeconds + 30) * 1000;
}

void PlivoCarrier::checkOverdue()
{
    // Look-ups wait while requests queue for the REST limit, so that they
    // never hold back dial requests.
    if (m_client->queuedRequests() > 0)
        return;

    const qint64 now = wallNowMs();
    QList<qint64> due;
    for (auto it = m_calls.cbegin(); it != m_calls.cend(); ++it) {
        if (!it->lookupRunning && now - it->checkedAtMs >= reconcileAfterMs(*it))
            due.append(it.key());
    }
    for (qint64 attemptId : due)
        lookUp(attemptId);
}

void PlivoCarrier::lookUp(qint64 attemptId)
{
    const auto found = m_calls.find(attemptId);
    if (found == m_calls.end() || found->lookupRunning)
        return;
    found->lookupRunning = true;
    found->checkedAtMs = wallNowMs();

    if (!found->callUuid.isEmpty()) {
        lookUpKnownCall(attemptId);
        return;
    }

    lookUpLiveOrQueued(attemptId, u"live"_s, [this, attemptId](bool live) {
        if (live)
            return;
        lookUpLiveOrQueued(attemptId, u"queued"_s, [this, attemptId](bool queued) {
            if (queued)
                return;
            lookUpCompleted(attemptId, [this, attemptId](bool completed) {
                if (!completed)
                    lookUpMissed(attemptId);
            });
        });
    });
}

void PlivoCarrier::lookUpKnownCall(qint64 attemptId)
{
    const QString callUuid = m_calls.value(attemptId).callUuid;
    m_client->get(u"Call/"_s + callUuid + u'/', {}, [this, attemptId, callUuid](
                                                        const PlivoReply &cdr) {
        if (cdr.isSuccess() && !cdr.json.value(u"end_time"_s).toString().isEmpty()) {
            finishFromCdr(attemptId, cdr.json);
            return;
        }
        QUrlQuery live;
        live.addQueryItem(u"status"_s, u"live"_s);
        m_client->get(u"Call/"_s + callUuid + u'/', live, [this, attemptId, callUuid](
                                                              const PlivoReply &reply) {
            if (reply.isSuccess()) {
                // Still talking: look again later.
                m_calls[attemptId].lookupRunning = false;
                m_calls[attemptId].misses = 0;
                return;
            }
            QUrlQuery queued;
            queued.addQueryItem(u"status"_s, u"queued"_s);
            m_client->get(u"Call/"_s + callUuid + u'/', queued,
                          [this, attemptId](const PlivoReply &queuedReply) {
                              if (queuedReply.isSuccess()) {
                                  m_calls[attemptId].lookupRunning = false;
                                  m_calls[attemptId].misses = 0;
                                  return;
                              }
                              lookUpMissed(attemptId);
                          });
        });
    });
}

void PlivoCarrier::lookUpLiveOrQueued(qint64 attemptId, const QString &status, Found done)
{
    const Tracked call = m_calls.value(attemptId);
    QUrlQuery query;
    query.addQueryItem(u"status"_s, status);
    if (status == u"live") {
        query.addQueryItem(u"from_number"_s, digitsOf(call.request.from));
        query.addQueryItem(u"to_number"_s, digitsOf(call.request.to));
    }
    m_client->get(u"Call/"_s, query,
                  [this, attemptId, status, done = std::move(done)](const PlivoReply &reply) {
                      if (!m_calls.contains(attemptId))
                          return;
                      if (!reply.isSuccess()) {
                          // Unknown, not absent: try again at the next look-up.
                          m_calls[attemptId].lookupRunning = false;
                          return;
                      }
                      QStringList uuids;
                      for (const QJsonValue &uuid : reply.json.value(u"calls"_s).toArray()) {
                          if (!m_claimed.contains(uuid.toString()))
                              uuids.append(uuid.toString());
                      }
                      matchCandidates(attemptId, status, uuids, done);
                  });
}

void PlivoCarrier::matchCandidates(qint64 attemptId, const QString &status, QStringList uuids,
                                   Found done)
{
    if (!m_calls.contains(attemptId))
        return;
    if (uuids.isEmpty()) {
        done(false);
        return;
    }

    const QString uuid = uuids.takeFirst();
    QUrlQuery query;
    query.addQueryItem(u"status"_s, status);
    m_client->get(
        u"Call/"_s + uuid + u'/', query,
        [this, attemptId, status, uuid, uuids = std::move(uuids),
         done = std::move(done)](const PlivoReply &reply) mutable {
            const auto found = m_calls.find(attemptId);
            if (found == m_calls.end())
                return;
            if (reply.isSuccess() && !m_claimed.contains(uuid)) {
                const QString requestUuid = reply.json.value(u"request_uuid"_s).toString();
                const bool sameRequest = !found->requestUuid.isEmpty()
                                         && requestUuid == found->requestUuid;
                const bool sameNumbers
                    = found->requestUuid.isEmpty()
                      && digitsOf(reply.json.value(u"from"_s).toString())
                             == digitsOf(found->request.from)
                      && digitsOf(reply.json.value(u"to"_s).toString())
                             == digitsOf(found->request.to);
                if (sameRequest || sameNumbers) {
                    adopt(attemptId, uuid, requestUuid);
                    found->lookupRunning = false;
                    done(true);
                    return;
                }
            }
            matchCandidates(attemptId, status, std::move(uuids), std::move(done));
        });
}

void PlivoCarrier::lookUpCompleted(qint64 attemptId, Found done)
{
    const Tracked call = m_calls.value(attemptId);
    const QDateTime since = QDateTime::fromMSecsSinceEpoch(call.requestedAtMs - MatchSlackMs,
                                                           Qt::UTC);
    QUrlQuery query;
    query.addQueryItem(u"from_number"_s, digitsOf(call.request.from));
    query.addQueryItem(u"to_number"_s, digitsOf(call.request.to));
    query.addQueryItem(u"end_time__gte"_s, since.toString(u"yyyy-MM-dd HH:mm:ss"_s));
    query.addQueryItem(u"limit"_s, u"20"_s);
    m_client->get(u"Call/"_s, query,
                  [this, attemptId, done = std::move(done)](const PlivoReply &reply) {
                      const auto found = m_calls.find(attemptId);
                      if (found == m_calls.end())
                          return;
                      if (!reply.isSuccess()) {
                          found->lookupRunning = false;
                          return;
                      }

                      // The earliest unclaimed call to the same number since the request.
                      QJsonObject best;
                      qint64 bestMs = std::numeric_limits<qint64>::max();
                      for (const QJsonValue &value : reply.json.value(u"objects"_s).toArray()) {
                          const QJsonObject cdr = value.toObject();
                          const QString uuid = cdr.value(u"call_uuid"_s).toString();
                          if (uuid.isEmpty() || m_claimed.contains(uuid))
                              continue;
                          const qint64 started
                              = cdrTimeMs(cdr.value(u"initiation_time"_s).toString())
                                    .value_or(found->requestedAtMs);
                          if (started < found->requestedAtMs - MatchSlackMs)
                              continue;
                          if (started < bestMs) {
                              bestMs = started;
                              best = cdr;
                          }
                      }
                      if (best.isEmpty()) {
                          done(false);
                          return;
                      }
                      finishFromCdr(attemptId, best);
                      done(true);
                  });
}

void PlivoCarrier::adopt(qint64 attemptId, const QString &callUuid, const QString &requestUuid)
{
    const auto found = m_calls.find(attemptId);
    if (found == m_calls.end())
        return;

    m_claimed.insert(callUuid);
    found->callUuid = callUuid;
    found->misses = 0;
    if (!found->uncertain)
        return;

    found->uncertain = false;
    if (found->requestUuid.isEmpty())
        found->requestUuid = requestUuid;
    CarrierEvent placed;
    placed.kind = CarrierEvent::Kind::Placed;
    placed.attemptId = attemptId;
    placed.requestUuid = found->requestUuid;
    placed.callUuid = callUuid;
    placed.atMs = m_clock.nowMs();
    qCInfo(lcPlivo) << "Attempt" << attemptId << "found placed as call" << callUuid;
    Q_EMIT eventReceived(placed);
}

void PlivoCarrier::finishFromCdr(qint64 attemptId, const QJsonObject &cdr)
{
    Result<CarrierEvent> hangup = PlivoCallback::eventFromCdr(cdr, attemptId, m_clock.nowMs());
    if (!hangup) {
        m_calls[attemptId].lookupRunning = false;
        return;
    }

    adopt(attemptId, hangup->callUuid, QString());
    qCInfo(lcPlivo) << "Attempt" << attemptId << "ended according to its call record"
                    << hangup->callUuid;
    m_calls.remove(attemptId);
    Q_EMIT eventReceived(*hangup);
}

void PlivoCarrier::lookUpMissed(qint64 attemptId)
{
    const auto found = m_calls.find(attemptId);
    if (found == m_calls.end())
        return;

    found->lookupRunning = false;
    ++found->misses;
    if (found->misses < MissesBeforeGivingUp)
        return;

    qCWarning(lcPlivo) << "Attempt" << attemptId
                       << "is unknown to Plivo's live, queued and completed calls";
    const bool placed = !found->uncertain;
    m_calls.erase(found);
    if (placed) {
        reportRejection(attemptId, CarrierError::Severity::Failed, true,
                        tr("Plivo accepted the call but has no record of how it ended."));
        return;
    }
    Q_EMIT attemptUnknown(attemptId);
}

} // namespace Dialdeck
