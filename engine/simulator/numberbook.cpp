#include "numberbook.h"

#include "callviews.h"
#include "queryparams.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString digitsOf(const QString &number)
{
    return number.startsWith(u'+') ? number.mid(1) : number;
}

} // namespace

NumberBook::NumberBook(const QString &authId, const QStringList &numbers,
                       double voiceRatePerMinute, QDate addedOn)
    : m_authId(authId)
    , m_voiceRate(voiceRatePerMinute)
    , m_addedOn(addedOn)
{
    for (const QString &number : numbers)
        m_numbers.append(digitsOf(number));
    if (m_numbers.isEmpty()) {
        for (int i = 0; i < 10; ++i)
            m_numbers.append(u"1415555%1"_s.arg(100 + i, 4, 10, QLatin1Char('0')));
    }
}

QJsonObject NumberBook::numberObject(const QString &digits) const
{
    const QJsonValue null(QJsonValue::Null);
    const QString zero = CallViews::amountText(0.0);
    const bool northAmerican = digits.startsWith(u'1');
    return {
        {u"added_on"_s, m_addedOn.toString(Qt::ISODate)},
        {u"alias"_s, null},
        {u"application"_s, null},
        {u"carrier"_s, u"Plivo"_s},
        {u"city"_s, QString()},
        {u"cnam_lookup"_s, u"disabled"_s},
        {u"country"_s, northAmerican ? u"UNITED STATES"_s : QString()},
        {u"active"_s, true},
        {u"mms_enabled"_s, false},
        {u"mms_rate"_s, zero},
        {u"monthly_rental_rate"_s, zero},
        {u"number"_s, digits},
        {u"number_type"_s, u"local"_s},
        {u"region"_s, QString()},
        {u"renewal_date"_s, m_addedOn.addMonths(1).toString(Qt::ISODate)},
        {u"resource_uri"_s, u"/v1/Account/%1/Number/%2/"_s.arg(m_authId, digits)},
        {u"sms_enabled"_s, false},
        {u"sms_rate"_s, zero},
        {u"sub_account"_s, null},
        {u"voice_enabled"_s, true},
        {u"voice_rate"_s, CallViews::amountText(m_voiceRate)},
    };
}

QList<QJsonObject> NumberBook::list(const QueryParams &query) const
{
    const QString prefix = digitsOf(query.value(u"number_startswith"_s));
    const QString type = query.value(u"type"_s);
    const QStringList services = query.value(u"services"_s).split(u',', Qt::SkipEmptyParts);
    // Simulated numbers are local, voice-only and have no alias.
    const bool typeMatches = type.isEmpty() || type == u"local";
    const bool servicesMatch = services.isEmpty() || services == QStringList{u"voice"_s};
    const bool aliasMatches = !query.contains(u"alias"_s);

    QList<QJsonObject> objects;
    if (!typeMatches || !servicesMatch || !aliasMatches)
        return objects;
    for (const QString &digits : m_numbers) {
        if (digits.startsWith(prefix))
            objects.append(numberObject(digits));
    }
    return objects;
}

QJsonObject NumberBook::find(const QString &number) const
{
    const QString digits = digitsOf(number);
    if (!m_numbers.contains(digits))
        return {};
    return numberObject(digits);
}

} // namespace Dialdeck
