#include "settingsdialog.h"

#include "carrier/plivoaccount.h"
#include "plivotokenstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
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

namespace {

const QString plivoApiUrl = u"https://api.plivo.com"_s;

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https")
           && !url.host().isEmpty();
}

bool isListenAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool portOk = false;
    const uint port = text.mid(colon + 1).toUInt(&portOk);
    return colon > 0 && !QHostAddress(text.left(colon)).isNull() && portOk && port <= 65535;
}

} // namespace

SettingsDialog::SettingsDialog(const ConsoleSettings &settings, const QString &storePath,
                               PlivoTokenStore &tokens, PlivoTokenStore &relayTokens,
                               QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_tokens(tokens)
    , m_relayTokens(relayTokens)
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
    layout->addWidget(createPlivoGroup());
    layout->addWidget(createStoreGroup(storePath));
    layout->addWidget(createDefaultsGroup());
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateCarrierFields();
    showTokenSource();
    showRelayTokenSource();
}

SettingsDialog::~SettingsDialog() = default;

QWidget *SettingsDialog::createCarrierGroup()
{
    auto *group = new QGroupBox(tr("Carrier"));
    auto *form = new QFormLayout(group);

    m_carrier = new QComboBox;
    m_carrier->setObjectName(u"carrierCombo"_s);
    m_carrier->addItem(tr("Simulated (in-process)"), u"simulated"_s);
    m_carrier->addItem(tr("Plivo"), u"plivo"_s);
    m_carrier->addItem(tr("Plivo-compatible service at a custom base URL"), u"plivo-custom"_s);
    m_carrier->setAccessibleName(tr("Carrier"));
    if (m_settings.carrier == u"plivo")
        m_carrier->setCurrentIndex(m_settings.plivoBaseUrl.isEmpty() ? 1 : 2);
    form->addRow(tr("&Carrier:"), m_carrier);
    connect(m_carrier, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateCarrierFields);

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

QWidget *SettingsDialog::createPlivoGroup()
{
    auto *group = new QGroupBox(tr("Plivo"));
    group->setObjectName(u"plivoGroup"_s);
    auto *form = new QFormLayout(group);
    m_plivoGroup = group;

    m_plivoBaseUrl = new QLineEdit(m_settings.plivoBaseUrl);
    m_plivoBaseUrl->setObjectName(u"plivoBaseUrlEdit"_s);
    m_plivoBaseUrl->setPlaceholderText(u"http://127.0.0.1:8790"_s);
    m_plivoBaseUrl->setAccessibleName(tr("Base URL of the Plivo-compatible service"));
    form->addRow(tr("&Base URL:"), m_plivoBaseUrl);

    m_plivoAuthId = new QLineEdit(m_settings.plivoAuthId);
    m_plivoAuthId->setObjectName(u"plivoAuthIdEdit"_s);
    m_plivoAuthId->setAccessibleName(tr("Plivo Auth ID"));
    form->addRow(tr("Auth &ID:"), m_plivoAuthId);

    m_plivoToken = new QLineEdit;
    m_plivoToken->setObjectName(u"plivoTokenEdit"_s);
    m_plivoToken->setEchoMode(QLineEdit::Password);
    m_plivoToken->setPlaceholderText(tr("Leave empty to keep the saved token"));
    m_plivoToken->setAccessibleName(tr("Plivo Auth Token"));
    form->addRow(tr("Auth &Token:"), m_plivoToken);

    m_plivoTokenStatus = new QLabel;
    m_plivoTokenStatus->setObjectName(u"plivoTokenStatusLabel"_s);
    m_plivoTokenStatus->setWordWrap(true);
    form->addRow(QString(), m_plivoTokenStatus);

    m_plivoCallbacks = new QComboBox;
    m_plivoCallbacks->setObjectName(u"plivoCallbacksCombo"_s);
    m_plivoCallbacks->addItem(tr("Directly (callback listener)"), u"direct"_s);
    m_plivoCallbacks->addItem(tr("Through a dialdeck-relay"), u"relay"_s);
    m_plivoCallbacks->setCurrentIndex(
        std::max(0, m_plivoCallbacks->findData(m_settings.plivoCallbacks)));
    m_plivoCallbacks->setToolTip(tr("Use a dialdeck-relay when Plivo cannot reach this "
                                    "machine, e.g. behind NAT."));
    m_plivoCallbacks->setAccessibleName(tr("How Plivo's callbacks arrive"));
    form->addRow(tr("Callbacks &arrive:"), m_plivoCallbacks);
    connect(m_plivoCallbacks, &QComboBox::currentIndexChanged, this,
            &SettingsDialog::updateCarrierFields);

    m_plivoListen = new QLineEdit(m_settings.plivoListen);
    m_plivoListen->setObjectName(u"plivoListenEdit"_s);
    m_plivoListen->setToolTip(tr("IP address and port at which the console receives Plivo's "
                                 "callbacks, e.g. 127.0.0.1:8081; port 0 picks a free one."));
    m_plivoListen->setAccessibleName(tr("Callback listen address"));
    form->addRow(tr("Callbacks &listen at:"), m_plivoListen);
    addRelayFields(form);

    m_plivoPublicUrl = new QLineEdit(m_settings.plivoPublicUrl);
    m_plivoPublicUrl->setObjectName(u"plivoPublicUrlEdit"_s);
    m_plivoPublicUrl->setAccessibleName(tr("Public callback URL"));
    form->addRow(tr("&Public URL:"), m_plivoPublicUrl);

    m_plivoMachineDetection = new QComboBox;
    m_plivoMachineDetection->setObjectName(u"plivoMachineDetectionCombo"_s);
    m_plivoMachineDetection->addItem(tr("Off"), QString());
    m_plivoMachineDetection->addItem(tr("Report answering machines"), u"true"_s);
    m_plivoMachineDetection->addItem(tr("Hang up on answering machines"), u"hangup"_s);
    m_plivoMachineDetection->setCurrentIndex(
        std::max(0, m_plivoMachineDetection->findData(m_settings.plivoMachineDetection)));
    m_plivoMachineDetection->setAccessibleName(tr("Answering-machine detection"));
    form->addRow(tr("&Machine detection:"), m_plivoMachineDetection);

    m_plivoTest = new QPushButton(tr("Test &Connection"));
    m_plivoTest->setObjectName(u"plivoTestButton"_s);
    m_plivoTestResult = new QLabel;
    m_plivoTestResult->setObjectName(u"plivoTestResultLabel"_s);
    m_plivoTestResult->setWordWrap(true);
    m_plivoTestResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(m_plivoTest, m_plivoTestResult);

    connect(m_plivoTest, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    for (QLineEdit *edit : {m_plivoBaseUrl, m_plivoAuthId, m_plivoListen, m_plivoPublicUrl, m_relayUrl})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    return group;
}

void SettingsDialog::addRelayFields(QFormLayout *form)
{
    m_relayUrl = new QLineEdit(m_settings.relayUrl);
    m_relayUrl->setObjectName(u"relayUrlEdit"_s);
    m_relayUrl->setPlaceholderText(u"wss://relay.example.com/ws/office"_s);
    m_relayUrl->setToolTip(tr("The channel's WebSocket URL, as \"dialdeck-relay channel add\" "
                              "printed it."));
    m_relayUrl->setAccessibleName(tr("Relay WebSocket URL"));
    form->addRow(tr("&Relay URL:"), m_relayUrl);

    m_relayToken = new QLineEdit;
    m_relayToken->setObjectName(u"relayTokenEdit"_s);
    m_relayToken->setEchoMode(QLineEdit::Password);
    m_relayToken->setPlaceholderText(tr("Leave empty to keep the saved token"));
    m_relayToken->setAccessibleName(tr("Relay client token"));
    form->addRow(tr("Relay client t&oken:"), m_relayToken);

    m_relayTokenStatus = new QLabel;
    m_relayTokenStatus->setObjectName(u"relayTokenStatusLabel"_s);
    m_relayTokenStatus->setWordWrap(true);
    form->addRow(QString(), m_relayTokenStatus);
}

void SettingsDialog::updateCarrierFields()
{
    const QString carrier = m_carrier->currentData().toString();
    const bool simulated = carrier == u"simulated";
    m_seed->setEnabled(simulated);
    m_speed->setEnabled(simulated);
    m_plivoGroup->setEnabled(!simulated);
    m_plivoBaseUrl->setEnabled(carrier == u"plivo-custom");
    if (carrier == u"plivo")
        m_plivoBaseUrl->setPlaceholderText(plivoApiUrl);
    else
        m_plivoBaseUrl->setPlaceholderText(u"http://127.0.0.1:8790"_s);

    const bool viaRelay = m_plivoCallbacks->currentData().toString() == u"relay";
    m_plivoListen->setEnabled(!viaRelay);
    m_relayUrl->setEnabled(viaRelay);
    m_relayToken->setEnabled(viaRelay);
    m_plivoPublicUrl->setPlaceholderText(viaRelay ? tr("Empty: derived from the relay URL")
                                                  : tr("Empty: the listener's own address"));
    m_plivoPublicUrl->setToolTip(
        viaRelay ? tr("The relay's public URL, at which Plivo reaches it.")
                 : tr("The URL at which Plivo reaches the listener; behind a proxy, the "
                      "proxy's scheme, host and port."));
    validate();
}

void SettingsDialog::showTokenSource()
{
    m_tokens.read([dialog = QPointer<SettingsDialog>(this)](const QByteArray &token,
                                                           const QString &source,
                                                           const QString &problem) {
        if (!dialog || dialog->m_tokenKeptForSession)
            return;
        if (!token.isEmpty()) {
            dialog->m_plivoTokenStatus->setText(tr("A token is saved in %1.").arg(source));
            return;
        }
        dialog->m_plivoTokenStatus->setText(problem + u' ' + dialog->m_tokens.fallbackText());
    });
}

void SettingsDialog::showRelayTokenSource()
{
    m_relayTokens.read([dialog = QPointer<SettingsDialog>(this)](const QByteArray &token,
                                                                const QString &source,
                                                                const QString &problem) {
        if (!dialog || dialog->m_relayTokenKeptForSession)
            return;
        if (!token.isEmpty()) {
            dialog->m_relayTokenStatus->setText(tr("A token is saved in %1.").arg(source));
            return;
        }
        dialog->m_relayTokenStatus->setText(problem + u' '
                                            + dialog->m_relayTokens.fallbackText());
    });
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
    const QString carrier = m_carrier->currentData().toString();
    edited.carrier = carrier == u"simulated" ? carrier : u"plivo"_s;
    edited.plivoBaseUrl = carrier == u"plivo-custom" ? m_plivoBaseUrl->text().trimmed() : QString();
    edited.plivoAuthId = m_plivoAuthId->text().trimmed();
    edited.plivoListen = m_plivoListen->text().trimmed();
    edited.plivoPublicUrl = m_plivoPublicUrl->text().trimmed();
    edited.plivoMachineDetection = m_plivoMachineDetection->currentData().toString();
    edited.plivoCallbacks = m_plivoCallbacks->currentData().toString();
    edited.relayUrl = m_relayUrl->text().trimmed();
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
    messages.append(plivoProblems());

    m_problem->setText(messages.join(u' '));
    m_problem->setVisible(!messages.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(messages.isEmpty());
}

} // namespace Dialdeck

namespace Dialdeck {

QStringList SettingsDialog::plivoProblems() const
{
    const QString carrier = m_carrier->currentData().toString();
    if (carrier == u"simulated")
        return {};

    QStringList problems;
    const QString baseUrl = m_plivoBaseUrl->text().trimmed();
    if (carrier == u"plivo-custom" && !isHttpUrl(QUrl(baseUrl))) {
        problems.append(tr("The base URL \"%1\" is not an http or https URL; enter the address "
                           "of the Plivo-compatible service, e.g. http://127.0.0.1:8790.")
                            .arg(baseUrl));
    }
    if (m_plivoAuthId->text().trimmed().isEmpty())
        problems.append(tr("Enter the Plivo Auth ID."));
    if (m_plivoCallbacks->currentData().toString() == u"relay")
        return problems + relayProblems();
    if (!isListenAddress(m_plivoListen->text().trimmed())) {
        problems.append(tr("The listen address \"%1\" is not ADDR:PORT with an IP address, "
                           "e.g. 127.0.0.1:8081.")
                            .arg(m_plivoListen->text().trimmed()));
    }
    const QString publicUrl = m_plivoPublicUrl->text().trimmed();
    const QUrl parsed(publicUrl);
    if (!publicUrl.isEmpty() && (!isHttpUrl(parsed) || parsed.hasQuery() || parsed.hasFragment())) {
        problems.append(tr("The public URL \"%1\" must be an http or https URL without a "
                           "query; leave it empty to use the listener's own address.")
                            .arg(publicUrl));
    }
    return problems;
}

QStringList SettingsDialog::relayProblems() const
{
    QStringList problems;
    const QString relayUrl = m_relayUrl->text().trimmed();
    if (const QString problem = ConsoleSettings::relayUrlProblem(relayUrl); !problem.isEmpty())
        problems.append(problem);
    const QString publicUrl = m_plivoPublicUrl->text().trimmed();
    const QUrl parsed(publicUrl);
    if (!publicUrl.isEmpty() && (!isHttpUrl(parsed) || parsed.hasQuery() || parsed.hasFragment())) {
        problems.append(tr("The relay's public URL \"%1\" must be an http or https URL without "
                           "a query, e.g. https://relay.example.com/; leave it empty to derive "
                           "it from the relay URL.")
                            .arg(publicUrl));
    }
    return problems;
}

void SettingsDialog::accept()
{
    if (m_carrier->currentData().toString() == u"simulated") {
        QDialog::accept();
        return;
    }

    // The tokens go to the keychain before the dialog closes, so a failure
    // can be explained here.
    const bool viaRelay = m_plivoCallbacks->currentData().toString() == u"relay";
    saveToken(m_tokens, m_plivoToken, m_plivoTokenStatus, m_tokenKeptForSession, [this, viaRelay] {
        if (!viaRelay) {
            QDialog::accept();
            return;
        }
        // A token that the keychain rejects is still used, for this session.
        if (!m_relayToken->text().trimmed().isEmpty())
            m_relayTokenChanged = true;
        saveToken(m_relayTokens, m_relayToken, m_relayTokenStatus, m_relayTokenKeptForSession,
                  [this] { QDialog::accept(); });
    });
}

void SettingsDialog::saveToken(PlivoTokenStore &store, QLineEdit *edit, QLabel *status,
                               bool &keptForSession, const std::function<void()> &next)
{
    const QByteArray token = edit->text().trimmed().toUtf8();
    if (token.isEmpty() || keptForSession) {
        next();
        return;
    }

    m_buttons->setEnabled(false);
    store.write(token, [dialog = QPointer<SettingsDialog>(this), &store, edit, status,
                        &keptForSession, next](const QString &error) {
        if (!dialog)
            return;
        dialog->m_buttons->setEnabled(true);
        if (error.isEmpty()) {
            next();
            return;
        }
        keptForSession = true;
        edit->clear();
        status->setText(tr("The OS keychain is unavailable, so the token was not saved: %1. %2 "
                           "Press OK to use it for this session.")
                            .arg(error, store.fallbackText()));
    });
}

void SettingsDialog::testConnection()
{
    const QByteArray entered = m_plivoToken->text().trimmed().toUtf8();
    m_plivoTestResult->setText(tr("Connecting…"));
    if (!entered.isEmpty()) {
        showCredit(entered);
        return;
    }
    m_tokens.read([dialog = QPointer<SettingsDialog>(this)](const QByteArray &token,
                                                           const QString &,
                                                           const QString &problem) {
        if (!dialog)
            return;
        if (token.isEmpty()) {
            dialog->m_plivoTestResult->setText(problem);
            return;
        }
        dialog->showCredit(token);
    });
}

void SettingsDialog::showCredit(const QByteArray &token)
{
    const PlivoSettings plivo = settings().plivoSettings(token);
    if (m_account)
        m_account->deleteLater();
    auto *account = new PlivoAccount(plivo, this);
    m_account = account;

    // Only the result of the latest test is shown.
    account->credit([this, account, baseUrl = plivo.baseUrl.toString()](
                        const Result<PlivoCredit> &credit) {
        if (account != m_account)
            return;
        if (!credit) {
            m_plivoTestResult->setText(tr("Connection failed: %1").arg(credit.error().message));
            return;
        }
        m_plivoTestResult->setText(tr("Connected to %1. Credit: %2 USD (%3, %4 account).")
                                       .arg(baseUrl, credit->cashCredits, credit->billingMode,
                                            credit->accountType));
    });
}

} // namespace Dialdeck
