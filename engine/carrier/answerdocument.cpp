#include "answerdocument.h"

#include <QCoreApplication>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

#include <algorithm>
#include <array>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// The verbs Plivo allows directly inside <Response>: the list of elements that
// Plivo's Node SDK lets a Response contain (plivo-node lib/utils/plivoxml.js).
constexpr std::array<QStringView, 15> responseVerbs = {
    u"Speak",     u"Play",       u"GetDigits", u"GetInput",       u"Record",
    u"Dial",      u"Message",    u"Redirect",  u"Wait",           u"Hangup",
    u"PreAnswer", u"Conference", u"DTMF",      u"MultiPartyCall", u"Stream",
};

QString trXml(const char *text)
{
    return QCoreApplication::translate("Dialdeck::AnswerDocument", text);
}

Error xmlError(const QString &message)
{
    return Error{u"invalid_answer_xml"_s, message};
}

bool isResponseVerb(QStringView name)
{
    return std::find(responseVerbs.begin(), responseVerbs.end(), name) != responseVerbs.end();
}

void writeSpeak(QXmlStreamWriter &writer, const AnswerAction &action)
{
    writer.writeStartElement(u"Speak"_s);
    writer.writeAttribute(u"voice"_s, toString(action.voice));
    writer.writeAttribute(u"language"_s, action.language);
    writer.writeCharacters(action.text);
    writer.writeEndElement();
    writer.writeEmptyElement(u"Hangup"_s);
}

// Checks one element directly inside <Response>.
Result<void> checkVerb(const QXmlStreamReader &reader)
{
    const QStringView name = reader.name();
    if (isResponseVerb(name))
        return {};

    return xmlError(trXml("Line %1: <%2> is not a Plivo verb that may appear directly in "
                          "<Response>. Allowed verbs: %3.")
                        .arg(reader.lineNumber())
                        .arg(name.toString(), u"Speak, Play, GetDigits, GetInput, Record, Dial, "
                                              "Message, Redirect, Wait, Hangup, PreAnswer, "
                                              "Conference, DTMF, MultiPartyCall, Stream"_s));
}

// Reads the document token by token; depth 1 is the root element.
Result<void> checkStructure(QXmlStreamReader &reader)
{
    int depth = 0;
    bool sawRoot = false;

    while (!reader.atEnd()) {
        const QXmlStreamReader::TokenType token = reader.readNext();

        if (token == QXmlStreamReader::DTD) {
            return xmlError(trXml("Line %1: the document contains a DOCTYPE declaration; "
                                  "Plivo XML has none. Remove it.")
                                .arg(reader.lineNumber()));
        }

        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 1) {
                sawRoot = true;
                if (reader.name() != u"Response") {
                    return xmlError(trXml("Line %1: the root element is <%2>, but Plivo "
                                          "expects <Response>.")
                                        .arg(reader.lineNumber())
                                        .arg(reader.name().toString()));
                }
            } else if (depth == 2) {
                Result<void> verb = checkVerb(reader);
                if (!verb)
                    return verb;
            }
        } else if (token == QXmlStreamReader::EndElement) {
            --depth;
        } else if (token == QXmlStreamReader::Characters && depth == 1 && !reader.isWhitespace()) {
            return xmlError(trXml("Line %1: <Response> contains text outside a verb; put "
                                  "text to be spoken inside <Speak>.")
                                .arg(reader.lineNumber()));
        }
    }

    if (reader.hasError()) {
        return xmlError(trXml("Line %1, column %2: the XML is not well-formed: %3")
                            .arg(reader.lineNumber())
                            .arg(reader.columnNumber())
                            .arg(reader.errorString()));
    }
    if (!sawRoot)
        return xmlError(trXml("The document has no root element; Plivo expects <Response>."));
    return {};
}

} // namespace

QByteArray AnswerDocument::render(const AnswerAction &action)
{
    QByteArray xml;
    QXmlStreamWriter writer(&xml);

    writer.writeStartDocument();
    writer.writeStartElement(u"Response"_s);
    switch (action.kind) {
    case AnswerKind::Speak:
        writeSpeak(writer, action);
        break;
    case AnswerKind::Play:
        writer.writeTextElement(u"Play"_s, action.url);
        writer.writeEmptyElement(u"Hangup"_s);
        break;
    case AnswerKind::Redirect:
        writer.writeTextElement(u"Redirect"_s, action.url);
        break;
    }
    writer.writeEndElement();
    writer.writeEndDocument();
    return xml;
}

Result<void> AnswerDocument::validate(QByteArrayView xml)
{
    if (xml.size() > MaxSize) {
        return xmlError(trXml("The answer XML is %1 bytes; Plivo accepts at most %2 bytes "
                              "(100 KB).")
                            .arg(xml.size())
                            .arg(MaxSize));
    }
    if (xml.trimmed().isEmpty())
        return xmlError(trXml("The answer XML is empty; Plivo expects a <Response> document."));

    QXmlStreamReader reader(xml.toByteArray());
    return checkStructure(reader);
}

} // namespace Dialdeck
