#include "seededdraw.h"

namespace Dialdeck {

namespace {

// The splitmix64 finaliser: a bijective mix in which every input bit affects
// every output bit.
quint64 mix(quint64 value)
{
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

} // namespace

double SeededDraw::unit(Stream stream, quint64 index, quint64 part) const
{
    quint64 value = mix(m_seed + 0x9e3779b97f4a7c15ULL);
    value = mix(value ^ (quint64(stream) * 0xd1b54a32d192ed03ULL));
    value = mix(value ^ (index * 0x8cb92ba72f3d8dd7ULL));
    value = mix(value ^ (part * 0xabc98388fb8fac03ULL));

    // The top 53 bits fill a double's mantissa exactly.
    return double(value >> 11) * (1.0 / 9007199254740992.0);
}

double SeededDraw::between(double min, double max, Stream stream, quint64 index,
                           quint64 part) const
{
    if (max <= min)
        return min;
    return min + (max - min) * unit(stream, index, part);
}

bool SeededDraw::chance(double share, Stream stream, quint64 index, quint64 part) const
{
    if (share <= 0.0)
        return false;
    return unit(stream, index, part) < share;
}

} // namespace Dialdeck
