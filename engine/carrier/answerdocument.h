#pragma once

#include "core/answeraction.h"
#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace Dialdeck {

// Builds and checks the Plivo XML that an answer URL returns.
class AnswerDocument
{
public:
    // The largest answer document Plivo accepts, in bytes (100 KB).
    static constexpr qsizetype MaxSize = 100 * 1024;

    // Renders an action as a UTF-8 Plivo XML document:
    //   speak:    <Response><Speak voice=".." language="..">text</Speak><Hangup/></Response>
    //   play:     <Response><Play>url</Play><Hangup/></Response>
    //   redirect: <Response><Redirect>url</Redirect></Response>
    // Text and URLs are escaped, so any input gives a well-formed document.
    static QByteArray render(const AnswerAction &action);

    // Checks that xml is a document Plivo would run: at most MaxSize bytes,
    // well-formed, without a DOCTYPE, with the root element Response, and with
    // only Plivo verbs as its child elements. Fails with code
    // invalid_answer_xml and a message naming the problem and its line.
    static Result<void> validate(QByteArrayView xml);
};

} // namespace Dialdeck
