#include "textdecoder.h"

#include <array>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Windows-1252 code points of the bytes 0x80-0x9F. The five bytes the code page
// leaves undefined map to the C1 control of the same value, as in the WHATWG
// encoding standard. Every other byte is its Latin-1 code point.
constexpr std::array<char16_t, 32> windows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

QString decodeWindows1252(QByteArrayView bytes)
{
    QString text(bytes.size(), Qt::Uninitialized);
    QChar *out = text.data();
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const uchar byte = uchar(bytes[i]);
        out[i] = (byte >= 0x80 && byte <= 0x9F) ? QChar(windows1252High[byte - 0x80])
                                                : QChar(char16_t(byte));
    }
    return text;
}

QStringConverter::Encoding qtEncoding(TextDecoder::Encoding encoding)
{
    switch (encoding) {
    case TextDecoder::Encoding::Utf16LE:
        return QStringConverter::Utf16LE;
    case TextDecoder::Encoding::Utf16BE:
        return QStringConverter::Utf16BE;
    case TextDecoder::Encoding::Utf8:
    case TextDecoder::Encoding::Windows1252:
        break;
    }
    return QStringConverter::Utf8;
}

} // namespace

TextDecoder::Encoding TextDecoder::detect(QByteArrayView start, bool validUtf8)
{
    if (start.startsWith("\xEF\xBB\xBF"))
        return Encoding::Utf8;
    if (start.startsWith("\xFF\xFE"))
        return Encoding::Utf16LE;
    if (start.startsWith("\xFE\xFF"))
        return Encoding::Utf16BE;
    return validUtf8 ? Encoding::Utf8 : Encoding::Windows1252;
}

qsizetype TextDecoder::bomLength(QByteArrayView start, Encoding encoding)
{
    switch (encoding) {
    case Encoding::Utf8:
        return start.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    case Encoding::Utf16LE:
        return start.startsWith("\xFF\xFE") ? 2 : 0;
    case Encoding::Utf16BE:
        return start.startsWith("\xFE\xFF") ? 2 : 0;
    case Encoding::Windows1252:
        break;
    }
    return 0;
}

QString TextDecoder::toString(Encoding encoding)
{
    switch (encoding) {
    case Encoding::Utf8:
        return u"UTF-8"_s;
    case Encoding::Utf16LE:
        return u"UTF-16LE"_s;
    case Encoding::Utf16BE:
        return u"UTF-16BE"_s;
    case Encoding::Windows1252:
        return u"Windows-1252"_s;
    }
    return {};
}

TextDecoder::TextDecoder(Encoding encoding)
    : m_encoding(encoding)
    , m_decoder(qtEncoding(encoding), QStringConverter::Flag::ConvertInitialBom)
{
}

QString TextDecoder::decode(QByteArrayView bytes)
{
    if (m_encoding == Encoding::Windows1252)
        return decodeWindows1252(bytes);
    return m_decoder.decode(bytes);
}

QString TextDecoder::decodeAll(QByteArrayView bytes, Encoding encoding)
{
    TextDecoder decoder(encoding);
    return decoder.decode(bytes.sliced(bomLength(bytes, encoding)));
}

void Utf8Validator::add(QByteArrayView bytes)
{
    for (qsizetype i = 0; i < bytes.size() && m_valid; ++i) {
        const uchar byte = uchar(bytes[i]);
        if (m_pending > 0) {
            if (byte < m_nextMin || byte > m_nextMax)
                m_valid = false;
            m_nextMin = 0x80;
            m_nextMax = 0xBF;
            --m_pending;
            continue;
        }

        if (byte < 0x80)
            continue;
        // The ranges of the byte after a lead byte follow RFC 3629, section 4:
        // they rule out overlong forms, UTF-16 surrogates and values past U+10FFFF.
        if (byte >= 0xC2 && byte <= 0xDF) {
            m_pending = 1;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
            m_pending = 2;
            m_nextMin = byte == 0xE0 ? 0xA0 : 0x80;
            m_nextMax = byte == 0xED ? 0x9F : 0xBF;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
            m_pending = 3;
            m_nextMin = byte == 0xF0 ? 0x90 : 0x80;
            m_nextMax = byte == 0xF4 ? 0x8F : 0xBF;
        } else {
            m_valid = false;
        }
    }
}

} // namespace Dialdeck
