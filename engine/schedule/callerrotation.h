#pragma once

#include "core/batchconfig.h"
#include "core/domain.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace Dialdeck {

// The caller number chosen for one dial.
struct CallerPick
{
    QString phoneId;
    QString e164;
    // Why this number: "round-robin", "least recently used",
    // "local presence: same area code 212", "local presence: same country, no
    // area-code match" or "local presence: no same-country number available, any number".
    QString reason;
};

// One caller number's state for the console. Instants are ms since the Unix epoch (UTC).
struct CallerUsage
{
    QString phoneId;
    QString e164;
    QString label;
    int callsToday = 0; // picks in the current UTC day
    qint64 lastUsedMs = -1;
    bool inCall = false;
    bool resting = false;
    qint64 restingUntilMs = -1;
    bool capReached = false;
    int answered = 0;
    int ended = 0;
};

// Chooses the caller number for each dial. A number carries at most one call
// at a time (from pick() until release()), rests cooldownSeconds after each
// call and, when dailyCap > 0, is picked at most dailyCap times per UTC day.
// Disabled numbers are never picked and are left out of usage().
// Not thread-safe.
class CallerRotation
{
public:
    CallerRotation(RotationStrategy strategy, const QList<Phone> &phones);

    // Picks an available number for a call to calleeE164, marks it in a call and
    // counts it for today. Returns nullopt when no number is available at nowMs.
    std::optional<CallerPick> pick(const QString &calleeE164, qint64 nowMs);

    // Records that the call on phoneId ended: the number rests cooldownSeconds
    // from endedAtMs. An unknown phoneId is ignored.
    void release(const QString &phoneId, qint64 endedAtMs, bool answered);

    // Restores a number's usage after a restart, from the store. callsToday is
    // counted for the UTC day of lastUsedMs, and a number not in a call rests
    // until lastUsedMs + cooldownSeconds because the end of its last call is unknown.
    void restoreUsage(const QString &phoneId, int callsToday, qint64 lastUsedMs, bool inCall);

    // Returns the earliest instant >= nowMs at which some number can be picked:
    // a cooldown end, or the next UTC midnight when only daily caps block.
    // Returns -1 when no number is enabled, or when every enabled number is in a
    // call (then only a release() makes one available).
    qint64 nextAvailableMs(qint64 nowMs) const;

    QList<CallerUsage> usage(qint64 nowMs) const;
    bool hasUsableNumbers() const;

private:
    // Country calling code and area code (or national destination code) digits
    // of a number. areaDigits is empty when the number has none or failed to parse.
    struct CalleeArea
    {
        int countryCode = 0;
        QString areaDigits;
    };

    struct Slot
    {
        Phone phone;
        CalleeArea area;
        int callsToday = 0;
        qint64 countDay = -1; // UTC day (days since 1970-01-01) callsToday belongs to
        qint64 lastUsedMs = -1;
        bool inCall = false;
        qint64 restingUntilMs = -1;
        int answered = 0;
        int ended = 0;
    };

    bool isAvailable(const Slot &slot, qint64 nowMs) const;
    int callsOnDay(const Slot &slot, qint64 utcDay) const;
    int pickRoundRobin(qint64 nowMs);
    int pickLeastRecentlyUsed(qint64 nowMs) const;
    int pickLocalPresence(const CalleeArea &callee, qint64 nowMs, QString *reason);
    CalleeArea calleeArea(const QString &calleeE164);
    static CalleeArea parseArea(const QString &e164);
    Slot *findSlot(const QString &phoneId);

    RotationStrategy m_strategy = RotationStrategy::RoundRobin;
    QList<Slot> m_slots;
    int m_cursor = 0; // round-robin position: the slot index tried first
    // Callee areas keyed by "+" and the country and area digits they were found
    // from, or by the whole number when it has no area digits. Parsing costs
    // about 24 us, so pick() parses each area once.
    QHash<QString, CalleeArea> m_calleeAreas;
    QList<int> m_keyLengths; // lengths of the prefix keys in m_calleeAreas, longest first
};

} // namespace Dialdeck
