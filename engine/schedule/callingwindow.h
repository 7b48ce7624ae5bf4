#pragma once

#include "core/batchconfig.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QTimeZone>

namespace Dialdeck {

// The result of "may this call be dialed now?". All instants are milliseconds
// since the Unix epoch (UTC).
struct WindowDecision
{
    bool allowed = false;
    // When not allowed: the earliest instant >= now at which every zone is inside
    // the window on an allowed, non-holiday day; -1 when there is none within 400 days.
    qint64 nextOpeningMs = -1;
    // When allowed: the earliest instant > now at which some zone leaves the window.
    qint64 closesAtMs = -1;
    // When allowed: the window, the days and each zone's local time, for the attempt record.
    QString rule;
    // When not allowed: a sentence naming the zone that blocks the call and why.
    QString reason;
};

// Decides whether a call whose callee may be in several time zones can be
// dialed at an instant. A dial at instant t is allowed only when, in every
// zone, the local date of t is an allowed weekday and not a holiday (holidays
// are local dates) and windowStart <= local time of t < windowEnd. Local times
// come from the zone's UTC offsets and transitions, so DST gaps and repeated
// hours follow the literal rule above.
//
// decide() caches one result per distinct zone list until the next instant at
// which any zone of that list changes state, so repeated calls in between
// cost a hash lookup. The caches make the class not thread-safe: use one
// instance per thread.
class CallingWindow
{
public:
    explicit CallingWindow(const BatchConfig &config);

    // An empty zone list means config.defaultTimeZone. An unknown zone name
    // blocks the call, with a reason naming it.
    WindowDecision decide(const QList<QByteArray> &zones, qint64 nowMs) const;

    // Returns fromMs when the window is open then, else decide(zones, fromMs).nextOpeningMs.
    qint64 nextOpening(const QList<QByteArray> &zones, qint64 fromMs) const;

    // The horizon of the next-opening search.
    static constexpr qint64 SearchHorizonMs = 400LL * 24 * 3600 * 1000;

private:
    // State of one zone at one instant. The state changes at local window
    // start, window end, local midnight and at some offset transitions.
    enum class ZoneState : quint8 { Open, BeforeStart, AfterEnd, DayNotAllowed, Holiday };
    struct ZoneStatus
    {
        ZoneState state = ZoneState::Open;
        qint64 localDay = 0; // days since 1970-01-01 in local time

        friend bool operator==(const ZoneStatus &, const ZoneStatus &) = default;
    };

    struct CachedDecision
    {
        WindowDecision decision;
        qint64 validFromMs = 0;
        // First instant at which some zone changes state, so the decision may differ.
        qint64 validUntilMs = 0;
        // UTC minute the rule text was written for; the rule shows local minutes.
        qint64 ruleMinute = -1;
        QList<QByteArray> names; // the zone names, with the default filled in
        QList<QTimeZone> zones;
    };

    QTimeZone timeZone(const QByteArray &name) const;
    qint64 offsetMsAt(const QTimeZone &zone, qint64 utcMs) const;
    ZoneStatus statusAt(const QTimeZone &zone, qint64 utcMs) const;
    qint64 nextStateChange(const QTimeZone &zone, qint64 fromMs, qint64 limitMs) const;
    qint64 nextOpenInZone(const QTimeZone &zone, qint64 fromMs, qint64 limitMs) const;
    qint64 searchOpening(const QList<QTimeZone> &zones, qint64 fromMs) const;

    CachedDecision compute(const QList<QByteArray> &zones, qint64 nowMs) const;
    CachedDecision computeAllowed(const QList<QByteArray> &names, const QList<QTimeZone> &zones,
                                  qint64 nowMs) const;
    CachedDecision computeBlocked(const QList<QByteArray> &names, const QList<QTimeZone> &zones,
                                  const QList<ZoneStatus> &statuses, qint64 nowMs) const;
    QString describeRule(const QList<QByteArray> &names, const QList<QTimeZone> &zones,
                         qint64 nowMs) const;
    QString describeBlock(const QByteArray &zoneName, const ZoneStatus &status) const;

    BatchConfig m_config;
    qint64 m_startMs = 0; // windowStart as milliseconds after local midnight
    qint64 m_endMs = 0;
    QSet<qint64> m_holidayDays; // holidays as days since 1970-01-01
    QString m_windowText;       // "09:00-20:00 Mon-Fri local"

    // QTimeZone is implicitly shared, so copies out of this cache are cheap; an
    // unknown name is cached as an invalid zone.
    mutable QHash<QByteArray, QTimeZone> m_zoneCache;
    mutable QHash<QList<QByteArray>, CachedDecision> m_decisionCache;
};

} // namespace Dialdeck
