#pragma once

#include "carrier/plivosettings.h"
#include "core/batchconfig.h"

#include <QString>

namespace Dialdeck {

// The console's saved preferences, kept in QSettings: the carrier, the store
// location and the defaults of new batches. Nothing secret is kept: the Plivo
// Auth Token and the relay client token live in the OS keychain (see
// PlivoTokenStore).
struct ConsoleSettings
{
    // "simulated" (in-process) or "plivo" (Plivo, or a Plivo-compatible service).
    QString carrier = QStringLiteral("simulated");
    // Empty dials Plivo itself (https://api.plivo.com); else the base URL of a
    // Plivo-compatible service such as dialdeck-sim.
    QString plivoBaseUrl;
    QString plivoAuthId;
    // ADDR:PORT at which the console receives Plivo's callbacks.
    QString plivoListen = QStringLiteral("127.0.0.1:8081");
    // The URL at which Plivo reaches that listener; empty uses the listener's own address.
    // With the relay it is the relay's public URL, and empty derives it from relayUrl.
    QString plivoPublicUrl;
    // How Plivo's callbacks arrive: "direct" (the console's callback listener)
    // or "relay" (a dialdeck-relay channel, over a WebSocket).
    QString plivoCallbacks = QStringLiteral("direct");
    // The relay channel's WebSocket URL, e.g. wss://relay.example.com/ws/office.
    QString relayUrl;
    // Empty (off), "true" (report machines) or "hangup" (end calls a machine answers).
    QString plivoMachineDetection;
    quint64 simulationSeed = 1;
    // Engine-clock speed: 1 is real time, 60 runs a minute per second.
    double clockSpeed = 1.0;
    // Empty means Connection::defaultPath().
    QString storePath;
    // Window, days, region, zone and pacing of new batches; the other fields
    // keep BatchConfig's defaults.
    BatchConfig newBatchDefaults;

    static ConsoleSettings load();
    void save() const;

    // The Plivo part of the engine's settings with `authToken`. Without the
    // relay, the public URL stays empty when it is not set, so the listener
    // fills in its own address. With the relay, the callback URLs are the
    // relay channel's: relayPublicUrl() and the channel of relayUrl.
    PlivoSettings plivoSettings(const QByteArray &authToken) const;

    // True when the carrier is Plivo and its callbacks come through the relay.
    bool usesRelay() const;
    // The relay's public URL: plivoPublicUrl, or when that is empty, relayUrl
    // turned back into the address the relay printed it for (wss://host/ws/office
    // gives https://host/).
    QString relayPublicUrl() const;
    // An empty string for a valid relay URL (ws:// or wss://, a host, a path
    // ending in /ws/CHANNEL, no query), else a sentence naming the value.
    static QString relayUrlProblem(const QString &url);

    // Applies the saved defaults to a configuration: window, days, region,
    // zone, calls per second and concurrent calls.
    void applyDefaultsTo(BatchConfig &config) const;
};

} // namespace Dialdeck
