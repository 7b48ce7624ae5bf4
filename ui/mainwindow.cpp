#include "mainwindow.h"

#include "batchduplicator.h"
#include "batchfiltermodel.h"
#include "batchlistmodel.h"
#include "batchlistpanel.h"
#include "batchsetuppanel.h"
#include "consolerelay.h"
#include "core/ids.h"
#include "core/logging.h"
#include "demosetup.h"
#include "dialer/enginethread.h"
#include "importdialog.h"
#include "dialer/webhooklistener.h"
#include "logmodel.h"
#include "monitor/calllogview.h"
#include "monitor/dashboardwidget.h"
#include "plivoimportdialog.h"
#include "plivotokenstore.h"
#include "relaystatuslabel.h"
#include "rotationpanel.h"
#include "settingsdialog.h"
#include "usersdialog.h"
#include "webhooksdialog.h"
#include "consolewebhooks.h"
#include "statustext.h"
#include "store/batchrepository.h"
#include "store/userrepository.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHostInfo>
#include <QLabel>
#include <QListView>
#include <QScrollBar>
#include <QTableView>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUuid>
#include <QVBoxLayout>
#include <QtConcurrent>

// Registers the icon resources of the static library; Q_INIT_RESOURCE must be
// used outside any namespace.
static void initialiseIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// How long a transient message stays in the status bar, in milliseconds.
constexpr int StatusMessageMs = 8000;

QIcon themedIcon(const QString &name)
{
    return QIcon(u":/icons/"_s + name + u".svg"_s);
}

} // namespace

MainWindow::MainWindow(const ConsoleOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_settings(ConsoleSettings::load())
{
    initialiseIconResources();
    qRegisterMetaType<ProgressSnapshot>();
    qRegisterMetaType<BatchStatus>();
    qRegisterMetaType<QtMsgType>();

    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Dialdeck"));
    setWindowIcon(themedIcon(u"start"_s));
    if (options.keychain)
        m_keychain = *options.keychain;
    m_plivoTokens = std::make_unique<PlivoTokenStore>(m_keychain);
    m_relayTokens = std::make_unique<PlivoTokenStore>(m_keychain, PlivoTokenStore::relayToken());

    m_storePath = !options.storePath.isEmpty() ? options.storePath
                  : !m_settings.storePath.isEmpty() ? m_settings.storePath
                                                    : Connection::defaultPath();
    m_logModel = new LogModel(2000, this);

    createActions();
    setCentralWidget(createCentralArea());
    createLogDock();
    createMenus();
    createToolBar();
    createStatusBar();
    restoreWindowState();
    m_rotationPanel->setPlivoImportAvailable(m_settings.carrier == u"plivo");

    openStore();
    if (options.startEngine && m_connection.isOpen())
        startEngine();

    refreshBatches();
    if (!options.demoFile.isEmpty() && m_connection.isOpen())
        setupDemo();
    updateActions();
}

MainWindow::~MainWindow()
{
    // No Plivo callback may reach the engine while it shuts down; the relay,
    // webhook and engine threads join before the store connection closes.
    m_relay.reset();
    m_plivoListener.reset();
    m_webhooks.reset();
    m_engineThread.reset();
    // The rotation panel holds a handle of the UI connection; release it before the connection closes.
    m_rotationPanel->setDatabase(QSqlDatabase());
}

Engine *MainWindow::engine() const
{
    return m_engineThread ? m_engineThread->engine() : nullptr;
}

void MainWindow::createActions()
{
    const auto makeAction = [this](const QString &objectName, const QString &text, const QString &icon,
                                   const QKeySequence &shortcut, const QString &statusTip) {
        auto *action = new QAction(text, this);
        action->setObjectName(objectName);
        if (!icon.isEmpty())
            action->setIcon(themedIcon(icon));
        if (!shortcut.isEmpty())
            action->setShortcut(shortcut);
        action->setStatusTip(statusTip);
        action->setToolTip(shortcut.isEmpty() ? text : tr("%1 (%2)").arg(QString(text).remove(u'&'),
                                                                             shortcut.toString(QKeySequence::NativeText)));
        return action;
    };

    m_importAction = makeAction(u"importAction"_s, tr("&Import Contacts…"), u"import"_s,
                                QKeySequence(Qt::CTRL | Qt::Key_I),
                                tr("Import a contact file into a new batch"));
    m_exportAction = makeAction(u"exportAction"_s, tr("&Export Report…"), u"export"_s,
                                QKeySequence(Qt::CTRL | Qt::Key_E),
                                tr("Export the calls or attempts of the selected batch as CSV"));
    m_settingsAction = makeAction(u"settingsAction"_s, tr("&Settings…"), QString(),
                                  QKeySequence::Preferences, tr("Carrier, store and defaults for new batches"));
    m_webhooksAction = makeAction(u"webhooksAction"_s, tr("&Webhooks…"), QString(),
                                  QKeySequence(),
                                  tr("Endpoints that receive batch and call events, and failed "
                                     "deliveries"));
    m_usersAction = makeAction(u"usersAction"_s, tr("API &Users…"), QString(), QKeySequence(),
                               tr("Add REST API users, issue their tokens or revoke them"));
    m_quitAction = makeAction(u"quitAction"_s, tr("&Quit"), QString(), QKeySequence::Quit,
                              tr("Close the console; running batches stop and resume at next start"));
    m_startAction = makeAction(u"startAction"_s, tr("&Start Calling"), u"start"_s,
                               QKeySequence(Qt::CTRL | Qt::Key_R), tr("Start calling the selected batch"));
    m_pauseAction = makeAction(u"pauseAction"_s, tr("&Pause"), u"pause"_s,
                               QKeySequence(Qt::CTRL | Qt::Key_P),
                               tr("Stop placing new calls; calls in progress finish"));
    m_resumeAction = makeAction(u"resumeAction"_s, tr("&Resume"), u"resume"_s,
                                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                                tr("Resume calling the paused batch"));
    m_stopAction = makeAction(u"stopAction"_s, tr("S&top"), u"stop"_s, QKeySequence(Qt::CTRL | Qt::Key_Period),
                              tr("Stop the batch for good; calls in progress finish"));
    m_refreshAction = makeAction(u"refreshAction"_s, tr("Re&fresh List"), QString(), QKeySequence::Refresh,
                                 tr("Read the batch list again from the store"));

    connect(m_importAction, &QAction::triggered, this, &MainWindow::importContacts);
    connect(m_exportAction, &QAction::triggered, this, &MainWindow::exportReport);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::showSettings);
    connect(m_usersAction, &QAction::triggered, this, &MainWindow::showUsers);
    connect(m_webhooksAction, &QAction::triggered, this, &MainWindow::showWebhooks);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    connect(m_startAction, &QAction::triggered, this, &MainWindow::startCalling);
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::pauseCalling);
    connect(m_resumeAction, &QAction::triggered, this, &MainWindow::resumeCalling);
    connect(m_stopAction, &QAction::triggered, this, &MainWindow::stopCalling);
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refreshBatches);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->setObjectName(u"fileMenu"_s);
    file->addAction(m_importAction);
    file->addAction(m_exportAction);
    file->addSeparator();
    file->addAction(m_settingsAction);
    file->addAction(m_usersAction);
    file->addAction(m_webhooksAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *calling = menuBar()->addMenu(tr("&Calling"));
    calling->setObjectName(u"callingMenu"_s);
    calling->addAction(m_startAction);
    calling->addAction(m_pauseAction);
    calling->addAction(m_resumeAction);
    calling->addAction(m_stopAction);

    QMenu *batch = menuBar()->addMenu(tr("&Batch"));
    batch->setObjectName(u"batchMenu"_s);
    batch->addAction(m_batchList->renameAction());
    batch->addAction(m_batchList->duplicateAction());
    batch->addAction(m_batchList->archiveAction());
    batch->addSeparator();
    batch->addAction(m_refreshAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(u"viewMenu"_s);
    QAction *toggleLog = m_logDock->toggleViewAction();
    toggleLog->setObjectName(u"toggleLogAction"_s);
    toggleLog->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    view->addAction(toggleLog);
}

void MainWindow::createToolBar()
{
    QToolBar *toolBar = addToolBar(tr("Calling"));
    toolBar->setObjectName(u"mainToolBar"_s);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->addAction(m_importAction);
    toolBar->addSeparator();
    toolBar->addAction(m_startAction);
    toolBar->addAction(m_pauseAction);
    toolBar->addAction(m_resumeAction);
    toolBar->addAction(m_stopAction);
    toolBar->addSeparator();
    toolBar->addAction(m_exportAction);
}

QWidget *MainWindow::createCentralArea()
{
    m_batchList = new BatchListPanel;

    m_batchTitle = new QLabel;
    m_batchTitle->setObjectName(u"batchTitleLabel"_s);
    QFont titleFont = m_batchTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_batchTitle->setFont(titleFont);
    m_runState = new QLabel;
    m_runState->setObjectName(u"runStateLabel"_s);
    m_runState->setAccessibleName(tr("Calling state"));
    m_startBlocked = new QLabel;
    m_startBlocked->setObjectName(u"startBlockedReason"_s);
    m_startBlocked->setAccessibleName(tr("Why Start Calling is unavailable"));
    m_startBlocked->setWordWrap(true);
    QPalette blockedPalette = m_startBlocked->palette();
    blockedPalette.setColor(QPalette::WindowText, QColor(0x8a, 0x4b, 0x00));
    m_startBlocked->setPalette(blockedPalette);

    m_setupPanel = new BatchSetupPanel;
    m_rotationPanel = new RotationPanel;
    m_dashboard = new DashboardWidget;
    m_dashboard->setObjectName(u"dashboard"_s);
    m_callLog = new CallLogView;
    m_callLog->setObjectName(u"callLogView"_s);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(u"viewTabs"_s);
    m_tabs->addTab(m_setupPanel, tr("Set&up"));
    m_tabs->addTab(m_rotationPanel, tr("Caller &numbers"));
    m_tabs->addTab(m_dashboard, tr("&Dashboard"));
    m_tabs->addTab(m_callLog, tr("Call &log"));

    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_batchTitle);
    rightLayout->addWidget(m_runState);
    rightLayout->addWidget(m_startBlocked);
    rightLayout->addWidget(m_tabs, 1);

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(u"mainSplitter"_s);
    m_splitter->addWidget(m_batchList);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(1, 2);

    connect(m_batchList, &BatchListPanel::currentBatchChanged, this, &MainWindow::onCurrentBatchChanged);
    connect(m_batchList, &BatchListPanel::duplicateRequested, this, &MainWindow::duplicateBatch);
    connect(m_batchList, &BatchListPanel::archiveRequested, this, &MainWindow::archiveBatch);
    connect(m_batchList->model(), &BatchListModel::renameRequested, this, &MainWindow::renameBatch);
    connect(m_setupPanel, &BatchSetupPanel::configEdited, this, &MainWindow::onConfigEdited);
    connect(m_setupPanel, &BatchSetupPanel::saveRequested, this, &MainWindow::saveConfig);
    connect(m_rotationPanel, &RotationPanel::selectionChanged, this, &MainWindow::savePhoneSelection);
    connect(m_rotationPanel, &RotationPanel::strategyChanged, this, &MainWindow::saveStrategy);
    connect(m_rotationPanel, &RotationPanel::phonesChanged, this, &MainWindow::updateActions);
    connect(m_rotationPanel, &RotationPanel::errorOccurred, this, &MainWindow::reportError);
    connect(m_rotationPanel, &RotationPanel::plivoImportRequested, this, &MainWindow::importFromPlivo);
    return m_splitter;
}

void MainWindow::createLogDock()
{
    m_logView = new QListView;
    m_logView->setObjectName(u"logView"_s);
    m_logView->setAccessibleName(tr("Engine log"));
    m_logView->setModel(m_logModel);
    m_logView->setUniformItemSizes(true);
    m_logView->setEditTriggers(QAbstractItemView::NoEditTriggers);

    m_logDock = new QDockWidget(tr("Log"), this);
    m_logDock->setObjectName(u"logDock"_s);
    m_logDock->setWidget(m_logView);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);

    // Follow new lines only while the view is scrolled to the end, so reading
    // older lines is not interrupted.
    connect(m_logModel, &QAbstractItemModel::rowsInserted, m_logView, [this] {
        if (m_logView->verticalScrollBar()->value() >= m_logView->verticalScrollBar()->maximum() - 1)
            m_logView->scrollToBottom();
    });
}

void MainWindow::createStatusBar()
{
    m_engineState = new QLabel(tr("Engine: starting"));
    m_engineState->setObjectName(u"engineStateLabel"_s);
    m_carrierLabel = new QLabel;
    m_carrierLabel->setObjectName(u"carrierLabel"_s);
    showCarrier();
    statusBar()->setObjectName(u"statusBar"_s);
    statusBar()->addPermanentWidget(m_engineState);
    statusBar()->addPermanentWidget(m_carrierLabel);
    m_relayStatus = new RelayStatusLabel;
    statusBar()->addPermanentWidget(m_relayStatus);
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    settings.beginGroup(u"mainWindow"_s);
    if (!restoreGeometry(settings.value(u"geometry"_s).toByteArray()))
        resize(1280, 800);
    restoreState(settings.value(u"state"_s).toByteArray());
    m_splitter->restoreState(settings.value(u"splitter"_s).toByteArray());
    m_batchList->restoreState(settings.value(u"batchTable"_s).toByteArray());
    m_tabs->setCurrentIndex(settings.value(u"tab"_s, 0).toInt());
    settings.endGroup();
}

void MainWindow::saveWindowState() const
{
    QSettings settings;
    settings.beginGroup(u"mainWindow"_s);
    settings.setValue(u"geometry"_s, saveGeometry());
    settings.setValue(u"state"_s, saveState());
    settings.setValue(u"splitter"_s, m_splitter->saveState());
    settings.setValue(u"batchTable"_s, m_batchList->saveState());
    settings.setValue(u"tab"_s, m_tabs->currentIndex());
    settings.endGroup();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    event->accept();
}

void MainWindow::openStore()
{
    QDir().mkpath(QFileInfo(m_storePath).absolutePath());

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"ui"_s);
    if (!connection) {
        m_storeError = connection.error().message;
        reportError(tr("Opening the store %1 failed: %2 Choose another store location in "
                       "Settings and restart the console.")
                        .arg(QDir::toNativeSeparators(m_storePath), m_storeError));
        return;
    }
    m_connection = std::move(connection).value();

    Result<User> localOperator = UserRepository(m_connection.database()).ensureLocalOperator();
    if (!localOperator)
        reportError(localOperator.error().message);
    else
        m_operator = *localOperator;

    m_rotationPanel->setDatabase(m_connection.database());
    m_callLog->setStorePath(m_storePath);
    logMessage(QtInfoMsg, tr("Store: %1").arg(QDir::toNativeSeparators(m_storePath)));
}

void MainWindow::showCarrier()
{
    if (m_settings.carrier == u"plivo" && !m_engineRelayChannel.isEmpty()) {
        m_carrierLabel->setText(tr("Carrier: Plivo at %1, callbacks through relay channel %2")
                                    .arg(m_settings.plivoSettings({}).baseUrl.toString(),
                                         m_engineRelayChannel));
        return;
    }
    if (m_settings.carrier == u"plivo") {
        const QString baseUrl = m_settings.plivoSettings({}).baseUrl.toString();
        m_carrierLabel->setText(m_plivoListenerUrl.isEmpty()
                                    ? tr("Carrier: Plivo at %1").arg(baseUrl)
                                    : tr("Carrier: Plivo at %1, callbacks at %2")
                                          .arg(baseUrl, m_plivoListenerUrl));
        return;
    }
    const double speed = m_options.clockSpeed.value_or(m_settings.clockSpeed);
    m_carrierLabel->setText(speed == 1.0 ? tr("Carrier: simulated")
                                         : tr("Carrier: simulated, clock ×%1").arg(speed));
}

void MainWindow::startEngine()
{
    if (m_settings.carrier != u"plivo") {
        launchEngine({});
        return;
    }

    // The token comes from the keychain asynchronously; the engine starts once it is read.
    m_engineState->setText(tr("Engine: reading the Plivo token"));
    m_plivoTokens->read([window = QPointer<MainWindow>(this)](const QByteArray &token,
                                                             const QString &source,
                                                             const QString &problem) {
        if (!window)
            return;
        if (token.isEmpty()) {
            window->m_engineState->setText(tr("Engine: not started"));
            window->reportError(tr("The engine was not started: %1").arg(problem));
            return;
        }
        window->logMessage(QtInfoMsg, tr("Using the Plivo Auth Token from %1.").arg(source));
        window->launchEngine(token);
    });
}

void MainWindow::launchEngine(const QByteArray &plivoToken)
{
    EngineSettings settings;
    settings.storePath = m_storePath;
    settings.carrier = m_settings.carrier;
    settings.simulation.seed = m_settings.simulationSeed;
    settings.clockSpeed = m_options.clockSpeed.value_or(m_settings.clockSpeed);
    settings.ownerName = u"dialdeck@%1:%2"_s.arg(QHostInfo::localHostName()).arg(QCoreApplication::applicationPid());
    if (settings.carrier == u"plivo") {
        // Plivo dials in real time, so the simulated clock speed does not apply.
        settings.clockSpeed = 1.0;
        settings.plivo = m_settings.plivoSettings(plivoToken);
        const Result<void> callbacks = m_settings.usesRelay() ? useRelayCallbacks(settings)
                                                              : startPlivoListener(settings);
        if (!callbacks) {
            m_engineState->setText(tr("Engine: not started"));
            reportError(tr("The engine was not started: %1").arg(callbacks.error().message));
            return;
        }
    }

    m_engineThread = std::make_unique<EngineThread>(settings);
    connectEngine();
    if (m_plivoListener)
        m_plivoListener->attach(m_engineThread->engine(), settings.plivo);
    m_webhooks = std::make_unique<ConsoleWebhooks>(m_storePath, m_keychain);
    connect(m_webhooks.get(), &ConsoleWebhooks::problemFound, this, &MainWindow::reportError);
    m_webhooks->start(m_connection.database(), m_engineThread->engine());
    m_engineThread->start();
}

Result<void> MainWindow::startPlivoListener(EngineSettings &settings)
{
    // The listener binds before the engine opens, so the callback URLs the
    // engine gives Plivo carry its real port.
    auto listener = std::make_unique<WebhookListener>(m_storePath);
    if (Result<void> listening = listener->listen(m_settings.plivoListen, settings.plivo); !listening)
        return listening;
    if (Result<void> valid = settings.plivo.validate(); !valid)
        return valid;

    m_plivoListener = std::move(listener);
    m_plivoListenerUrl = m_plivoListener->localUrl();
    logMessage(QtInfoMsg, tr("Receiving Plivo's callbacks at %1 (public URL %2).")
                              .arg(m_plivoListenerUrl, settings.plivo.publicUrl));
    showCarrier();
    return {};
}

Result<void> MainWindow::useRelayCallbacks(const EngineSettings &settings)
{
    if (const QString problem = ConsoleSettings::relayUrlProblem(m_settings.relayUrl);
        !problem.isEmpty()) {
        return Error{u"invalid_argument"_s, problem};
    }
    if (Result<void> valid = settings.plivo.validate(); !valid)
        return valid;

    // The client itself starts once the engine has opened, as it reads the
    // channel's cursor from the engine's store.
    m_engineRelayChannel = settings.plivo.relayChannel;
    m_engineRelayPublicUrl = settings.plivo.publicUrl;
    logMessage(QtInfoMsg, tr("Receiving Plivo's callbacks through relay channel %1 at %2 (public "
                             "URL %3).")
                              .arg(m_engineRelayChannel, m_settings.relayUrl,
                                   m_engineRelayPublicUrl));
    showCarrier();
    return {};
}

void MainWindow::startRelay()
{
    m_relayStatus->showConnecting();
    // The token comes from the keychain asynchronously; the client starts once it is read.
    m_relayTokens->read([window = QPointer<MainWindow>(this)](const QByteArray &token,
                                                             const QString &source,
                                                             const QString &problem) {
        if (!window)
            return;
        if (token.isEmpty()) {
            window->m_relayStatus->showFailed(problem);
            window->reportError(tr("The relay client was not started: %1").arg(problem));
            return;
        }
        window->logMessage(QtInfoMsg, tr("Using the relay client token from %1.").arg(source));
        window->launchRelay(token);
    });
}

void MainWindow::launchRelay(const QByteArray &relayToken)
{
    // The settings may have changed while the token was read: a client only
    // runs for the channel whose callback URLs the engine gives Plivo.
    const PlivoSettings callbacks = m_settings.plivoSettings({});
    if (!m_engineOpen || !m_settings.usesRelay() || callbacks.relayChannel != m_engineRelayChannel
        || callbacks.publicUrl != m_engineRelayPublicUrl) {
        return;
    }

    setRelayConnected(false);
    RelayClient::Settings relay;
    relay.url = QUrl(m_settings.relayUrl);
    relay.token = relayToken;
    relay.storePath = m_storePath;
    m_relay.reset();
    m_relay = std::make_unique<ConsoleRelay>(relay, engine());

    const RelayClient *client = m_relay->client();
    const QString channel = m_engineRelayChannel;
    m_relayStatus->track(client, relay.url);
    connect(client, &RelayClient::connected, this, [this, channel] {
        logMessage(QtInfoMsg, tr("Connected to relay channel %1.").arg(channel));
        setRelayConnected(true);
    });
    connect(client, &RelayClient::reconnecting, this, [this, channel](int retryInMs) {
        setRelayConnected(false);
        logMessage(QtInfoMsg, tr("The connection to relay channel %1 is down; retrying in %2 s.")
                                  .arg(channel)
                                  .arg((retryInMs + 999) / 1000));
    });
    connect(client, &RelayClient::resetReceived, this, [this, channel](qint64 firstSeq) {
        logMessage(QtWarningMsg, tr("Relay channel %1 no longer holds the events before seq %2; "
                                    "calls that lost their final event are looked up in Plivo.")
                                     .arg(channel)
                                     .arg(firstSeq));
    });
    connect(client, &RelayClient::failed, this, [this](const QString &message) {
        setRelayConnected(false);
        reportError(tr("The relay client stopped: %1").arg(message));
    });
    m_relay->start();
}

void MainWindow::setRelayConnected(bool connected)
{
    if (m_relayConnected == connected)
        return;
    m_relayConnected = connected;
    updateActions();
}

void MainWindow::applyRelaySettings(const ConsoleSettings &previous, bool tokenChanged)
{
    const bool changed = previous.usesRelay() != m_settings.usesRelay()
                         || previous.relayUrl != m_settings.relayUrl
                         || previous.relayPublicUrl() != m_settings.relayPublicUrl()
                         || tokenChanged;
    if (!changed || m_engineRelayChannel.isEmpty())
        return;

    m_relay.reset();
    setRelayConnected(false);
    const PlivoSettings callbacks = m_settings.plivoSettings({});
    if (m_engineOpen && m_settings.usesRelay() && callbacks.relayChannel == m_engineRelayChannel
        && callbacks.publicUrl == m_engineRelayPublicUrl) {
        logMessage(QtInfoMsg, tr("Reconnecting to relay channel %1 with the new settings.")
                                  .arg(m_engineRelayChannel));
        startRelay();
        return;
    }

    // The engine keeps giving Plivo the old channel's callback URLs until it
    // restarts, and the relay stores those callbacks until a client fetches them.
    m_relayStatus->showStopped(tr("Restart the console to apply the new callback settings."));
    logMessage(QtWarningMsg, tr("The relay client stopped because the callback settings changed. "
                                "Restart the console to apply them; until then the callbacks "
                                "wait in relay channel %1.")
                                 .arg(m_engineRelayChannel));
}

void MainWindow::importFromPlivo()
{
    if (!m_connection.isOpen()) {
        reportError(tr("The store is not open, so no caller numbers can be added."));
        return;
    }

    m_plivoTokens->read([window = QPointer<MainWindow>(this)](const QByteArray &token,
                                                             const QString &,
                                                             const QString &problem) {
        if (!window)
            return;
        if (token.isEmpty()) {
            window->reportError(problem);
            return;
        }
        auto *dialog = new PlivoImportDialog(window->m_settings.plivoSettings(token),
                                             window->m_connection.database(), window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &PlivoImportDialog::numbersAdded, window, [window](int count) {
            window->logMessage(QtInfoMsg, tr("Added %n caller number(s) from Plivo.", nullptr, count));
            window->m_rotationPanel->reloadPhones();
        });
        dialog->open();
    });
}

void MainWindow::connectEngine()
{
    Engine *engine = m_engineThread->engine();
    connect(engine, &Engine::opened, this, [this] {
        m_engineOpen = true;
        m_engineState->setText(tr("Engine: ready"));
        logMessage(QtInfoMsg, tr("The engine is ready."));
        if (!m_engineRelayChannel.isEmpty())
            startRelay();
        updateActions();
        Q_EMIT engineOpened();
    });
    connect(engine, &Engine::openFailed, this, [this](const QString &message) {
        m_engineError = message;
        m_engineState->setText(tr("Engine: failed to open"));
        reportError(tr("The engine failed to open: %1").arg(message));
        updateActions();
    });
    connect(engine, &Engine::progressUpdated, this, &MainWindow::onSnapshot);
    connect(engine, &Engine::batchStatusChanged, this, &MainWindow::onBatchStatusChanged);
    connect(engine, &Engine::batchFinished, this, &MainWindow::onBatchFinished);
    connect(engine, &Engine::operatorMessage, this, &MainWindow::logMessage);
}

void MainWindow::refreshBatches()
{
    if (!m_connection.isOpen())
        return;
    if (m_refreshPending) {
        m_refreshAgain = true;
        return;
    }
    m_refreshPending = true;

    auto *watcher = new QFutureWatcher<Result<QList<BatchRow>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_refreshPending = false;

        const Result<QList<BatchRow>> rows = watcher->result();
        if (!rows)
            reportError(tr("Reading the batch list failed: %1").arg(rows.error().message));
        else
            m_batchList->setRows(*rows);
        onBatchesLoaded();

        if (m_refreshAgain) {
            m_refreshAgain = false;
            refreshBatches();
        }
    });
    watcher->setFuture(QtConcurrent::run(&BatchListModel::load, m_storePath));
}

void MainWindow::onBatchesLoaded()
{
    if (!m_batchToSelect.isEmpty() && m_batchList->selectBatch(m_batchToSelect))
        m_batchToSelect.clear();
    if (m_batchList->currentBatchId().isEmpty() && m_batchList->filterModel()->rowCount() > 0)
        m_batchList->table()->selectRow(0);

    Q_EMIT batchesRefreshed();
}

QString MainWindow::currentBatchId() const
{
    return m_batch ? m_batch->id : QString();
}

bool MainWindow::selectBatch(const QString &batchId)
{
    return m_batchList->selectBatch(batchId);
}

void MainWindow::onCurrentBatchChanged(const QString &batchId)
{
    if (batchId.isEmpty()) {
        m_batch.reset();
        m_unfinishedCalls = 0;
        m_setupPanel->clear();
        m_rotationPanel->setBatch(QString(), {}, RotationStrategy::RoundRobin, false);
        m_dashboard->setBatch(QString());
        m_callLog->setBatch(QString());
        m_batchTitle->setText(tr("No batch selected"));
        updateRunState();
        updateActions();
        return;
    }

    m_batch = Batch{};
    m_batch->id = batchId;
    reloadCurrentBatch();
    m_dashboard->setBatch(batchId);
    m_dashboard->applySnapshot(m_snapshot);
    m_callLog->setBatch(batchId);
}

void MainWindow::reloadCurrentBatch()
{
    if (!m_batch || !m_connection.isOpen())
        return;

    BatchRepository batches(m_connection.database());
    Result<std::optional<Batch>> found = batches.find(m_batch->id);
    if (!found || !found->has_value()) {
        reportError(found ? tr("Batch %1 is no longer in the store; the list is read again.").arg(m_batch->id)
                          : found.error().message);
        refreshBatches();
        return;
    }
    m_batch = **found;

    Result<QHash<CallStatus, qint64>> counts = batches.countCallsByStatus(m_batch->id);
    m_unfinishedCalls = 0;
    if (counts) {
        for (auto it = counts->cbegin(); it != counts->cend(); ++it) {
            if (!isFinal(it.key()))
                m_unfinishedCalls += it.value();
        }
    } else {
        reportError(counts.error().message);
    }

    const bool editable = !isActive(m_batch->status) && m_batch->status != BatchStatus::Archived;
    m_batchTitle->setText(m_batch->name);
    m_setupPanel->setConfig(m_batch->config, editable);
    m_rotationPanel->setBatch(m_batch->id, m_batch->phoneIds, m_batch->config.rotation, editable);
    m_rotationPanel->applyProgress(m_snapshot.find(m_batch->id));
    updateRunState();
    updateActions();
}

void MainWindow::onConfigEdited()
{
    updateActions();
}

void MainWindow::saveConfig(const BatchConfig &edited)
{
    if (!m_batch)
        return;

    BatchConfig config = edited;
    config.rotation = m_rotationPanel->strategy();
    if (Result<void> saved = BatchRepository(m_connection.database()).setConfig(m_batch->id, config); !saved) {
        reportError(saved.error().message);
        return;
    }
    m_batch->config = config;
    m_setupPanel->markSaved();
    statusBar()->showMessage(tr("Settings of %1 saved.").arg(m_batch->name), StatusMessageMs);
    updateActions();
}

void MainWindow::savePhoneSelection(const QStringList &phoneIds)
{
    if (!m_batch)
        return;

    if (Result<void> saved = BatchRepository(m_connection.database()).setPhones(m_batch->id, phoneIds); !saved) {
        reportError(saved.error().message);
        return;
    }
    m_batch->phoneIds = phoneIds;
    updateActions();
}

void MainWindow::saveStrategy(RotationStrategy strategy)
{
    if (!m_batch)
        return;

    BatchConfig config = m_batch->config;
    config.rotation = strategy;
    if (Result<void> saved = BatchRepository(m_connection.database()).setConfig(m_batch->id, config); !saved) {
        reportError(saved.error().message);
        return;
    }
    m_batch->config = config;
}

void MainWindow::renameBatch(const QString &batchId, const QString &name)
{
    if (Result<void> renamed = BatchRepository(m_connection.database()).rename(batchId, name); !renamed) {
        reportError(renamed.error().message);
        refreshBatches();
        return;
    }
    if (m_batch && m_batch->id == batchId) {
        m_batch->name = name;
        m_batchTitle->setText(name);
    }
    logMessage(QtInfoMsg, tr("Batch %1 renamed to \"%2\".").arg(batchId, name));
}

void MainWindow::duplicateBatch(const QString &batchId)
{
    const std::optional<BatchRow> source = m_batchList->model()->row(batchId);
    if (!source)
        return;

    const QString name = tr("%1 (copy)").arg(source->batch.name);
    m_batchList->duplicateAction()->setEnabled(false);
    statusBar()->showMessage(tr("Copying %1…").arg(source->batch.name));

    auto *watcher = new QFutureWatcher<Result<QString>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, name] {
        watcher->deleteLater();
        const Result<QString> copied = watcher->result();
        if (!copied) {
            reportError(tr("Duplicating the batch failed: %1").arg(copied.error().message));
            updateActions();
            return;
        }
        logMessage(QtInfoMsg, tr("Created draft batch \"%1\".").arg(name));
        statusBar()->showMessage(tr("Created draft batch \"%1\".").arg(name), StatusMessageMs);
        m_batchToSelect = *copied;
        refreshBatches();
    });
    watcher->setFuture(QtConcurrent::run(&BatchDuplicator::duplicate, m_storePath, batchId, name, m_operator.id));
}

void MainWindow::archiveBatch(const QString &batchId)
{
    const std::optional<BatchRow> row = m_batchList->model()->row(batchId);
    if (!row || isActive(row->batch.status))
        return;

    BatchRepository batches(m_connection.database());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (Result<void> archived = batches.setStatus(batchId, BatchStatus::Archived, tr("Archived by the operator"), now);
        !archived) {
        reportError(archived.error().message);
        return;
    }
    logMessage(QtInfoMsg, tr("Batch \"%1\" archived.").arg(row->batch.name));
    refreshBatches();
}

void MainWindow::importContacts()
{
    if (m_importDialog) {
        m_importDialog->raise();
        m_importDialog->activateWindow();
        return;
    }

    BatchConfig defaults;
    m_settings.applyDefaultsTo(defaults);
    m_importDialog = new ImportDialog(m_storePath, m_operator.id, defaults, this);
    m_importDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_importDialog->setFileChooser(m_seams.chooseOpenFile);
    connect(m_importDialog, &ImportDialog::imported, this, &MainWindow::onImported);
    m_importDialog->open();
    m_importDialog->chooseFile();
}

void MainWindow::onImported(const QString &batchId, const QString &summary)
{
    logMessage(QtInfoMsg, summary);
    statusBar()->showMessage(summary, StatusMessageMs);
    m_batchToSelect = batchId;
    refreshBatches();
}

void MainWindow::setupDemo()
{
    DemoSetup::Request request;
    request.storePath = m_storePath;
    request.filePath = m_options.demoFile;
    request.ownerUserId = m_operator.id;
    m_settings.applyDefaultsTo(request.config);

    auto *watcher = new QFutureWatcher<Result<DemoSetup::Outcome>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Result<DemoSetup::Outcome> outcome = watcher->result();
        if (!outcome) {
            reportError(tr("Preparing the demo batch failed: %1").arg(outcome.error().message));
            return;
        }
        if (outcome->batchId.isEmpty()) {
            logMessage(QtInfoMsg, tr("The store already has batches, so no demo batch was imported."));
            return;
        }
        logMessage(QtInfoMsg, outcome->summary);
        m_batchToSelect = outcome->batchId;
        m_rotationPanel->reloadPhones();
        connect(this, &MainWindow::batchesRefreshed, this, [this, id = outcome->batchId] {
            Q_EMIT demoReady(id);
        }, Qt::SingleShotConnection);
        refreshBatches();
    });
    watcher->setFuture(QtConcurrent::run(&DemoSetup::run, request));
}

void MainWindow::exportReport()
{
    if (!m_batch)
        return;
    if (m_exportDialog) {
        m_exportDialog->raise();
        m_exportDialog->activateWindow();
        return;
    }

    m_exportDialog = new ExportDialog(m_storePath, m_batch->id, m_batch->name, this);
    m_exportDialog->setObjectName(u"exportDialog"_s);
    m_exportDialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_exportChooser)
        m_exportDialog->setFileChooser(m_exportChooser);
    connect(m_exportDialog, &ExportDialog::exportFinished, this, [this](const ExportOutcome &outcome) {
        if (outcome.ok())
            logMessage(QtInfoMsg, tr("Exported %n row(s).", nullptr, int(outcome.rows)));
        else if (!outcome.errorMessage.isEmpty())
            reportError(outcome.errorMessage);
    });
    m_exportDialog->open();
}

void MainWindow::showSettings()
{
    if (m_settingsDialog) {
        m_settingsDialog->raise();
        return;
    }

    m_settingsDialog =
        new SettingsDialog(m_settings, m_storePath, *m_plivoTokens, *m_relayTokens, this);
    m_settingsDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_settingsDialog, &QDialog::accepted, this, [this] {
        const ConsoleSettings previous = m_settings;
        m_settings = m_settingsDialog->settings();
        m_settings.save();
        m_rotationPanel->setPlivoImportAvailable(m_settings.carrier == u"plivo");
        const bool needsRestart = previous.storePath != m_settings.storePath
                                  || previous.simulationSeed != m_settings.simulationSeed
                                  || previous.clockSpeed != m_settings.clockSpeed
                                  || previous.carrier != m_settings.carrier
                                  || previous.plivoSettings({}).baseUrl != m_settings.plivoSettings({}).baseUrl
                                  || previous.plivoAuthId != m_settings.plivoAuthId
                                  || previous.plivoListen != m_settings.plivoListen
                                  || previous.plivoPublicUrl != m_settings.plivoPublicUrl
                                  || previous.plivoMachineDetection != m_settings.plivoMachineDetection
                                  || previous.plivoCallbacks != m_settings.plivoCallbacks;
        applyRelaySettings(previous, m_settingsDialog->relayTokenChanged());
        if (needsRestart)
            logMessage(QtInfoMsg, tr("Settings saved; the carrier, store, seed and clock speed apply at the next start."));
        else
            logMessage(QtInfoMsg, tr("Settings saved."));
    });
    m_settingsDialog->open();
}

void MainWindow::showUsers()
{
    if (!m_connection.isOpen()) {
        reportError(tr("The store is not open, so no users can be managed."));
        return;
    }

    auto *dialog = new UsersDialog(m_connection.name(), m_seams, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showWebhooks()
{
    if (!m_connection.isOpen()) {
        reportError(tr("The store is not open, so no webhooks can be managed."));
        return;
    }

    auto *dialog = new WebhooksDialog(m_connection.name(), m_seams, m_keychain, m_webhooks.get(),
                                      this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::startCalling()
{
    updateActions();
    if (!m_startBlockedReason.isEmpty() || !m_batch)
        return;

    // Start Calling runs what the operator sees, so edits not yet saved are saved first.
    if (m_setupPanel->isModified()) {
        saveConfig(m_setupPanel->config());
        if (m_setupPanel->isModified())
            return;
    }

    StartRequest request;
    request.batchId = m_batch->id;
    request.userId = m_operator.id;
    request.phoneIds = m_rotationPanel->selectedPhoneIds();
    request.sessionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    logMessage(QtInfoMsg, tr("Starting batch \"%1\".").arg(m_batch->name));
    sendCommand(tr("Start Calling"), engine()->requestStart(request));
}

void MainWindow::pauseCalling()
{
    if (!m_batch || !m_pauseAction->isEnabled())
        return;
    sendCommand(tr("Pause"), engine()->requestPause(m_batch->id));
}

void MainWindow::resumeCalling()
{
    if (!m_batch || !m_resumeAction->isEnabled())
        return;
    sendCommand(tr("Resume"), engine()->requestResume(m_batch->id));
}

void MainWindow::stopCalling()
{
    if (!m_batch || !m_stopAction->isEnabled())
        return;

    const QString batchId = m_batch->id;
    const QString question = tr("Stop calling \"%1\"? Calls in progress finish, no new calls are placed, "
                                "and the batch cannot be resumed.")
                                 .arg(m_batch->name);
    QPointer<MainWindow> self(this);
    m_seams.confirm(this, tr("Stop Batch"), question, [self, batchId](bool confirmed) {
        if (!self || !confirmed || !self->engine())
            return;
        self->sendCommand(tr("Stop"), self->engine()->requestStop(batchId));
    });
}

void MainWindow::sendCommand(const QString &verb, QFuture<CommandResult> future)
{
    m_commandPending = true;
    updateActions();

    auto *watcher = new QFutureWatcher<CommandResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, verb] {
        watcher->deleteLater();
        onCommandResult(verb, watcher->result());
    });
    watcher->setFuture(future);
}

void MainWindow::onCommandResult(const QString &verb, const CommandResult &result)
{
    m_commandPending = false;

    if (!result.ok()) {
        reportError(tr("%1 failed for batch %2: %3").arg(verb, result.batchId, result.errorMessage));
    } else {
        logMessage(QtInfoMsg, tr("%1: batch %2 is now %3.")
                                  .arg(verb, result.batchId, StatusText::batchStatus(result.status).toLower()));
        m_batchList->model()->setStatus(result.batchId, result.status);
        if (m_batch && m_batch->id == result.batchId) {
            m_batch->status = result.status;
            reloadCurrentBatch();
        }
    }

    updateActions();
    Q_EMIT commandFinished(result);
}

void MainWindow::onSnapshot(const ProgressSnapshot &snapshot)
{
    m_snapshot = snapshot;
    m_batchList->model()->applySnapshot(snapshot);
    m_dashboard->applySnapshot(snapshot);

    if (!m_batch)
        return;
    const BatchProgress *progress = snapshot.find(m_batch->id);
    if (!progress)
        return;

    const bool statusChanged = progress->status != m_batch->status;
    m_batch->status = progress->status;
    m_unfinishedCalls = progress->totalCalls - progress->finishedCalls;
    m_rotationPanel->applyProgress(progress);
    updateRunState();
    if (statusChanged)
        updateActions();
}

void MainWindow::onBatchStatusChanged(const QString &batchId, BatchStatus status, const QString &reason)
{
    m_batchList->model()->setStatus(batchId, status);
    const std::optional<BatchRow> row = m_batchList->model()->row(batchId);
    const QString name = row ? row->batch.name : batchId;
    const QString statusText = StatusText::batchStatus(status);
    logMessage(QtInfoMsg, reason.isEmpty() ? tr("Batch \"%1\": %2.").arg(name, statusText)
                                           : tr("Batch \"%1\": %2 (%3).").arg(name, statusText, reason));

    if (!m_batch || m_batch->id != batchId)
        return;
    m_batch->status = status;
    m_batch->statusReason = reason;
    updateRunState();
    updateActions();
}

void MainWindow::onBatchFinished(const QString &batchId, BatchStatus status)
{
    Q_UNUSED(status);
    refreshBatches();
    if (m_batch && m_batch->id == batchId) {
        reloadCurrentBatch();
        m_callLog->refresh();
    }
}

QString MainWindow::computeStartBlockedReason() const
{
    if (!m_connection.isOpen())
        return tr("The store could not be opened; see the log pane.");
    if (!m_batch)
        return tr("Select a batch, or import a contact file with File > Import Contacts.");
    if (!m_engineError.isEmpty())
        return tr("The engine failed to open: %1").arg(m_engineError);
    if (!m_engineOpen)
        return tr("The engine is starting.");
    if (m_commandPending)
        return tr("Waiting for the engine to answer the last command.");
    if (m_settings.usesRelay() && !m_engineRelayChannel.isEmpty() && !m_relayConnected) {
        // Plivo fetches every answer URL from the relay, so a call answered
        // while the relay is down is hung up on the callee.
        return tr("Waiting for the connection to the relay at %1; see the relay field in the "
                  "status bar.")
            .arg(m_settings.relayUrl);
    }

    switch (m_batch->status) {
    case BatchStatus::Running:
    case BatchStatus::Queued:
        return tr("The batch is already running.");
    case BatchStatus::Paused:
        return tr("The batch is paused; use Resume to continue it.");
    case BatchStatus::Completed:
        return tr("The batch is completed; duplicate it to call the list again.");
    case BatchStatus::Archived:
        return tr("The batch is archived; duplicate it to call the list again.");
    default:
        break;
    }

    const QList<ConfigProblem> problems = m_setupPanel->problems();
    if (!problems.isEmpty())
        return tr("Fix the batch settings first: %1").arg(problems.first().message);
    if (m_unfinishedCalls <= 0)
        return tr("No call in this batch is waiting to be dialed.");
    if (m_rotationPanel->enabledSelectedCount() == 0)
        return tr("Tick at least one enabled caller number on the Caller numbers tab.");
    return QString();
}

void MainWindow::updateActions()
{
    m_startBlockedReason = computeStartBlockedReason();
    m_startAction->setEnabled(m_startBlockedReason.isEmpty());
    m_startBlocked->setText(m_startBlockedReason);
    m_startBlocked->setVisible(!m_startBlockedReason.isEmpty());
    m_startAction->setStatusTip(m_startBlockedReason.isEmpty() ? tr("Start calling the selected batch")
                                                               : m_startBlockedReason);

    const bool canCommand = m_batch && m_engineOpen && !m_commandPending;
    const BatchStatus status = m_batch ? m_batch->status : BatchStatus::Draft;
    m_pauseAction->setEnabled(canCommand && (status == BatchStatus::Running || status == BatchStatus::Queued));
    m_resumeAction->setEnabled(canCommand && status == BatchStatus::Paused);
    m_stopAction->setEnabled(canCommand && isActive(status));
    m_exportAction->setEnabled(m_batch.has_value());
    m_importAction->setEnabled(m_connection.isOpen());
    m_batchList->setArchiveAllowed(m_batch && !isActive(status) && status != BatchStatus::Archived);
}

void MainWindow::updateRunState()
{
    if (!m_batch) {
        m_runState->setText(QString());
        return;
    }
    m_runState->setText(StatusText::runState(m_batch->status, m_snapshot.find(m_batch->id)));
}

void MainWindow::reportError(const QString &message)
{
    qCWarning(lcUi).noquote() << message;
    logMessage(QtWarningMsg, message);
    statusBar()->showMessage(message, StatusMessageMs);
}

void MainWindow::logMessage(QtMsgType type, const QString &text)
{
    m_logModel->append(type, text);
}

} // namespace Dialdeck
