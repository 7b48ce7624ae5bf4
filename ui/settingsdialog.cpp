#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

namespace Dialdeck {

using namespace Qt::StringLiterals;

SettingsDialog::SettingsDialog(const ConsoleSettings &settings, const QString &storePath, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
{
    setObjectName(u"settingsDialog"_s);
    setWindowTitle(tr("Settings"));

    m_problem = new QLabel;
    m_problem->setObjectName(u"settingsProblemLabel"_s);
    m_problem->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->setObjectName(u"settingsButtons"_s);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createCarrierGroup());
    layout->addWidget(createStoreGroup(storePath));
    layout->addWidget(createDefaultsGroup());
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validate();
}

QWidget *SettingsDialog::createCarrierGroup()
{
    auto *group = new QGroupBox(tr("Carrier"));
    auto *form = new QFormLayout(group);

    m_carrier = new QComboBox;
    m_carrier->setObjectName(u"carrierCombo"_s);
    m_carrier->addItem(tr("Simulated (no real calls)"), u"simulated"_s);
    m_carrier->setAccessibleName(tr("Carrier"));
    form->addRow(tr("&Carrier:"), m_carrier);

    m_seed = new QSpinBox;
    m_seed->setObjectName(u"seedSpin"_s);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(int(qMin<quint64>(m_settings.simulationSeed, quint64(std::numeric_limits<int>::max()))));
    m_seed->setAccessibleName(tr("Simulation seed"));
    form->addRow(tr("Simulation &seed:"), m_seed);

    m_speed = new QDoubleSpinBox;
    m_speed->setObjectName(u"clockSpeedSpin"_s);
    m_speed->setRange(0.0, 3600.0);
    m_speed->setDecimals(1);
    m_speed->setValue(m_settings.clockSpeed);
    m_speed->setSpecialValueText(tr("As fast as possible"));
    m_speed->setToolTip(tr("1 is real time; 60 runs a simulated minute per second."));
    m_speed->setAccessibleName(tr("Simulated clock speed"));
    form->addRow(tr("Clock s&peed (× real time):"), m_speed);
    return group;
}

QWidget *SettingsDialog::createStoreGroup(const QString &storePath)
{
    auto *group = new QGroupBox(tr("Store"));
    auto *form = new QFormLayout(group);
    m_storePath = new QLineEdit(m_settings.storePath);
    m_storePath->setObjectName(u"storePathEdit"_s);
    m_storePath->setPlaceholderText(QDir::toNativeSeparators(storePath));
    m_storePath->setAccessibleName(tr("Store file"));
    form->addRow(tr("Store &file:"), m_storePath);
    form->addRow(new QLabel(tr("Leave empty for the default location. Takes effect at the next start.")));
    return group;
}

QWidget *SettingsDialog::createDefaultsGroup()
{
    const BatchConfig &defaults = m_settings.newBatchDefaults;
    auto *group = new QGroupBox(tr("Defaults for new batches"));
    auto *form = new QFormLayout(group);

    m_windowStart = new QTimeEdit(defaults.windowStart);
    m_windowStart->setObjectName(u"defaultWindowStartEdit"_s);
    m_windowStart->setDisplayFormat(u"HH:mm"_s);
    m_windowStart->setAccessibleName(tr("Default window opens at"));
    m_windowEnd = new QTimeEdit(defaults.windowEnd);
    m_windowEnd->setObjectName(u"defaultWindowEndEdit"_s);
    m_windowEnd->setDisplayFormat(u"HH:mm"_s);
    m_windowEnd->setAccessibleName(tr("Default window closes at"));
    auto *window = new QHBoxLayout;
    window->addWidget(m_windowStart);
    window->addWidget(new QLabel(tr("to")));
    window->addWidget(m_windowEnd);
    window->addStretch();
    form->addRow(tr("Calling window:"), window);

    auto *days = new QHBoxLayout;
    const QLocale locale;
    for (int day = 1; day <= 7; ++day) {
        auto *check = new QCheckBox(locale.dayName(day, QLocale::ShortFormat));
        check->setObjectName(u"defaultDayCheck%1"_s.arg(day));
        check->setChecked(defaults.isDayAllowed(Qt::DayOfWeek(day)));
        m_days.append(check);
        days->addWidget(check);
        connect(check, &QCheckBox::toggled, this, &SettingsDialog::validate);
    }
    form->addRow(tr("Allowed days:"), days);

    m_region = new QLineEdit(defaults.defaultRegion);
    m_region->setObjectName(u"defaultRegionEdit"_s);
    m_region->setMaxLength(2);
    form->addRow(tr("Default &region:"), m_region);

    m_timeZone = new QComboBox;
    m_timeZone->setObjectName(u"defaultTimeZoneCombo"_s);
    m_timeZone->setEditable(true);
    m_timeZone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &zone : QTimeZone::availableTimeZoneIds())
        m_timeZone->addItem(QString::fromUtf8(zone));
    m_timeZone->completer()->setFilterMode(Qt::MatchContains);
    m_timeZone->setCurrentText(QString::fromUtf8(defaults.defaultTimeZone));
    form->addRow(tr("Default &zone:"), m_timeZone);

    m_callsPerSecond = new QDoubleSpinBox;
    m_callsPerSecond->setObjectName(u"defaultCallsPerSecondSpin"_s);
    m_callsPerSecond->setRange(0.0, 1000.0);
    m_callsPerSecond->setValue(defaults.maxCallsPerSecond);
    form->addRow(tr("Calls per second:"), m_callsPerSecond);

    m_concurrentCalls = new QSpinBox;
    m_concurrentCalls->setObjectName(u"defaultConcurrentCallsSpin"_s);
    m_concurrentCalls->setRange(0, 100000);
    m_concurrentCalls->setValue(defaults.maxConcurrentCalls);
    form->addRow(tr("Concurrent calls:"), m_concurrentCalls);

    connect(m_windowStart, &QTimeEdit::timeChanged, this, &SettingsDialog::validate);
    connect(m_windowEnd, &QTimeEdit::timeChanged, this, &SettingsDialog::validate);
    connect(m_region, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_timeZone, &QComboBox::currentTextChanged, this, &SettingsDialog::validate);
    connect(m_callsPerSecond, &QDoubleSpinBox::valueChanged, this, &SettingsDialog::validate);
    connect(m_concurrentCalls, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    return group;
}

ConsoleSettings SettingsDialog::settings() const
{
    ConsoleSettings edited = m_settings;
    edited.carrier = m_carrier->currentData().toString();
    edited.simulationSeed = quint64(m_seed->value());
    edited.clockSpeed = m_speed->value();
    edited.storePath = m_storePath->text().trimmed();

    BatchConfig &defaults = edited.newBatchDefaults;
    defaults.windowStart = m_windowStart->time();
    defaults.windowEnd = m_windowEnd->time();
    for (int day = 1; day <= 7; ++day)
        defaults.setDayAllowed(Qt::DayOfWeek(day), m_days.at(day - 1)->isChecked());
    defaults.defaultRegion = m_region->text().trimmed().toUpper();
    defaults.defaultTimeZone = m_timeZone->currentText().trimmed().toUtf8();
    defaults.maxCallsPerSecond = m_callsPerSecond->value();
    defaults.maxConcurrentCalls = m_concurrentCalls->value();
    return edited;
}

void SettingsDialog::validate()
{
    // The defaults become a new batch's configuration, so they pass the same checks.
    const QList<ConfigProblem> problems = settings().newBatchDefaults.validate();
    QStringList messages;
    for (const ConfigProblem &problem : problems)
        messages.append(problem.message);

    m_problem->setText(messages.join(u' '));
    m_problem->setVisible(!messages.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(messages.isEmpty());
}

} // namespace Dialdeck
