#include "contactreader.h"

#include "columnmapper.h"
#include "core/logging.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

// Bytes read ahead to detect the encoding, delimiter and format.
constexpr qint64 startBytes = 64 * 1024;
// Bytes read and decoded per step while streaming the rows.
constexpr qint64 chunkBytes = 1024 * 1024;

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::Import", text);
}

bool isVicidialPhoneValue(const QString &value)
{
    int digits = 0;
    for (QChar c : value) {
        if (c.isDigit())
            ++digits;
        else if (c != u' ' && c != u'-' && c != u'(' && c != u')' && c != u'.' && c != u'+')
            return false;
    }
    return digits >= 6;
}

} // namespace

ContactReader::ContactReader() = default;
ContactReader::~ContactReader() = default;

const QStringList &ContactReader::vicidialColumns()
{
    static const QStringList columns = {
        u"vendor_lead_code"_s, u"source_id"_s,      u"list_id"_s,       u"phone_code"_s,
        u"phone_number"_s,     u"title"_s,          u"first_name"_s,    u"middle_initial"_s,
        u"last_name"_s,        u"address1"_s,       u"address2"_s,      u"address3"_s,
        u"city"_s,             u"state"_s,          u"province"_s,      u"postal_code"_s,
        u"country_code"_s,     u"gender"_s,         u"date_of_birth"_s, u"alt_phone"_s,
        u"email"_s,            u"security_phrase"_s, u"comments"_s};
    return columns;
}

ContactFormat ContactReader::detectFormat(const QStringList &firstRecord, QChar delimiter)
{
    static const QRegularExpression googlePhone(u"^Phone \\d+ - Value$"_s,
                                                QRegularExpression::CaseInsensitiveOption);
    for (const QString &field : firstRecord) {
        if (googlePhone.match(field.trimmed()).hasMatch())
            return ContactFormat::GoogleContacts;
    }

    // VICIdial files have no header: the first line is already a lead, with the
    // phone number in the fifth column. Files exported with fewer trailing
    // columns are common, so about 23 means at least 20.
    const bool vicidialDelimiter = delimiter == u'\t' || delimiter == u'|';
    const int phoneColumn = 4;
    if (vicidialDelimiter && firstRecord.size() >= 20 && firstRecord.size() <= 30
        && isVicidialPhoneValue(firstRecord[phoneColumn].trimmed())) {
        const bool headerLike = std::any_of(firstRecord.cbegin(), firstRecord.cend(),
                                            [](const QString &field) {
                                                return ColumnMapper::looksLikeHeader(field);
                                            });
        if (!headerLike)
            return ContactFormat::Vicidial;
    }
    return ContactFormat::Delimited;
}

QChar ContactReader::delimiter() const
{
    return m_parser ? m_parser->delimiter() : QChar(u',');
}

TextDecoder::Encoding ContactReader::encoding() const
{
    return m_decoder ? m_decoder->encoding() : TextDecoder::Encoding::Utf8;
}

Result<QByteArray> ContactReader::readStart()
{
    const QByteArray start = m_file.read(startBytes);
    if (TextDecoder::bomLength(start, TextDecoder::detect(start, true)) > 0)
        return start;

    // Without a byte order mark the whole file must be valid UTF-8 to be read
    // as UTF-8; a single invalid byte anywhere means Windows-1252.
    Utf8Validator validator;
    validator.add(start);
    while (validator.isValid() && !m_file.atEnd())
        validator.add(m_file.read(chunkBytes));
    if (m_file.error() != QFileDevice::NoError || !m_file.seek(start.size())) {
        return Error{u"file_unreadable"_s,
                     tr("Could not read the contact file %1: %2.").arg(m_path, m_file.errorString())};
    }

    const auto encoding = validator.isValid() ? TextDecoder::Encoding::Utf8
                                              : TextDecoder::Encoding::Windows1252;
    m_decoder = std::make_unique<TextDecoder>(encoding);
    return start;
}

Result<void> ContactReader::open(const QString &path, std::optional<ContactFormat> forcedFormat)
{
    m_path = path;
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        return Error{u"file_unreadable"_s,
                     tr("Could not open the contact file %1: %2; check the path and its "
                        "permissions.")
                         .arg(path, m_file.errorString())};
    }

    Result<QByteArray> start = readStart();
    if (!start)
        return start.error();
    if (!m_decoder)
        m_decoder = std::make_unique<TextDecoder>(TextDecoder::detect(*start, true));
    const qsizetype bom = TextDecoder::bomLength(*start, m_decoder->encoding());
    const QString sample = m_decoder->decode(QByteArrayView(*start).sliced(bom));

    QChar delimiter = DelimitedParser::sniffDelimiter(sample);
    QList<SourceRow> firstRows;
    DelimitedParser probe(delimiter);
    probe.feed(sample, firstRows);
    probe.finish(firstRows);
    if (firstRows.isEmpty()) {
        return Error{u"empty_file"_s,
                     tr("The contact file %1 is empty; export the contacts again.").arg(path)};
    }

    m_format = forcedFormat.value_or(detectFormat(firstRows.first().fields, delimiter));
    if (m_format == ContactFormat::Vicidial && delimiter != u'\t' && delimiter != u'|')
        delimiter = sample.contains(u'\t') ? QChar(u'\t') : QChar(u'|');
    qCDebug(lcImport) << "Reading" << path << "as" << toString(m_format) << "in"
                      << TextDecoder::toString(m_decoder->encoding()) << "delimited by"
                      << delimiter;

    m_parser = std::make_unique<DelimitedParser>(delimiter);
    m_parser->feed(sample, m_pending);
    if (m_format == ContactFormat::Vicidial) {
        m_headers = vicidialColumns();
        return {};
    }

    while (m_pending.isEmpty() && !m_atEnd) {
        if (Result<bool> more = readMore(); !more)
            return more.error();
    }
    const QStringList header = m_pending.isEmpty() ? QStringList() : m_pending.takeFirst().fields;
    for (qsizetype i = 0; i < header.size(); ++i) {
        const QString name = header[i].trimmed();
        m_headers.append(name.isEmpty() ? tr("Column %1").arg(i + 1) : name);
    }
    return {};
}

Result<bool> ContactReader::readMore()
{
    const QByteArray bytes = m_file.read(chunkBytes);
    if (m_file.error() != QFileDevice::NoError) {
        return Error{u"file_unreadable"_s,
                     tr("Could not read the contact file %1: %2.").arg(m_path, m_file.errorString())};
    }
    if (bytes.isEmpty()) {
        m_parser->finish(m_pending);
        m_atEnd = true;
        return false;
    }

    m_parser->feed(m_decoder->decode(bytes), m_pending);
    return true;
}

Result<bool> ContactReader::read(QList<SourceRow> &rows, qsizetype maxRows)
{
    if (m_pendingOffset > 0 && m_pending.size() - m_pendingOffset < maxRows) {
        m_pending.remove(0, m_pendingOffset);
        m_pendingOffset = 0;
    }
    while (m_pending.size() - m_pendingOffset < maxRows && !m_atEnd) {
        if (Result<bool> more = readMore(); !more)
            return more.error();
    }

    const qsizetype count = std::min(maxRows, m_pending.size() - m_pendingOffset);
    for (qsizetype i = 0; i < count; ++i)
        rows.append(std::move(m_pending[m_pendingOffset + i]));
    m_pendingOffset += count;
    if (m_pendingOffset == m_pending.size()) {
        m_pending.clear();
        m_pendingOffset = 0;
    }
    return !(m_atEnd && m_pending.isEmpty());
}

} // namespace Dialdeck
