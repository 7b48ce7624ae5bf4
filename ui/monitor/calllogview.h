#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace Dialdeck {

class AttemptHistoryDialog;
class CallLogModel;

// The call log of one batch: a filter bar (status, caller number, zone, free
// text) over a table of calls. Double-click or Enter on a row opens the
// call's attempt history.
class CallLogView final : public QWidget
{
    Q_OBJECT

public:
    explicit CallLogView(QWidget *parent = nullptr);
    ~CallLogView() override;

    // Opens the store read-only for the call log; errors appear in the status line.
    void setStorePath(const QString &storePath);
    void setBatch(const QString &batchId);
    // Counts and reads the calls again, e.g. after the batch finished.
    void refresh();

    // Wall-clock interval at which the rows on screen are read again while
    // the view is visible; 0 turns it off.
    void setReloadIntervalMs(int intervalMs);

    CallLogModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    // The last attempt history dialog opened, or null.
    AttemptHistoryDialog *attemptHistoryDialog() const;

Q_SIGNALS:
    void attemptHistoryOpened(qint64 callId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QWidget *createFilterBar();
    void applyFilter();
    void reloadVisibleRows();
    void updateFilterChoices(const QStringList &callerNumbers, const QStringList &timeZones);
    void updateStatusLine();
    void openAttemptHistory(const QModelIndex &index);
    void saveViewState() const;
    void restoreViewState();

    CallLogModel *m_model = nullptr;
    QComboBox *m_statusFilter = nullptr;
    QComboBox *m_callerFilter = nullptr;
    QComboBox *m_zoneFilter = nullptr;
    QLineEdit *m_search = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_statusLine = nullptr;
    QTimer *m_searchDelay = nullptr;
    QTimer *m_reloadTimer = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QString m_loadError;
    QPointer<AttemptHistoryDialog> m_dialog;
};

} // namespace Dialdeck
