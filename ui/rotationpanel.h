#pragma once

#include "core/batchconfig.h"
#include "core/domain.h"
#include "phoneeditdialog.h"

#include <QPointer>
#include <QSqlDatabase>
#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableView;

namespace Dialdeck {

class CallerNumberListModel;
struct BatchProgress;

// Caller numbers and how a batch rotates through them: the table of every
// number (add, edit), a check list of the numbers the selected batch uses,
// the rotation strategy and each number's live figures while the batch runs.
// Numbers are saved here through PhoneRepository; the batch's selection and
// strategy are reported by signals for the main window to save.
class RotationPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit RotationPanel(QWidget *parent = nullptr);

    // The UI thread's store connection; caller-number queries are short.
    void setDatabase(QSqlDatabase db);
    // Reads the caller numbers again and keeps the current picks.
    void reloadPhones();

    // Shows the picks and strategy of a batch; an empty id clears the picker.
    void setBatch(const QString &batchId, const QStringList &phoneIds, RotationStrategy strategy,
                  bool editable);
    QStringList selectedPhoneIds() const;
    // Picked numbers that are enabled for dialing.
    int enabledSelectedCount() const;
    RotationStrategy strategy() const;

    void applyProgress(const BatchProgress *progress);

    // Shows "Import from Plivo…", which emits plivoImportRequested(); only
    // when the console dials through Plivo.
    void setPlivoImportAvailable(bool available);

    // The add or edit dialog while it is open, else null.
    PhoneEditDialog *phoneEditDialog() const { return m_editDialog; }
    const QList<Phone> &phones() const;

public Q_SLOTS:
    void addPhone();
    void editSelectedPhone();

Q_SIGNALS:
    void selectionChanged(const QStringList &phoneIds);
    void strategyChanged(Dialdeck::RotationStrategy strategy);
    // The caller numbers were read again, e.g. after an add or edit.
    void phonesChanged();
    // A store operation failed; the text names it and what to do.
    void errorOccurred(const QString &message);
    void plivoImportRequested();

private:
    void openEditor(const Phone &phone);
    void saveEdited(const Phone &phone, bool adding);
    void fillPicker(const QStringList &pickedIds);
    void updateButtons();

    QSqlDatabase m_db;
    QString m_batchId;
    bool m_filling = false;
    CallerNumberListModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_edit = nullptr;
    QPushButton *m_importPlivo = nullptr;
    QListWidget *m_picker = nullptr;
    QComboBox *m_strategy = nullptr;
    QLabel *m_pickerHint = nullptr;
    QPointer<PhoneEditDialog> m_editDialog;
};

} // namespace Dialdeck
