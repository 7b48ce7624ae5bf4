#include "phoneeditdialog.h"

#include "import/phonenormaliser.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>

namespace Dialdeck {

using namespace Qt::StringLiterals;

PhoneEditDialog::PhoneEditDialog(const Phone &phone, const QSet<QString> &takenNumbers, QWidget *parent)
    : QDialog(parent)
    , m_phone(phone)
    , m_takenNumbers(takenNumbers)
{
    setObjectName(u"phoneEditDialog"_s);
    const bool adding = phone.id.isEmpty();
    setWindowTitle(adding ? tr("Add Caller Number") : tr("Edit Caller Number"));

    m_number = new QLineEdit(phone.e164);
    m_number->setObjectName(u"phoneNumberEdit"_s);
    m_number->setPlaceholderText(u"+12125550100"_s);
    m_number->setAccessibleName(tr("Caller number in E.164 form"));
    m_number->setReadOnly(!adding);
    m_problemLabel = new QLabel;
    m_problemLabel->setObjectName(u"phoneProblemLabel"_s);
    m_problemLabel->setWordWrap(true);

    m_label = new QLineEdit(phone.label);
    m_label->setObjectName(u"phoneLabelEdit"_s);
    m_label->setAccessibleName(tr("Label"));
    m_enabled = new QCheckBox(tr("&Enabled for dialing"));
    m_enabled->setObjectName(u"phoneEnabledCheck"_s);
    m_enabled->setChecked(phone.enabled);
    m_dailyCap = new QSpinBox;
    m_dailyCap->setObjectName(u"phoneDailyCapSpin"_s);
    m_dailyCap->setRange(0, 1000000);
    m_dailyCap->setSpecialValueText(tr("No cap"));
    m_dailyCap->setValue(phone.dailyCap);
    m_dailyCap->setAccessibleName(tr("Calls per day, 0 for no cap"));
    m_cooldown = new QSpinBox;
    m_cooldown->setObjectName(u"phoneCooldownSpin"_s);
    m_cooldown->setRange(0, 24 * 60 * 60);
    m_cooldown->setSuffix(tr(" s"));
    m_cooldown->setValue(phone.cooldownSeconds);
    m_cooldown->setAccessibleName(tr("Rest after each call in seconds"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->setObjectName(u"phoneEditButtons"_s);

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Number:"), m_number);
    form->addRow(m_problemLabel);
    form->addRow(tr("&Label:"), m_label);
    form->addRow(QString(), m_enabled);
    form->addRow(tr("&Daily cap:"), m_dailyCap);
    form->addRow(tr("&Cooldown:"), m_cooldown);
    form->addRow(m_buttons);

    connect(m_number, &QLineEdit::textChanged, this, &PhoneEditDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

Phone PhoneEditDialog::phone() const
{
    Phone edited = m_phone;
    edited.e164 = m_number->text().trimmed();
    edited.label = m_label->text().trimmed();
    edited.enabled = m_enabled->isChecked();
    edited.dailyCap = m_dailyCap->value();
    edited.cooldownSeconds = m_cooldown->value();
    return edited;
}

QString PhoneEditDialog::checkE164(const QString &text)
{
    static const QRegularExpression shape(u"^\\+[1-9][0-9]{1,14}$"_s);

    const QString number = text.trimmed();
    if (number.isEmpty())
        return tr("Enter the caller number in E.164 form: + then country code and number, "
                  "digits only, e.g. +12125550100.");
    if (!shape.match(number).hasMatch())
        return tr("\"%1\" is not in E.164 form; write + then country code and number, digits "
                  "only, with no spaces or dashes, e.g. +12125550100.")
            .arg(number);

    // The region only matters for numbers without a country code, which the shape check excludes.
    static const PhoneNormaliser normaliser;
    Result<NormalisedPhone> normalised = normaliser.normalise(number, u"US"_s);
    if (!normalised)
        return normalised.error().message;
    if (normalised->e164 != number)
        return tr("\"%1\" is not a complete number; did you mean %2?").arg(number, normalised->e164);
    return QString();
}

void PhoneEditDialog::validate()
{
    const QString number = m_number->text().trimmed();
    m_problem = checkE164(number);
    if (m_problem.isEmpty() && m_phone.id.isEmpty() && m_takenNumbers.contains(number))
        m_problem = tr("%1 is already a caller number; edit that entry instead.").arg(number);

    m_problemLabel->setText(m_problem);
    m_problemLabel->setVisible(!m_problem.isEmpty());
    m_number->setAccessibleDescription(m_problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_problem.isEmpty());
}

} // namespace Dialdeck
