#include "calllogview.h"

#include "attempthistorydialog.h"
#include "calllogmodel.h"
#include "monitortext.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Typing pauses shorter than this are taken as one search, so each key does
// not start a query over the whole batch.
constexpr int SearchDelayMs = 300;
constexpr int DefaultReloadIntervalMs = 2000;
const QString HeaderStateKey = u"monitor/callLogHeaderState"_s;

// Replaces the choices after the first ("any") entry, keeping the current
// choice when it is still offered.
void replaceChoices(QComboBox *combo, const QStringList &choices)
{
    const QString current = combo->currentData().toString();
    const QSignalBlocker blocker(combo);

    while (combo->count() > 1)
        combo->removeItem(1);
    for (const QString &choice : choices)
        combo->addItem(choice, choice);

    const int index = combo->findData(current);
    combo->setCurrentIndex(index >= 0 ? index : 0);
}

} // namespace

CallLogView::CallLogView(QWidget *parent) : QWidget(parent)
{
    m_model = new CallLogModel(this);

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(SearchDelayMs);
    connect(m_searchDelay, &QTimer::timeout, this, &CallLogView::applyFilter);

    m_table = new QTableView(this);
    m_table->setObjectName(u"callLogTable"_s);
    m_table->setAccessibleName(tr("Calls of the batch"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    // Fixed row heights and interactive column widths keep the view from
    // measuring rows it has not loaded.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSortIndicator(CallLogModel::IdColumn, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);

    m_statusLine = new QLabel(this);
    m_statusLine->setObjectName(u"callLogStatus"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createFilterBar());
    layout->addWidget(m_table, 1);
    layout->addWidget(m_statusLine);

    m_reloadTimer = new QTimer(this);
    m_reloadTimer->setInterval(DefaultReloadIntervalMs);
    connect(m_reloadTimer, &QTimer::timeout, this, &CallLogView::reloadVisibleRows);

    connect(m_table, &QAbstractItemView::activated, this, &CallLogView::openAttemptHistory);
    connect(m_model, &CallLogModel::filterChoicesChanged, this, &CallLogView::updateFilterChoices);
    connect(m_model, &CallLogModel::ready, this, &CallLogView::updateStatusLine);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CallLogView::updateStatusLine);
    connect(m_model, &CallLogModel::loadFailed, this, [this](const QString &message) {
        m_loadError = message;
        updateStatusLine();
    });
    connect(m_model, &CallLogModel::openFailed, this, [this](const QString &message) {
        m_loadError = message;
        updateStatusLine();
    });

    setTabOrder(m_statusFilter, m_callerFilter);
    setTabOrder(m_callerFilter, m_zoneFilter);
    setTabOrder(m_zoneFilter, m_search);
    setTabOrder(m_search, m_refreshButton);
    setTabOrder(m_refreshButton, m_table);

    restoreViewState();
    updateStatusLine();
}

CallLogView::~CallLogView()
{
    saveViewState();
}

QWidget *CallLogView::createFilterBar()
{
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);

    m_statusFilter = new QComboBox(bar);
    m_statusFilter->setObjectName(u"callLogStatusFilter"_s);
    m_statusFilter->setAccessibleName(tr("Status filter"));
    m_statusFilter->addItem(tr("Any status"));
    for (int i = 0; i < CallStatusCount; ++i)
        m_statusFilter->addItem(MonitorText::callStatus(CallStatus(i)), toString(CallStatus(i)));

    m_callerFilter = new QComboBox(bar);
    m_callerFilter->setObjectName(u"callLogCallerFilter"_s);
    m_callerFilter->setAccessibleName(tr("Caller number filter"));
    m_callerFilter->addItem(tr("Any caller number"));

    m_zoneFilter = new QComboBox(bar);
    m_zoneFilter->setObjectName(u"callLogZoneFilter"_s);
    m_zoneFilter->setAccessibleName(tr("Time zone filter"));
    m_zoneFilter->addItem(tr("Any time zone"));

    m_search = new QLineEdit(bar);
    m_search->setObjectName(u"callLogSearch"_s);
    m_search->setAccessibleName(tr("Search by name or number"));
    m_search->setPlaceholderText(tr("Name or number"));
    m_search->setClearButtonEnabled(true);

    m_refreshButton = new QPushButton(tr("&Refresh"), bar);
    m_refreshButton->setObjectName(u"callLogRefresh"_s);

    auto *statusLabel = new QLabel(tr("&Status:"), bar);
    statusLabel->setBuddy(m_statusFilter);
    auto *callerLabel = new QLabel(tr("&Caller:"), bar);
    callerLabel->setBuddy(m_callerFilter);
    auto *zoneLabel = new QLabel(tr("&Zone:"), bar);
    zoneLabel->setBuddy(m_zoneFilter);

    layout->addWidget(statusLabel);
    layout->addWidget(m_statusFilter);
    layout->addWidget(callerLabel);
    layout->addWidget(m_callerFilter);
    layout->addWidget(zoneLabel);
    layout->addWidget(m_zoneFilter);
    layout->addWidget(m_search, 1);
    layout->addWidget(m_refreshButton);

    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &CallLogView::applyFilter);
    connect(m_callerFilter, &QComboBox::currentIndexChanged, this, &CallLogView::applyFilter);
    connect(m_zoneFilter, &QComboBox::currentIndexChanged, this, &CallLogView::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &CallLogView::applyFilter);
    connect(m_refreshButton, &QPushButton::clicked, this, &CallLogView::refresh);
    return bar;
}

void CallLogView::setStorePath(const QString &storePath)
{
    m_loadError.clear();
    m_model->open(storePath);
}

void CallLogView::setBatch(const QString &batchId)
{
    m_loadError.clear();
    m_model->setBatch(batchId);
}

void CallLogView::refresh()
{
    m_loadError.clear();
    m_model->refresh();
}

void CallLogView::setReloadIntervalMs(int intervalMs)
{
    m_reloadTimer->setInterval(std::max(intervalMs, 0));
    if (intervalMs <= 0)
        m_reloadTimer->stop();
    else if (isVisible())
        m_reloadTimer->start();
}

AttemptHistoryDialog *CallLogView::attemptHistoryDialog() const
{
    return m_dialog;
}

void CallLogView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_reloadTimer->interval() > 0)
        m_reloadTimer->start();
}

void CallLogView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_reloadTimer->stop();
}

void CallLogView::reloadVisibleRows()
{
    const int first = m_table->rowAt(0);
    if (first < 0)
        return;

    // rowAt() returns -1 below the last row, when the table is not full.
    const int bottom = m_table->rowAt(m_table->viewport()->height() - 1);
    m_model->reloadCachedRows(first, bottom < 0 ? m_model->rowCount() - 1 : bottom);
}

void CallLogView::applyFilter()
{
    m_searchDelay->stop();

    CallLogFilter filter;
    if (const QString status = m_statusFilter->currentData().toString(); !status.isEmpty())
        filter.status = callStatusFromString(status);
    filter.callerE164 = m_callerFilter->currentData().toString();
    filter.timeZone = m_zoneFilter->currentData().toString();
    filter.text = m_search->text().trimmed();

    m_loadError.clear();
    m_model->setFilter(filter);
}

void CallLogView::updateFilterChoices(const QStringList &callerNumbers,
                                      const QStringList &timeZones)
{
    replaceChoices(m_callerFilter, callerNumbers);
    replaceChoices(m_zoneFilter, timeZones);
}

void CallLogView::updateStatusLine()
{
    if (!m_loadError.isEmpty()) {
        m_statusLine->setText(m_loadError);
        return;
    }
    if (m_model->batchId().isEmpty()) {
        m_statusLine->setText(tr("No batch selected."));
        return;
    }
    if (!m_model->isReady()) {
        m_statusLine->setText(tr("Reading calls…"));
        return;
    }
    m_statusLine->setText(tr("Calls matching: %1").arg(m_model->rowCount()));
}

void CallLogView::openAttemptHistory(const QModelIndex &index)
{
    const std::optional<qint64> callId = m_model->callIdAt(index.row());
    if (!index.isValid() || !callId)
        return;

    auto *dialog = new AttemptHistoryDialog(m_model->storePath(), *callId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    m_dialog = dialog;
    Q_EMIT attemptHistoryOpened(*callId);
}

void CallLogView::saveViewState() const
{
    QSettings settings;
    settings.setValue(HeaderStateKey, m_table->horizontalHeader()->saveState());
}

void CallLogView::restoreViewState()
{
    const QSettings settings;
    const QByteArray state = settings.value(HeaderStateKey).toByteArray();
    if (!state.isEmpty())
        m_table->horizontalHeader()->restoreState(state);
}

} // namespace Dialdeck
