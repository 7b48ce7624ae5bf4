#include "answerlookup.h"

#include "carrier/answerdocument.h"
#include "core/logging.h"
#include "store/batchrepository.h"

#include <QSqlQuery>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QByteArray hangUpOnly()
{
    return QByteArrayLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<Response><Hangup/></Response>\n");
}

} // namespace

AnswerLookup::AnswerLookup(QString storePath)
    : m_storePath(std::move(storePath))
{
}

QByteArray AnswerLookup::documentFor(qint64 attemptId)
{
    if (!m_connection) {
        Result<Connection> opened = Connection::openSqlite(m_storePath, u"answers"_s,
                                                           Connection::Mode::ReadOnly);
        if (!opened) {
            qCWarning(lcWebhook).noquote() << opened.error().message;
            return hangUpOnly();
        }
        m_connection.emplace(std::move(opened).value());
    }

    QSqlQuery query(m_connection->database());
    query.prepare(u"SELECT batch_id FROM attempts WHERE id = ?"_s);
    query.addBindValue(attemptId);
    if (!query.exec() || !query.next()) {
        qCWarning(lcWebhook) << "Answer requested for unknown attempt" << attemptId;
        return hangUpOnly();
    }

    BatchRepository batches(m_connection->database());
    Result<std::optional<Batch>> batch = batches.find(query.value(0).toString());
    if (!batch || !batch->has_value())
        return hangUpOnly();
    return AnswerDocument::render((*batch)->config.answer);
}

} // namespace Dialdeck
