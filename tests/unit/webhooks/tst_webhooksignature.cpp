#include "webhooks/webhooksignature.h"

#include <QTest>

using namespace Dialdeck;

// Checks the X-Dialdeck-Signature value against a published HMAC-SHA256 test
// vector and that verify() accepts only the exact body under the exact secret.
class TestWebhookSignature : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signMatchesRfc4231Vector();
    void signIsLowercaseHex();
    void verifyAcceptsOwnSignature();
    void verifyRejectsChanges_data();
    void verifyRejectsChanges();
};

void TestWebhookSignature::signMatchesRfc4231Vector()
{
    // RFC 4231, section 4.3 (test case 2): key "Jefe", data "what do ya want for nothing?".
    const QByteArray signature = WebhookSignature::sign("Jefe", "what do ya want for nothing?");

    QCOMPARE(signature,
             QByteArray("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
}

void TestWebhookSignature::signIsLowercaseHex()
{
    const QByteArray signature = WebhookSignature::sign("0123456789abcdef", "{\"event\":\"x\"}");

    QVERIFY(signature.startsWith("sha256="));
    const QByteArray hex = signature.mid(7);
    QCOMPARE(hex.size(), 64);
    for (char c : hex)
        QVERIFY2((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'), signature.constData());
}

void TestWebhookSignature::verifyAcceptsOwnSignature()
{
    const QByteArray body = "{\"eventId\":\"1\",\"sequence\":1}";
    const QByteArray secret = "a secret of enough bytes";

    QVERIFY(WebhookSignature::verify(secret, body, WebhookSignature::sign(secret, body)));
}

void TestWebhookSignature::verifyRejectsChanges_data()
{
    const QByteArray body = "{\"eventId\":\"1\",\"sequence\":1}";
    const QByteArray secret = "a secret of enough bytes";
    const QByteArray good = WebhookSignature::sign(secret, body);

    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("header");

    QTest::newRow("body changed") << secret << QByteArray("{\"eventId\":\"1\",\"sequence\":2}")
                                  << good;
    QTest::newRow("body reformatted") << secret
                                      << QByteArray("{\"eventId\": \"1\", \"sequence\": 1}")
                                      << good;
    QTest::newRow("other secret") << QByteArray("another secret of enough bytes") << body << good;
    QTest::newRow("uppercase hex") << secret << body << QByteArray("sha256=" + good.mid(7).toUpper());
    QTest::newRow("no prefix") << secret << body << good.mid(7);
    QTest::newRow("truncated") << secret << body << good.left(good.size() - 1);
    QTest::newRow("empty") << secret << body << QByteArray();
}

void TestWebhookSignature::verifyRejectsChanges()
{
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, header);

    QVERIFY(!WebhookSignature::verify(secret, body, header));
}

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
