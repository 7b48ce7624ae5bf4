#pragma once

#include <QString>
#include <QStringList>

namespace Dialdeck {

// What an audit of a store found: how many attempts it checked and one
// sentence per rule an attempt broke.
struct StoreAuditReport
{
    int attemptsChecked = 0;
    QStringList violations;

    bool passed() const { return violations.isEmpty(); }
    // The violations as one message for QVERIFY2, or "" when there are none.
    QString summary() const;
};

// Checks, after an end-to-end run, that every attempt in a store was allowed
// when it was created. It recomputes the rules from the stored rows alone,
// with QDateTime wall times in each of the call's zones, and never uses the
// engine's scheduling classes, so it is an independent check of them:
//   - the attempt's created_at lies in [windowStart, windowEnd) local time in
//     every zone of its call, on an allowed weekday that is not a holiday;
//   - the call's number was not on the do-not-call list at that time;
//   - the caller number was used at most daily_cap times in that UTC day.
class StoreAudit
{
public:
    // Opens the SQLite store read-only and audits every attempt of every batch.
    // A store that cannot be opened or read is reported as a violation.
    static StoreAuditReport auditSqliteFile(const QString &path);
};

} // namespace Dialdeck
