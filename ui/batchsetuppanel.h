#pragma once

#include "core/batchconfig.h"

#include <QHash>
#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTimeEdit;

namespace Dialdeck {

// Editors for the settings of one batch: calling window, allowed days,
// holidays, default region and zone, pacing, retry rules and ring timeout.
// Every edit is checked with BatchConfig::validate(), and each problem is
// shown under the field it names. The panel does not write the store: Save
// emits saveRequested() with the edited configuration.
class BatchSetupPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit BatchSetupPanel(QWidget *parent = nullptr);

    // Shows `config` as the saved state; `editable` is false while the batch runs.
    void setConfig(const BatchConfig &config, bool editable);
    void clear();

    // The configuration as edited; fields without an editor here (rotation)
    // keep the values given to setConfig().
    BatchConfig config() const;
    QList<ConfigProblem> problems() const { return m_problems; }
    bool isModified() const { return config() != m_saved; }
    // Marks the edited configuration as saved.
    void markSaved();

    // The problem text shown for a field key such as "window" or
    // "retry.busy"; empty when the field is valid.
    QString problemText(const QString &fieldKey) const;

Q_SIGNALS:
    // Any editor changed; problems() and config() are up to date.
    void configEdited();
    void saveRequested(const Dialdeck::BatchConfig &config);

private:
    struct RetryEditors
    {
        QSpinBox *attempts = nullptr;
        QSpinBox *delay = nullptr;
    };

    QWidget *createWindowGroup();
    QWidget *createHolidayGroup();
    QWidget *createRegionGroup();
    QWidget *createPacingGroup();
    QWidget *createRetryGroup();
    QLabel *addProblemLabel(const QString &fieldKey);
    RetryEditors createRetryEditors(const QString &objectPrefix, const QString &accessibleName);

    void addHoliday();
    void removeSelectedHolidays();
    void onEdited();
    void showProblems();
    void updateButtons();

    BatchConfig m_saved;
    QList<ConfigProblem> m_problems;
    bool m_loading = false;

    QTimeEdit *m_windowStart = nullptr;
    QTimeEdit *m_windowEnd = nullptr;
    std::array<QCheckBox *, 7> m_dayChecks{};
    QDateEdit *m_holidayDate = nullptr;
    QPushButton *m_addHoliday = nullptr;
    QPushButton *m_removeHoliday = nullptr;
    QListWidget *m_holidayList = nullptr;
    QLineEdit *m_region = nullptr;
    QComboBox *m_timeZone = nullptr;
    QDoubleSpinBox *m_callsPerSecond = nullptr;
    QSpinBox *m_concurrentCalls = nullptr;
    QSpinBox *m_ringTimeout = nullptr;
    QSpinBox *m_timeLimit = nullptr;
    RetryEditors m_retryBusy;
    RetryEditors m_retryNoAnswer;
    RetryEditors m_retryFailed;
    RetryEditors m_retryMachine;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
    // Field key ("window", "retry.busy", ...) -> its problem label.
    QHash<QString, QLabel *> m_problemLabels;
};

} // namespace Dialdeck
