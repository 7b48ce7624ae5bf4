#include "rowconverter.h"

#include "callwriter.h"
#include "countrynames.h"
#include "timezonetable.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::Import", text);
}

QString fieldAt(const QStringList &fields, int column)
{
    if (column < 0 || column >= fields.size())
        return {};
    return fields[column].trimmed();
}

QString joinName(const QString &first, const QString &last)
{
    if (first.isEmpty())
        return last;
    if (last.isEmpty())
        return first;
    return first + u' ' + last;
}

// Google Contacts joins the numbers of one phone entry with " ::: ".
QStringList splitGoogleValue(const QString &value)
{
    QStringList parts;
    for (const QString &part : value.split(u":::"_s)) {
        const QString trimmed = part.trimmed();
        if (!trimmed.isEmpty())
            parts.append(trimmed);
    }
    return parts;
}

} // namespace

RowConverter::RowConverter(const QStringList &headers, const ColumnMap &map, ContactFormat format,
                           const BatchConfig &config, const TimeZoneTable &zones)
    : m_headers(headers)
    , m_map(map)
    , m_format(format)
    , m_defaultRegion(config.defaultRegion)
    , m_defaultTimeZone(config.defaultTimeZone)
    , m_zones(zones)
{
}

QString RowConverter::regionFor(const QString &country, int line,
                                QList<ImportWarning> &warnings) const
{
    if (country.isEmpty())
        return m_defaultRegion;

    const QString region = CountryNames::instance().regionFor(country);
    if (!region.isEmpty())
        return region;

    warnings.append({line, u"unknown_country"_s,
                     tr("The country \"%1\" is not a known country name or ISO code; numbers "
                        "without a country calling code were read as numbers of %2.")
                         .arg(country, m_defaultRegion)});
    return m_defaultRegion;
}

void RowConverter::findZones(PhoneCandidate &phone, const QString &timeZone, int line,
                             QList<ImportWarning> &warnings) const
{
    if (!timeZone.isEmpty()) {
        const QByteArray zone = TimeZoneTable::canonicalZoneId(timeZone);
        if (!zone.isEmpty()) {
            phone.timeZones = {zone};
            phone.timeZoneSource = TimeZoneSource::Column;
            return;
        }
        warnings.append({line, u"invalid_time_zone"_s,
                         tr("The time zone \"%1\" is not a known IANA zone, so the zone was "
                            "taken from the phone number; use a name such as Europe/Berlin.")
                             .arg(timeZone)});
    }

    phone.timeZones = m_zones.zonesFor(phone.phone.e164);
    if (!phone.timeZones.isEmpty()) {
        phone.timeZoneSource = TimeZoneSource::PhonePrefix;
        return;
    }
    phone.timeZones = {m_defaultTimeZone};
    phone.timeZoneSource = TimeZoneSource::BatchDefault;
}

void RowConverter::addPhone(ContactCandidate &candidate, const QString &raw,
                            const QString &callingCode, const QString &region,
                            const QString &timeZone) const
{
    const bool first = candidate.phones.isEmpty() && !candidate.firstProblem;
    if (first)
        candidate.firstRaw = raw;

    Result<NormalisedPhone> phone = m_normaliser.normaliseWithCallingCode(raw, callingCode, region);
    if (!phone) {
        if (first)
            candidate.firstProblem = phone.error();
        return;
    }

    PhoneCandidate usable{raw, std::move(phone).value(), {}, TimeZoneSource::BatchDefault};
    findZones(usable, timeZone, candidate.line, candidate.warnings);
    candidate.phones.append(std::move(usable));
}

QList<std::pair<QString, QString>> RowConverter::extraMembers(const QStringList &fields) const
{
    QList<std::pair<QString, QString>> members;
    for (int column : m_map.extraColumns) {
        QString value = fieldAt(fields, column);
        if (!value.isEmpty())
            members.append({m_headers[column], std::move(value)});
    }
    for (qsizetype column = m_headers.size(); column < fields.size(); ++column) {
        QString value = fields[column].trimmed();
        if (!value.isEmpty())
            members.append({tr("Column %1").arg(column + 1), std::move(value)});
    }
    return members;
}

std::string RowConverter::extraJsonOf(QList<std::pair<QString, QString>> members)
{
    // Sorted by key, and a repeated key keeps its last value, as QJsonObject::insert() does.
    std::stable_sort(members.begin(), members.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (qsizetype i = members.size() - 1; i > 0; --i) {
        if (members[i - 1].first == members[i].first)
            members.remove(i - 1);
    }

    std::string json;
    CallWriter::appendJson(json, members);
    return json;
}

ContactCandidate RowConverter::convert(const SourceRow &row) const
{
    ContactCandidate candidate;
    candidate.line = row.line;
    const QStringList &fields = row.fields;

    candidate.name = fieldAt(fields, m_map.name);
    if (candidate.name.isEmpty())
        candidate.name = joinName(fieldAt(fields, m_map.firstName), fieldAt(fields, m_map.lastName));

    const QString region = regionFor(fieldAt(fields, m_map.country), row.line, candidate.warnings);
    const QString callingCode = fieldAt(fields, m_map.countryCallingCode);
    const QString timeZone = fieldAt(fields, m_map.timeZone);

    for (int column : m_map.phoneColumns) {
        const QString value = fieldAt(fields, column);
        if (m_format != ContactFormat::GoogleContacts) {
            addPhone(candidate, value, callingCode, region, timeZone);
            continue;
        }
        // An empty "Phone N - Value" only means the contact has fewer numbers,
        // unless it is the contact's only phone column.
        for (const QString &part : splitGoogleValue(value))
            addPhone(candidate, part, callingCode, region, timeZone);
    }
    if (candidate.phones.isEmpty() && !candidate.firstProblem)
        addPhone(candidate, QString(), callingCode, region, timeZone);

    QList<std::pair<QString, QString>> members = extraMembers(fields);
    if (m_extraAsJson) {
        candidate.extraJson = extraJsonOf(std::move(members));
        return candidate;
    }
    for (const auto &[key, value] : std::as_const(members))
        candidate.extra.insert(key, value);
    return candidate;
}

ContactCandidate RowConverter::convertRecord(int index, const QJsonObject &record) const
{
    ContactCandidate candidate;
    candidate.line = index;

    candidate.name = record.value(u"name").toString().trimmed();
    if (candidate.name.isEmpty()) {
        candidate.name = joinName(record.value(u"firstName").toString().trimmed(),
                                  record.value(u"lastName").toString().trimmed());
    }

    const QString region = regionFor(record.value(u"country").toString().trimmed(), index,
                                     candidate.warnings);
    const QString timeZone = record.value(u"timeZone").toString().trimmed();
    const QJsonValue phoneValue = record.contains(u"phone") ? record.value(u"phone")
                                                            : record.value(u"phoneNumber");
    // Numbers sent as JSON numbers are read as their digits.
    const QString raw = phoneValue.isDouble() ? QString::number(phoneValue.toInteger())
                                              : phoneValue.toString();
    addPhone(candidate, raw, QString(), region, timeZone);

    static const QStringList fieldKeys = {u"phone"_s,     u"phoneNumber"_s, u"name"_s,
                                          u"firstName"_s, u"lastName"_s,    u"country"_s,
                                          u"timeZone"_s};
    for (auto it = record.constBegin(); it != record.constEnd(); ++it) {
        if (!fieldKeys.contains(it.key()))
            candidate.extra.insert(it.key(), it.value());
    }
    return candidate;
}

} // namespace Dialdeck
