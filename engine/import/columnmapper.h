#pragma once

#include "core/result.h"
#include "importtypes.h"

#include <QHash>
#include <QList>
#include <QStringList>

namespace Dialdeck {

// Column indexes of the contact fields, 0-based, with -1 for none.
struct ColumnMap
{
    // Columns that hold phone numbers, in the order they are tried: one for
    // most files, every "Phone N - Value" column of a Google Contacts export.
    QList<int> phoneColumns;
    int name = -1;
    int firstName = -1;
    int lastName = -1;
    int country = -1;
    int timeZone = -1;
    // VICIdial's phone_code column: the country calling code of phone_number.
    int countryCallingCode = -1;
    // Columns kept in the call's extra JSON under their header.
    QList<int> extraColumns;

    // Field name -> header of the column used for it, as shown in a preview.
    QHash<QString, QString> toMapping(const QStringList &headers) const;
};

// Finds the column for each contact field from the header names, in English
// and common other languages, ignoring case, accents and punctuation.
class ColumnMapper
{
public:
    // Maps `headers`. An explicit mapping (field name -> header) wins over
    // detection. Fails when a mapped header or field is unknown, or when no
    // column contains phone numbers. The message lists the headers found.
    static Result<ColumnMap> map(const QStringList &headers, ContactFormat format,
                                 const QHash<QString, QString> &explicitMapping);

    // Folds a header for matching: lower case, accents removed, "_", "-", "."
    // and "/" read as spaces, runs of spaces collapsed.
    static QString fold(QStringView header);

    // True when `text` is a header name this mapper recognises, such as "phone"
    // or "first_name"; used to tell a header row from a data row.
    static bool looksLikeHeader(QStringView text);

    // The field a header is detected as, if any.
    static std::optional<ContactField> detectField(QStringView header);
};

} // namespace Dialdeck
