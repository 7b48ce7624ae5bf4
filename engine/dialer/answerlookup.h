#pragma once

#include "store/connection.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Dialdeck {

// Finds the Plivo XML the answer URL returns for one attempt: the answer
// action of the attempt's batch. Used by the webhook intake, on the thread
// that serves HTTP, through its own read-only store connection.
class AnswerLookup final
{
public:
    explicit AnswerLookup(QString storePath);

    // The batch's answer document, or a document that only hangs up when the
    // attempt or its batch cannot be read (the callee then hears nothing
    // rather than a wrong message).
    QByteArray documentFor(qint64 attemptId);

private:
    QString m_storePath;
    std::optional<Connection> m_connection;
};

} // namespace Dialdeck
