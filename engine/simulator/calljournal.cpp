#include "calljournal.h"

#include "callviews.h"
#include "core/logging.h"
#include "simulatedcall.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString utcTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject callLine(const QString &event, qint64 timeMs, const SimulatedCall &call)
{
    QJsonObject line{
        {u"event"_s, event},
        {u"time"_s, utcTime(timeMs)},
        {u"request_uuid"_s, call.requestUuid},
        {u"call_uuid"_s, call.callUuid},
        {u"from"_s, call.request.from},
        {u"to"_s, call.to},
    };
    if (!call.attemptId.isEmpty())
        line.insert(u"attempt"_s, call.attemptId);
    return line;
}

} // namespace

Result<void> CallJournal::open(const QString &path)
{
    if (path.isEmpty())
        return {};

    m_file.setFileName(path);
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
        return Error{u"io_error"_s,
                     QCoreApplication::translate("Dialdeck::CallJournal",
                                                 "Cannot open the journal %1 for appending: %2")
                         .arg(path, m_file.errorString())};
    }
    return {};
}

void CallJournal::recordPlaced(const SimulatedCall &call, bool queued)
{
    QJsonObject line = callLine(u"placed"_s, call.acceptedMs, call);
    line.insert(u"answer_url"_s, call.request.answer.url.toString());
    line.insert(u"queued"_s, queued);
    write(line);
}

void CallJournal::recordEnded(const SimulatedCall &call)
{
    QJsonObject line = callLine(u"ended"_s, call.endedMs, call);
    line.insert(u"call_status"_s, call.cause.callStatus);
    line.insert(u"hangup_cause"_s, call.cause.telephonyCause);
    line.insert(u"hangup_cause_code"_s, call.cause.code);
    line.insert(u"hangup_cause_name"_s, call.cause.name);
    line.insert(u"hangup_source"_s, call.cause.source);
    line.insert(u"duration"_s, call.durationSeconds);
    line.insert(u"bill_duration"_s, call.durationSeconds);
    line.insert(u"total_cost"_s, CallViews::amountText(call.totalCost));
    write(line);
}

void CallJournal::write(const QJsonObject &line)
{
    if (!m_file.isOpen())
        return;

    const QByteArray text = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    if (m_file.write(text) != text.size() || !m_file.flush()) {
        qCWarning(lcSimulator).noquote()
            << "Failed to write the journal" << m_file.fileName() << ":" << m_file.errorString();
    }
}

} // namespace Dialdeck
