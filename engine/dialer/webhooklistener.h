#pragma once

#include "core/result.h"
#include "dialer/answerlookup.h"

#include <QHttpServer>
#include <QString>

#include <memory>

namespace Dialdeck {

class Engine;
class WebhookIntake;
struct PlivoSettings;

// Receives Plivo's callbacks for an engine of this process: either on an
// HTTP server of its own (listen()) or on a server it shares with the REST API
// (attach() with that server).
class WebhookListener final
{
public:
    explicit WebhookListener(QString storePath);
    ~WebhookListener();

    // Listens at "ADDR:PORT" (port 0 picks a free one). When the public URL
    // is not set, it becomes this listener's own address, which is right when
    // Plivo (or dialdeck-sim) reaches this machine directly.
    Result<void> listen(const QString &addressAndPort, PlivoSettings &plivo);

    // Routes the callbacks on `server` (this listener's own when null) to
    // `engine`, checking signatures against `plivo`'s public URL and token.
    void attach(Engine *engine, const PlivoSettings &plivo, QHttpServer *server = nullptr);

    // The address listen() bound, e.g. http://127.0.0.1:41234/
    QString localUrl() const { return m_localUrl; }

private:
    QString m_storePath;
    QHttpServer m_server;
    std::unique_ptr<AnswerLookup> m_answers;
    std::unique_ptr<WebhookIntake> m_intake;
    QString m_localUrl;
};

} // namespace Dialdeck
