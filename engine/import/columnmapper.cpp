#include "columnmapper.h"

#include "contactreader.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSet>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::Import", text);
}

// Folded header names per field, in English, German, French, Spanish, Italian
// and Dutch, plus the spellings of common CRM and dialer exports.
const QHash<QString, ContactField> &headerAliases()
{
    static const QHash<QString, ContactField> aliases = [] {
        QHash<QString, ContactField> table;
        const auto add = [&table](ContactField field, std::initializer_list<const char16_t *> names) {
            for (const char16_t *name : names)
                table.insert(QString::fromUtf16(name), field);
        };
        add(ContactField::Phone,
            {u"phone", u"phone number", u"phonenumber", u"phone no", u"phone nr", u"mobile",
             u"mobile phone", u"mobile number", u"cell", u"cell phone", u"cellphone",
             u"telephone", u"telephone number", u"tel", u"tel no", u"telefon",
             u"telefonnummer", u"handy", u"handynummer", u"mobil", u"mobilnummer",
             u"numero de telephone", u"portable", u"telefono", u"numero de telefono", u"movil",
             u"celular", u"cellulare", u"numero di telefono", u"telefoonnummer", u"number",
             u"numero", u"msisdn", u"contact number", u"primary phone", u"dial number"});
        add(ContactField::Name,
            {u"name", u"full name", u"fullname", u"contact name", u"display name",
             u"contact", u"nom complet", u"nombre completo", u"nome completo", u"naam",
             u"vollstandiger name"});
        add(ContactField::FirstName,
            {u"first name", u"firstname", u"first", u"given name", u"forename", u"vorname",
             u"prenom", u"nombre", u"nome", u"voornaam"});
        add(ContactField::LastName,
            {u"last name", u"lastname", u"last", u"surname", u"family name", u"nachname",
             u"familienname", u"nom", u"nom de famille", u"apellido", u"apellidos",
             u"cognome", u"achternaam"});
        add(ContactField::Country,
            {u"country", u"country code", u"countrycode", u"country region", u"land",
             u"landercode", u"pays", u"code pays", u"pais", u"paese", u"nation"});
        add(ContactField::TimeZone,
            {u"time zone", u"timezone", u"tz", u"zeitzone", u"fuseau horaire", u"zona horaria",
             u"fuso orario", u"tijdzone", u"iana time zone"});
        return table;
    }();
    return aliases;
}

Error headerNotFound(const QString &header, const QString &field, const QStringList &headers)
{
    return Error{u"column_not_found"_s,
                 tr("The column \"%1\" mapped to %2 is not in the file; the headers found are: "
                    "%3. Map the field to one of them.")
                     .arg(header, field, headers.join(u", "_s))};
}

int findHeader(const QStringList &headers, const QString &name)
{
    const int exact = int(headers.indexOf(name));
    if (exact >= 0)
        return exact;

    const QString folded = ColumnMapper::fold(name);
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (ColumnMapper::fold(headers[i]) == folded)
            return int(i);
    }
    return -1;
}

int &slotFor(ColumnMap &map, ContactField field)
{
    switch (field) {
    case ContactField::Name:
        return map.name;
    case ContactField::FirstName:
        return map.firstName;
    case ContactField::LastName:
        return map.lastName;
    case ContactField::Country:
        return map.country;
    case ContactField::TimeZone:
        return map.timeZone;
    case ContactField::Phone:
        break;
    }
    Q_UNREACHABLE();
}

void detectFromHeaders(ColumnMap &map, const QStringList &headers)
{
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const std::optional<ContactField> field = ColumnMapper::detectField(headers[i]);
        if (!field)
            continue;
        if (*field == ContactField::Phone) {
            if (map.phoneColumns.isEmpty())
                map.phoneColumns.append(int(i));
            continue;
        }
        int &slot = slotFor(map, *field);
        if (slot < 0)
            slot = int(i);
    }
}

// Google Contacts exports one "Phone N - Value" column per number of a
// contact, and the address country as "Address N - Country".
void detectGoogle(ColumnMap &map, const QStringList &headers)
{
    static const QRegularExpression phoneValue(u"^Phone (\\d+) - Value$"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    QList<std::pair<int, int>> phones;
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const QRegularExpressionMatch match = phoneValue.match(headers[i]);
        if (match.hasMatch())
            phones.append({match.captured(1).toInt(), int(i)});
    }
    std::sort(phones.begin(), phones.end());
    for (const auto &[number, column] : phones)
        map.phoneColumns.append(column);

    map.name = findHeader(headers, u"Name"_s);
    map.firstName = std::max(findHeader(headers, u"First Name"_s), findHeader(headers, u"Given Name"_s));
    map.lastName = std::max(findHeader(headers, u"Last Name"_s), findHeader(headers, u"Family Name"_s));
    map.country = findHeader(headers, u"Address 1 - Country"_s);
}

void detectVicidial(ColumnMap &map, const QStringList &headers)
{
    map.phoneColumns = {int(headers.indexOf(u"phone_number"_s))};
    map.countryCallingCode = int(headers.indexOf(u"phone_code"_s));
    map.firstName = int(headers.indexOf(u"first_name"_s));
    map.lastName = int(headers.indexOf(u"last_name"_s));
    map.country = int(headers.indexOf(u"country_code"_s));
}

Result<void> applyExplicit(ColumnMap &map, const QStringList &headers,
                           const QHash<QString, QString> &mapping)
{
    for (auto it = mapping.cbegin(); it != mapping.cend(); ++it) {
        const std::optional<ContactField> field = contactFieldFromString(it.key());
        if (!field) {
            return Error{u"unknown_field"_s,
                         tr("The mapping names the field \"%1\", which does not exist; use "
                            "phone, name, firstName, lastName, country or timeZone.")
                             .arg(it.key())};
        }

        const int column = findHeader(headers, it.value());
        if (column < 0)
            return headerNotFound(it.value(), it.key(), headers);
        if (*field == ContactField::Phone)
            map.phoneColumns = {column};
        else
            slotFor(map, *field) = column;
    }
    return {};
}

} // namespace

QHash<QString, QString> ColumnMap::toMapping(const QStringList &headers) const
{
    QHash<QString, QString> mapping;
    if (!phoneColumns.isEmpty()) {
        QStringList names;
        for (int column : phoneColumns)
            names.append(headers.value(column));
        mapping.insert(toString(ContactField::Phone), names.join(u", "_s));
    }

    const std::pair<ContactField, int> single[] = {{ContactField::Name, name},
                                                   {ContactField::FirstName, firstName},
                                                   {ContactField::LastName, lastName},
                                                   {ContactField::Country, country},
                                                   {ContactField::TimeZone, timeZone}};
    for (const auto &[field, column] : single) {
        if (column >= 0)
            mapping.insert(toString(field), headers.value(column));
    }
    return mapping;
}

QString ColumnMapper::fold(QStringView header)
{
    const QString decomposed = header.toString().normalized(QString::NormalizationForm_KD);
    QString folded;
    folded.reserve(decomposed.size());
    bool pendingSpace = false;
    for (QChar c : decomposed) {
        if (c.category() == QChar::Mark_NonSpacing)
            continue;
        if (c.isSpace() || c == u'_' || c == u'-' || c == u'.' || c == u'/' || c == u':') {
            pendingSpace = !folded.isEmpty();
            continue;
        }
        if (pendingSpace) {
            folded.append(u' ');
            pendingSpace = false;
        }
        // German sharp s folds to "ss" so that "Straße" matches "strasse".
        if (c == u'ß')
            folded.append(u"ss");
        else
            folded.append(c.toLower());
    }
    return folded;
}

std::optional<ContactField> ColumnMapper::detectField(QStringView header)
{
    const auto it = headerAliases().constFind(fold(header));
    if (it == headerAliases().cend())
        return std::nullopt;
    return *it;
}

bool ColumnMapper::looksLikeHeader(QStringView text)
{
    static const QSet<QString> vicidialNames = [] {
        QSet<QString> names;
        for (const QString &column : ContactReader::vicidialColumns())
            names.insert(fold(column));
        return names;
    }();

    const QString folded = fold(text);
    return headerAliases().contains(folded) || vicidialNames.contains(folded);
}

Result<ColumnMap> ColumnMapper::map(const QStringList &headers, ContactFormat format,
                                    const QHash<QString, QString> &explicitMapping)
{
    ColumnMap map;
    switch (format) {
    case ContactFormat::Delimited:
        detectFromHeaders(map, headers);
        break;
    case ContactFormat::GoogleContacts:
        detectGoogle(map, headers);
        break;
    case ContactFormat::Vicidial:
        detectVicidial(map, headers);
        break;
    }

    if (Result<void> applied = applyExplicit(map, headers, explicitMapping); !applied)
        return applied.error();

    if (map.phoneColumns.isEmpty()) {
        return Error{u"no_phone_column"_s,
                     tr("No column of the file holds phone numbers; the headers found are: %1. "
                        "Name the phone column \"phone\" or map the phone field to one of them.")
                         .arg(headers.join(u", "_s))};
    }

    QSet<int> used(map.phoneColumns.cbegin(), map.phoneColumns.cend());
    used.unite({map.name, map.firstName, map.lastName, map.country, map.timeZone,
                map.countryCallingCode});
    for (qsizetype i = 0; i < headers.size(); ++i) {
        if (!used.contains(int(i)))
            map.extraColumns.append(int(i));
    }
    return map;
}

} // namespace Dialdeck
