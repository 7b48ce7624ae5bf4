#include "rotationpanel.h"

#include "callernumberlistmodel.h"
#include "core/ids.h"
#include "core/logging.h"
#include "dialer/progresssnapshot.h"
#include "phoneeditdialog.h"
#include "store/phonerepository.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr int PhoneIdRole = Qt::UserRole + 1;
constexpr int EnabledRole = Qt::UserRole + 2;

} // namespace

RotationPanel::RotationPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"rotationPanel"_s);

    m_model = new CallerNumberListModel(this);
    m_table = new QTableView;
    m_table->setObjectName(u"callerNumbersTable"_s);
    m_table->setAccessibleName(tr("Caller numbers"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(CallerNumberListModel::IdColumn, false);

    m_add = new QPushButton(tr("&Add Number…"));
    m_add->setObjectName(u"addCallerButton"_s);
    m_edit = new QPushButton(tr("&Edit Number…"));
    m_edit->setObjectName(u"editCallerButton"_s);
    m_importPlivo = new QPushButton(tr("&Import from Plivo…"));
    m_importPlivo->setObjectName(u"importPlivoButton"_s);
    m_importPlivo->setToolTip(tr("Add numbers of the Plivo account as caller numbers"));
    m_importPlivo->setVisible(false);
    auto *tableButtons = new QHBoxLayout;
    tableButtons->addWidget(m_add);
    tableButtons->addWidget(m_edit);
    tableButtons->addWidget(m_importPlivo);
    tableButtons->addStretch();

    auto *numbersGroup = new QGroupBox(tr("Caller numbers"));
    auto *numbersLayout = new QVBoxLayout(numbersGroup);
    numbersLayout->addWidget(m_table);
    numbersLayout->addLayout(tableButtons);

    m_strategy = new QComboBox;
    m_strategy->setObjectName(u"rotationStrategyCombo"_s);
    m_strategy->setAccessibleName(tr("Rotation strategy"));
    m_strategy->addItem(tr("Round robin"), int(RotationStrategy::RoundRobin));
    m_strategy->addItem(tr("Least recently used"), int(RotationStrategy::LeastRecentlyUsed));
    m_strategy->addItem(tr("Local presence (same area code)"), int(RotationStrategy::LocalPresence));

    m_picker = new QListWidget;
    m_picker->setObjectName(u"rotationPicker"_s);
    m_picker->setAccessibleName(tr("Caller numbers this batch rotates through"));
    m_pickerHint = new QLabel;
    m_pickerHint->setObjectName(u"rotationHint"_s);
    m_pickerHint->setWordWrap(true);

    auto *batchGroup = new QGroupBox(tr("This batch"));
    auto *batchLayout = new QFormLayout(batchGroup);
    batchLayout->addRow(tr("&Strategy:"), m_strategy);
    batchLayout->addRow(tr("&Numbers to use:"), m_picker);
    batchLayout->addRow(m_pickerHint);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(u"rotationSplitter"_s);
    splitter->addWidget(numbersGroup);
    splitter->addWidget(batchGroup);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_add, &QPushButton::clicked, this, &RotationPanel::addPhone);
    connect(m_importPlivo, &QPushButton::clicked, this, &RotationPanel::plivoImportRequested);
    connect(m_edit, &QPushButton::clicked, this, &RotationPanel::editSelectedPhone);
    connect(m_table, &QTableView::doubleClicked, this, &RotationPanel::editSelectedPhone);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RotationPanel::updateButtons);
    connect(m_picker, &QListWidget::itemChanged, this, [this] {
        if (m_filling)
            return;
        updateButtons();
        Q_EMIT selectionChanged(selectedPhoneIds());
    });
    connect(m_strategy, &QComboBox::activated, this, [this] { Q_EMIT strategyChanged(strategy()); });

    setBatch(QString(), {}, RotationStrategy::RoundRobin, false);
}

void RotationPanel::setDatabase(QSqlDatabase db)
{
    m_db = std::move(db);
    reloadPhones();
}

const QList<Phone> &RotationPanel::phones() const
{
    return m_model->phones();
}

void RotationPanel::reloadPhones()
{
    if (!m_db.isValid())
        return;

    Result<QList<Phone>> phones = PhoneRepository(m_db).list();
    if (!phones) {
        Q_EMIT errorOccurred(phones.error().message);
        return;
    }
    const QStringList picked = selectedPhoneIds();
    m_model->setPhones(*phones);
    fillPicker(picked);
    updateButtons();
    Q_EMIT phonesChanged();
}

void RotationPanel::setBatch(const QString &batchId, const QStringList &phoneIds,
                             RotationStrategy strategy, bool editable)
{
    m_batchId = batchId;
    m_strategy->setCurrentIndex(m_strategy->findData(int(strategy)));
    fillPicker(batchId.isEmpty() ? QStringList() : phoneIds);
    m_picker->setEnabled(editable && !batchId.isEmpty());
    m_strategy->setEnabled(editable && !batchId.isEmpty());
    m_model->setLiveFigures({}, 0);
    updateButtons();
}

void RotationPanel::fillPicker(const QStringList &pickedIds)
{
    m_filling = true;
    m_picker->clear();

    // Picked numbers first, in the batch's order, then the rest in store order.
    QList<Phone> ordered;
    for (const QString &id : pickedIds) {
        for (const Phone &phone : m_model->phones()) {
            if (phone.id == id)
                ordered.append(phone);
        }
    }
    for (const Phone &phone : m_model->phones()) {
        if (!pickedIds.contains(phone.id))
            ordered.append(phone);
    }

    for (const Phone &phone : std::as_const(ordered)) {
        QString text = phone.label.isEmpty() ? phone.e164 : tr("%1 (%2)").arg(phone.e164, phone.label);
        if (!phone.enabled)
            text = tr("%1 — disabled").arg(text);
        auto *item = new QListWidgetItem(text, m_picker);
        item->setData(PhoneIdRole, phone.id);
        item->setData(EnabledRole, phone.enabled);
        item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
        item->setCheckState(pickedIds.contains(phone.id) ? Qt::Checked : Qt::Unchecked);
    }
    m_filling = false;
}

QStringList RotationPanel::selectedPhoneIds() const
{
    QStringList ids;
    for (int i = 0; i < m_picker->count(); ++i) {
        const QListWidgetItem *item = m_picker->item(i);
        if (item->checkState() == Qt::Checked)
            ids.append(item->data(PhoneIdRole).toString());
    }
    return ids;
}

int RotationPanel::enabledSelectedCount() const
{
    int count = 0;
    for (int i = 0; i < m_picker->count(); ++i) {
        const QListWidgetItem *item = m_picker->item(i);
        if (item->checkState() == Qt::Checked && item->data(EnabledRole).toBool())
            ++count;
    }
    return count;
}

RotationStrategy RotationPanel::strategy() const
{
    return RotationStrategy(m_strategy->currentData().toInt());
}

void RotationPanel::applyProgress(const BatchProgress *progress)
{
    if (!progress) {
        m_model->setLiveFigures({}, 0);
        return;
    }
    m_model->setLiveFigures(progress->callerNumbers, progress->nowMs);
}

void RotationPanel::addPhone()
{
    openEditor(Phone());
}

void RotationPanel::editSelectedPhone()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    if (std::optional<Phone> phone = m_model->phone(rows.first().row()))
        openEditor(*phone);
}

void RotationPanel::openEditor(const Phone &phone)
{
    if (m_editDialog)
        return;

    QSet<QString> taken;
    for (const Phone &existing : m_model->phones())
        taken.insert(existing.e164);

    const bool adding = phone.id.isEmpty();
    m_editDialog = new PhoneEditDialog(phone, taken, this);
    m_editDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_editDialog, &QDialog::accepted, this, [this, adding] {
        if (m_editDialog)
            saveEdited(m_editDialog->phone(), adding);
    });
    m_editDialog->open();
}

void RotationPanel::saveEdited(const Phone &edited, bool adding)
{
    PhoneRepository phones(m_db);
    Phone phone = edited;
    Result<void> saved = Result<void>();
    if (adding) {
        phone.id = Ids::generate();
        phone.createdAt = QDateTime::currentDateTimeUtc();
        saved = phones.insert(phone);
    } else {
        saved = phones.update(phone);
    }

    if (!saved) {
        qCWarning(lcUi) << "Saving caller number" << phone.e164 << "failed:" << saved.error().message;
        Q_EMIT errorOccurred(saved.error().message);
        return;
    }
    reloadPhones();
}

void RotationPanel::setPlivoImportAvailable(bool available)
{
    m_importPlivo->setVisible(available);
}

void RotationPanel::updateButtons()
{
    m_edit->setEnabled(m_table->selectionModel()->hasSelection());

    if (m_batchId.isEmpty()) {
        m_pickerHint->setText(tr("Select a batch to choose its caller numbers."));
    } else if (m_model->phones().isEmpty()) {
        m_pickerHint->setText(tr("Add a caller number above, then tick it here."));
    } else if (enabledSelectedCount() == 0) {
        m_pickerHint->setText(tr("Tick at least one enabled number for this batch."));
    } else {
        m_pickerHint->setText(tr("%n enabled number(s) in rotation.", nullptr, enabledSelectedCount()));
    }
}

} // namespace Dialdeck
