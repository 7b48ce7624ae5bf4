#pragma once

#include <QHash>
#include <QSet>
#include <QString>

namespace Dialdeck {

// Maps a country column's value to an ISO 3166 alpha-2 region code. It reads
// codes ("de", "DE"), English and native names from Qt's locale data
// ("Germany", "Deutschland") and a short list of common names in other
// languages ("Allemagne", "USA"). Built once and thread-safe to read.
class CountryNames
{
public:
    static const CountryNames &instance();

    // Returns the region code, or an empty string when the value is not recognised.
    QString regionFor(QStringView country) const;

    // Adds the regions a phone library supports; only those are returned for codes.
    explicit CountryNames(const QSet<QString> &supportedRegions);

private:
    void addName(const QString &name, const QString &region);

    QSet<QString> m_regions;
    // Folded name -> region code.
    QHash<QString, QString> m_names;
};

} // namespace Dialdeck
