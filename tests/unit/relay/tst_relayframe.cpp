#include "relay/relayframe.h"

#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

class TestRelayFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventRoundTripKeepsRawBody();
    void controlFramesRoundTrip_data();
    void controlFramesRoundTrip();
    void badFramesAreRejected_data();
    void badFramesAreRejected();
};

void TestRelayFrame::eventRoundTripKeepsRawBody()
{
    RelayFrame event;
    event.type = RelayFrame::Type::Event;
    event.seq = 42;
    event.kind = u"hangup"_s;
    event.receivedAtMs = 1764892800123;
    event.method = u"POST"_s;
    event.url = u"https://relay.example.com/plivo/office/hangup?attempt=7"_s;
    event.contentType = u"application/x-www-form-urlencoded"_s;
    event.body = QByteArray("CallUUID=abc&Extra=%FF\x00\xfe", 25);

    Result<RelayFrame> parsed = RelayFrame::parse(event.toJson());
    QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
    QCOMPARE(parsed->type, RelayFrame::Type::Event);
    QCOMPARE(parsed->seq, 42);
    QCOMPARE(parsed->kind, event.kind);
    QCOMPARE(parsed->receivedAtMs, event.receivedAtMs);
    QCOMPARE(parsed->method, event.method);
    QCOMPARE(parsed->url, event.url);
    QCOMPARE(parsed->contentType, event.contentType);
    QCOMPARE(parsed->body, event.body);
}

void TestRelayFrame::controlFramesRoundTrip_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("type");
    QTest::addColumn<qint64>("seq");

    QTest::newRow("hello") << RelayFrame::hello(17).toJson() << int(RelayFrame::Type::Hello)
                           << qint64(17);
    QTest::newRow("hello from zero") << RelayFrame::hello(0).toJson()
                                     << int(RelayFrame::Type::Hello) << qint64(0);
    QTest::newRow("ack") << RelayFrame::ack(9).toJson() << int(RelayFrame::Type::Ack) << qint64(9);
    QTest::newRow("reset") << RelayFrame::reset(100).toJson() << int(RelayFrame::Type::Reset)
                           << qint64(100);
    QTest::newRow("ping") << RelayFrame::ping().toJson() << int(RelayFrame::Type::Ping)
                          << qint64(0);
    QTest::newRow("pong") << RelayFrame::pong().toJson() << int(RelayFrame::Type::Pong)
                          << qint64(0);
}

void TestRelayFrame::controlFramesRoundTrip()
{
    QFETCH(QByteArray, json);
    QFETCH(int, type);
    QFETCH(qint64, seq);

    Result<RelayFrame> parsed = RelayFrame::parse(json);
    QVERIFY(parsed.ok());
    QCOMPARE(int(parsed->type), type);
    QCOMPARE(parsed->seq, seq);
}

void TestRelayFrame::badFramesAreRejected_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("named");

    QTest::newRow("not json") << QByteArray("{\"type\":") << u"JSON"_s;
    QTest::newRow("array") << QByteArray("[1,2]") << u"JSON object"_s;
    QTest::newRow("unknown type") << QByteArray(R"({"type":"subscribe"})") << u"subscribe"_s;
    QTest::newRow("hello without seq") << QByteArray(R"({"type":"hello"})") << u"lastSeq"_s;
    QTest::newRow("negative ack") << QByteArray(R"({"type":"ack","seq":-1})") << u"seq"_s;
    QTest::newRow("fractional ack") << QByteArray(R"({"type":"ack","seq":1.5})") << u"seq"_s;
    QTest::newRow("ack as text") << QByteArray(R"({"type":"ack","seq":"3"})") << u"seq"_s;
    QTest::newRow("reset to zero") << QByteArray(R"({"type":"reset","firstSeq":0})")
                                   << u"firstSeq"_s;
    QTest::newRow("event seq zero")
        << QByteArray(R"({"type":"event","seq":0,"kind":"ring","receivedAt":1,"method":"POST",)"
                      R"("url":"http://x/","contentType":"","body":""})")
        << u"seq"_s;
    QTest::newRow("event without url")
        << QByteArray(R"({"type":"event","seq":1,"kind":"ring","receivedAt":1,"method":"POST",)"
                      R"("contentType":"","body":""})")
        << u"url"_s;
    QTest::newRow("event with PUT")
        << QByteArray(R"({"type":"event","seq":1,"kind":"ring","receivedAt":1,"method":"PUT",)"
                      R"("url":"http://x/","contentType":"","body":""})")
        << u"PUT"_s;
    QTest::newRow("event with bad base64")
        << QByteArray(R"({"type":"event","seq":1,"kind":"ring","receivedAt":1,"method":"POST",)"
                      R"("url":"http://x/","contentType":"","body":"!!!"})")
        << u"Base64"_s;
    QTest::newRow("oversized") << QByteArray(RelayFrame::MaxFrameBytes + 1, ' ') << u"limit"_s;
}

void TestRelayFrame::badFramesAreRejected()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, named);

    Result<RelayFrame> parsed = RelayFrame::parse(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, u"invalid_argument"_s);
    QVERIFY2(parsed.error().message.contains(named), qPrintable(parsed.error().message));
}

QTEST_GUILESS_MAIN(TestRelayFrame)
#include "tst_relayframe.moc"
