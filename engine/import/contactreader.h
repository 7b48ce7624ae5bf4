#pragma once

#include "core/result.h"
#include "delimitedparser.h"
#include "importtypes.h"
#include "textdecoder.h"

#include <QFile>

#include <memory>
#include <optional>

namespace Dialdeck {

// Reads a contact file as a stream of rows: detects the encoding, the delimiter
// and the format on open(), then hands out the data rows in chunks so that a
// large file is never held in memory as a whole.
class ContactReader
{
public:
    ContactReader();
    ~ContactReader();
    ContactReader(const ContactReader &) = delete;
    ContactReader &operator=(const ContactReader &) = delete;

    // Opens the file and reads its header. `forcedFormat` skips format detection.
    Result<void> open(const QString &path, std::optional<ContactFormat> forcedFormat);

    // Appends up to `maxRows` data rows to `rows`. Returns false once the file is
    // exhausted; the rows appended by that last call are still valid.
    Result<bool> read(QList<SourceRow> &rows, qsizetype maxRows);

    ContactFormat format() const { return m_format; }
    // Column names: the header row, or the fixed VICIdial column names.
    const QStringList &headers() const { return m_headers; }
    QChar delimiter() const;
    TextDecoder::Encoding encoding() const;

    // The 23 columns of a VICIdial standard lead file, in file order.
    static const QStringList &vicidialColumns();

    // Detects the format from the first record (and delimiter) of a file.
    static ContactFormat detectFormat(const QStringList &firstRecord, QChar delimiter);

private:
    Result<QByteArray> readStart();
    Result<bool> readMore();

    QString m_path;
    QFile m_file;
    std::unique_ptr<TextDecoder> m_decoder;
    std::unique_ptr<DelimitedParser> m_parser;
    QList<SourceRow> m_pending;
    qsizetype m_pendingOffset = 0;
    QStringList m_headers;
    ContactFormat m_format = ContactFormat::Delimited;
    bool m_atEnd = false;
};

} // namespace Dialdeck
