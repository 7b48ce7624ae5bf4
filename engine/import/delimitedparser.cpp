#include "delimitedparser.h"

#include <array>

namespace Dialdeck {

namespace {

constexpr std::array<char16_t, 4> candidateDelimiters = {u',', u';', u'\t', u'|'};

// Counts `delimiter` outside quotes in each of the first `maxRecords` records.
QList<int> countPerRecord(QStringView sample, QChar delimiter, int maxRecords)
{
    QList<int> counts;
    int count = 0;
    bool inQuotes = false;
    bool recordHasText = false;
    for (qsizetype i = 0; i < sample.size() && counts.size() < maxRecords; ++i) {
        const QChar c = sample[i];
        if (c == u'"') {
            inQuotes = !inQuotes;
            recordHasText = true;
        } else if (inQuotes) {
            continue;
        } else if (c == delimiter) {
            ++count;
            recordHasText = true;
        } else if (c == u'\n' || c == u'\r') {
            if (recordHasText)
                counts.append(count);
            count = 0;
            recordHasText = false;
        } else {
            recordHasText = true;
        }
    }
    if (recordHasText && counts.size() < maxRecords && !inQuotes)
        counts.append(count);
    return counts;
}

} // namespace

QChar DelimitedParser::sniffDelimiter(QStringView sample)
{
    constexpr int maxRecords = 20;
    QChar best = u',';
    int bestConsistent = 0;
    int bestCount = 0;
    for (char16_t candidate : candidateDelimiters) {
        const QList<int> counts = countPerRecord(sample, QChar(candidate), maxRecords);
        if (counts.isEmpty() || counts.first() == 0)
            continue;

        // Records that split into as many fields as the header (or first) record.
        const int consistent = int(counts.count(counts.first()));
        if (consistent > bestConsistent
            || (consistent == bestConsistent && counts.first() > bestCount)) {
            best = QChar(candidate);
            bestConsistent = consistent;
            bestCount = counts.first();
        }
    }
    return best;
}

void DelimitedParser::countLineBreak(QChar c)
{
    // CRLF is one line break: the LF after a CR was already counted.
    if (c == u'\n' && m_lastWasCr)
        return;
    ++m_line;
}

void DelimitedParser::endField()
{
    m_fields.append(m_field);
    m_field.clear();
    m_fieldQuoted = false;
}

void DelimitedParser::endRecord(QList<SourceRow> &rows)
{
    const bool blankLine = m_fields.isEmpty() && m_field.isEmpty() && !m_fieldQuoted;
    if (m_recordStarted && !blankLine) {
        endField();
        rows.append(SourceRow{m_recordLine, std::move(m_fields)});
    }
    m_fields = QStringList();
    m_field.clear();
    m_fieldQuoted = false;
    m_recordStarted = false;
}

void DelimitedParser::feed(QStringView text, QList<SourceRow> &rows)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];

        if (m_quoteSeen) {
            m_quoteSeen = false;
            if (c == u'"') {
                m_field.append(c);
                m_lastWasCr = false;
                continue;
            }
            m_inQuotes = false;
        }

        if (m_inQuotes) {
            if (c == u'"') {
                m_quoteSeen = true;
            } else {
                if (c == u'\r' || c == u'\n')
                    countLineBreak(c);
                m_field.append(c);
            }
            m_lastWasCr = c == u'\r';
            continue;
        }

        if (c == u'\r' || c == u'\n') {
            const bool secondHalfOfCrLf = c == u'\n' && m_lastWasCr;
            countLineBreak(c);
            m_lastWasCr = c == u'\r';
            if (!secondHalfOfCrLf)
                endRecord(rows);
            continue;
        }
        m_lastWasCr = false;

        if (!m_recordStarted) {
            m_recordStarted = true;
            m_recordLine = m_line;
        }

        if (c == m_delimiter) {
            endField();
        } else if (c == u'"' && m_field.isEmpty() && !m_fieldQuoted) {
            m_inQuotes = true;
            m_fieldQuoted = true;
        } else {
            // Unquoted text, or text after a closing quote: kept as written.
            const qsizetype start = i;
            while (i + 1 < text.size()) {
                const QChar next = text[i + 1];
                if (next == m_delimiter || next == u'\r' || next == u'\n' || next == u'"')
                    break;
                ++i;
            }
            m_field.append(text.sliced(start, i - start + 1));
        }
    }
}

void DelimitedParser::finish(QList<SourceRow> &rows)
{
    m_quoteSeen = false;
    m_inQuotes = false;
    endRecord(rows);
}

} // namespace Dialdeck
