#pragma once

#include "columnmapper.h"
#include "delimitedparser.h"
#include "importtypes.h"
#include "phonenormaliser.h"

#include <QJsonObject>

#include <optional>
#include <string>

namespace Dialdeck {

class TimeZoneTable;

// One usable number of a contact and the zones it may ring in.
struct PhoneCandidate
{
    QString raw;
    NormalisedPhone phone;
    QList<QByteArray> timeZones;
    TimeZoneSource timeZoneSource = TimeZoneSource::BatchDefault;
};

// A contact read from one row or record, before the duplicate and
// do-not-call checks, which need every earlier row (see DuplicateFilter).
struct ContactCandidate
{
    int line = 0;
    QString name;
    // The raw value of the contact's first number, for rejection reports.
    QString firstRaw;
    // Valid numbers in source order.
    QList<PhoneCandidate> phones;
    // Rejection reason of the contact's first number, when that number is unusable.
    std::optional<Error> firstProblem;
    QJsonObject extra;
    // The extra columns as compact JSON text in place of `extra`, after
    // RowConverter::setExtraAsJson(true).
    std::string extraJson;
    QList<ImportWarning> warnings;
};

// Converts rows or in-memory records into contact candidates: picks the
// fields out of the columns, normalises every number and finds its zones.
// Holds only read-only state, so one instance serves several threads.
class RowConverter
{
public:
    RowConverter(const QStringList &headers, const ColumnMap &map, ContactFormat format,
                 const BatchConfig &config, const TimeZoneTable &zones);

    ContactCandidate convert(const SourceRow &row) const;

    // Makes convert() write the extra columns as JSON text to
    // ContactCandidate::extraJson and leave `extra` empty. Building a
    // QJsonObject took about a fifth of an import's instructions in
    // bench_import (callgrind).
    void setExtraAsJson(bool asJson) { m_extraAsJson = asJson; }

    // Converts a record with "phone" or "phoneNumber", "name", and optional
    // "timeZone" and "country"; other members go to the extra JSON. `index`
    // becomes the candidate's line.
    ContactCandidate convertRecord(int index, const QJsonObject &record) const;

private:
    QString regionFor(const QString &country, int line, QList<ImportWarning> &warnings) const;
    void addPhone(ContactCandidate &candidate, const QString &raw, const QString &callingCode,
                  const QString &region, const QString &timeZone) const;
    void findZones(PhoneCandidate &phone, const QString &timeZone, int line,
                   QList<ImportWarning> &warnings) const;
    // The extra columns of a row with a value, as (header, value) in column order.
    QList<std::pair<QString, QString>> extraMembers(const QStringList &fields) const;
    // Encodes `members` as QJsonDocument would encode the QJsonObject built from them.
    static std::string extraJsonOf(QList<std::pair<QString, QString>> members);

    QStringList m_headers;
    ColumnMap m_map;
    ContactFormat m_format = ContactFormat::Delimited;
    QString m_defaultRegion;
    QByteArray m_defaultTimeZone;
    PhoneNormaliser m_normaliser;
    const TimeZoneTable &m_zones;
    bool m_extraAsJson = false;
};

} // namespace Dialdeck
