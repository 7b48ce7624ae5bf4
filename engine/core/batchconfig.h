#pragma once

#include "answeraction.h"
#include "configproblem.h"
#include "result.h"
#include "statuses.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QTime>

namespace Dialdeck {

enum class RotationStrategy
{
    RoundRobin,
    LeastRecentlyUsed,
    LocalPresence,
};

QString toString(RotationStrategy strategy);
std::optional<RotationStrategy> rotationStrategyFromString(QStringView text);

// How often a call is tried again after one outcome. maxAttempts counts every
// attempt of the call, the first included, so 1 means "never retry".
struct RetryRule
{
    int maxAttempts = 1;
    int delaySeconds = 0;

    friend bool operator==(const RetryRule &, const RetryRule &) = default;
};

// Everything that decides when and how a batch dials. Times of day are local
// to each callee's time zone; the window is [windowStart, windowEnd) within one day.
struct BatchConfig
{
    QTime windowStart = QTime(9, 0);
    QTime windowEnd = QTime(20, 0);
    // Bit (day - 1) is set for each allowed Qt::DayOfWeek (Monday = 1).
    quint8 allowedDays = 0b0011111;
    QList<QDate> holidays;
    QString defaultRegion = QStringLiteral("US");
    QByteArray defaultTimeZone = QByteArrayLiteral("America/New_York");
    double maxCallsPerSecond = 1.0;
    int maxConcurrentCalls = 10;
    RotationStrategy rotation = RotationStrategy::RoundRobin;
    RetryRule retryBusy{3, 600};
    RetryRule retryNoAnswer{3, 1800};
    RetryRule retryFailed{2, 300};
    RetryRule retryMachine{1, 0};
    int ringTimeoutSeconds = 30;
    int timeLimitSeconds = 3600;
    // What the callee hears when the call is answered.
    AnswerAction answer;

    bool isDayAllowed(Qt::DayOfWeek day) const { return allowedDays & (1u << (int(day) - 1)); }
    void setDayAllowed(Qt::DayOfWeek day, bool allowed);
    bool isHoliday(QDate date) const { return holidays.contains(date); }

    // Returns the retry rule for an outcome, or nullptr for outcomes that are never retried.
    const RetryRule *retryRuleFor(CallOutcome outcome) const;

    // Lists every invalid setting; an empty list means the configuration is usable.
    QList<ConfigProblem> validate() const;

    QJsonObject toJson() const;
    // Reads a configuration; fields that are absent keep their defaults.
    static Result<BatchConfig> fromJson(const QJsonObject &json);

    // Parses "mon,tue,..." into the allowedDays bit set.
    static Result<quint8> parseDays(QStringView text);
    // Parses "HH:MM-HH:MM" into a window.
    static Result<std::pair<QTime, QTime>> parseWindow(QStringView text);
    static QString daysToString(quint8 days);

    friend bool operator==(const BatchConfig &, const BatchConfig &) = default;
};

} // namespace Dialdeck
