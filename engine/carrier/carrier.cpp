#include "carrier.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

QString toString(CarrierEvent::Kind kind)
{
    switch (kind) {
    case CarrierEvent::Kind::Placed:
        return u"placed"_s;
    case CarrierEvent::Kind::Ringing:
        return u"ring"_s;
    case CarrierEvent::Kind::Answered:
        return u"answer"_s;
    case CarrierEvent::Kind::MachineDetected:
        return u"machine"_s;
    case CarrierEvent::Kind::Hangup:
        return u"hangup"_s;
    }
    return {};
}

} // namespace Dialdeck
