#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringDecoder>

namespace Dialdeck {

// Turns the bytes of a contact file into text, chunk by chunk. A character
// split across two chunks is completed by the next call to decode().
class TextDecoder
{
public:
    enum class Encoding
    {
        Utf8,
        Utf16LE,
        Utf16BE,
        Windows1252,
    };

    // Picks the encoding: a UTF-8 or UTF-16 byte order mark wins; otherwise
    // UTF-8 when every byte of the file is valid UTF-8, else Windows-1252.
    static Encoding detect(QByteArrayView start, bool validUtf8);

    // Length of the byte order mark `start` begins with for `encoding`, or 0.
    static qsizetype bomLength(QByteArrayView start, Encoding encoding);

    static QString toString(Encoding encoding);

    explicit TextDecoder(Encoding encoding);

    // Decodes the next chunk. The byte order mark, if any, must be skipped by the caller.
    QString decode(QByteArrayView bytes);

    // Decodes all of `bytes` at once.
    static QString decodeAll(QByteArrayView bytes, Encoding encoding);

    Encoding encoding() const { return m_encoding; }

private:
    Encoding m_encoding = Encoding::Utf8;
    QStringDecoder m_decoder;
};

// Checks a byte stream for UTF-8 validity, chunk by chunk, as RFC 3629
// defines it: overlong forms and encoded surrogates are invalid.
class Utf8Validator
{
public:
    void add(QByteArrayView bytes);
    // True when every chunk so far was valid and no sequence is left unfinished.
    bool isValid() const { return m_valid && m_pending == 0; }

private:
    bool m_valid = true;
    // Continuation bytes still expected by the last lead byte.
    int m_pending = 0;
    // The range the next continuation byte must fall in.
    uchar m_nextMin = 0x80;
    uchar m_nextMax = 0xBF;
};

} // namespace Dialdeck
