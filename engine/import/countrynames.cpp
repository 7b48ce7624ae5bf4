#include "countrynames.h"

#include "columnmapper.h"

#include <QLocale>

#include <phonenumbers/phonenumberutil.h>

#include <set>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QSet<QString> phoneLibraryRegions()
{
    std::set<std::string> regions;
    i18n::phonenumbers::PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);

    QSet<QString> result;
    for (const std::string &region : regions)
        result.insert(QString::fromStdString(region));
    return result;
}

} // namespace

const CountryNames &CountryNames::instance()
{
    static const CountryNames names(phoneLibraryRegions());
    return names;
}

CountryNames::CountryNames(const QSet<QString> &supportedRegions)
    : m_regions(supportedRegions)
{
    const QList<QLocale> locales = QLocale::matchingLocales(QLocale::AnyLanguage,
                                                            QLocale::AnyScript,
                                                            QLocale::AnyTerritory);
    for (const QLocale &locale : locales) {
        const QString region = QLocale::territoryToCode(locale.territory());
        addName(QLocale::territoryToString(locale.territory()), region);
        addName(locale.nativeTerritoryName(), region);
    }

    // Names in other languages and abbreviations that contact lists often use.
    const std::pair<const char16_t *, const char16_t *> extra[] = {
        {u"usa", u"US"},           {u"u s a", u"US"},          {u"u s", u"US"},
        {u"america", u"US"},       {u"united states of america", u"US"},
        {u"etats unis", u"US"},    {u"vereinigte staaten", u"US"}, {u"estados unidos", u"US"},
        {u"uk", u"GB"},            {u"u k", u"GB"},            {u"england", u"GB"},
        {u"great britain", u"GB"}, {u"britain", u"GB"},        {u"scotland", u"GB"},
        {u"wales", u"GB"},         {u"grossbritannien", u"GB"}, {u"royaume uni", u"GB"},
        {u"reino unido", u"GB"},   {u"allemagne", u"DE"},      {u"alemania", u"DE"},
        {u"germania", u"DE"},      {u"frankreich", u"FR"},     {u"francia", u"FR"},
        {u"spanien", u"ES"},       {u"espagne", u"ES"},        {u"spagna", u"ES"},
        {u"italien", u"IT"},       {u"italie", u"IT"},         {u"niederlande", u"NL"},
        {u"pays bas", u"NL"},      {u"holland", u"NL"},        {u"osterreich", u"AT"},
        {u"autriche", u"AT"},      {u"schweiz", u"CH"},        {u"suisse", u"CH"},
        {u"svizzera", u"CH"},      {u"belgien", u"BE"},        {u"belgique", u"BE"},
        {u"kanada", u"CA"},        {u"australien", u"AU"},     {u"australie", u"AU"},
        {u"danemark", u"DK"},      {u"polen", u"PL"},          {u"pologne", u"PL"},
        {u"tschechien", u"CZ"},    {u"irland", u"IE"},         {u"irlande", u"IE"},
    };
    for (const auto &[name, region] : extra)
        addName(QString::fromUtf16(name), QString::fromUtf16(region));
}

void CountryNames::addName(const QString &name, const QString &region)
{
    if (name.isEmpty() || !m_regions.contains(region))
        return;
    m_names.insert(ColumnMapper::fold(name), region);
}

QString CountryNames::regionFor(QStringView country) const
{
    const QString trimmed = country.trimmed().toString();
    if (trimmed.size() == 2) {
        const QString code = trimmed.toUpper();
        if (m_regions.contains(code))
            return code;
    }
    return m_names.value(ColumnMapper::fold(trimmed));
}

} // namespace Dialdeck
