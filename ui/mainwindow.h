#pragma once

#include "consoleoptions.h"
#include "consolesettings.h"
#include "core/domain.h"
#include "dialer/engine.h"
#include "dialer/progresssnapshot.h"
#include "dialogseams.h"
#include "secretkeychain.h"
#include "importdialog.h"
#include "monitor/exportdialog.h"
#include "settingsdialog.h"
#include "store/connection.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QListView;
class QTabWidget;
class QSplitter;

namespace Dialdeck {

class BatchListPanel;
class BatchSetupPanel;
class CallLogView;
class ConsoleRelay;
class ConsoleWebhooks;
class DashboardWidget;
class EngineThread;
class LogModel;
class PlivoTokenStore;
class RelayStatusLabel;
class WebhookListener;
class RotationPanel;

// The operator console: the batch list, the setup, caller-number, dashboard
// and call-log views of the selected batch, the calling actions and the log
// pane. The window owns the engine's thread and a store connection for short
// queries. Imports, copies, list refreshes and exports run on worker threads,
// so the UI thread never waits on the engine or a long query.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const ConsoleOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The dialog seams; tests replace them so dialogs return at once.
    DialogSeams &dialogSeams() { return m_seams; }
    // The OS keychain access; tests replace it before they add a webhook endpoint.
    SecretKeychain &secretKeychain() { return m_keychain; }
    PlivoTokenStore &plivoTokens() { return *m_plivoTokens; }
    PlivoTokenStore &relayTokens() { return *m_relayTokens; }
    // The status bar's relay field.
    RelayStatusLabel *relayStatus() const { return m_relayStatus; }
    // True while a relay client runs for the engine.
    bool isRelayRunning() const { return m_relay != nullptr; }
    // The address Plivo's callbacks are received at, once the engine dials through Plivo.
    QString plivoListenerUrl() const { return m_plivoListenerUrl; }
    void setExportFileChooser(ExportDialog::FileChooser chooser) { m_exportChooser = std::move(chooser); }

    QString storePath() const { return m_storePath; }
    Engine *engine() const;
    bool isEngineOpen() const { return m_engineOpen; }
    QString currentBatchId() const;
    bool selectBatch(const QString &batchId);
    std::optional<Batch> currentBatch() const { return m_batch; }
    // The reason Start Calling is disabled, or an empty string when it is enabled.
    QString startBlockedReason() const { return m_startBlockedReason; }
    const ProgressSnapshot &lastSnapshot() const { return m_snapshot; }

    ImportDialog *importDialog() const { return m_importDialog; }
    ExportDialog *exportDialog() const { return m_exportDialog; }
    SettingsDialog *settingsDialog() const { return m_settingsDialog; }
    BatchListPanel *batchList() const { return m_batchList; }
    QTabWidget *viewTabs() const { return m_tabs; }
    LogModel *logModel() const { return m_logModel; }

public Q_SLOTS:
    void importContacts();
    void startCalling();
    void pauseCalling();
    void resumeCalling();
    void stopCalling();
    void exportReport();
    void showSettings();
    void showUsers();
    void showWebhooks();
    void importFromPlivo();
    void refreshBatches();

Q_SIGNALS:
    // The batch list was read again from the store.
    void batchesRefreshed();
    // A demo list was imported at start-up and is ready to call.
    void demoReady(const QString &batchId);
    void engineOpened();
    // A start, pause, resume or stop request came back from the engine.
    void commandFinished(const Dialdeck::CommandResult &result);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    QWidget *createCentralArea();
    void createLogDock();
    void createStatusBar();
    void openStore();
    void startEngine();
    void launchEngine(const QByteArray &plivoToken);
    Result<void> startPlivoListener(EngineSettings &settings);
    Result<void> useRelayCallbacks(const EngineSettings &settings);
    void startRelay();
    void launchRelay(const QByteArray &relayToken);
    void setRelayConnected(bool connected);
    void applyRelaySettings(const ConsoleSettings &previous, bool tokenChanged);
    void showCarrier();
    void connectEngine();
    void restoreWindowState();
    void saveWindowState() const;

    void onBatchesLoaded();
    void onCurrentBatchChanged(const QString &batchId);
    void reloadCurrentBatch();
    void onConfigEdited();
    void saveConfig(const BatchConfig &config);
    void savePhoneSelection(const QStringList &phoneIds);
    void saveStrategy(RotationStrategy strategy);
    void renameBatch(const QString &batchId, const QString &name);
    void duplicateBatch(const QString &batchId);
    void archiveBatch(const QString &batchId);
    void onImported(const QString &batchId, const QString &summary);
    void setupDemo();

    void onSnapshot(const ProgressSnapshot &snapshot);
    void onBatchStatusChanged(const QString &batchId, BatchStatus status, const QString &reason);
    void onBatchFinished(const QString &batchId, BatchStatus status);
    void sendCommand(const QString &verb, QFuture<CommandResult> future);
    void onCommandResult(const QString &verb, const CommandResult &result);

    void updateActions();
    QString computeStartBlockedReason() const;
    void updateRunState();
    void reportError(const QString &message);
    void logMessage(QtMsgType type, const QString &text);

    ConsoleOptions m_options;
    ConsoleSettings m_settings;
    QString m_storePath;
    DialogSeams m_seams;
    ExportDialog::FileChooser m_exportChooser;

    Connection m_connection;
    QString m_storeError;
    User m_operator;
    std::unique_ptr<EngineThread> m_engineThread;
    SecretKeychain m_keychain;
    std::unique_ptr<PlivoTokenStore> m_plivoTokens;
    std::unique_ptr<PlivoTokenStore> m_relayTokens;
    // Set when the engine gives Plivo a relay channel's callback URLs: the
    // channel and the relay's public URL it was started with.
    QString m_engineRelayChannel;
    // True while the relay client has a connection; Start Calling waits for it.
    bool m_relayConnected = false;
    QString m_engineRelayPublicUrl;
    // Feeds the engine the relay channel's callbacks. Destroyed before the engine thread.
    std::unique_ptr<ConsoleRelay> m_relay;
    // Plivo's callbacks for the engine; destroyed before the engine thread.
    std::unique_ptr<WebhookListener> m_plivoListener;
    QString m_plivoListenerUrl;
    // Declared after the engine thread, so it is destroyed first.
    std::unique_ptr<ConsoleWebhooks> m_webhooks;
    bool m_engineOpen = false;
    QString m_engineError;
    ProgressSnapshot m_snapshot;

    std::optional<Batch> m_batch;
    // Calls of the current batch that are not final yet.
    qint64 m_unfinishedCalls = 0;
    QString m_startBlockedReason;
    bool m_commandPending = false;
    bool m_refreshPending = false;
    bool m_refreshAgain = false;
    QString m_batchToSelect;

    QAction *m_importAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_settingsAction = nullptr;
    QAction *m_usersAction = nullptr;
    QAction *m_webhooksAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_resumeAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_refreshAction = nullptr;

    BatchListPanel *m_batchList = nullptr;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    BatchSetupPanel *m_setupPanel = nullptr;
    RotationPanel *m_rotationPanel = nullptr;
    DashboardWidget *m_dashboard = nullptr;
    CallLogView *m_callLog = nullptr;
    QLabel *m_batchTitle = nullptr;
    QLabel *m_runState = nullptr;
    QLabel *m_startBlocked = nullptr;
    QLabel *m_engineState = nullptr;
    QLabel *m_carrierLabel = nullptr;
    RelayStatusLabel *m_relayStatus = nullptr;
    QDockWidget *m_logDock = nullptr;
    QListView *m_logView = nullptr;
    LogModel *m_logModel = nullptr;

    QPointer<ImportDialog> m_importDialog;
    QPointer<ExportDialog> m_exportDialog;
    QPointer<SettingsDialog> m_settingsDialog;
};

} // namespace Dialdeck
