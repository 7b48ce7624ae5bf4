#pragma once

#include <QJsonObject>

#include <array>

namespace Dialdeck {

// Behaviour of the simulated carrier. Weights are relative, so they need not sum to 1.
struct SimulationSettings
{
    quint64 seed = 1;
    double answeredWeight = 0.55;
    double machineWeight = 0.08;
    double busyWeight = 0.10;
    double noAnswerWeight = 0.20;
    double failedWeight = 0.07;
    // Seconds from the request until the callee's phone rings.
    double minSetupSeconds = 1.0;
    double maxSetupSeconds = 4.0;
    // Seconds of ringing before an answer, uniformly distributed.
    double minRingSeconds = 3.0;
    double maxRingSeconds = 20.0;
    // Mean talk time of an answered call; exponentially distributed.
    double meanTalkSeconds = 75.0;
    // Price per started minute of an answered call, in US dollars.
    double pricePerMinute = 0.0085;

    QJsonObject toJson() const;
    static SimulationSettings fromJson(const QJsonObject &json);
};

} // namespace Dialdeck
