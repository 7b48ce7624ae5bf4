#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Dialdeck {

// One record of a delimited file and the line it starts on (1 is the first line).
struct SourceRow
{
    int line = 0;
    QStringList fields;
};

// An incremental parser for delimited text in the usual CSV dialect: fields in
// double quotes may contain the delimiter, line breaks and doubled quotes; CR,
// LF and CRLF all end a record and count as one line. Lines that are entirely
// empty are skipped but counted.
class DelimitedParser
{
public:
    explicit DelimitedParser(QChar delimiter) : m_delimiter(delimiter) {}

    // Parses the next piece of text; each record it completes is appended to `rows`.
    void feed(QStringView text, QList<SourceRow> &rows);
    // Completes the last record when the text does not end with a line break.
    void finish(QList<SourceRow> &rows);

    // Picks the delimiter among comma, semicolon, tab and pipe: the one that
    // splits the first records of `sample` into the same number (above zero) of
    // extra fields most often, ignoring delimiters inside quotes. Returns comma
    // when none occurs.
    static QChar sniffDelimiter(QStringView sample);

    QChar delimiter() const { return m_delimiter; }

private:
    void endField();
    void endRecord(QList<SourceRow> &rows);
    void countLineBreak(QChar c);

    QChar m_delimiter;
    QString m_field;
    QStringList m_fields;
    bool m_inQuotes = false;
    // A quote was read inside a quoted field: either the closing quote or the
    // first half of a doubled quote, decided by the next character.
    bool m_quoteSeen = false;
    bool m_recordStarted = false;
    bool m_fieldQuoted = false;
    bool m_lastWasCr = false;
    int m_line = 1;
    int m_recordLine = 1;
};

} // namespace Dialdeck
