#include "consolesettings.h"
#include "import/importer.h"
#include "mainwindow.h"
#include "memorykeychain.h"
#include "plivoimportdialog.h"
#include "plivotokenstore.h"
#include "rotationpanel.h"
#include "settingsdialog.h"
#include "simulatorprocess.h"
#include "store/connection.h"
#include "store/phonerepository.h"
#include "store/userrepository.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QString SimAuthId = u"MADIALDECKSIMULATOR0"_s;
const QByteArray SimToken = "dialdeck-sim-console-token";
// QtKeychain's message when no D-Bus session bus exists (error 7 of qtkeychain 0.13).
const QString NoDbusError = u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s;

} // namespace

// Points the console at a dialdeck-sim process on 127.0.0.1: the Plivo
// settings with a keychain kept in memory, Test Connection, the caller-number
// import from the account and a small batch dialed through the simulator.
class TestPlivoConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void settingsSaveTokenInKeychain();
    void keychainFailureKeepsSessionToken();
    void wrongTokenShowsCredentialsError();
    void consoleImportsNumbersAndDialsBatch();

private:
    ConsoleOptions options();
    SettingsDialog *openSettings(MainWindow &window);
    void fillPlivoFields(SettingsDialog *dialog, const QString &token);
    QString simulatorUrl() const { return m_sim.baseUrl(); }
    void savePlivoSettings();
    QString createBatch();
    QSet<QString> journalCallUuids() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_storePath;
    QString m_journal;
    SimulatorProcess m_sim;
    MemoryKeychain m_keychain;
};

void TestPlivoConsole::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"DialdeckPlivoConsoleTest"_s);
    qunsetenv("DIALDECK_PLIVO_AUTH_TOKEN");
}

void TestPlivoConsole::init()
{
    QSettings().clear();
    m_keychain.clear();

    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_storePath = m_dir->filePath(u"store.sqlite"_s);
    m_journal = m_dir->filePath(u"sim-journal.jsonl"_s);

    const QString tokenFile = m_dir->filePath(u"sim-token"_s);
    QVERIFY(SimulatorProcess::writeTokenFile(tokenFile, SimToken));

    // Fast play-out (60 simulated seconds per second) keeps the batch short.
    const QString started = m_sim.start(tokenFile, m_dir->filePath(u"sim.log"_s),
                                        {u"--journal"_s, m_journal, u"--speed"_s, u"60"_s,
                                         u"--cps"_s, u"20"_s, u"--seed"_s, u"11"_s});
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

void TestPlivoConsole::cleanup()
{
    m_sim.stop();
    QSqlDatabase::removeDatabase(u"plivoconsole-test"_s);
    QSqlDatabase::removeDatabase(u"plivoconsole-import"_s);
}

ConsoleOptions TestPlivoConsole::options()
{
    ConsoleOptions console;
    console.storePath = m_storePath;
    console.startEngine = false;
    console.keychain = m_keychain.keychain();
    return console;
}

SettingsDialog *TestPlivoConsole::openSettings(MainWindow &window)
{
    window.findChild<QAction *>(u"settingsAction"_s)->trigger();
    SettingsDialog *dialog = window.settingsDialog();
    if (dialog && !QTest::qWaitFor([dialog] { return dialog->isVisible(); }, 5000))
        return nullptr;
    return dialog;
}

void TestPlivoConsole::fillPlivoFields(SettingsDialog *dialog, const QString &token)
{
    auto *carrier = dialog->findChild<QComboBox *>(u"carrierCombo"_s);
    QVERIFY(carrier);
    carrier->setCurrentIndex(carrier->findData(u"plivo-custom"_s));
    dialog->findChild<QLineEdit *>(u"plivoBaseUrlEdit"_s)->setText(simulatorUrl());
    dialog->findChild<QLineEdit *>(u"plivoAuthIdEdit"_s)->setText(SimAuthId);
    dialog->findChild<QLineEdit *>(u"plivoTokenEdit"_s)->setText(token);
    dialog->findChild<QLineEdit *>(u"plivoListenEdit"_s)->setText(u"127.0.0.1:0"_s);
}

void TestPlivoConsole::settingsSaveTokenInKeychain()
{
    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    SettingsDialog *dialog = openSettings(window);
    QVERIFY(dialog);
    fillPlivoFields(dialog, QString::fromLatin1(SimToken));

    dialog->findChild<QPushButton *>(u"plivoTestButton"_s)->click();
    auto *result = dialog->findChild<QLabel *>(u"plivoTestResultLabel"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(result->text().contains(u"Credit: 100.00000 USD"_s),
                              qPrintable(result->text()), 15000);
    QVERIFY2(result->text().contains(u"prepaid"_s), qPrintable(result->text()));

    auto *buttons = dialog->findChild<QDialogButtonBox *>(u"settingsButtons"_s);
    QVERIFY(buttons->button(QDialogButtonBox::Ok)->isEnabled());
    buttons->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(!window.settingsDialog());

    QCOMPARE(m_keychain.entries.value(PlivoTokenStore::keychainKey()), SimToken);
    const ConsoleSettings saved = ConsoleSettings::load();
    QCOMPARE(saved.carrier, u"plivo"_s);
    QCOMPARE(saved.plivoBaseUrl, simulatorUrl());
    QCOMPARE(saved.plivoAuthId, SimAuthId);
    QCOMPARE(saved.plivoListen, u"127.0.0.1:0"_s);

    // The token is nowhere in the settings file.
    QSettings settings;
    settings.sync();
    for (const QString &key : settings.allKeys()) {
        QVERIFY2(!settings.value(key).toString().contains(QString::fromLatin1(SimToken)),
                 qPrintable(key));
    }
    QFile file(settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(SimToken));

    // The import action appears once Plivo is the carrier.
    QVERIFY(!window.findChild<QPushButton *>(u"importPlivoButton"_s)->isHidden());
}

void TestPlivoConsole::keychainFailureKeepsSessionToken()
{
    m_keychain.error = NoDbusError;
    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    SettingsDialog *dialog = openSettings(window);
    QVERIFY(dialog);

    auto *status = dialog->findChild<QLabel *>(u"plivoTokenStatusLabel"_s);
    QTRY_VERIFY2(status->text().contains(u"DIALDECK_PLIVO_AUTH_TOKEN"_s),
                 qPrintable(status->text()));
    QVERIFY2(status->text().contains(NoDbusError), qPrintable(status->text()));

    fillPlivoFields(dialog, QString::fromLatin1(SimToken));
    auto *buttons = dialog->findChild<QDialogButtonBox *>(u"settingsButtons"_s);
    buttons->button(QDialogButtonBox::Ok)->click();

    // The dialog stays open and says what happened and what the fallback is.
    QTRY_VERIFY2(status->text().contains(u"keychain is unavailable"_s), qPrintable(status->text()));
    QVERIFY2(status->text().contains(u"only for this session"_s), qPrintable(status->text()));
    QVERIFY2(status->text().contains(u"DIALDECK_PLIVO_AUTH_TOKEN"_s), qPrintable(status->text()));
    QVERIFY(dialog->isVisible());
    QVERIFY(m_keychain.entries.isEmpty());
    QVERIFY(window.plivoTokens().hasSessionToken());

    // Test Connection uses the session token.
    dialog->findChild<QPushButton *>(u"plivoTestButton"_s)->click();
    auto *result = dialog->findChild<QLabel *>(u"plivoTestResultLabel"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(result->text().contains(u"Credit: 100.00000 USD"_s),
                              qPrintable(result->text()), 15000);

    buttons->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY(!window.settingsDialog());
    QCOMPARE(ConsoleSettings::load().carrier, u"plivo"_s);
}

void TestPlivoConsole::wrongTokenShowsCredentialsError()
{
    MainWindow window(options());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    SettingsDialog *dialog = openSettings(window);
    QVERIFY(dialog);
    fillPlivoFields(dialog, u"not-the-token"_s);

    dialog->findChild<QPushButton *>(u"plivoTestButton"_s)->click();
    auto *result = dialog->findChild<QLabel *>(u"plivoTestResultLabel"_s);
    QTRY_VERIFY2_WITH_TIMEOUT(result->text().contains(u"check the Plivo credentials"_s),
                              qPrintable(result->text()), 15000);

    // An invalid base URL disables OK and names the value.
    dialog->findChild<QLineEdit *>(u"plivoBaseUrlEdit"_s)->setText(u"ftp://example"_s);
    auto *buttons = dialog->findChild<QDialogButtonBox *>(u"settingsButtons"_s);
    QVERIFY(!buttons->button(QDialogButtonBox::Ok)->isEnabled());
    auto *problem = dialog->findChild<QLabel *>(u"settingsProblemLabel"_s);
    QVERIFY2(problem->text().contains(u"ftp://example"_s), qPrintable(problem->text()));
    dialog->reject();
}

void TestPlivoConsole::savePlivoSettings()
{
    ConsoleSettings settings;
    settings.carrier = u"plivo"_s;
    settings.plivoBaseUrl = simulatorUrl();
    settings.plivoAuthId = SimAuthId;
    settings.plivoListen = u"127.0.0.1:0"_s;
    settings.save();
    m_keychain.entries.insert(PlivoTokenStore::keychainKey(), SimToken);
}

// Imports the Google Contacts sample with a window open all day, every day.
QString TestPlivoConsole::createBatch()
{
    Result<Connection> connection = Connection::openSqlite(m_storePath, u"plivoconsole-import"_s);
    if (!connection)
        return {};

    // The console starts batches as the local operator, who must own them.
    Result<User> owner = UserRepository(connection->database()).ensureLocalOperator();
    if (!owner)
        return {};

    ImportOptions import;
    import.ownerUserId = owner->id;
    import.filePath =
        QDir(qEnvironmentVariable("DIALDECK_TEST_DATA")).filePath(u"google-contacts.csv"_s);
    import.batchName = u"Plivo console rehearsal"_s;
    import.config.windowStart = QTime(0, 0);
    import.config.windowEnd = QTime(23, 59);
    import.config.allowedDays = 0b1111111;
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

QSet<QString> TestPlivoConsole::journalCallUuids() const
{
    QSet<QString> uuids;
    QFile file(m_journal);
    if (!file.open(QIODevice::ReadOnly))
        return uuids;
    while (!file.atEnd()) {
        const QJsonObject line = QJsonDocument::fromJson(file.readLine()).object();
        const QString uuid = line.value(u"call_uuid"_s).toString();
        if (!uuid.isEmpty())
            uuids.insert(uuid);
    }
    return uuids;
}

void TestPlivoConsole::consoleImportsNumbersAndDialsBatch()
{
    savePlivoSettings();
    const QString batchId = createBatch();
    QVERIFY(!batchId.isEmpty());
    ConsoleOptions console = options();
    console.startEngine = true;
    MainWindow window(console);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.isEngineOpen(), 15000);
    QTRY_COMPARE(window.currentBatchId(), batchId);

    // The status bar names the carrier, its base URL and the callback listener.
    const QString carrierText = window.findChild<QLabel *>(u"carrierLabel"_s)->text();
    QVERIFY2(carrierText.contains(simulatorUrl()), qPrintable(carrierText));
    QVERIFY(window.plivoListenerUrl().startsWith(u"http://127.0.0.1:"_s));
    QVERIFY2(carrierText.contains(window.plivoListenerUrl()), qPrintable(carrierText));

    // Import four of the account's ten numbers.
    window.findChild<QPushButton *>(u"importPlivoButton"_s)->click();
    QTRY_VERIFY(window.findChild<PlivoImportDialog *>(u"plivoImportDialog"_s));
    auto *importDialog = window.findChild<PlivoImportDialog *>(u"plivoImportDialog"_s);
    QListWidget *list = importDialog->numberList();
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 10, 15000);
    for (int row = 4; row < list->count(); ++row)
        list->item(row)->setCheckState(Qt::Unchecked);
    importDialog->findChild<QPushButton *>(u"plivoImportAddButton"_s)->click();

    Result<Connection> check = Connection::openSqlite(m_storePath, u"plivoconsole-test"_s);
    QVERIFY(check.ok());
    PhoneRepository phones(check->database());
    QTRY_COMPARE(phones.list()->size(), 4);
    const Result<QList<Phone>> imported = phones.list();
    QVERIFY(imported.ok());
    for (const Phone &phone : imported.value())
        QCOMPARE(phone.label, u"Plivo"_s);
    auto *rotation = window.findChild<RotationPanel *>(u"rotationPanel"_s);
    QTRY_COMPARE(rotation->phones().size(), 4);

    // Tick the imported numbers for the batch and dial it.
    auto *picker = window.findChild<QListWidget *>(u"rotationPicker"_s);
    QTRY_COMPARE(picker->count(), 4);
    for (int row = 0; row < picker->count(); ++row)
        picker->item(row)->setCheckState(Qt::Checked);
    QTRY_COMPARE(rotation->selectedPhoneIds().size(), 4);
    QTRY_VERIFY2_WITH_TIMEOUT(window.startBlockedReason().isEmpty(),
                              qPrintable(window.startBlockedReason()), 15000);
    window.startCalling();

    QSqlQuery query(check->database());
    const auto batchStatus = [&] {
        query.exec(u"SELECT status FROM batches WHERE id = '%1'"_s.arg(batchId));
        return query.next() ? query.value(0).toString() : QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(batchStatus(), u"completed"_s, 120000);

    // Every call is final and every attempt carries a call uuid the simulator placed.
    QVERIFY(query.exec(
        u"SELECT COUNT(*) FROM calls WHERE batch_id = '%1' AND status NOT IN "
        "('completed', 'busy', 'no_answer', 'failed', 'skipped', 'cancelled')"_s.arg(batchId)));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 0);

    const QSet<QString> placed = journalCallUuids();
    QVERIFY(!placed.isEmpty());
    QVERIFY(query.exec(
        u"SELECT id, COALESCE(call_uuid, '') FROM attempts WHERE batch_id = '%1'"_s.arg(batchId)));
    int attempts = 0;
    while (query.next()) {
        ++attempts;
        const QString uuid = query.value(1).toString();
        QVERIFY2(placed.contains(uuid), qPrintable(u"attempt %1 has call uuid \"%2\""_s.arg(
                                            query.value(0).toString(), uuid)));
    }
    QVERIFY(attempts > 0);
}

QTEST_MAIN(TestPlivoConsole)
#include "tst_plivoconsole.moc"
