#include "consolesettings.h"
#include "core/ids.h"
#include "faultproxy.h"
#include "import/importer.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "memorykeychain.h"
#include "plivotokenstore.h"
#include "relayprocess.h"
#include "relaystatuslabel.h"
#include "rotationpanel.h"
#include "settingsdialog.h"
#include "simulatorprocess.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;
const QByteArray SimToken = "dialdeck-sim-relay-console-token";
const QString Channel = u"office"_s;
// Contacts of the batch, one call each.
constexpr int BatchContacts = 8;

} // namespace

// Runs the console against real processes on loopback: dialdeck-sim places
// the calls and sends its signed callbacks to dialdeck-relay, and the console
// (the real MainWindow) receives them from the relay through a TCP proxy
// that the test cuts and then holds half-open while the batch runs.
class TestRelayConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void settingsSaveRelayTokenInKeychain();
    void keychainFailureKeepsRelayTokenForSession();
    void wrongRelayTokenShowsInStatusAndLog();
    void missingRelayTokenShowsInStatus();
    void settingsChangeRestartsRelayClient();
    void consoleDialsBatchThroughRelay();

private:
    ConsoleOptions options();
    void saveRelaySettings();
    std::unique_ptr<MainWindow> startConsole();
    static bool logContains(const MainWindow &window, const QString &text);
    QString createBatch();
    bool addCallerNumbers();
    QHash<QString, QString> journalOutcomes() const;
    void checkOutcomes(QSqlDatabase store, const QString &batchId);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    QString m_journal;
    QByteArray m_clientToken;
    SimulatorProcess m_sim;
    std::unique_ptr<RelayProcess> m_relay;
    std::unique_ptr<FaultProxy> m_proxy;
    MemoryKeychain m_keychain;
};

void TestRelayConsole::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"DialdeckRelayConsoleTest"_s);
    qunsetenv("DIALDECK_PLIVO_AUTH_TOKEN");
    qunsetenv("DIALDECK_RELAY_TOKEN");
}

void TestRelayConsole::init()
{
    QSettings().clear();
    m_keychain.clear();

    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);
    m_journal = m_dir->filePath(u"sim-journal.jsonl"_s);
    const QString tokenFile = m_dir->filePath(u"plivo-token"_s);
    QVERIFY(SimulatorProcess::writeTokenFile(tokenFile, SimToken));

    m_relay = std::make_unique<RelayProcess>(m_dir->filePath(u"relay.sqlite"_s),
                                             m_dir->filePath(u"relay.log"_s));
    const QString added = m_relay->addChannel(Channel, tokenFile, m_clientToken);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    const QString relayStarted = m_relay->start();
    QVERIFY2(relayStarted.isEmpty(), qPrintable(relayStarted));
    m_proxy = std::make_unique<FaultProxy>(m_relay->port());
    QVERIFY(m_proxy->port() != 0);

    // At 20 simulated seconds per second a call rings and talks for a few
    // seconds, so the batch still runs while the link is held. Callbacks that
    // cannot connect are retried, as Plivo does.
    const QString simStarted =
        m_sim.start(tokenFile, m_dir->filePath(u"sim.log"_s),
                    {u"--journal"_s, m_journal, u"--speed"_s, u"20"_s, u"--cps"_s, u"20"_s,
                     u"--seed"_s, u"5"_s, u"--callback-retries"_s, u"5"_s});
    QVERIFY2(simStarted.isEmpty(), qPrintable(simStarted));
}

void TestRelayConsole::cleanup()
{
    m_sim.stop();
    m_proxy.reset();
    m_relay.reset();
    QSqlDatabase::removeDatabase(u"relayconsole-test"_s);
    QSqlDatabase::removeDatabase(u"relayconsole-import"_s);
    QSqlDatabase::removeDatabase(u"relayconsole-phones"_s);
    QSqlDatabase::removeDatabase(u"relayconsole-relay"_s);
}

ConsoleOptions TestRelayConsole::options()
{
    ConsoleOptions console;
    console.storePath = m_storePath;
    console.startEngine = false;
    console.keychain = m_keychain.keychain();
    return console;
}

void TestRelayConsole::settingsSaveRelayTokenInKeychain()
{
    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Callbacks arrive directly by default, so the relay field stays hidden.
    QVERIFY(window.relayStatus()->isHidden());

    window.findChild<QAction *>(u"settingsAction"_s)->trigger();
    SettingsDialog *dialog = window.settingsDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *carrier = dialog->findChild<QComboBox *>(u"carrierCombo"_s);
    carrier->setCurrentIndex(carrier->findData(u"plivo-custom"_s));
    dialog->findChild<QLineEdit *>(u"plivoBaseUrlEdit"_s)->setText(m_sim.baseUrl());
    dialog->findChild<QLineEdit *>(u"plivoAuthIdEdit"_s)->setText(SimAuthId);
    dialog->findChild<QLineEdit *>(u"plivoTokenEdit"_s)->setText(QString::fromLatin1(SimToken));

    auto *callbacks = dialog->findChild<QComboBox *>(u"plivoCallbacksCombo"_s);
    auto *relayUrl = dialog->findChild<QLineEdit *>(u"relayUrlEdit"_s);
    auto *relayToken = dialog->findChild<QLineEdit *>(u"relayTokenEdit"_s);
    auto *listen = dialog->findChild<QLineEdit *>(u"plivoListenEdit"_s);
    QVERIFY(callbacks && relayUrl && relayToken && listen);
    QVERIFY(!relayUrl->isEnabled());
    callbacks->setCurrentIndex(callbacks->findData(u"relay"_s));
    QVERIFY(relayUrl->isEnabled());
    QVERIFY(relayToken->isEnabled());
    QVERIFY(!listen->isEnabled());
    QCOMPARE(relayToken->echoMode(), QLineEdit::Password);

    // An invalid relay URL disables OK and the message names the value.
    auto *buttons = dialog->findChild<QDialogButtonBox *>(u"settingsButtons"_s);
    auto *problem = dialog->findChild<QLabel *>(u"settingsProblemLabel"_s);
    for (const QString &invalid : {u"https://relay.example.com/ws/office"_s,
                                   u"ws://relay.example.com/office"_s, u"wss:///ws/office"_s}) {
        relayUrl->setText(invalid);
        QVERIFY2(!buttons->button(QDialogButtonBox::Ok)->isEnabled(), qPrintable(invalid));
        QVERIFY2(problem->text().contains(u"\"%1\""_s.arg(invalid)), qPrintable(problem->text()));
    }

    relayUrl->setText(u"wss://relay.example.com/ws/office"_s);
    relayToken->setText(QString::fromLatin1(m_clientToken));
    QVERIFY2(buttons->button(QDialogButtonBox::Ok)->isEnabled(), qPrintable(problem->text()));
    buttons->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(!window.settingsDialog());

    QCOMPARE(m_keychain.entries.value(PlivoTokenStore::relayToken().keychainKey), m_clientToken);
    QCOMPARE(m_keychain.entries.value(PlivoTokenStore::keychainKey()), SimToken);
    const ConsoleSettings saved = ConsoleSettings::load();
    QVERIFY(saved.usesRelay());
    QCOMPARE(saved.relayUrl, u"wss://relay.example.com/ws/office"_s);

    // Without a public URL of its own, Plivo calls the relay at the address
    // the WebSocket URL was made from.
    QCOMPARE(saved.relayPublicUrl(), u"https://relay.example.com/"_s);
    QCOMPARE(saved.plivoSettings(SimToken).callbackUrl(u"hangup", 7),
             u"https://relay.example.com/plivo/office/hangup?attempt=7"_s);

    // The client token is nowhere in the settings file.
    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(m_clientToken));
}

void TestRelayConsole::keychainFailureKeepsRelayTokenForSession()
{
    m_keychain.error = u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s;
    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.findChild<QAction *>(u"settingsAction"_s)->trigger();
    SettingsDialog *dialog = window.settingsDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());

    auto *status = dialog->findChild<QLabel *>(u"relayTokenStatusLabel"_s);
    QTRY_VERIFY2(status->text().contains(u"DIALDECK_RELAY_TOKEN"_s), qPrintable(status->text()));
    QVERIFY2(status->text().contains(m_keychain.error), qPrintable(status->text()));

    auto *carrier = dialog->findChild<QComboBox *>(u"carrierCombo"_s);
    carrier->setCurrentIndex(carrier->findData(u"plivo-custom"_s));
    dialog->findChild<QLineEdit *>(u"plivoBaseUrlEdit"_s)->setText(m_sim.baseUrl());
    dialog->findChild<QLineEdit *>(u"plivoAuthIdEdit"_s)->setText(SimAuthId);
    auto *callbacks = dialog->findChild<QComboBox *>(u"plivoCallbacksCombo"_s);
    callbacks->setCurrentIndex(callbacks->findData(u"relay"_s));
    dialog->findChild<QLineEdit *>(u"relayUrlEdit"_s)->setText(m_relay->webSocketUrl(Channel));
    auto *relayToken = dialog->findChild<QLineEdit *>(u"relayTokenEdit"_s);
    relayToken->setText(QString::fromLatin1(m_clientToken));
    auto *buttons = dialog->findChild<QDialogButtonBox *>(u"settingsButtons"_s);
    buttons->button(QDialogButtonBox::Ok)->click();

    // The dialog stays open and shows the keychain's error and the fallback.
    QTRY_VERIFY2(status->text().contains(u"keychain is unavailable"_s), qPrintable(status->text()));
    QVERIFY2(status->text().contains(u"only for this session"_s), qPrintable(status->text()));
    QVERIFY2(status->text().contains(u"DIALDECK_RELAY_TOKEN"_s), qPrintable(status->text()));
    QVERIFY(dialog->isVisible());
    QVERIFY(relayToken->text().isEmpty());
    QVERIFY(m_keychain.entries.isEmpty());
    QVERIFY(window.relayTokens().hasSessionToken());
    QVERIFY(!window.plivoTokens().hasSessionToken());

    buttons->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(!window.settingsDialog());
    QVERIFY(ConsoleSettings::load().usesRelay());
}

void TestRelayConsole::saveRelaySettings()
{
    ConsoleSettings settings;
    settings.carrier = u"plivo"_s;
    settings.plivoBaseUrl = m_sim.baseUrl();
    settings.plivoAuthId = SimAuthId;
    settings.plivoCallbacks = u"relay"_s;
    // The console reaches the relay through the proxy, Plivo (the simulator) directly.
    settings.relayUrl = m_relay->webSocketUrl(Channel, m_proxy->port());
    settings.plivoPublicUrl = m_relay->publicUrl();
    settings.save();
    m_keychain.entries.insert(PlivoTokenStore::keychainKey(), SimToken);
    m_keychain.entries.insert(PlivoTokenStore::relayToken().keychainKey, m_clientToken);
}

std::unique_ptr<MainWindow> TestRelayConsole::startConsole()
{
    ConsoleOptions console = options();
    console.startEngine = true;
    auto window = std::make_unique<MainWindow>(console);
    window->show();
    if (!QTest::qWaitForWindowExposed(window.get()))
        return {};
    if (!QTest::qWaitFor([&window] { return window->isEngineOpen(); }, 15000))
        return {};
    return window;
}

bool TestRelayConsole::logContains(const MainWindow &window, const QString &text)
{
    const LogModel *log = window.logModel();
    for (int row = 0; row < log->rowCount(); ++row) {
        if (log->data(log->index(row)).toString().contains(text))
            return true;
    }
    return false;
}

void TestRelayConsole::wrongRelayTokenShowsInStatusAndLog()
{
    saveRelaySettings();
    m_keychain.entries.insert(PlivoTokenStore::relayToken().keychainKey, "not-the-client-token");
    std::unique_ptr<MainWindow> window = startConsole();
    QVERIFY(window);

    RelayStatusLabel *status = window->relayStatus();
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().startsWith(u"Relay: failed. "_s),
                              qPrintable(status->text()), 10000);
    QVERIFY2(status->text().contains(u"rejected channel office"_s), qPrintable(status->text()));
    QVERIFY(status->isVisible());
    QVERIFY(logContains(*window, u"The relay client stopped: The relay rejected channel office"_s));
    // The token is not retried, so the failure stays on show.
    QTest::qWait(1500);
    QVERIFY2(status->text().startsWith(u"Relay: failed. "_s), qPrintable(status->text()));
}

void TestRelayConsole::missingRelayTokenShowsInStatus()
{
    saveRelaySettings();
    m_keychain.entries.remove(PlivoTokenStore::relayToken().keychainKey);
    std::unique_ptr<MainWindow> window = startConsole();
    QVERIFY(window);

    RelayStatusLabel *status = window->relayStatus();
    QTRY_VERIFY2(status->text().startsWith(u"Relay: failed. No relay client token was found"_s),
                 qPrintable(status->text()));
    QVERIFY2(status->text().contains(u"DIALDECK_RELAY_TOKEN"_s), qPrintable(status->text()));
    QVERIFY(!window->isRelayRunning());
    QVERIFY(logContains(*window, u"The relay client was not started"_s));
}

// A new relay URL for the same channel and public URL restarts the client at
// once. A change of the callback URLs stops it until the next start.
void TestRelayConsole::settingsChangeRestartsRelayClient()
{
    saveRelaySettings();
    std::unique_ptr<MainWindow> window = startConsole();
    QVERIFY(window);
    RelayStatusLabel *status = window->relayStatus();
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), u"Relay: connected"_s, 10000);
    QCOMPARE(m_proxy->connectionsAccepted(), 1);

    const auto editSettings = [&window](const std::function<void(SettingsDialog *)> &edit) {
        window->findChild<QAction *>(u"settingsAction"_s)->trigger();
        SettingsDialog *dialog = window->settingsDialog();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        edit(dialog);
        auto *buttons = dialog->findChild<QDialogButtonBox *>(u"settingsButtons"_s);
        QVERIFY(buttons->button(QDialogButtonBox::Ok)->isEnabled());
        buttons->button(QDialogButtonBox::Ok)->click();
        QTRY_VERIFY(!window->settingsDialog());
    };

    // The relay directly instead of through the proxy: the same channel.
    QSignalSpy statusTexts(status, &RelayStatusLabel::textShown);
    editSettings([this](SettingsDialog *dialog) {
        dialog->findChild<QLineEdit *>(u"relayUrlEdit"_s)->setText(m_relay->webSocketUrl(Channel));
    });
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(logContains(*window, u"Reconnecting to relay channel office with the new settings."_s));
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), u"Relay: connected"_s, 10000);
    QVERIFY(!statusTexts.isEmpty());
    QCOMPARE(statusTexts.first().at(0).toString(), u"Relay: connecting"_s);
    QVERIFY(window->isRelayRunning());
    // The old client closed its connection through the proxy and opened none there.
    QCOMPARE(m_proxy->connectionsAccepted(), 1);

    // Another public URL changes the callback URLs that the engine gave Plivo.
    editSettings([](SettingsDialog *dialog) {
        dialog->findChild<QLineEdit *>(u"plivoPublicUrlEdit"_s)
            ->setText(u"https://relay.example.com/"_s);
    });
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(status->text(),
             u"Relay: stopped. Restart the console to apply the new callback settings."_s);
    QVERIFY(!window->isRelayRunning());
    QVERIFY(logContains(*window, u"Restart the console to apply them"_s));
}

// Imports BatchContacts contacts with New York numbers, a window open all
// day, every day, and one attempt per call.
QString TestRelayConsole::createBatch()
{
    QFile contacts(m_dir->filePath(u"contacts.csv"_s));
    if (!contacts.open(QIODevice::WriteOnly))
        return {};
    contacts.write("Name,Phone\n");
    for (int i = 0; i < BatchContacts; ++i)
        contacts.write(u"Contact %1,+1212555014%1\n"_s.arg(i).toUtf8());
    contacts.close();

    Result<Connection> connection = Connection::openSqlite(m_storePath, u"relayconsole-import"_s);
    if (!connection)
        return {};
    Result<User> owner = UserRepository(connection->database()).ensureLocalOperator();
    if (!owner)
        return {};

    ImportOptions import;
    import.ownerUserId = owner->id;
    import.filePath = contacts.fileName();
    import.batchName = u"Relay console rehearsal"_s;
    import.config.windowStart = QTime(0, 0);
    import.config.windowEnd = QTime(23, 59);
    import.config.allowedDays = 0b1111111;
    import.config.maxCallsPerSecond = 2.0;
    // Retries wait minutes of real time with Plivo, so each call gets one attempt.
    import.config.retryBusy = {1, 0};
    import.config.retryNoAnswer = {1, 0};
    import.config.retryFailed = {1, 0};
    Result<ImportSummary> summary = Importer::run(connection->database(), import, {});
    if (!summary) {
        qWarning().noquote() << summary.error().message;
        return {};
    }
    return summary->batchId;
}

// Adds four of the simulated account's numbers as caller numbers.
bool TestRelayConsole::addCallerNumbers()
{
    Result<Connection> connection = Connection::openSqlite(m_storePath, u"relayconsole-phones"_s);
    if (!connection)
        return false;
    PhoneRepository phones(connection->database());
    for (int i = 0; i < 4; ++i) {
        Phone phone;
        phone.id = Ids::generate();
        phone.e164 = u"+1415555010%1"_s.arg(i);
        phone.label = u"Plivo"_s;
        if (!phones.insert(phone))
            return false;
    }
    return true;
}

// The simulator's hangup cause of each call it ended, by call uuid.
QHash<QString, QString> TestRelayConsole::journalOutcomes() const
{
    QHash<QString, QString> outcomes;
    QFile file(m_journal);
    if (!file.open(QIODevice::ReadOnly))
        return outcomes;
    while (!file.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
        const QString uuid = line.value(u"call_uuid"_s).toString();
        if (uuid.isEmpty())
            continue;
        // A placed line comes first, and the ended line replaces it.
        outcomes.insert(uuid, line.value(u"hangup_cause_name"_s).toString());
    }
    return outcomes;
}

// Every call is final, every attempt carries a call uuid the simulator
// placed and the simulator's hangup cause, every placed call has its
// attempt, and the console's relay cursor is the relay's last seq.
void TestRelayConsole::checkOutcomes(QSqlDatabase store, const QString &batchId)
{
    QSqlQuery query(store);
    QVERIFY(query.exec(
        u"SELECT COUNT(*) FROM calls WHERE batch_id = '%1' AND status NOT IN "
        "('completed', 'busy', 'no_answer', 'failed', 'skipped', 'cancelled')"_s.arg(batchId)));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);

    const QHash<QString, QString> placed = journalOutcomes();
    QCOMPARE(placed.size(), BatchContacts);
    QVERIFY(query.exec(
        u"SELECT id, COALESCE(call_uuid, ''), COALESCE(outcome, ''), "
        "COALESCE(hangup_cause, '') FROM attempts WHERE batch_id = '%1'"_s.arg(batchId)));
    QSet<QString> attempted;
    while (query.next()) {
        const QString attempt = query.value(0).toString();
        const QString uuid = query.value(1).toString();
        QVERIFY2(placed.contains(uuid),
                 qPrintable(u"attempt %1 has call uuid \"%2\""_s.arg(attempt, uuid)));
        QVERIFY2(!query.value(2).toString().isEmpty(), qPrintable(u"attempt "_s + attempt));
        QCOMPARE(query.value(3).toString(), placed.value(uuid));
        attempted.insert(uuid);
    }
    for (auto it = placed.cbegin(); it != placed.cend(); ++it)
        QVERIFY2(attempted.contains(it.key()), qPrintable(u"no attempt for "_s + it.key()));

    QSqlDatabase relay = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"relayconsole-relay"_s);
    relay.setDatabaseName(m_dir->filePath(u"relay.sqlite"_s));
    QVERIFY(relay.open());
    QSqlQuery relayQuery(relay);
    QVERIFY(relayQuery.exec(u"SELECT MAX(seq) FROM events WHERE channel = 'office'"_s));
    QVERIFY(relayQuery.next());
    const qint64 lastSeq = relayQuery.value(0).toLongLong();
    QVERIFY(lastSeq > 0);
    QVERIFY(query.exec(u"SELECT seq FROM relay_cursors WHERE channel = 'office'"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toLongLong(), lastSeq);
    relay.close();
}

void TestRelayConsole::consoleDialsBatchThroughRelay()
{
    saveRelaySettings();
    const QString batchId = createBatch();
    QVERIFY(!batchId.isEmpty());
    QVERIFY(addCallerNumbers());

    ConsoleOptions console = options();
    console.startEngine = true;
    MainWindow window(console);
    RelayStatusLabel *status = window.relayStatus();
    QStringList statusTexts;
    connect(status, &RelayStatusLabel::textShown, this,
            [&statusTexts](const QString &text) { statusTexts.append(text); });
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.isEngineOpen(), 15000);
    QTRY_COMPARE(window.currentBatchId(), batchId);
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), u"Relay: connected"_s, 15000);
    QVERIFY(status->isVisible());
    QVERIFY(window.plivoListenerUrl().isEmpty());
    const QString carrierText = window.findChild<QLabel *>(u"carrierLabel"_s)->text();
    QVERIFY2(carrierText.contains(u"relay channel office"_s), qPrintable(carrierText));

    // Tick the caller numbers and dial the batch.
    auto *picker = window.findChild<QListWidget *>(u"rotationPicker"_s);
    QTRY_COMPARE(picker->count(), 4);
    for (int row = 0; row < picker->count(); ++row)
        picker->item(row)->setCheckState(Qt::Checked);
    auto *rotation = window.findChild<RotationPanel *>(u"rotationPanel"_s);
    QTRY_COMPARE(rotation->selectedPhoneIds().size(), 4);
    QTRY_VERIFY2_WITH_TIMEOUT(window.startBlockedReason().isEmpty(),
                              qPrintable(window.startBlockedReason()), 15000);
    window.startCalling();

    // Cut the link once events flow: the field counts down to the next try,
    // then shows the new connection.
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(u"last event at"_s),
                              qPrintable(status->text()), 20000);
    const qsizetype beforeCut = statusTexts.size();
    m_proxy->cutAll();
    const QRegularExpression down(u"^Relay: (reconnecting in \\d+ s|connecting),.*"_s);
    const QRegularExpression up(u"^Relay: connected,.*"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
        statusTexts.indexOf(up, statusTexts.indexOf(down, beforeCut)) > beforeCut, 10000);
    QVERIFY2(statusTexts.indexOf(down, beforeCut) >= beforeCut,
             qPrintable(statusTexts.join(u'\n')));

    // Hold the new link half-open while calls are still under way: no byte
    // moves and no close arrives, so only the client's ping timeout (20 s)
    // ends it. The callbacks of that time are replayed as backlog.
    const BatchProgress *progress = window.lastSnapshot().find(batchId);
    QVERIFY(progress);
    QVERIFY2(progress->finishedCalls < progress->totalCalls,
             "the batch ended before the link could be held");
    const qsizetype beforeHold = statusTexts.size();
    QElapsedTimer sinceHold;
    sinceHold.start();
    m_proxy->holdAll();
    QTRY_VERIFY_WITH_TIMEOUT(statusTexts.indexOf(down, beforeHold) >= beforeHold, 30000);
    QVERIFY2(sinceHold.elapsed() < 25000, qPrintable(QString::number(sinceHold.elapsed())));
    const qsizetype heldDown = statusTexts.indexOf(down, beforeHold);
    const QRegularExpression replayed(
        u"^Relay: connected, last event at .*, \\d+ backlog event\\(s\\) replayed$"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(statusTexts.indexOf(replayed, heldDown) > heldDown,
                              qPrintable(statusTexts.join(u'\n')), 15000);
    QVERIFY(m_proxy->connectionsAccepted() >= 3);

    Result<Connection> check = Connection::openSqlite(m_storePath, u"relayconsole-test"_s);
    QVERIFY(check.ok());
    QSqlQuery query(check->database());
    const auto batchStatus = [&] {
        query.exec(u"SELECT status FROM batches WHERE id = '%1'"_s.arg(batchId));
        return query.next() ? query.value(0).toString() : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(batchStatus(), u"completed"_s, 30000);
    checkOutcomes(check->database(), batchId);
}

QTEST_MAIN(TestRelayConsole)
#include "tst_relayconsole.moc"
