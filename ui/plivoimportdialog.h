#pragma once

#include "carrier/plivoaccount.h"

#include <QDialog>
#include <QSqlDatabase>

class QDialogButtonBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace Dialdeck {

// Lists the numbers of the Plivo account and adds the ones the operator
// ticks as caller numbers. Numbers already among the caller numbers, and
// numbers without voice, are shown but cannot be ticked.
class PlivoImportDialog final : public QDialog
{
    Q_OBJECT

public:
    // `db` is the UI thread's store connection; the inserts are short.
    PlivoImportDialog(const PlivoSettings &plivo, QSqlDatabase db, QWidget *parent = nullptr);

    QListWidget *numberList() const { return m_list; }

public Q_SLOTS:
    // Adds the ticked numbers and closes the dialog.
    void addSelected();

Q_SIGNALS:
    // Numbers were added; the caller-number list should be read again.
    void numbersAdded(int count);

private:
    void showNumbers(const Result<QList<PlivoNumber>> &numbers);
    void updateButtons();

    QSqlDatabase m_db;
    PlivoAccount *m_account = nullptr;
    QList<PlivoNumber> m_numbers;
    QLabel *m_status = nullptr;
    QListWidget *m_list = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_addButton = nullptr;
};

} // namespace Dialdeck
