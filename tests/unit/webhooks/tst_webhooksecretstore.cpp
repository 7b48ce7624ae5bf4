#include "webhooks/webhooksecretstore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

// Checks that webhook secrets are read only from owner-only files, trimmed of
// their line break, and that keychain locations resolve only once provided.
class TestWebhookSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void ownerOnlyFileIsRead();
    void trailingLineBreakIsDropped_data();
    void trailingLineBreakIsDropped();
    void readableByOthersIsRejected_data();
    void readableByOthersIsRejected();
    void shortSecretIsRejected();
    void missingFileIsRejected();
    void fileLocationResolvesToFile();
    void keychainLocationNeedsProvidedSecret();
    void unknownLocationIsRejected();

private:
    QString writeSecret(const QByteArray &content, QFile::Permissions permissions);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestWebhookSecretStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestWebhookSecretStore::writeSecret(const QByteArray &content,
                                            QFile::Permissions permissions)
{
    const QString path = m_dir->filePath(u"secret"_s);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(content);
    file.close();
    file.setPermissions(permissions);
    return path;
}

void TestWebhookSecretStore::ownerOnlyFileIsRead()
{
    const QString path = writeSecret("0123456789abcdef0123", QFile::ReadOwner | QFile::WriteOwner);

    const Result<QByteArray> secret = WebhookSecretStore::readFile(path);

    QVERIFY2(secret.ok(), qPrintable(secret.ok() ? QString() : secret.error().message));
    QCOMPARE(*secret, QByteArray("0123456789abcdef0123"));
}

void TestWebhookSecretStore::trailingLineBreakIsDropped_data()
{
    QTest::addColumn<QByteArray>("content");

    QTest::newRow("newline") << QByteArray("0123456789abcdef0123\n");
    QTest::newRow("carriage return and newline") << QByteArray("0123456789abcdef0123\r\n");
}

void TestWebhookSecretStore::trailingLineBreakIsDropped()
{
    QFETCH(QByteArray, content);
    const QString path = writeSecret(content, QFile::ReadOwner | QFile::WriteOwner);

    const Result<QByteArray> secret = WebhookSecretStore::readFile(path);

    QVERIFY(secret.ok());
    QCOMPARE(*secret, QByteArray("0123456789abcdef0123"));
}

void TestWebhookSecretStore::readableByOthersIsRejected_data()
{
    QTest::addColumn<int>("extra");

    QTest::newRow("group may read") << int(QFile::ReadGroup);
    QTest::newRow("others may read") << int(QFile::ReadOther);
    QTest::newRow("group may write") << int(QFile::WriteGroup);
}

void TestWebhookSecretStore::readableByOthersIsRejected()
{
    QFETCH(int, extra);
    const QString path = writeSecret("0123456789abcdef0123",
                                     QFile::ReadOwner | QFile::WriteOwner
                                         | QFile::Permissions(QFile::Permission(extra)));

    const Result<QByteArray> secret = WebhookSecretStore::readFile(path);

    QVERIFY(!secret.ok());
    QVERIFY2(secret.error().message.contains(u"chmod 600 %1"_s.arg(path)),
             qPrintable(secret.error().message));
    QVERIFY(!secret.error().message.contains(u"0123456789abcdef"_s));
}

void TestWebhookSecretStore::shortSecretIsRejected()
{
    const QString path = writeSecret("short\n", QFile::ReadOwner | QFile::WriteOwner);

    const Result<QByteArray> secret = WebhookSecretStore::readFile(path);

    QVERIFY(!secret.ok());
    QVERIFY2(secret.error().message.contains(u"at least 16"_s), qPrintable(secret.error().message));
}

void TestWebhookSecretStore::missingFileIsRejected()
{
    const QString path = m_dir->filePath(u"absent"_s);

    const Result<QByteArray> secret = WebhookSecretStore::readFile(path);

    QVERIFY(!secret.ok());
    QVERIFY(secret.error().message.contains(path));
}

void TestWebhookSecretStore::fileLocationResolvesToFile()
{
    const QString path = writeSecret("0123456789abcdef0123", QFile::ReadOwner | QFile::WriteOwner);
    const WebhookSecretStore store;

    const Result<QByteArray> secret = store.secretFor(WebhookSecretStore::fileLocation(path));

    QVERIFY(secret.ok());
    QCOMPARE(*secret, QByteArray("0123456789abcdef0123"));
}

void TestWebhookSecretStore::keychainLocationNeedsProvidedSecret()
{
    WebhookSecretStore store;
    const QString location = WebhookSecretStore::keychainLocation(u"webhook/abc"_s);

    QVERIFY(!store.secretFor(location).ok());

    store.provide(location, "a secret from the keychain");
    const Result<QByteArray> secret = store.secretFor(location);
    QVERIFY(secret.ok());
    QCOMPARE(*secret, QByteArray("a secret from the keychain"));

    store.forget(location);
    QVERIFY(!store.secretFor(location).ok());
}

void TestWebhookSecretStore::unknownLocationIsRejected()
{
    const WebhookSecretStore store;

    const Result<QByteArray> secret = store.secretFor(u"vault:abc"_s);

    QVERIFY(!secret.ok());
    QVERIFY(secret.error().message.contains(u"vault:abc"_s));
}

QTEST_GUILESS_MAIN(TestWebhookSecretStore)
#include "tst_webhooksecretstore.moc"
