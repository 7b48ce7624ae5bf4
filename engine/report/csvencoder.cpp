#include "csvencoder.h"

namespace Dialdeck {

namespace {

constexpr int MaxE164Digits = 15;

bool needsQuotes(const QByteArray &utf8)
{
    for (char c : utf8) {
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return true;
    }
    return false;
}

void appendEncoded(QByteArray &out, const QByteArray &utf8)
{
    if (!needsQuotes(utf8)) {
        out += utf8;
        return;
    }

    out += '"';
    for (char c : utf8) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

} // namespace

void CsvEncoder::appendField(QByteArray &out, QStringView text)
{
    appendEncoded(out, text.toUtf8());
}

void CsvEncoder::appendText(QByteArray &out, QStringView text)
{
    if (!startsLikeFormula(text)) {
        appendField(out, text);
        return;
    }

    QByteArray guarded;
    guarded.reserve(text.size() + 1);
    guarded += '\'';
    guarded += text.toUtf8();
    appendEncoded(out, guarded);
}

void CsvEncoder::appendPhoneNumber(QByteArray &out, QStringView e164)
{
    if (!isE164Shape(e164)) {
        appendText(out, e164);
        return;
    }

    out += e164.toLatin1();
}

bool CsvEncoder::startsLikeFormula(QStringView text)
{
    if (text.isEmpty())
        return false;

    switch (text.front().unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
        return true;
    default:
        return false;
    }
}

bool CsvEncoder::isE164Shape(QStringView text)
{
    if (text.size() < 2 || text.size() > MaxE164Digits + 1 || text.front() != u'+')
        return false;

    for (QChar c : text.sliced(1)) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

} // namespace Dialdeck
