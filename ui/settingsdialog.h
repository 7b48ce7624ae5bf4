#pragma once

#include "consolesettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;
class QTimeEdit;

namespace Dialdeck {

// Edits the console's settings: the carrier (only the simulated one exists,
// with its seed and clock speed), the store location and the defaults for
// new batches. Carrier and store changes apply at the next start.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    // `storePath` is the store in use, shown when no location is saved.
    SettingsDialog(const ConsoleSettings &settings, const QString &storePath, QWidget *parent = nullptr);

    // The edited settings; read after accepted().
    ConsoleSettings settings() const;

private:
    QWidget *createCarrierGroup();
    QWidget *createStoreGroup(const QString &storePath);
    QWidget *createDefaultsGroup();
    void validate();

    ConsoleSettings m_settings;
    QComboBox *m_carrier = nullptr;
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
