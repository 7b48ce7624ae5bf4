#include "carrier/formparams.h"
#include "carrier/plivosignature.h"
#include "carrier/webhookintake.h"

#include <QHttpServer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QTest>

#include <memory>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray Token = "intake-test-token";
const QByteArray OtherToken = "a-different-token";

} // namespace

// Serves the intake on a real QHttpServer on loopback and sends it callbacks
// signed as Plivo signs them, with QNetworkAccessManager.
class TestWebhookIntake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void signedHangupIsDeliveredAndAcknowledged();
    void answerReturnsTheBatchDocument();
    void unsignedCallbackIsRejected();
    void wrongTokenIsRejected();
    void signatureOverOtherPublicUrlIsRejected();
    void oneOfSeveralSignaturesMayMatch();
    void getCallbackWithQueryParamsIsAccepted();
    void storeFailureIsReported();
    void callbackWithoutAttemptIsRejected();

private:
    struct Reply
    {
        int status = 0;
        QByteArray body;
    };
    Reply post(const QString &kind, const QByteArray &query, const PlivoSignature::Params &params,
               const QByteArray &token, const QString &signedUrl = QString());

    std::unique_ptr<QHttpServer> m_server;
    std::unique_ptr<WebhookIntake> m_intake;
    QList<CarrierEvent> m_delivered;
    bool m_commitSucceeds = true;
    QString m_publicUrl;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;
};

void TestWebhookIntake::init()
{
    m_delivered.clear();
    m_commitSucceeds = true;
    m_server = std::make_unique<QHttpServer>();
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    QVERIFY(m_port != 0);
    // The public URL differs from the local address, as behind a proxy.
    m_publicUrl = u"https://dialer.example.com/hooks/"_s;

    WebhookIntake::Settings settings;
    settings.publicUrl = m_publicUrl;
    settings.authTokens = {Token};
    m_intake = std::make_unique<WebhookIntake>(
        settings,
        [this](const CarrierEvent &event) {
            m_delivered.append(event);
            QPromise<bool> promise;
            promise.start();
            promise.addResult(m_commitSucceeds);
            promise.finish();
            return promise.future();
        },
        [](qint64 attemptId) {
            return u"<Response><Speak>attempt %1</Speak></Response>"_s.arg(attemptId).toUtf8();
        });
    m_intake->registerRoutes(*m_server);
}

void TestWebhookIntake::cleanup()
{
    m_intake.reset();
    m_server.reset();
}

TestWebhookIntake::Reply TestWebhookIntake::post(const QString &kind, const QByteArray &query,
                                                 const PlivoSignature::Params &params,
                                                 const QByteArray &token,
                                                 const QString &signedUrl)
{
    const QString path = u"plivo/"_s + kind + (query.isEmpty() ? QString()
                                                                 : u"?"_s + QString::fromLatin1(query));
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/"_s.arg(m_port) + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
    if (!token.isEmpty()) {
        const QString nonce = PlivoSignature::makeNonce();
        const QString url = signedUrl.isEmpty() ? m_publicUrl + path : signedUrl;
        request.setRawHeader("X-Plivo-Signature-V3",
                             PlivoSignature::computeV3(token, "POST", url, params, nonce));
        request.setRawHeader("X-Plivo-Signature-V3-Nonce", nonce.toUtf8());
    }
    std::unique_ptr<QNetworkReply> reply(m_network.post(request, FormParams::encode(params)));
    if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
}

void TestWebhookIntake::signedHangupIsDeliveredAndAcknowledged()
{
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-1"_s},
                                        {u"Event"_s, u"Hangup"_s},
                                        {u"CallStatus"_s, u"busy"_s},
                                        {u"HangupCause"_s, u"USER_BUSY"_s}};
    const Reply reply = post(u"hangup"_s, "attempt=17", params, Token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(m_delivered.size(), 1);
    QCOMPARE(m_delivered.first().attemptId, 17);
    QCOMPARE(m_delivered.first().callUuid, u"c-1"_s);
    QVERIFY(m_delivered.first().outcome == CallOutcome::Busy);
    QCOMPARE(m_intake->counters().accepted, 1);
}

void TestWebhookIntake::answerReturnsTheBatchDocument()
{
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-2"_s}, {u"Event"_s, u"StartApp"_s}};
    const Reply reply = post(u"answer"_s, "attempt=5", params, Token);
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.body, QByteArray("<Response><Speak>attempt 5</Speak></Response>"));
    QCOMPARE(m_delivered.size(), 1);
    QVERIFY(m_delivered.first().kind == CarrierEvent::Kind::Answered);
}

void TestWebhookIntake::unsignedCallbackIsRejected()
{
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-3"_s}, {u"Event"_s, u"Hangup"_s}};
    const Reply reply = post(u"hangup"_s, "attempt=5", params, QByteArray());
    QCOMPARE(reply.status, 403);
    QVERIFY(m_delivered.isEmpty());
    QCOMPARE(m_intake->counters().forged, 1);
}

void TestWebhookIntake::wrongTokenIsRejected()
{
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-3"_s}, {u"Event"_s, u"Hangup"_s}};
    QCOMPARE(post(u"hangup"_s, "attempt=5", params, OtherToken).status, 403);
    QVERIFY(m_delivered.isEmpty());
}

void TestWebhookIntake::signatureOverOtherPublicUrlIsRejected()
{
    // Signed for the local address instead of the public URL Plivo calls.
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-4"_s}, {u"Event"_s, u"Ring"_s}};
    const QString local = u"http://127.0.0.1:%1/plivo/ring?attempt=5"_s.arg(m_port);
    QCOMPARE(post(u"ring"_s, "attempt=5", params, Token, local).status, 403);
    QVERIFY(m_delivered.isEmpty());
}

void TestWebhookIntake::oneOfSeveralSignaturesMayMatch()
{
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-5"_s}, {u"Event"_s, u"Ring"_s}};
    const QString url = m_publicUrl + u"plivo/ring?attempt=8"_s;
    const QString nonce = PlivoSignature::makeNonce();
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/plivo/ring?attempt=8"_s.arg(m_port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
    request.setRawHeader("X-Plivo-Signature-V3",
                         PlivoSignature::computeV3(OtherToken, "POST", url, params, nonce) + ','
                             + PlivoSignature::computeV3(Token, "POST", url, params, nonce));
    request.setRawHeader("X-Plivo-Signature-V3-Nonce", nonce.toUtf8());
    std::unique_ptr<QNetworkReply> reply(m_network.post(request, FormParams::encode(params)));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(m_delivered.size(), 1);
}

void TestWebhookIntake::getCallbackWithQueryParamsIsAccepted()
{
    const QString query = u"attempt=9&CallUUID=c-6&Event=Ring&CallStatus=ringing"_s;
    const QString url = m_publicUrl + u"plivo/ring?"_s + query;
    const QString nonce = PlivoSignature::makeNonce();
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/plivo/ring?"_s.arg(m_port) + query));
    request.setRawHeader("X-Plivo-Signature-V3",
                         PlivoSignature::computeV3(Token, "GET", url, {}, nonce));
    request.setRawHeader("X-Plivo-Signature-V3-Nonce", nonce.toUtf8());
    std::unique_ptr<QNetworkReply> reply(m_network.get(request));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(m_delivered.size(), 1);
    QCOMPARE(m_delivered.first().attemptId, 9);
    QCOMPARE(m_delivered.first().callUuid, u"c-6"_s);
}

void TestWebhookIntake::storeFailureIsReported()
{
    m_commitSucceeds = false;
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-7"_s}, {u"Event"_s, u"Hangup"_s}};
    QCOMPARE(post(u"hangup"_s, "attempt=5", params, Token).status, 503);
    QCOMPARE(m_intake->counters().storeFailures, 1);
}

void TestWebhookIntake::callbackWithoutAttemptIsRejected()
{
    const PlivoSignature::Params params{{u"CallUUID"_s, u"c-8"_s}, {u"Event"_s, u"Hangup"_s}};
    QCOMPARE(post(u"hangup"_s, QByteArray(), params, Token).status, 400);
    QVERIFY(m_delivered.isEmpty());
}

QTEST_GUILESS_MAIN(TestWebhookIntake)
#include "tst_webhookintake.moc"
