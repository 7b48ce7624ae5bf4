#pragma once

#include <QString>

namespace Dialdeck {

// One invalid setting: the JSON field it belongs to and a sentence for the operator.
struct ConfigProblem
{
    QString field;
    QString message;
};

} // namespace Dialdeck
