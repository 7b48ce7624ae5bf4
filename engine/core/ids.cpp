#include "ids.h"

#include <QRandomGenerator>

namespace Dialdeck::Ids {

QString generate()
{
    static constexpr char digits[] = "0123456789abcdef";

    QString id(Length, Qt::Uninitialized);
    QRandomGenerator *random = QRandomGenerator::system();
    for (int i = 0; i < Length; ++i)
        id[i] = QLatin1Char(digits[random->bounded(16)]);
    return id;
}

bool isValid(QStringView id)
{
    if (id.size() != Length)
        return false;

    for (QChar c : id) {
        const bool digit = c >= u'0' && c <= u'9';
        const bool lowerHex = c >= u'a' && c <= u'f';
        if (!digit && !lowerHex)
            return false;
    }
    return true;
}

} // namespace Dialdeck::Ids
