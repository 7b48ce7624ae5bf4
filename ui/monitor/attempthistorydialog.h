#pragma once

#include "attempthistory.h"

#include <QDialog>
#include <QFutureWatcher>

class QLabel;
class QTableWidget;

namespace Dialdeck {

// The attempts of one call: times in the callee's zone and in UTC, caller
// number, outcome, hangup cause, durations, cost and the rule that allowed
// the dial. The history is read on a worker thread with its own read-only
// connection; the table fills in when it arrives.
class AttemptHistoryDialog final : public QDialog
{
    Q_OBJECT

public:
    enum Column
    {
        NumberColumn,
        StartedLocalColumn,
        StartedUtcColumn,
        CallerColumn,
        OutcomeColumn,
        HangupCauseColumn,
        RingSecondsColumn,
        TalkSecondsColumn,
        CostColumn,
        AllowedRuleColumn,
        ColumnCount,
    };

    AttemptHistoryDialog(const QString &storePath, qint64 callId, QWidget *parent = nullptr);
    ~AttemptHistoryDialog() override;

    qint64 callId() const { return m_callId; }
    // True once the history was shown or its error reported.
    bool isLoaded() const { return m_loaded; }

Q_SIGNALS:
    void loaded();

private:
    void showHistory(const Result<AttemptHistory> &history);
    void fillRow(int row, const Attempt &attempt, const QByteArray &calleeZone);

    qint64 m_callId = 0;
    bool m_loaded = false;
    QLabel *m_summary = nullptr;
    QTableWidget *m_table = nullptr;
    QFutureWatcher<Result<AttemptHistory>> m_watcher;
};

} // namespace Dialdeck
