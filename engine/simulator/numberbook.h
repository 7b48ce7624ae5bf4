#pragma once

#include <QDate>
#include <QJsonObject>
#include <QStringList>

namespace Dialdeck {

class QueryParams;

// The phone numbers of the simulated account, as GET .../Number/ lists them:
// the numbers given with --numbers, or ten numbers from +1 415 555-0100 on,
// a range reserved for fiction.
class NumberBook
{
public:
    NumberBook(const QString &authId, const QStringList &numbers, double voiceRatePerMinute,
               QDate addedOn);

    // The numbers that pass the list filters number_startswith, type, services
    // and alias, in order.
    QList<QJsonObject> list(const QueryParams &query) const;
    // Returns the number object, or an empty object; "+" before the digits is optional.
    QJsonObject find(const QString &number) const;

private:
    QJsonObject numberObject(const QString &digits) const;

    QString m_authId;
    // Digits without "+", as Plivo lists them.
    QStringList m_numbers;
    double m_voiceRate = 0.0;
    QDate m_addedOn;
};

} // namespace Dialdeck
