#include "answeraction.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUrl>

#include <array>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

constexpr std::array<const char16_t *, 3> kindNames = {u"speak", u"play", u"redirect"};
constexpr std::array<const char16_t *, 2> voiceNames = {u"WOMAN", u"MAN"};

QString trAnswer(const char *text)
{
    return QCoreApplication::translate("Dialdeck::AnswerAction", text);
}

bool isWebUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    return url.isValid() && (scheme == u"http" || scheme == u"https") && !url.host().isEmpty();
}

// A language tag as Plivo's <Speak> takes it: "en-US", "fr-FR", or a bare
// three-letter code such as "arb".
bool isLanguageTag(const QString &text)
{
    static const QRegularExpression pattern(u"^[a-z]{2,3}(-[A-Z]{2})?$"_s);
    return pattern.match(text).hasMatch();
}

void checkSpeak(QList<ConfigProblem> &problems, const AnswerAction &action)
{
    if (action.text.trimmed().isEmpty()) {
        problems.append(
            {u"answer.text"_s, trAnswer("The text to speak when a call is answered is empty; enter "
                                        "the message the callee should hear.")});
    }
    if (action.text.size() > AnswerAction::MaxTextLength) {
        problems.append(
            {u"answer.text"_s, trAnswer("The text to speak has %1 characters; the maximum is %2. "
                                        "Shorten it, or record it and use a play action.")
                                   .arg(action.text.size())
                                   .arg(AnswerAction::MaxTextLength)});
    }
    if (!isLanguageTag(action.language)) {
        problems.append({u"answer.language"_s,
                         trAnswer("The speech language \"%1\" is not a language tag; use one "
                                  "such as en-US, en-GB or fr-FR.")
                             .arg(action.language)});
    }
}

void checkUrl(QList<ConfigProblem> &problems, const AnswerAction &action)
{
    if (isWebUrl(action.url))
        return;

    const QString message =
        action.kind == AnswerKind::Play
            ? trAnswer("The audio URL \"%1\" is not an http or https URL; enter the full "
                       "address of an MP3 or WAV file, such as https://example.com/greeting.mp3.")
            : trAnswer("The redirect URL \"%1\" is not an http or https URL; enter the full "
                       "address of a page that returns Plivo XML, such as "
                       "https://example.com/answer.xml.");
    problems.append({u"answer.url"_s, message.arg(action.url)});
}

} // namespace

QString toString(AnswerKind kind)
{
    return QString::fromUtf16(kindNames[std::size_t(kind)]);
}

std::optional<AnswerKind> answerKindFromString(QStringView text)
{
    for (std::size_t i = 0; i < kindNames.size(); ++i) {
        if (text == QStringView(kindNames[i]))
            return AnswerKind(i);
    }
    return std::nullopt;
}

QString toString(SpeakVoice voice)
{
    return QString::fromUtf16(voiceNames[std::size_t(voice)]);
}

std::optional<SpeakVoice> speakVoiceFromString(QStringView text)
{
    for (std::size_t i = 0; i < voiceNames.size(); ++i) {
        if (text.compare(QStringView(voiceNames[i]), Qt::CaseInsensitive) == 0)
            return SpeakVoice(i);
    }
    return std::nullopt;
}

QList<ConfigProblem> AnswerAction::validate() const
{
    QList<ConfigProblem> problems;
    if (kind == AnswerKind::Speak)
        checkSpeak(problems, *this);
    else
        checkUrl(problems, *this);
    return problems;
}

QJsonObject AnswerAction::toJson() const
{
    if (kind == AnswerKind::Speak) {
        return {
            {u"kind"_s, toString(kind)},
            {u"text"_s, text},
            {u"voice"_s, toString(voice)},
            {u"language"_s, language},
        };
    }
    return {{u"kind"_s, toString(kind)}, {u"url"_s, url}};
}

Result<AnswerAction> AnswerAction::fromJson(const QJsonObject &json)
{
    AnswerAction action;

    if (json.contains(u"kind")) {
        const QString name = json.value(u"kind").toString();
        const std::optional<AnswerKind> parsed = answerKindFromString(name);
        if (!parsed) {
            return Error{u"invalid_answer"_s,
                         trAnswer("The answer action \"%1\" is unknown; use speak, play or "
                                  "redirect.")
                             .arg(name)};
        }
        action.kind = *parsed;
    }

    if (json.contains(u"voice")) {
        const QString name = json.value(u"voice").toString();
        const std::optional<SpeakVoice> parsed = speakVoiceFromString(name);
        if (!parsed) {
            return Error{
                u"invalid_answer"_s,
                trAnswer("The speech voice \"%1\" is unknown; use WOMAN or MAN.").arg(name)};
        }
        action.voice = *parsed;
    }

    action.text = json.value(u"text").toString(action.text);
    action.language = json.value(u"language").toString(action.language);
    action.url = json.value(u"url").toString(action.url);
    return action;
}

} // namespace Dialdeck
