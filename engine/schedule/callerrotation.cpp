#include "callerrotation.h"

#include "core/logging.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <string>

namespace Dialdeck {

using namespace Qt::StringLiterals;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

constexpr qint64 DayMs = 24LL * 3600 * 1000;

qint64 utcDay(qint64 ms)
{
    const qint64 quotient = ms / DayMs;
    return (ms % DayMs < 0) ? quotient - 1 : quotient;
}

// Tiers of local presence, best first.
enum class Presence { SameArea = 2, SameCountry = 1, Other = 0 };

} // namespace

// Parses an E.164 number into its country calling code and its geographical
// area code, or its national destination code when it has no area code (mobile
// and non-geographic numbers). Both are empty for a number that fails to parse.
CallerRotation::CalleeArea CallerRotation::parseArea(const QString &e164)
{
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();

    PhoneNumber number;
    if (util->Parse(e164.toStdString(), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return {};

    std::string national;
    util->GetNationalSignificantNumber(number, &national);
    int areaLength = util->GetLengthOfGeographicalAreaCode(number);
    if (areaLength <= 0)
        areaLength = util->GetLengthOfNationalDestinationCode(number);

    CalleeArea area;
    area.countryCode = number.country_code();
    if (areaLength > 0 && std::size_t(areaLength) <= national.size())
        area.areaDigits = QString::fromStdString(national.substr(0, std::size_t(areaLength)));
    return area;
}

CallerRotation::CallerRotation(RotationStrategy strategy, const QList<Phone> &phones)
    : m_strategy(strategy)
{
    m_slots.reserve(phones.size());
    for (const Phone &phone : phones) {
        Slot slot;
        slot.phone = phone;
        if (strategy == RotationStrategy::LocalPresence)
            slot.area = parseArea(phone.e164);
        m_slots.append(slot);
    }
}

std::optional<CallerPick> CallerRotation::pick(const QString &calleeE164, qint64 nowMs)
{
    int index = -1;
    QString reason;
    switch (m_strategy) {
    case RotationStrategy::RoundRobin:
        index = pickRoundRobin(nowMs);
        reason = u"round-robin"_s;
        break;
    case RotationStrategy::LeastRecentlyUsed:
        index = pickLeastRecentlyUsed(nowMs);
        reason = u"least recently used"_s;
        break;
    case RotationStrategy::LocalPresence:
        index = pickLocalPresence(calleeArea(calleeE164), nowMs, &reason);
        break;
    }
    if (index < 0)
        return std::nullopt;

    Slot &slot = m_slots[index];
    const qint64 today = utcDay(nowMs);
    slot.callsToday = callsOnDay(slot, today) + 1;
    slot.countDay = today;
    slot.lastUsedMs = nowMs;
    slot.inCall = true;
    return CallerPick{slot.phone.id, slot.phone.e164, reason};
}

void CallerRotation::release(const QString &phoneId, qint64 endedAtMs, bool answered)
{
    Slot *slot = findSlot(phoneId);
    if (!slot) {
        qCWarning(lcSchedule) << "Release of unknown caller number" << phoneId << "ignored";
        return;
    }

    slot->inCall = false;
    slot->restingUntilMs = endedAtMs + qint64(slot->phone.cooldownSeconds) * 1000;
    // The number was busy until the call ended, which is what "least recently used" compares.
    slot->lastUsedMs = std::max(slot->lastUsedMs, endedAtMs);
    ++slot->ended;
    if (answered)
        ++slot->answered;
}

void CallerRotation::restoreUsage(const QString &phoneId, int callsToday, qint64 lastUsedMs,
                                  bool inCall)
{
    Slot *slot = findSlot(phoneId);
    if (!slot) {
        qCWarning(lcSchedule) << "Usage of unknown caller number" << phoneId << "not restored";
        return;
    }

    slot->callsToday = callsToday;
    slot->countDay = lastUsedMs >= 0 ? utcDay(lastUsedMs) : -1;
    slot->lastUsedMs = lastUsedMs;
    slot->inCall = inCall;
    slot->restingUntilMs = (!inCall && lastUsedMs >= 0)
        ? lastUsedMs + qint64(slot->phone.cooldownSeconds) * 1000
        : -1;
}

qint64 CallerRotation::nextAvailableMs(qint64 nowMs) const
{
    qint64 earliest = -1;
    for (const Slot &slot : m_slots) {
        if (!slot.phone.enabled || slot.inCall)
            continue;

        qint64 t = std::max(nowMs, slot.restingUntilMs);
        const qint64 day = utcDay(t);
        if (slot.phone.dailyCap > 0 && callsOnDay(slot, day) >= slot.phone.dailyCap)
            t = (day + 1) * DayMs;
        if (earliest < 0 || t < earliest)
            earliest = t;
    }
    return earliest;
}

QList<CallerUsage> CallerRotation::usage(qint64 nowMs) const
{
    const qint64 today = utcDay(nowMs);

    QList<CallerUsage> result;
    result.reserve(m_slots.size());
    for (const Slot &slot : m_slots) {
        if (!slot.phone.enabled)
            continue;

        CallerUsage entry;
        entry.phoneId = slot.phone.id;
        entry.e164 = slot.phone.e164;
        entry.label = slot.phone.label;
        entry.callsToday = callsOnDay(slot, today);
        entry.lastUsedMs = slot.lastUsedMs;
        entry.inCall = slot.inCall;
        entry.resting = !slot.inCall && nowMs < slot.restingUntilMs;
        entry.restingUntilMs = slot.restingUntilMs;
        entry.capReached = slot.phone.dailyCap > 0 && entry.callsToday >= slot.phone.dailyCap;
        entry.answered = slot.answered;
        entry.ended = slot.ended;
        result.append(entry);
    }
    return result;
}

bool CallerRotation::hasUsableNumbers() const
{
    return std::any_of(m_slots.cbegin(), m_slots.cend(),
                       [](const Slot &slot) { return slot.phone.enabled; });
}

bool CallerRotation::isAvailable(const Slot &slot, qint64 nowMs) const
{
    if (!slot.phone.enabled || slot.inCall || nowMs < slot.restingUntilMs)
        return false;
    return slot.phone.dailyCap <= 0 || callsOnDay(slot, utcDay(nowMs)) < slot.phone.dailyCap;
}

int CallerRotation::callsOnDay(const Slot &slot, qint64 utcDayNumber) const
{
    return slot.countDay == utcDayNumber ? slot.callsToday : 0;
}

int CallerRotation::pickRoundRobin(qint64 nowMs)
{
    const int count = int(m_slots.size());
    for (int step = 0; step < count; ++step) {
        const int index = (m_cursor + step) % count;
        if (isAvailable(m_slots.at(index), nowMs)) {
            m_cursor = (index + 1) % count;
            return index;
        }
    }
    return -1;
}

// Never-used numbers (lastUsedMs -1) come first; ties go to the earlier number.
int CallerRotation::pickLeastRecentlyUsed(qint64 nowMs) const
{
    int best = -1;
    for (int index = 0; index < int(m_slots.size()); ++index) {
        const Slot &slot = m_slots.at(index);
        if (!isAvailable(slot, nowMs))
            continue;
        if (best < 0 || slot.lastUsedMs < m_slots.at(best).lastUsedMs)
            best = index;
    }
    return best;
}

// Takes the best presence tier among available numbers and, within it, the
// first number from the round-robin cursor on, so equals share the calls.
int CallerRotation::pickLocalPresence(const CalleeArea &callee, qint64 nowMs, QString *reason)
{
    const int count = int(m_slots.size());
    int best = -1;
    Presence bestPresence = Presence::Other;
    for (int step = 0; step < count; ++step) {
        const int index = (m_cursor + step) % count;
        const Slot &slot = m_slots.at(index);
        if (!isAvailable(slot, nowMs))
            continue;

        Presence presence = Presence::Other;
        if (callee.countryCode != 0 && slot.area.countryCode == callee.countryCode) {
            const bool sameArea = !callee.areaDigits.isEmpty()
                && slot.area.areaDigits == callee.areaDigits;
            presence = sameArea ? Presence::SameArea : Presence::SameCountry;
        }
        if (best < 0 || int(presence) > int(bestPresence)) {
            best = index;
            bestPresence = presence;
        }
        if (presence == Presence::SameArea)
            break;
    }
    if (best < 0)
        return -1;

    m_cursor = (best + 1) % count;
    switch (bestPresence) {
    case Presence::SameArea:
        *reason = u"local presence: same area code "_s + callee.areaDigits;
        break;
    case Presence::SameCountry:
        *reason = u"local presence: same country, no area-code match"_s;
        break;
    case Presence::Other:
        *reason = u"local presence: no same-country number available, any number"_s;
        break;
    }
    return best;
}

// Looks the callee's area up by the prefix lengths seen so far and parses the
// number only when no known prefix matches. Country calling codes and area
// codes are prefix-free within their plan, so a matching prefix of country and
// area digits identifies the area of every number that starts with it.
CallerRotation::CalleeArea CallerRotation::calleeArea(const QString &calleeE164)
{
    for (const int length : std::as_const(m_keyLengths)) {
        if (length > calleeE164.size())
            continue;
        const auto found = m_calleeAreas.constFind(calleeE164.left(length));
        if (found != m_calleeAreas.constEnd())
            return *found;
    }
    const auto whole = m_calleeAreas.constFind(calleeE164);
    if (whole != m_calleeAreas.constEnd())
        return *whole;

    const CalleeArea area = parseArea(calleeE164);
    if (area.areaDigits.isEmpty()) {
        // Without area digits the country code alone would be too short a key.
        m_calleeAreas.insert(calleeE164, area);
        return area;
    }

    const QString key =
        u'+' + QString::number(area.countryCode) + area.areaDigits;
    if (!calleeE164.startsWith(key)) {
        m_calleeAreas.insert(calleeE164, area);
        return area;
    }
    m_calleeAreas.insert(key, area);
    if (!m_keyLengths.contains(int(key.size()))) {
        m_keyLengths.append(int(key.size()));
        std::sort(m_keyLengths.begin(), m_keyLengths.end(), std::greater<int>());
    }
    return area;
}

CallerRotation::Slot *CallerRotation::findSlot(const QString &phoneId)
{
    for (Slot &slot : m_slots) {
        if (slot.phone.id == phoneId)
            return &slot;
    }
    return nullptr;
}

} // namespace Dialdeck
