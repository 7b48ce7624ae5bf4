#pragma once

#include "configproblem.h"
#include "result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace Dialdeck {

// What Plivo does when a callee answers: the batch's answer URL returns Plivo
// XML built from this action (see AnswerDocument in the carrier layer).
enum class AnswerKind
{
    Speak,    // read text aloud with text-to-speech, then hang up
    Play,     // play an audio file from an http(s) URL, then hang up
    Redirect, // hand the call to the operator's own URL, which returns Plivo XML
};

// The voices of Plivo's <Speak> verb without an Amazon Polly voice name.
enum class SpeakVoice
{
    Woman,
    Man,
};

QString toString(AnswerKind kind);
std::optional<AnswerKind> answerKindFromString(QStringView text);
// Returns "WOMAN" or "MAN", the spelling Plivo's voice attribute uses.
QString toString(SpeakVoice voice);
// Accepts WOMAN or MAN in any letter case.
std::optional<SpeakVoice> speakVoiceFromString(QStringView text);

struct AnswerAction
{
    // Maximum length of a Speak text, in UTF-16 code units.
    static constexpr qsizetype MaxTextLength = 3000;

    AnswerKind kind = AnswerKind::Speak;
    // Used by Speak.
    QString text = QStringLiteral("Hello, this is an automated call.");
    SpeakVoice voice = SpeakVoice::Woman;
    QString language = QStringLiteral("en-US");
    // Used by Play (an audio file) and Redirect (a page that returns Plivo XML).
    QString url;

    // Lists every invalid setting of the kind in use, with fields named
    // "answer.<field>"; an empty list means the action is usable.
    QList<ConfigProblem> validate() const;

    // Writes the kind and only the fields that kind uses.
    QJsonObject toJson() const;
    // Reads an action; fields that are absent keep their defaults. Fails on an
    // unknown kind or voice.
    static Result<AnswerAction> fromJson(const QJsonObject &json);

    friend bool operator==(const AnswerAction &, const AnswerAction &) = default;
};

} // namespace Dialdeck
