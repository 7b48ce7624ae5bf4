#pragma once

#include "consolesettings.h"

#include <QDialog>
#include <QPointer>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QDoubleSpinBox;
class QFormLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimeEdit;

namespace Dialdeck {

class PlivoAccount;
class PlivoTokenStore;

// Edits the console's settings: the carrier (simulated, with its seed and
// clock speed, or Plivo, with its account, token and the way its callbacks
// arrive: a callback listener or a dialdeck-relay channel), the store
// location and the defaults for new batches. Carrier and store changes apply
// at the next start. A Plivo Auth Token or relay client token entered here
// goes to the OS keychain through `tokens` or `relayTokens` before the
// dialog closes.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    // `storePath` is the store in use, shown when no location is saved.
    SettingsDialog(const ConsoleSettings &settings, const QString &storePath,
                   PlivoTokenStore &tokens, PlivoTokenStore &relayTokens,
                   QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // The edited settings; read after accepted().
    ConsoleSettings settings() const;
    // True once a new relay client token was stored (or kept for this session).
    bool relayTokenChanged() const { return m_relayTokenChanged; }

public Q_SLOTS:
    void accept() override;
    // Reads the account's credit with the settings and token as entered.
    void testConnection();

private:
    QWidget *createCarrierGroup();
    QWidget *createPlivoGroup();
    void addRelayFields(QFormLayout *form);
    void showTokenSource();
    void showRelayTokenSource();
    void updateCarrierFields();
    QStringList relayProblems() const;
    // Stores the token typed into `edit` through `store`, then calls `next`.
    // On a keychain failure it shows why in `status` and keeps the dialog open.
    void saveToken(PlivoTokenStore &store, QLineEdit *edit, QLabel *status, bool &keptForSession,
                   const std::function<void()> &next);
    QStringList plivoProblems() const;
    void showCredit(const QByteArray &token);
    QWidget *createStoreGroup(const QString &storePath);
    QWidget *createDefaultsGroup();
    void validate();

    ConsoleSettings m_settings;
    PlivoTokenStore &m_tokens;
    PlivoTokenStore &m_relayTokens;
    QPointer<PlivoAccount> m_account;
    // Set once the keychain failed to store the token, which is then kept for this session.
    bool m_tokenKeptForSession = false;
    bool m_relayTokenKeptForSession = false;
    bool m_relayTokenChanged = false;
    QComboBox *m_carrier = nullptr;
    QLineEdit *m_plivoBaseUrl = nullptr;
    QLineEdit *m_plivoAuthId = nullptr;
    QLineEdit *m_plivoToken = nullptr;
    QLabel *m_plivoTokenStatus = nullptr;
    QLineEdit *m_plivoListen = nullptr;
    QLineEdit *m_plivoPublicUrl = nullptr;
    QComboBox *m_plivoMachineDetection = nullptr;
    QComboBox *m_plivoCallbacks = nullptr;
    QLineEdit *m_relayUrl = nullptr;
    QLineEdit *m_relayToken = nullptr;
    QLabel *m_relayTokenStatus = nullptr;
    QPushButton *m_plivoTest = nullptr;
    QLabel *m_plivoTestResult = nullptr;
    QWidget *m_plivoGroup = nullptr;
    QSpinBox *m_seed = nullptr;
    QDoubleSpinBox *m_speed = nullptr;
    QLineEdit *m_storePath = nullptr;
    QTimeEdit *m_windowStart = nullptr;
    QTimeEdit *m_windowEnd = nullptr;
    QList<QCheckBox *> m_days;
    QLineEdit *m_region = nullptr;
    QComboBox *m_timeZone = nullptr;
    QDoubleSpinBox *m_callsPerSecond = nullptr;
    QSpinBox *m_concurrentCalls = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace Dialdeck
