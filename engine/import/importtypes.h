#pragma once

#include "core/batchconfig.h"
#include "core/domain.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace Dialdeck {

// The layout of a contact file.
enum class ContactFormat
{
    // Any delimited text with a header row.
    Delimited,
    // Google Contacts CSV export: "Phone 1 - Value", "Phone 2 - Value", ... columns.
    GoogleContacts,
    // VICIdial standard lead file: tab or pipe delimited, no header, 23 fixed columns.
    Vicidial,
};

QString toString(ContactFormat format);
std::optional<ContactFormat> contactFormatFromString(QStringView text);
// The format's name for people, translated.
QString displayName(ContactFormat format);

// The contact fields a column can be mapped to.
enum class ContactField
{
    Phone,
    Name,
    FirstName,
    LastName,
    Country,
    TimeZone,
};
constexpr int ContactFieldCount = int(ContactField::TimeZone) + 1;

// The spelling of a field in mappings: phone, name, firstName, lastName, country, timeZone.
QString toString(ContactField field);
std::optional<ContactField> contactFieldFromString(QStringView text);

// Reason a row or record was not imported. The string form is the stable reason code.
enum class RejectionReason
{
    Empty,
    ScientificNotation,
    Invalid,
    NotValidForRegion,
    TooShort,
    Duplicate,
    DoNotCall,
};

QString toString(RejectionReason reason);

struct ImportOptions
{
    QString filePath;
    // Empty means a new id from Ids::generate().
    QString batchId;
    // Empty means the file's base name.
    QString batchName;
    QString ownerUserId;
    // defaultRegion parses numbers without a country; defaultTimeZone is the zone
    // of numbers whose zone neither a column nor the prefix table gives.
    BatchConfig config;
    QStringList phoneIds;
    // Field name (see toString(ContactField)) -> column header; overrides detection.
    QHash<QString, QString> mapping;
    // Set to skip format detection.
    std::optional<ContactFormat> format;
};

// A row (or in-memory record) that was not imported.
struct RejectedRow
{
    // Line the row starts on (1 is the header line), or the 0-based index of an
    // in-memory record.
    int line = 0;
    // The phone value as written in the source.
    QString value;
    QString reasonCode;
    QString reason;

    friend bool operator==(const RejectedRow &, const RejectedRow &) = default;
};

// A problem that did not stop a row from being imported, such as an unknown time zone.
struct ImportWarning
{
    int line = 0;
    QString code;
    QString message;
};

struct ImportPreview
{
    ContactFormat format = ContactFormat::Delimited;
    QString formatName;
    QStringList headers;
    // Field name -> header of the column used for it.
    QHash<QString, QString> mapping;
    // The first accepted rows, in file order, as they would be stored.
    QList<CallRecord> rows;
    QList<RejectedRow> rejected;
    QList<ImportWarning> warnings;
    // Data rows in the file, the header row not counted.
    qint64 totalRows = 0;
    qint64 acceptedRows = 0;
};

struct ImportSummary
{
    QString batchId;
    ContactFormat format = ContactFormat::Delimited;
    qint64 totalRows = 0;
    qint64 imported = 0;
    QList<RejectedRow> rejected;
    // Reason code -> number of rejected rows.
    QHash<QString, qint64> rejectedByReason;
    QList<ImportWarning> warnings;
};

// In-memory records checked by Importer::validateRecords(). CallRecord::line and
// RejectedRow::line hold the 0-based index of the record.
struct RecordValidation
{
    QList<CallRecord> accepted;
    QList<RejectedRow> rejected;
    QList<ImportWarning> warnings;
};

} // namespace Dialdeck
