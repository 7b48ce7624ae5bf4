#pragma once

#include "core/result.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <memory>

class QCommandLineParser;
class QHttpServer;

namespace Dialdeck {

class ApiServer;
struct EngineSettings;

// `dialdeck-service serve`: runs the engine and the REST API in this process
// until SIGINT or SIGTERM, and first resumes the batches that were running
// or queued when the store's last engine stopped.
class ServeCommand final
{
public:
    explicit ServeCommand(QString storePath)
        : m_storePath(std::move(storePath))
    {}

    // Runs `serve`; `arguments` starts with "serve". Returns the exit code.
    int run(const QStringList &arguments);

private:
    struct ListenAddress
    {
        QHostAddress host;
        quint16 port = 0;
    };

    static Result<ListenAddress> parseListen(const QString &text);
    Result<EngineSettings> engineSettings(const QCommandLineParser &parser) const;
    // Loads --tls-cert and --tls-key into `server`; a no-op without them.
    static Result<void> setUpTls(const QCommandLineParser &parser, QHttpServer &server);

    QString m_storePath;
};

} // namespace Dialdeck
