#include "plivoimportdialog.h"

#include "dialer/callernumberimport.h"
#include "store/phonerepository.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Index of the number in m_numbers.
constexpr int NumberIndexRole = Qt::UserRole + 1;

} // namespace

PlivoImportDialog::PlivoImportDialog(const PlivoSettings &plivo, QSqlDatabase db, QWidget *parent)
    : QDialog(parent)
    , m_db(std::move(db))
{
    setObjectName(u"plivoImportDialog"_s);
    setWindowTitle(tr("Import Caller Numbers from Plivo"));

    m_status =
        new QLabel(tr("Reading the account's numbers from %1…").arg(plivo.baseUrl.toString()));
    m_status->setObjectName(u"plivoImportStatusLabel"_s);
    m_status->setWordWrap(true);
    m_list = new QListWidget;
    m_list->setObjectName(u"plivoNumberList"_s);
    m_list->setAccessibleName(tr("Numbers of the Plivo account"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_addButton = m_buttons->addButton(tr("&Add Selected"), QDialogButtonBox::AcceptRole);
    m_addButton->setObjectName(u"plivoImportAddButton"_s);
    m_addButton->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &PlivoImportDialog::addSelected);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::itemChanged, this, &PlivoImportDialog::updateButtons);

    m_account = new PlivoAccount(plivo, this);
    m_account->listNumbers(
        [this](const Result<QList<PlivoNumber>> &numbers) { showNumbers(numbers); });
}

void PlivoImportDialog::showNumbers(const Result<QList<PlivoNumber>> &numbers)
{
    if (!numbers) {
        m_status->setText(numbers.error().message);
        return;
    }
    m_numbers = *numbers;

    PhoneRepository phones(m_db);
    const QSignalBlocker blocker(m_list);
    for (int index = 0; index < m_numbers.size(); ++index) {
        const PlivoNumber &number = m_numbers.at(index);
        QStringList details{number.e164};
        if (!number.alias.isEmpty())
            details.append(number.alias);
        if (!number.region.isEmpty() || !number.country.isEmpty())
            details.append(number.region.isEmpty() ? number.country : number.region);

        const Result<std::optional<Phone>> existing = phones.findByE164(number.e164);
        const bool present = existing && existing->has_value();
        if (present)
            details.append(tr("already a caller number"));
        if (!number.voiceEnabled)
            details.append(tr("voice not enabled"));

        auto *item = new QListWidgetItem(details.join(u" — "_s), m_list);
        item->setData(NumberIndexRole, index);
        const bool selectable = number.voiceEnabled && !present;
        item->setFlags(selectable ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable : Qt::NoItemFlags);
        item->setCheckState(selectable ? Qt::Checked : Qt::Unchecked);
    }
    m_status->setText(
        tr("%n number(s) in the account. Tick the ones to add.", nullptr, int(m_numbers.size())));
    updateButtons();
}

void PlivoImportDialog::updateButtons()
{
    bool anyTicked = false;
    for (int row = 0; row < m_list->count(); ++row)
        anyTicked = anyTicked || m_list->item(row)->checkState() == Qt::Checked;
    m_addButton->setEnabled(anyTicked);
}

void PlivoImportDialog::addSelected()
{
    QList<PlivoNumber> ticked;
    for (int row = 0; row < m_list->count(); ++row) {
        const QListWidgetItem *item = m_list->item(row);
        if (item->checkState() == Qt::Checked)
            ticked.append(m_numbers.at(item->data(NumberIndexRole).toInt()));
    }

    PhoneRepository phones(m_db);
    const Result<CallerNumberImport::Outcome> outcome =
        CallerNumberImport::addNumbers(phones, ticked);
    if (!outcome) {
        m_status->setText(tr("Adding the numbers failed: %1").arg(outcome.error().message));
        return;
    }
    Q_EMIT numbersAdded(int(outcome->added.size()));
    accept();
}

} // namespace Dialdeck
