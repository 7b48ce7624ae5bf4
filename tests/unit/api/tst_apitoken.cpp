#include "api/apitoken.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QDateTime now = QDateTime(QDate(2026, 12, 7), QTime(14, 0), Qt::UTC);

QByteArray textOf(const IssuedToken &token)
{
    return token.text.toLatin1();
}

} // namespace

// Checks how API tokens are made, stored and verified.
class TestApiToken : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void issuedTokenHasIdDotSecret();
    void recordKeepsOnlySaltedHash();
    void issuedTokensDiffer();
    void issuedTokenVerifies();
    void wrongSecretFails();
    void expiredTokenFails();
    void revokedTokenFails();
    void hashMatchesSha256OfSaltAndSecret();
    void malformedTextDoesNotSplit_data();
    void malformedTextDoesNotSplit();
    void constantTimeEqualsComparesBytes();
};

void TestApiToken::issuedTokenHasIdDotSecret()
{
    const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, QDateTime());

    static const QRegularExpression shape(u"^[0-9a-f]{24}\\.[A-Za-z0-9_-]{43}$"_s);
    QVERIFY2(shape.match(token.text).hasMatch(), qPrintable(token.text));
    QCOMPARE(token.text.section(u'.', 0, 0), token.record.id);
    QCOMPARE(token.record.userId, u"0123456789abcdef01234567"_s);
}

void TestApiToken::recordKeepsOnlySaltedHash()
{
    const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, QDateTime());
    const std::optional<TokenParts> parts = ApiToken::split(textOf(token));

    QVERIFY(parts.has_value());
    QCOMPARE(parts->secret.size(), ApiToken::SecretBytes);
    QCOMPARE(token.record.salt.size(), ApiToken::SaltBytes);
    QCOMPARE(token.record.secretHash.size(), 32);
    QVERIFY(token.record.secretHash != parts->secret);
    QVERIFY(!token.record.secretHash.contains(parts->secret));
}

void TestApiToken::issuedTokensDiffer()
{
    QSet<QString> texts;
    QSet<QByteArray> salts;
    for (int i = 0; i < 50; ++i) {
        const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, QDateTime());
        texts.insert(token.text);
        salts.insert(token.record.salt);
    }

    QCOMPARE(texts.size(), 50);
    QCOMPARE(salts.size(), 50);
}

void TestApiToken::issuedTokenVerifies()
{
    const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, now.addDays(30));
    const std::optional<TokenParts> parts = ApiToken::split(textOf(token));

    QVERIFY(parts.has_value());
    QVERIFY(ApiToken::verify(token.record, parts->secret, now));
    QVERIFY(ApiToken::verify(token.record, parts->secret, now.addDays(29)));
}

void TestApiToken::wrongSecretFails()
{
    const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, QDateTime());
    QByteArray secret = ApiToken::split(textOf(token))->secret;
    secret[31] = char(secret[31] ^ 0x01);

    QVERIFY(!ApiToken::verify(token.record, secret, now));
    QVERIFY(!ApiToken::verify(token.record, QByteArray(), now));
}

void TestApiToken::expiredTokenFails()
{
    const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, now.addDays(1));
    const QByteArray secret = ApiToken::split(textOf(token))->secret;

    QVERIFY(!ApiToken::verify(token.record, secret, now.addDays(1)));
    QVERIFY(!ApiToken::verify(token.record, secret, now.addDays(2)));
}

void TestApiToken::revokedTokenFails()
{
    IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, QDateTime());
    const QByteArray secret = ApiToken::split(textOf(token))->secret;
    token.record.revokedAt = now;

    QVERIFY(!ApiToken::verify(token.record, secret, now.addSecs(1)));
}

void TestApiToken::hashMatchesSha256OfSaltAndSecret()
{
    const QByteArray salt = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f");
    const QByteArray secret(32, 'k');

    const QByteArray expected =
        QCryptographicHash::hash(QByteArray(salt + secret), QCryptographicHash::Sha256);
    QCOMPARE(ApiToken::hashSecret(salt, secret), expected);
    QVERIFY(ApiToken::hashSecret(salt, secret) !=
            ApiToken::hashSecret(QByteArray(16, 'x'), secret));
}

void TestApiToken::malformedTextDoesNotSplit_data()
{
    QTest::addColumn<QByteArray>("text");

    const IssuedToken token = ApiToken::issue(u"0123456789abcdef01234567"_s, now, QDateTime());
    const QByteArray valid = textOf(token);
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no dot") << valid.left(24) + valid.mid(25);
    QTest::newRow("short id") << valid.mid(1);
    QTest::newRow("upper-case id") << valid.left(24).toUpper() + valid.mid(24);
    QTest::newRow("secret cut") << valid.chopped(1);
    QTest::newRow("secret padded") << valid + '=';
    QTest::newRow("secret with plus") << valid.left(30) + '+' + valid.mid(31);
    QTest::newRow("trailing text") << valid + "AA";
}

void TestApiToken::malformedTextDoesNotSplit()
{
    QFETCH(QByteArray, text);

    QVERIFY(!ApiToken::split(text).has_value());
}

void TestApiToken::constantTimeEqualsComparesBytes()
{
    QVERIFY(ApiToken::constantTimeEquals("abc", "abc"));
    QVERIFY(ApiToken::constantTimeEquals("", ""));
    QVERIFY(!ApiToken::constantTimeEquals("abc", "abd"));
    QVERIFY(!ApiToken::constantTimeEquals("abc", "xbc"));
    QVERIFY(!ApiToken::constantTimeEquals("abc", "abcd"));
}

QTEST_GUILESS_MAIN(TestApiToken)
#include "tst_apitoken.moc"
