#pragma once

#include "core/domain.h"
#include "core/result.h"

#include <QCoreApplication>
#include <QSqlDatabase>

namespace Dialdeck {

// One call and every attempt made for it, oldest first.
struct AttemptHistory
{
    qint64 callId = 0;
    QString name;
    QString e164;
    QList<QByteArray> timeZones;
    CallStatus status = CallStatus::Pending;
    QList<Attempt> attempts;
};

// Reads a call's attempt history from the store.
class AttemptHistoryLoader
{
    Q_DECLARE_TR_FUNCTIONS(Dialdeck::AttemptHistoryLoader)

public:
    // Returns a not_found error when the call does not exist.
    static Result<AttemptHistory> load(QSqlDatabase db, qint64 callId);
};

} // namespace Dialdeck
