#include "core/answeraction.h"

#include <QJsonDocument>
#include <QTest>

using namespace Dialdeck;
using namespace Qt::StringLiterals;

namespace {

AnswerAction withUrl(AnswerKind kind, const QString &url)
{
    AnswerAction action;
    action.kind = kind;
    action.url = url;
    return action;
}

} // namespace

class TestAnswerAction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultSpeaksNeutralText();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void toJsonWritesOnlyUsedFields();
    void fromJsonReadsVoiceInAnyCase();
    void fromJsonRejectsUnknownKind();
    void fromJsonRejectsUnknownVoice();
    void validateAcceptsGoodActions_data();
    void validateAcceptsGoodActions();
    void validateNamesProblem_data();
    void validateNamesProblem();
};

void TestAnswerAction::defaultSpeaksNeutralText()
{
    const AnswerAction action;

    QVERIFY(action.kind == AnswerKind::Speak);
    QVERIFY(action.voice == SpeakVoice::Woman);
    QCOMPARE(action.language, u"en-US"_s);
    QVERIFY(!action.text.isEmpty());
    QVERIFY(action.validate().isEmpty());
}

void TestAnswerAction::jsonRoundTrip_data()
{
    QTest::addColumn<AnswerAction>("action");

    AnswerAction speak;
    speak.text = u"Ihr Termin ist morgen um 9 Uhr. <Bitte> & danke."_s;
    speak.voice = SpeakVoice::Man;
    speak.language = u"de-DE"_s;

    QTest::newRow("speak") << speak;
    QTest::newRow("play") << withUrl(AnswerKind::Play, u"https://cdn.example/greeting.mp3"_s);
    QTest::newRow("redirect") << withUrl(AnswerKind::Redirect, u"https://crm.example/xml"_s);
}

void TestAnswerAction::jsonRoundTrip()
{
    QFETCH(AnswerAction, action);

    const QByteArray text = QJsonDocument(action.toJson()).toJson();
    const Result<AnswerAction> read =
        AnswerAction::fromJson(QJsonDocument::fromJson(text).object());

    QVERIFY(read.ok());
    QCOMPARE(*read, action);
}

void TestAnswerAction::toJsonWritesOnlyUsedFields()
{
    const QJsonObject play = withUrl(AnswerKind::Play, u"https://cdn.example/a.mp3"_s).toJson();
    QCOMPARE(play.value(u"kind").toString(), u"play"_s);
    QCOMPARE(play.value(u"url").toString(), u"https://cdn.example/a.mp3"_s);
    QVERIFY(!play.contains(u"text"));

    const QJsonObject speak = AnswerAction().toJson();
    QCOMPARE(speak.value(u"kind").toString(), u"speak"_s);
    QCOMPARE(speak.value(u"voice").toString(), u"WOMAN"_s);
    QVERIFY(!speak.contains(u"url"));
}

void TestAnswerAction::fromJsonReadsVoiceInAnyCase()
{
    const Result<AnswerAction> read = AnswerAction::fromJson({{u"voice"_s, u"man"_s}});

    QVERIFY(read.ok());
    QVERIFY(read->voice == SpeakVoice::Man);
}

void TestAnswerAction::fromJsonRejectsUnknownKind()
{
    const Result<AnswerAction> read = AnswerAction::fromJson({{u"kind"_s, u"sing"_s}});

    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, u"invalid_answer"_s);
    QVERIFY2(read.error().message.contains(u"\"sing\""_s), qPrintable(read.error().message));
}

void TestAnswerAction::fromJsonRejectsUnknownVoice()
{
    const Result<AnswerAction> read = AnswerAction::fromJson({{u"voice"_s, u"Polly.Joanna"_s}});

    QVERIFY(!read.ok());
    QVERIFY2(read.error().message.contains(u"Polly.Joanna"_s), qPrintable(read.error().message));
}

void TestAnswerAction::validateAcceptsGoodActions_data()
{
    QTest::addColumn<AnswerAction>("action");

    AnswerAction longest;
    longest.text = QString(AnswerAction::MaxTextLength, u'a');
    AnswerAction arabic;
    arabic.language = u"arb"_s;

    QTest::newRow("text at limit") << longest;
    QTest::newRow("three-letter language") << arabic;
    QTest::newRow("play http") << withUrl(AnswerKind::Play, u"http://10.0.0.5:8080/a.wav"_s);
    QTest::newRow("redirect query")
        << withUrl(AnswerKind::Redirect, u"https://crm.example/xml?campaign=7"_s);
}

void TestAnswerAction::validateAcceptsGoodActions()
{
    QFETCH(AnswerAction, action);

    const QList<ConfigProblem> problems = action.validate();

    QVERIFY2(problems.isEmpty(), qPrintable(problems.value(0).message));
}

void TestAnswerAction::validateNamesProblem_data()
{
    QTest::addColumn<AnswerAction>("action");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("messagePart");

    AnswerAction empty;
    empty.text.clear();
    AnswerAction blank;
    blank.text = u"  \n "_s;
    AnswerAction tooLong;
    tooLong.text = QString(AnswerAction::MaxTextLength + 1, u'a');
    AnswerAction badLanguage;
    badLanguage.language = u"english"_s;

    QTest::newRow("empty text") << empty << u"answer.text"_s << u"empty"_s;
    QTest::newRow("blank text") << blank << u"answer.text"_s << u"empty"_s;
    QTest::newRow("text too long") << tooLong << u"answer.text"_s << u"3001"_s;
    QTest::newRow("bad language") << badLanguage << u"answer.language"_s << u"english"_s;
    QTest::newRow("play empty url")
        << withUrl(AnswerKind::Play, QString()) << u"answer.url"_s << u"audio URL"_s;
    QTest::newRow("play ftp") << withUrl(AnswerKind::Play, u"ftp://h.example/a.mp3"_s)
                              << u"answer.url"_s << u"ftp://h.example/a.mp3"_s;
    QTest::newRow("redirect relative")
        << withUrl(AnswerKind::Redirect, u"/answer.xml"_s) << u"answer.url"_s << u"redirect URL"_s;
    QTest::newRow("redirect no host")
        << withUrl(AnswerKind::Redirect, u"https://"_s) << u"answer.url"_s << u"https://"_s;
}

void TestAnswerAction::validateNamesProblem()
{
    QFETCH(AnswerAction, action);
    QFETCH(QString, field);
    QFETCH(QString, messagePart);

    const QList<ConfigProblem> problems = action.validate();

    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.first().field, field);
    QVERIFY2(problems.first().message.contains(messagePart), qPrintable(problems.first().message));
}

QTEST_GUILESS_MAIN(TestAnswerAction)
#include "tst_answeraction.moc"
