#include "carrier/answerdocument.h"

#include <QTest>
#include <QXmlStreamReader>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

AnswerAction speakAction(const QString &text)
{
    AnswerAction action;
    action.kind = AnswerKind::Speak;
    action.text = text;
    return action;
}

AnswerAction urlAction(AnswerKind kind, const QString &url)
{
    AnswerAction action;
    action.kind = kind;
    action.url = url;
    return action;
}

// Wraps a body in a Response document of exactly `size` bytes by padding a Speak text.
QByteArray documentOfSize(qsizetype size)
{
    const QByteArray head = "<Response><Speak>";
    const QByteArray tail = "</Speak></Response>";
    return head + QByteArray(size - head.size() - tail.size(), 'a') + tail;
}

} // namespace

class TestAnswerDocument : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void renderDefaultSpeak();
    void renderSpeakEscapesText();
    void renderPlay();
    void renderRedirectEscapesUrl();
    void renderedDocumentsValidate_data();
    void renderedDocumentsValidate();
    void validateAcceptsEveryVerb();
    void validateAcceptsNestedElements();
    void validateRejects_data();
    void validateRejects();
    void validateChecksSizeLimit();
};

void TestAnswerDocument::renderDefaultSpeak()
{
    QCOMPARE(AnswerDocument::render(AnswerAction()),
             QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                        "<Speak voice=\"WOMAN\" language=\"en-US\">Hello, this is an automated "
                        "call.</Speak><Hangup/></Response>\n"));
}

void TestAnswerDocument::renderSpeakEscapesText()
{
    const QString text = u"Tom & Jerry <b>\"hi\"</b> ]]> Zoë 日本"_s;
    AnswerAction action = speakAction(text);
    action.voice = SpeakVoice::Man;
    action.language = u"en-GB"_s;

    const QByteArray xml = AnswerDocument::render(action);
    QVERIFY2(!xml.contains("<b>"), xml.constData());

    QXmlStreamReader reader(xml);
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.name(), u"Response");
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.name(), u"Speak");
    QCOMPARE(reader.attributes().value(u"voice"_s), u"MAN");
    QCOMPARE(reader.attributes().value(u"language"_s), u"en-GB");
    QCOMPARE(reader.readElementText(), text);
    QVERIFY(reader.readNextStartElement());
    QCOMPARE(reader.name(), u"Hangup");
}

void TestAnswerDocument::renderPlay()
{
    QCOMPARE(AnswerDocument::render(urlAction(AnswerKind::Play, u"https://cdn.example/a.mp3"_s)),
             QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                        "<Play>https://cdn.example/a.mp3</Play><Hangup/></Response>\n"));
}

void TestAnswerDocument::renderRedirectEscapesUrl()
{
    QCOMPARE(AnswerDocument::render(
                 urlAction(AnswerKind::Redirect, u"https://crm.example/xml?a=1&b=2"_s)),
             QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                        "<Redirect>https://crm.example/xml?a=1&amp;b=2</Redirect></Response>\n"));
}

void TestAnswerDocument::renderedDocumentsValidate_data()
{
    QTest::addColumn<AnswerAction>("action");

    QTest::newRow("default") << AnswerAction();
    QTest::newRow("speak markup") << speakAction(u"<Hangup/> & </Response>"_s);
    QTest::newRow("play") << urlAction(AnswerKind::Play, u"https://cdn.example/a.wav?x=<1>"_s);
    QTest::newRow("redirect") << urlAction(AnswerKind::Redirect, u"http://h.example/r"_s);
}

void TestAnswerDocument::renderedDocumentsValidate()
{
    QFETCH(AnswerAction, action);

    const Result<void> checked = AnswerDocument::validate(AnswerDocument::render(action));

    QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().message));
}

void TestAnswerDocument::validateAcceptsEveryVerb()
{
    const QStringList verbs = {u"Speak"_s,  u"Play"_s,           u"GetDigits"_s, u"GetInput"_s,
                               u"Record"_s, u"Dial"_s,           u"Message"_s,   u"Redirect"_s,
                               u"Wait"_s,   u"Hangup"_s,         u"PreAnswer"_s, u"Conference"_s,
                               u"DTMF"_s,   u"MultiPartyCall"_s, u"Stream"_s};
    for (const QString &verb : verbs) {
        const QByteArray xml = "<Response><" + verb.toUtf8() + "/></Response>";
        const Result<void> checked = AnswerDocument::validate(xml);
        QVERIFY2(checked.ok(), qPrintable(verb));
    }
}

void TestAnswerDocument::validateAcceptsNestedElements()
{
    const QByteArray xml = "<?xml version=\"1.0\"?>\n"
                           "<Response>\n"
                           "  <GetDigits action=\"https://h.example/d\">\n"
                           "    <Speak>Press 1</Speak>\n"
                           "  </GetDigits>\n"
                           "  <Dial><Number>15550100</Number></Dial>\n"
                           "</Response>\n";

    const Result<void> checked = AnswerDocument::validate(xml);
    QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().message));
}

void TestAnswerDocument::validateRejects_data()
{
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<QString>("expectedPart");

    QTest::newRow("empty") << QByteArray() << u"empty"_s;
    QTest::newRow("blank") << QByteArray(" \n ") << u"empty"_s;
    QTest::newRow("not xml") << QByteArray("Hello") << u"not well-formed"_s;
    QTest::newRow("unclosed") << QByteArray("<Response>\n<Speak>Hi</Response>") << u"Line 2"_s;
    QTest::newRow("wrong root") << QByteArray("<Reply><Speak>Hi</Speak></Reply>") << u"<Reply>"_s;
    QTest::newRow("unknown verb")
        << QByteArray("<Response>\n  <Speak>Hi</Speak>\n  <Say>Hi</Say>\n</Response>")
        << u"Line 3: <Say>"_s;
    QTest::newRow("verb case") << QByteArray("<Response><speak>Hi</speak></Response>")
                               << u"<speak>"_s;
    QTest::newRow("nested-only element at top")
        << QByteArray("<Response><Number>1</Number></Response>") << u"<Number>"_s;
    QTest::newRow("bare text") << QByteArray("<Response>Hello</Response>")
                               << u"text outside a verb"_s;
    QTest::newRow("doctype")
        << QByteArray(
               "<!DOCTYPE Response [<!ENTITY a \"x\">]><Response><Speak>&a;</Speak></Response>")
        << u"DOCTYPE"_s;
    QTest::newRow("two roots") << QByteArray("<Response/><Response/>") << u"not well-formed"_s;
}

void TestAnswerDocument::validateRejects()
{
    QFETCH(QByteArray, xml);
    QFETCH(QString, expectedPart);

    const Result<void> checked = AnswerDocument::validate(xml);

    QVERIFY(!checked.ok());
    QCOMPARE(checked.error().code, u"invalid_answer_xml"_s);
    QVERIFY2(checked.error().message.contains(expectedPart), qPrintable(checked.error().message));
}

void TestAnswerDocument::validateChecksSizeLimit()
{
    const Result<void> atLimit = AnswerDocument::validate(documentOfSize(AnswerDocument::MaxSize));
    QVERIFY2(atLimit.ok(), qPrintable(atLimit.ok() ? QString() : atLimit.error().message));

    const Result<void> over = AnswerDocument::validate(documentOfSize(AnswerDocument::MaxSize + 1));
    QVERIFY(!over.ok());
    QVERIFY2(over.error().message.contains(u"102401"_s), qPrintable(over.error().message));
}

QTEST_GUILESS_MAIN(TestAnswerDocument)
#include "tst_answerdocument.moc"
