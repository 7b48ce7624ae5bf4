#pragma once

#include <QWidget>

class QAction;
class QCheckBox;
class QLineEdit;
class QTableView;

namespace Dialdeck {

class BatchFilterModel;
class BatchListModel;
struct BatchRow;

// The batch list: a filter box, a sortable table and the rename, duplicate
// and archive actions for the selected batch. The panel only reports
// requests; the main window does the store work.
class BatchListPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit BatchListPanel(QWidget *parent = nullptr);

    BatchListModel *model() const { return m_model; }
    BatchFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    QAction *renameAction() const { return m_rename; }
    QAction *duplicateAction() const { return m_duplicate; }
    QAction *archiveAction() const { return m_archive; }

    // Replaces the rows and keeps the selected batch selected when it is still listed.
    void setRows(QList<BatchRow> rows);

    QString currentBatchId() const;
    // Selects the batch's row; returns false when the list does not show it.
    bool selectBatch(const QString &batchId);
    // Enables archive only where the main window allows it (not while running).
    void setArchiveAllowed(bool allowed);

    QByteArray saveState() const;
    void restoreState(const QByteArray &state);

Q_SIGNALS:
    void currentBatchChanged(const QString &batchId);
    void duplicateRequested(const QString &batchId);
    void archiveRequested(const QString &batchId);

private:
    void onCurrentChanged();
    void startRename();

    BatchListModel *m_model = nullptr;
    BatchFilterModel *m_filter = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QCheckBox *m_showArchived = nullptr;
    QTableView *m_table = nullptr;
    QAction *m_rename = nullptr;
    QAction *m_duplicate = nullptr;
    QAction *m_archive = nullptr;
    QString m_currentId;
    bool m_archiveAllowed = false;
    bool m_replacingRows = false;
};

} // namespace Dialdeck
