#pragma once

#include "carrier/plivosettings.h"
#include "core/result.h"
#include "relay/relayclient.h"

#include <QCommandLineOption>
#include <QList>

QT_BEGIN_NAMESPACE
class QCommandLineParser;
QT_END_NAMESPACE

namespace Dialdeck {

struct EngineSettings;

// The command-line options that choose the carrier (simulated or Plivo) and
// set up Plivo's client and its callbacks, shared by `start` and `serve`.
class CarrierOptions final
{
public:
    static QList<QCommandLineOption> options();

    // Fills the carrier part of `settings` from the parsed options. The Auth
    // Token comes from --plivo-token-file (a file only its owner may read) or
    // the DIALDECK_PLIVO_AUTH_TOKEN environment variable, never from the
    // command line, so it does not show in the process list.
    static Result<void> apply(const QCommandLineParser &parser, EngineSettings &settings);

    // The options that reach Plivo's REST API: --plivo-url, --plivo-auth-id
    // and --plivo-token-file, for commands that only read the account.
    static QList<QCommandLineOption> apiAccessOptions();

    // Base URL, Auth ID and Auth Token from those options (the token from the
    // file or DIALDECK_PLIVO_AUTH_TOKEN). Only a bad token file fails here;
    // PlivoSettings::validateApiAccess() reports missing values.
    static Result<PlivoSettings> apiAccess(const QCommandLineParser &parser);

    // The --webhook-listen address, when the carrier is Plivo.
    static QString webhookListen(const QCommandLineParser &parser);

    // The relay client's settings when --relay-url is given (callbacks then
    // arrive through dialdeck-relay instead of a listener of this process);
    // nullopt without it. The token comes from --relay-token-file, a file
    // only its owner may read.
    static Result<std::optional<RelayClient::Settings>> relay(const QCommandLineParser &parser,
                                                             const QString &storePath);
};

} // namespace Dialdeck
