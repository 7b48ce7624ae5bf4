#pragma once

#include "core/domain.h"

#include <QDialog>
#include <QSet>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Dialdeck {

// Adds or edits one caller number. The number must be in E.164 form and
// unknown to the store; an existing number keeps its number and id, as
// PhoneRepository::update() does. OK stays disabled while the input is
// invalid, and the reason is shown under the number.
class PhoneEditDialog final : public QDialog
{
    Q_OBJECT

public:
    // `phone` without an id adds a number; `takenNumbers` are the E.164
    // numbers the store already has.
    PhoneEditDialog(const Phone &phone, const QSet<QString> &takenNumbers, QWidget *parent = nullptr);

    // The edited number; call after accepted().
    Phone phone() const;
    QString problem() const { return m_problem; }

    // Returns an empty string when `text` is a dialable E.164 number, or a
    // sentence saying what is wrong with it.
    static QString checkE164(const QString &text);

private:
    void validate();

    Phone m_phone;
    QSet<QString> m_takenNumbers;
    QString m_problem;
    QLineEdit *m_number = nullptr;
    QLabel *m_problemLabel = nullptr;
    QLineEdit *m_label = nullptr;
    QCheckBox *m_enabled = nullptr;
    QSpinBox *m_dailyCap = nullptr;
    QSpinBox *m_cooldown = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Dialdeck
