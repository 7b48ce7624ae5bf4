#include "api/apitoken.h"
#include "store/connection.h"
#include "store/tokenrepository.h"
#include "usersdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

// Drives the REST API user dialog by objectName on a real store.
class TestUsersDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void addUserShowsTokenOnce();
    void emptyNameCannotBeAdded();
    void revokeAndNewTokenUpdateCounts();
    void declinedRevokeKeepsTokens();

private:
    template<typename T> T *child(const char *name) const
    {
        return m_dialog->findChild<T *>(QString::fromLatin1(name));
    }
    void addUser(const QString &name, bool callingManagement);
    QString tableText(int row, int column) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Connection> m_connection;
    std::unique_ptr<UsersDialog> m_dialog;
    bool m_confirmAnswer = true;
    int m_confirmations = 0;
};

void TestUsersDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestUsersDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    Result<Connection> connection =
        Connection::openSqlite(m_dir->filePath(u"store.sqlite"_s), u"usersdialog"_s);
    QVERIFY2(connection.ok(), connection.ok() ? "" : qPrintable(connection.error().message));
    m_connection = std::make_unique<Connection>(std::move(connection).value());

    DialogSeams seams;
    m_confirmAnswer = true;
    m_confirmations = 0;
    seams.confirm = [this](QWidget *, const QString &, const QString &,
                           DialogSeams::ConfirmDone done) {
        ++m_confirmations;
        done(m_confirmAnswer);
    };
    m_dialog = std::make_unique<UsersDialog>(m_connection->name(), seams);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

void TestUsersDialog::cleanup()
{
    m_dialog.reset();
    m_connection.reset();
}

void TestUsersDialog::addUser(const QString &name, bool callingManagement)
{
    child<QLineEdit>("userNameEdit")->setText(name);
    child<QCheckBox>("callingManagementCheck")->setChecked(callingManagement);
    QTest::mouseClick(child<QPushButton>("addUserButton"), Qt::LeftButton);
}

QString TestUsersDialog::tableText(int row, int column) const
{
    const QTableWidgetItem *item = child<QTableWidget>("usersTable")->item(row, column);
    return item ? item->text() : QString();
}

void TestUsersDialog::addUserShowsTokenOnce()
{
    QVERIFY(!child<QGroupBox>("tokenGroup")->isVisible());
    child<QSpinBox>("expiryDaysSpin")->setValue(30);

    addUser(u"CRM integration"_s, true);

    QVERIFY(child<QGroupBox>("tokenGroup")->isVisible());
    const QString token = child<QLineEdit>("newTokenEdit")->text();
    QVERIFY(child<QLineEdit>("newTokenEdit")->isReadOnly());
    const std::optional<TokenParts> parts = ApiToken::split(token.toLatin1());
    QVERIFY(parts.has_value());

    Result<std::optional<ApiTokenRecord>> record =
        TokenRepository(m_connection->database()).find(parts->id);
    QVERIFY(record.ok() && record->has_value());
    QVERIFY(ApiToken::verify(record->value(), parts->secret, QDateTime::currentDateTimeUtc()));
    QVERIFY(record->value().expiresAt.isValid());
    QVERIFY(!record->value().secretHash.contains(parts->secret));

    QTableWidget *table = child<QTableWidget>("usersTable");
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(tableText(0, 0), u"CRM integration"_s);
    QCOMPARE(tableText(0, 1), u"Yes"_s);
    QCOMPARE(tableText(0, 2), u"1"_s);
    QCOMPARE(tableText(0, 3), record->value().userId);
    QVERIFY(child<QLineEdit>("userNameEdit")->text().isEmpty());

    QTest::mouseClick(child<QPushButton>("copyTokenButton"), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), token);
}

void TestUsersDialog::emptyNameCannotBeAdded()
{
    QPushButton *add = child<QPushButton>("addUserButton");
    QVERIFY(!add->isEnabled());

    child<QLineEdit>("userNameEdit")->setText(u"   "_s);
    QVERIFY(!add->isEnabled());
    child<QLineEdit>("userNameEdit")->setText(u"Viewer"_s);
    QVERIFY(add->isEnabled());

    addUser(u"Viewer"_s, false);
    QCOMPARE(tableText(0, 1), u"No"_s);
}

void TestUsersDialog::revokeAndNewTokenUpdateCounts()
{
    addUser(u"CRM"_s, true);
    const QString firstToken = child<QLineEdit>("newTokenEdit")->text();
    QPushButton *revoke = child<QPushButton>("revokeTokensButton");
    QPushButton *newToken = child<QPushButton>("newTokenButton");
    QVERIFY(!revoke->isEnabled());

    child<QTableWidget>("usersTable")->selectRow(0);
    QVERIFY(revoke->isEnabled());
    QTest::mouseClick(revoke, Qt::LeftButton);
    QCOMPARE(m_confirmations, 1);
    QCOMPARE(tableText(0, 2), u"0"_s);

    QTest::mouseClick(newToken, Qt::LeftButton);
    const QString secondToken = child<QLineEdit>("newTokenEdit")->text();
    QVERIFY(secondToken != firstToken);
    QVERIFY(ApiToken::split(secondToken.toLatin1()).has_value());
    QCOMPARE(tableText(0, 2), u"1"_s);
}

void TestUsersDialog::declinedRevokeKeepsTokens()
{
    addUser(u"CRM"_s, true);
    child<QTableWidget>("usersTable")->selectRow(0);
    m_confirmAnswer = false;

    QTest::mouseClick(child<QPushButton>("revokeTokensButton"), Qt::LeftButton);

    QCOMPARE(m_confirmations, 1);
    QCOMPARE(tableText(0, 2), u"1"_s);
}

QTEST_MAIN(TestUsersDialog)
#include "tst_usersdialog.moc"
