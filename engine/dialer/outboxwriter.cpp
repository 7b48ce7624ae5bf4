#include "outboxwriter.h"

#include "core/logging.h"
#include "store/sqlsupport.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

#include <cmath>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QJsonValue isoTimeOrNull(const QVariant &ms)
{
    if (ms.isNull())
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC).toString(Qt::ISODateWithMs);
}

// Money in US dollars, rounded to a millionth so sums print without binary noise.
double roundedDollars(double dollars)
{
    return std::round(dollars * 1e6) / 1e6;
}

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

// The event kind that reports a batch reaching `status`; empty for statuses
// that no event reports (draft, ready, archived).
QString kindForStatus(BatchStatus status)
{
    switch (status) {
    case BatchStatus::Queued:
        return u"batch.window_waiting"_s;
    case BatchStatus::Running:
        return u"batch.resumed"_s;
    case BatchStatus::Paused:
        return u"batch.paused"_s;
    case BatchStatus::Stopped:
        return u"batch.stopped"_s;
    case BatchStatus::Completed:
        return u"batch.completed"_s;
    case BatchStatus::Draft:
    case BatchStatus::Ready:
    case BatchStatus::Archived:
        break;
    }
    return {};
}

QJsonObject progressSummary(const BatchProgress &progress)
{
    QJsonObject counts;
    for (int i = 0; i < CallStatusCount; ++i)
        counts.insert(toString(CallStatus(i)), progress.counts[std::size_t(i)]);

    return {
        {u"totalCalls"_s, progress.totalCalls},
        {u"finishedCalls"_s, progress.finishedCalls},
        {u"counts"_s, counts},
        {u"attempts"_s, progress.attempts},
        {u"answeredAttempts"_s, progress.answeredAttempts},
        {u"cost"_s, roundedDollars(progress.cost)},
    };
}

} // namespace

OutboxWriter::OutboxWriter(QSqlDatabase db)
    : m_deliveries(db)
    , m_readAttempt(db)
    , m_readStatus(db)
{
    m_readAttempt.prepare(u"SELECT a.call_id, a.attempt_number, a.caller_phone_id, a.caller_e164, "
                          "a.call_uuid, a.created_at, a.answered_at, a.ended_at, a.outcome, "
                          "a.hangup_cause, a.ring_seconds, a.talk_seconds, a.cost, "
                          "a.machine_result, a.session_id, c.e164, c.line, c.status, "
                          "c.next_due_at FROM attempts a JOIN calls c ON c.id = a.call_id "
                          "WHERE a.id = ?"_s);
    m_readStatus.prepare(u"SELECT status FROM batches WHERE id = ?"_s);
}

bool OutboxWriter::takeWritten()
{
    return std::exchange(m_written, false);
}

void OutboxWriter::beginTransaction()
{
    m_endpoints.clear();
    m_inTransaction = true;
}

void OutboxWriter::endTransaction()
{
    m_endpoints.clear();
    m_inTransaction = false;
}

Result<QStringList> OutboxWriter::endpointsFor(const QString &batchId)
{
    if (const auto cached = m_endpoints.constFind(batchId); cached != m_endpoints.cend())
        return *cached;

    Result<QStringList> endpoints = m_deliveries.endpointsFor(batchId);
    if (endpoints && m_inTransaction)
        m_endpoints.insert(batchId, *endpoints);
    return endpoints;
}

Result<void> OutboxWriter::batchStarted(const BatchProgress &progress, qint64 atMs)
{
    Result<QStringList> endpoints = endpointsFor(progress.batchId);
    if (!endpoints)
        return endpoints.error();
    if (endpoints->isEmpty())
        return {};

    return appendBatchEvent(*endpoints, u"batch.started"_s, BatchStatus::Running, progress, atMs);
}

Result<void> OutboxWriter::batchStatusChanged(const BatchProgress &progress, qint64 atMs)
{
    const QString kind = kindForStatus(progress.status);
    if (kind.isEmpty())
        return {};

    Result<QStringList> endpoints = endpointsFor(progress.batchId);
    if (!endpoints)
        return endpoints.error();
    if (endpoints->isEmpty())
        return {};

    // A stopped batch saves "stopped" while its calls are still in progress,
    // and again when its last call ends. The second save reports nothing new.
    Result<QString> stored = storedStatus(progress.batchId);
    if (!stored)
        return stored.error();
    if (*stored == toString(progress.status))
        return {};

    return appendBatchEvent(*endpoints, kind, progress.status, progress, atMs);
}

Result<void> OutboxWriter::appendBatchEvent(const QStringList &endpointIds, const QString &kind,
                                            BatchStatus status, const BatchProgress &progress,
                                            qint64 atMs)
{
    QJsonObject data{
        {u"name"_s, progress.name},
        {u"status"_s, toString(status)},
        {u"reason"_s, status == BatchStatus::Running ? QString() : progress.statusReason},
        {u"progress"_s, progressSummary(progress)},
    };
    if (status == BatchStatus::Queued) {
        const QVariant opening = progress.nextWindowOpeningMs < 0
                                     ? QVariant()
                                     : QVariant(progress.nextWindowOpeningMs);
        data.insert(u"nextWindowOpensAt"_s, isoTimeOrNull(opening));
    }
    return append(endpointIds, progress.batchId, progress.sessionId, kind, atMs, data);
}

Result<QString> OutboxWriter::storedStatus(const QString &batchId)
{
    m_readStatus.addBindValue(batchId);
    if (Result<void> done = execQuery(m_readStatus, QObject::tr("Reading the status of batch %1")
                                                        .arg(batchId));
        !done) {
        return done.error();
    }
    const QString status = m_readStatus.next() ? m_readStatus.value(0).toString() : QString();
    m_readStatus.finish();
    return status;
}

Result<void> OutboxWriter::attemptFinished(const QString &batchId, qint64 attemptId)
{
    Result<QStringList> endpoints = endpointsFor(batchId);
    if (!endpoints)
        return endpoints.error();
    if (endpoints->isEmpty())
        return {};

    m_readAttempt.addBindValue(attemptId);
    if (Result<void> done = execQuery(m_readAttempt, QObject::tr("Reading attempt %1")
                                                         .arg(attemptId));
        !done) {
        return done.error();
    }
    if (!m_readAttempt.next()) {
        m_readAttempt.finish();
        return Error{u"store_failed"_s,
                     QObject::tr("Attempt %1 of batch %2 was not found while reporting its end.")
                         .arg(attemptId)
                         .arg(batchId)};
    }

    const QSqlQuery &row = m_readAttempt;
    const QString callStatus = row.value(17).toString();
    const std::optional<CallStatus> parsedStatus = callStatusFromString(callStatus);
    const QJsonObject data{
        {u"attemptId"_s, attemptId},
        {u"callId"_s, row.value(0).toLongLong()},
        {u"attemptNumber"_s, row.value(1).toInt()},
        {u"line"_s, row.value(16).toInt()},
        {u"number"_s, row.value(15).toString()},
        {u"callerNumber"_s, row.value(3).toString()},
        {u"callerPhoneId"_s, textOrNull(row.value(2).toString())},
        {u"callUuid"_s, textOrNull(row.value(4).toString())},
        {u"outcome"_s, row.value(8).toString()},
        {u"hangupCause"_s, row.value(9).toString()},
        {u"dialedAt"_s, isoTimeOrNull(row.value(5))},
        {u"answeredAt"_s, isoTimeOrNull(row.value(6))},
        {u"endedAt"_s, isoTimeOrNull(row.value(7))},
        {u"ringSeconds"_s, row.value(10).toInt()},
        {u"talkSeconds"_s, row.value(11).toInt()},
        {u"cost"_s, roundedDollars(row.value(12).toDouble())},
        {u"machineResult"_s, textOrNull(row.value(13).toString())},
        {u"callStatus"_s, callStatus},
        {u"final"_s, parsedStatus && isFinal(*parsedStatus)},
        {u"nextAttemptAt"_s, isoTimeOrNull(row.value(18))},
    };
    const QString sessionId = row.value(14).toString();
    const qint64 endedAtMs = row.value(7).toLongLong();
    m_readAttempt.finish();

    return append(*endpoints, batchId, sessionId, u"call.completed"_s, endedAtMs, data);
}

Result<void> OutboxWriter::append(const QStringList &endpointIds, const QString &batchId,
                                  const QString &sessionId, const QString &kind, qint64 atMs,
                                  const QJsonObject &data)
{
    const QString eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString timestamp = QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC)
                                  .toString(Qt::ISODateWithMs);
    // Delivery is scheduled on the wall clock: the engine clock may run ahead
    // of it in a simulation.
    const qint64 wallNowMs = QDateTime::currentMSecsSinceEpoch();

    for (const QString &endpointId : endpointIds) {
        Result<qint64> sequence = m_deliveries.nextSequence(endpointId, batchId);
        if (!sequence)
            return sequence.error();

        const QJsonObject body{
            {u"eventId"_s, eventId},
            {u"event"_s, kind},
            {u"sequence"_s, *sequence},
            {u"batchId"_s, batchId},
            {u"sessionId"_s, textOrNull(sessionId)},
            {u"timestamp"_s, timestamp},
            {u"data"_s, data},
        };

        WebhookDelivery delivery;
        delivery.endpointId = endpointId;
        delivery.batchId = batchId;
        delivery.sequence = *sequence;
        delivery.eventId = eventId;
        delivery.kind = kind;
        delivery.sessionId = sessionId;
        delivery.payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        delivery.createdAtMs = wallNowMs;
        delivery.nextAttemptAtMs = wallNowMs;
        if (Result<void> appended = m_deliveries.append(delivery); !appended)
            return appended;
    }

    m_written = true;
    qCDebug(lcOutbox) << "Wrote" << kind << "event" << eventId << "of batch" << batchId << "for"
                      << endpointIds.size() << "endpoints";
    return {};
}

} // namespace Dialdeck
