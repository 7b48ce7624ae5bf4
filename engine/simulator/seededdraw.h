#pragma once

#include <QtGlobal>

namespace Dialdeck {

// Seeded random draws without state: the same seed, stream, index and part
// always give the same value, whatever else was drawn before. So a call's
// outcome depends only on the seed and the call's number, and enabling a
// fault does not change any outcome.
class SeededDraw
{
public:
    // Independent sequences of draws, one per purpose.
    enum class Stream : quint64
    {
        Outcome = 1,
        SetupTime,
        RingTime,
        NoAnswerTime,
        TalkTime,
        DropCallback,
        DuplicateCallback,
        ReorderCall,
        DelayCallback,
        Error500,
        Stall,
    };

    explicit SeededDraw(quint64 seed) : m_seed(seed) {}

    // Returns a value in [0, 1).
    double unit(Stream stream, quint64 index, quint64 part = 0) const;
    // Returns a value in [min, max], or min when max <= min.
    double between(double min, double max, Stream stream, quint64 index, quint64 part = 0) const;
    // Returns true for about `share` (0..1) of the indexes.
    bool chance(double share, Stream stream, quint64 index, quint64 part = 0) const;

private:
    quint64 m_seed = 0;
};

} // namespace Dialdeck
