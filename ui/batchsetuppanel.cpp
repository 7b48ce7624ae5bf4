#include "batchsetuppanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Object-name spelling of each weekday, Monday first as Qt::DayOfWeek counts.
constexpr std::array<const char16_t *, 7> dayKeys = {u"Mon", u"Tue", u"Wed", u"Thu",
                                                      u"Fri", u"Sat", u"Sun"};

// Seven days: the longest retry delay the editors offer, in seconds.
constexpr int MaxRetryDelaySeconds = 7 * 24 * 60 * 60;

// "retry.busy.maxAttempts" -> "retry.busy": the key of the label that shows it.
QString problemKey(const QString &field)
{
    if (field.startsWith(u"retry."_s)) {
        const qsizetype secondDot = field.indexOf(u'.', 6);
        return secondDot < 0 ? field : field.left(secondDot);
    }
    return field;
}

} // namespace

BatchSetupPanel::BatchSetupPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"batchSetupPanel"_s);

    auto *content = new QWidget;
    auto *grid = new QGridLayout(content);
    grid->addWidget(createWindowGroup(), 0, 0);
    grid->addWidget(createHolidayGroup(), 0, 1);
    grid->addWidget(createRegionGroup(), 1, 0);
    grid->addWidget(createPacingGroup(), 1, 1);
    grid->addWidget(createRetryGroup(), 2, 0, 1, 2);
    grid->setRowStretch(3, 1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_save = new QPushButton(tr("&Save settings"));
    m_save->setObjectName(u"saveConfigButton"_s);
    m_revert = new QPushButton(tr("Re&vert"));
    m_revert->setObjectName(u"revertConfigButton"_s);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(scroll);
    layout->addLayout(buttons);

    connect(m_save, &QPushButton::clicked, this, [this] { Q_EMIT saveRequested(config()); });
    connect(m_revert, &QPushButton::clicked, this, [this] { setConfig(m_saved, isEnabled()); });

    clear();
}

QWidget *BatchSetupPanel::createWindowGroup()
{
    auto *group = new QGroupBox(tr("Calling window"));
    auto *form = new QFormLayout(group);

    m_windowStart = new QTimeEdit;
    m_windowStart->setObjectName(u"windowStartEdit"_s);
    m_windowStart->setDisplayFormat(u"HH:mm"_s);
    m_windowStart->setAccessibleName(tr("Window opens at"));
    m_windowEnd = new QTimeEdit;
    m_windowEnd->setObjectName(u"windowEndEdit"_s);
    m_windowEnd->setDisplayFormat(u"HH:mm"_s);
    m_windowEnd->setAccessibleName(tr("Window closes at"));
    auto *times = new QHBoxLayout;
    times->addWidget(m_windowStart);
    times->addWidget(new QLabel(tr("to")));
    times->addWidget(m_windowEnd);
    times->addStretch();
    form->addRow(tr("Hours (callee's local time):"), times);
    form->addRow(addProblemLabel(u"window"_s));

    auto *days = new QHBoxLayout;
    const QLocale locale;
    for (int i = 0; i < 7; ++i) {
        auto *check = new QCheckBox(locale.dayName(i + 1, QLocale::ShortFormat));
        check->setObjectName(u"day"_s + QString::fromUtf16(dayKeys[std::size_t(i)]) + u"Check"_s);
        check->setAccessibleName(locale.dayName(i + 1, QLocale::LongFormat));
        m_dayChecks[std::size_t(i)] = check;
        days->addWidget(check);
        connect(check, &QCheckBox::toggled, this, &BatchSetupPanel::onEdited);
    }
    days->addStretch();
    form->addRow(tr("Allowed days:"), days);
    form->addRow(addProblemLabel(u"days"_s));

    connect(m_windowStart, &QTimeEdit::timeChanged, this, &BatchSetupPanel::onEdited);
    connect(m_windowEnd, &QTimeEdit::timeChanged, this, &BatchSetupPanel::onEdited);
    return group;
}

QWidget *BatchSetupPanel::createHolidayGroup()
{
    auto *group = new QGroupBox(tr("Holidays (no calls)"));
    auto *layout = new QVBoxLayout(group);

    m_holidayDate = new QDateEdit(QDate::currentDate());
    m_holidayDate->setObjectName(u"holidayDateEdit"_s);
    m_holidayDate->setCalendarPopup(true);
    m_holidayDate->setDisplayFormat(u"yyyy-MM-dd"_s);
    m_holidayDate->setAccessibleName(tr("Holiday date"));
    m_addHoliday = new QPushButton(tr("&Add"));
    m_addHoliday->setObjectName(u"addHolidayButton"_s);
    m_removeHoliday = new QPushButton(tr("Re&move"));
    m_removeHoliday->setObjectName(u"removeHolidayButton"_s);
    auto *row = new QHBoxLayout;
    row->addWidget(m_holidayDate);
    row->addWidget(m_addHoliday);
    row->addWidget(m_removeHoliday);

    m_holidayList = new QListWidget;
    m_holidayList->setObjectName(u"holidayList"_s);
    m_holidayList->setAccessibleName(tr("Holidays"));
    m_holidayList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_holidayList->setSortingEnabled(true);
    layout->addLayout(row);
    layout->addWidget(m_holidayList);

    connect(m_addHoliday, &QPushButton::clicked, this, &BatchSetupPanel::addHoliday);
    connect(m_removeHoliday, &QPushButton::clicked, this, &BatchSetupPanel::removeSelectedHolidays);
    connect(m_holidayList, &QListWidget::itemSelectionChanged, this, &BatchSetupPanel::updateButtons);
    return group;
}

QWidget *BatchSetupPanel::createRegionGroup()
{
    auto *group = new QGroupBox(tr("Numbers without a country or zone"));
    auto *form = new QFormLayout(group);

    m_region = new QLineEdit;
    m_region->setObjectName(u"regionEdit"_s);
    m_region->setMaxLength(2);
    m_region->setPlaceholderText(u"US"_s);
    m_region->setAccessibleName(tr("Default region"));
    m_region->setValidator(new QRegularExpressionValidator(QRegularExpression(u"[A-Za-z]{0,2}"_s), m_region));
    form->addRow(tr("Default &region (ISO 3166 code):"), m_region);
    form->addRow(addProblemLabel(u"defaultRegion"_s));

    m_timeZone = new QComboBox;
    m_timeZone->setObjectName(u"timeZoneCombo"_s);
    m_timeZone->setEditable(true);
    m_timeZone->setInsertPolicy(QComboBox::NoInsert);
    m_timeZone->setAccessibleName(tr("Default time zone"));
    for (const QByteArray &zone : QTimeZone::availableTimeZoneIds())
        m_timeZone->addItem(QString::fromUtf8(zone));
    m_timeZone->completer()->setFilterMode(Qt::MatchContains);
    m_timeZone->completer()->setCompletionMode(QCompleter::PopupCompletion);
    form->addRow(tr("Default &time zone (IANA):"), m_timeZone);
    form->addRow(addProblemLabel(u"defaultTimeZone"_s));

    connect(m_region, &QLineEdit::textEdited, this, &BatchSetupPanel::onEdited);
    connect(m_timeZone, &QComboBox::currentTextChanged, this, &BatchSetupPanel::onEdited);
    return group;
}

QWidget *BatchSetupPanel::createPacingGroup()
{
    auto *group = new QGroupBox(tr("Pacing"));
    auto *form = new QFormLayout(group);

    m_callsPerSecond = new QDoubleSpinBox;
    m_callsPerSecond->setObjectName(u"callsPerSecondSpin"_s);
    m_callsPerSecond->setRange(0.0, 1000.0);
    m_callsPerSecond->setDecimals(2);
    m_callsPerSecond->setSingleStep(0.5);
    m_callsPerSecond->setAccessibleName(tr("Calls per second"));
    form->addRow(tr("&Calls per second:"), m_callsPerSecond);
    form->addRow(addProblemLabel(u"maxCallsPerSecond"_s));

    m_concurrentCalls = new QSpinBox;
    m_concurrentCalls->setObjectName(u"concurrentCallsSpin"_s);
    m_concurrentCalls->setRange(0, 100000);
    m_concurrentCalls->setAccessibleName(tr("Concurrent calls"));
    form->addRow(tr("C&oncurrent calls:"), m_concurrentCalls);
    form->addRow(addProblemLabel(u"maxConcurrentCalls"_s));

    m_ringTimeout = new QSpinBox;
    m_ringTimeout->setObjectName(u"ringTimeoutSpin"_s);
    m_ringTimeout->setRange(0, 600);
    m_ringTimeout->setSuffix(tr(" s"));
    m_ringTimeout->setAccessibleName(tr("Ring timeout in seconds"));
    form->addRow(tr("Ring &timeout:"), m_ringTimeout);
    form->addRow(addProblemLabel(u"ringTimeoutSeconds"_s));

    m_timeLimit = new QSpinBox;
    m_timeLimit->setObjectName(u"timeLimitSpin"_s);
    m_timeLimit->setRange(0, 24 * 60 * 60);
    m_timeLimit->setSuffix(tr(" s"));
    m_timeLimit->setAccessibleName(tr("Call time limit in seconds"));
    form->addRow(tr("Call time &limit:"), m_timeLimit);
    form->addRow(addProblemLabel(u"timeLimitSeconds"_s));

    connect(m_callsPerSecond, &QDoubleSpinBox::valueChanged, this, &BatchSetupPanel::onEdited);
    connect(m_concurrentCalls, &QSpinBox::valueChanged, this, &BatchSetupPanel::onEdited);
    connect(m_ringTimeout, &QSpinBox::valueChanged, this, &BatchSetupPanel::onEdited);
    connect(m_timeLimit, &QSpinBox::valueChanged, this, &BatchSetupPanel::onEdited);
    return group;
}

QWidget *BatchSetupPanel::createRetryGroup()
{
    auto *group = new QGroupBox(tr("Retries after each outcome (attempts count the first dial)"));
    auto *grid = new QGridLayout(group);
    grid->addWidget(new QLabel(tr("Outcome")), 0, 0);
    grid->addWidget(new QLabel(tr("Max attempts")), 0, 1);
    grid->addWidget(new QLabel(tr("Delay before retry")), 0, 2);

    struct RetryRow
    {
        QString label;
        QString objectPrefix;
        QString fieldKey;
        RetryEditors *editors;
    };
    const QList<RetryRow> rows = {
        {tr("Busy"), u"retryBusy"_s, u"retry.busy"_s, &m_retryBusy},
        {tr("No answer"), u"retryNoAnswer"_s, u"retry.noAnswer"_s, &m_retryNoAnswer},
        {tr("Failed"), u"retryFailed"_s, u"retry.failed"_s, &m_retryFailed},
        {tr("Answering machine"), u"retryMachine"_s, u"retry.machine"_s, &m_retryMachine},
    };

    int gridRow = 1;
    for (const RetryRow &row : rows) {
        *row.editors = createRetryEditors(row.objectPrefix, row.label);
        grid->addWidget(new QLabel(row.label), gridRow, 0);
        grid->addWidget(row.editors->attempts, gridRow, 1);
        grid->addWidget(row.editors->delay, gridRow, 2);
        grid->addWidget(addProblemLabel(row.fieldKey), gridRow + 1, 0, 1, 3);
        gridRow += 2;
    }
    grid->setColumnStretch(3, 1);
    return group;
}

BatchSetupPanel::RetryEditors BatchSetupPanel::createRetryEditors(const QString &objectPrefix,
                                                                  const QString &accessibleName)
{
    RetryEditors editors;
    editors.attempts = new QSpinBox;
    editors.attempts->setObjectName(objectPrefix + u"AttemptsSpin"_s);
    editors.attempts->setRange(0, 100);
    editors.attempts->setAccessibleName(tr("%1: max attempts").arg(accessibleName));
    editors.delay = new QSpinBox;
    editors.delay->setObjectName(objectPrefix + u"DelaySpin"_s);
    editors.delay->setRange(0, MaxRetryDelaySeconds);
    editors.delay->setSingleStep(60);
    editors.delay->setSuffix(tr(" s"));
    editors.delay->setAccessibleName(tr("%1: delay before retry in seconds").arg(accessibleName));

    connect(editors.attempts, &QSpinBox::valueChanged, this, &BatchSetupPanel::onEdited);
    connect(editors.delay, &QSpinBox::valueChanged, this, &BatchSetupPanel::onEdited);
    return editors;
}

QLabel *BatchSetupPanel::addProblemLabel(const QString &fieldKey)
{
    auto *label = new QLabel;
    label->setObjectName(fieldKey + u"Problem"_s);
    label->setWordWrap(true);
    label->setVisible(false);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
    label->setPalette(palette);
    m_problemLabels.insert(fieldKey, label);
    return label;
}

void BatchSetupPanel::setConfig(const BatchConfig &config, bool editable)
{
    m_loading = true;
    m_saved = config;

    m_windowStart->setTime(config.windowStart);
    m_windowEnd->setTime(config.windowEnd);
    for (int i = 0; i < 7; ++i)
        m_dayChecks[std::size_t(i)]->setChecked(config.isDayAllowed(Qt::DayOfWeek(i + 1)));
    m_holidayList->clear();
    for (const QDate &date : config.holidays)
        m_holidayList->addItem(date.toString(Qt::ISODate));
    m_region->setText(config.defaultRegion);
    m_timeZone->setCurrentText(QString::fromUtf8(config.defaultTimeZone));
    m_callsPerSecond->setValue(config.maxCallsPerSecond);
    m_concurrentCalls->setValue(config.maxConcurrentCalls);
    m_ringTimeout->setValue(config.ringTimeoutSeconds);
    m_timeLimit->setValue(config.timeLimitSeconds);
    const auto setRetry = [](const RetryEditors &editors, const RetryRule &rule) {
        editors.attempts->setValue(rule.maxAttempts);
        editors.delay->setValue(rule.delaySeconds);
    };
    setRetry(m_retryBusy, config.retryBusy);
    setRetry(m_retryNoAnswer, config.retryNoAnswer);
    setRetry(m_retryFailed, config.retryFailed);
    setRetry(m_retryMachine, config.retryMachine);

    m_loading = false;
    setEnabled(editable);
    onEdited();
}

void BatchSetupPanel::clear()
{
    setConfig(BatchConfig(), false);
}

BatchConfig BatchSetupPanel::config() const
{
    BatchConfig config = m_saved;
    config.windowStart = m_windowStart->time();
    config.windowEnd = m_windowEnd->time();
    for (int i = 0; i < 7; ++i)
        config.setDayAllowed(Qt::DayOfWeek(i + 1), m_dayChecks[std::size_t(i)]->isChecked());

    config.holidays.clear();
    for (int i = 0; i < m_holidayList->count(); ++i)
        config.holidays.append(QDate::fromString(m_holidayList->item(i)->text(), Qt::ISODate));

    config.defaultRegion = m_region->text().trimmed().toUpper();
    config.defaultTimeZone = m_timeZone->currentText().trimmed().toUtf8();
    config.maxCallsPerSecond = m_callsPerSecond->value();
    config.maxConcurrentCalls = m_concurrentCalls->value();
    config.ringTimeoutSeconds = m_ringTimeout->value();
    config.timeLimitSeconds = m_timeLimit->value();
    const auto retry = [](const RetryEditors &editors) {
        return RetryRule{editors.attempts->value(), editors.delay->value()};
    };
    config.retryBusy = retry(m_retryBusy);
    config.retryNoAnswer = retry(m_retryNoAnswer);
    config.retryFailed = retry(m_retryFailed);
    config.retryMachine = retry(m_retryMachine);
    return config;
}

void BatchSetupPanel::markSaved()
{
    m_saved = config();
    updateButtons();
}

QString BatchSetupPanel::problemText(const QString &fieldKey) const
{
    const QLabel *label = m_problemLabels.value(fieldKey);
    return label && label->isVisibleTo(this) ? label->text() : QString();
}

void BatchSetupPanel::addHoliday()
{
    const QString text = m_holidayDate->date().toString(Qt::ISODate);
    if (!m_holidayList->findItems(text, Qt::MatchExactly).isEmpty())
        return;
    m_holidayList->addItem(text);
    onEdited();
}

void BatchSetupPanel::removeSelectedHolidays()
{
    const QList<QListWidgetItem *> selected = m_holidayList->selectedItems();
    if (selected.isEmpty())
        return;
    qDeleteAll(selected);
    onEdited();
}

void BatchSetupPanel::onEdited()
{
    if (m_loading)
        return;

    m_problems = config().validate();
    showProblems();
    updateButtons();
    Q_EMIT configEdited();
}

void BatchSetupPanel::showProblems()
{
    QHash<QString, QStringList> messages;
    for (const ConfigProblem &problem : std::as_const(m_problems))
        messages[problemKey(problem.field)].append(problem.message);

    for (auto it = m_problemLabels.cbegin(); it != m_problemLabels.cend(); ++it) {
        const QStringList text = messages.value(it.key());
        it.value()->setText(text.join(u' '));
        it.value()->setVisible(!text.isEmpty());
        // The problem text becomes the accessible description of the field's editors too.
        it.value()->setAccessibleDescription(text.join(u' '));
    }
}

void BatchSetupPanel::updateButtons()
{
    const bool modified = isModified();
    m_save->setEnabled(modified && m_problems.isEmpty());
    m_revert->setEnabled(modified);
    m_removeHoliday->setEnabled(!m_holidayList->selectedItems().isEmpty());
}

} // namespace Dialdeck
