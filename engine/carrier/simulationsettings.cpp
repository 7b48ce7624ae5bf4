#include "simulationsettings.h"

namespace Dialdeck {

using namespace Qt::StringLiterals;

QJsonObject SimulationSettings::toJson() const
{
    return {
        {u"seed"_s, QString::number(seed)},
        {u"answeredWeight"_s, answeredWeight},
        {u"machineWeight"_s, machineWeight},
        {u"busyWeight"_s, busyWeight},
        {u"noAnswerWeight"_s, noAnswerWeight},
        {u"failedWeight"_s, failedWeight},
        {u"minSetupSeconds"_s, minSetupSeconds},
        {u"maxSetupSeconds"_s, maxSetupSeconds},
        {u"minRingSeconds"_s, minRingSeconds},
        {u"maxRingSeconds"_s, maxRingSeconds},
        {u"meanTalkSeconds"_s, meanTalkSeconds},
        {u"pricePerMinute"_s, pricePerMinute},
    };
}

SimulationSettings SimulationSettings::fromJson(const QJsonObject &json)
{
    SimulationSettings settings;
    bool seedOk = false;
    const quint64 seed = json.value(u"seed").toString().toULongLong(&seedOk);
    if (seedOk)
        settings.seed = seed;
    settings.answeredWeight = json.value(u"answeredWeight").toDouble(settings.answeredWeight);
    settings.machineWeight = json.value(u"machineWeight").toDouble(settings.machineWeight);
    settings.busyWeight = json.value(u"busyWeight").toDouble(settings.busyWeight);
    settings.noAnswerWeight = json.value(u"noAnswerWeight").toDouble(settings.noAnswerWeight);
    settings.failedWeight = json.value(u"failedWeight").toDouble(settings.failedWeight);
    settings.minSetupSeconds = json.value(u"minSetupSeconds").toDouble(settings.minSetupSeconds);
    settings.maxSetupSeconds = json.value(u"maxSetupSeconds").toDouble(settings.maxSetupSeconds);
    settings.minRingSeconds = json.value(u"minRingSeconds").toDouble(settings.minRingSeconds);
    settings.maxRingSeconds = json.value(u"maxRingSeconds").toDouble(settings.maxRingSeconds);
    settings.meanTalkSeconds = json.value(u"meanTalkSeconds").toDouble(settings.meanTalkSeconds);
    settings.pricePerMinute = json.value(u"pricePerMinute").toDouble(settings.pricePerMinute);
    return settings;
}

} // namespace Dialdeck
