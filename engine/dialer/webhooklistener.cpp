#include "webhooklistener.h"

#include "carrier/plivosettings.h"
#include "carrier/webhookintake.h"
#include "dialer/engine.h"

#include <QCoreApplication>
#include <QHostAddress>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::WebhookListener", text);
}

} // namespace

WebhookListener::WebhookListener(QString storePath)
    : m_storePath(std::move(storePath))
{
}

WebhookListener::~WebhookListener() = default;

Result<void> WebhookListener::listen(const QString &addressAndPort, PlivoSettings &plivo)
{
    const qsizetype colon = addressAndPort.lastIndexOf(u':');
    const QHostAddress address(addressAndPort.left(colon));
    bool portOk = false;
    const uint port = addressAndPort.mid(colon + 1).toUInt(&portOk);
    if (colon <= 0 || address.isNull() || !portOk || port > 65535) {
        return Error{u"invalid_argument"_s,
                     tr("The listen address \"%1\" is not ADDR:PORT with an IP address, e.g. "
                        "127.0.0.1:8081.")
                         .arg(addressAndPort)};
    }

    const quint16 bound = m_server.listen(address, quint16(port));
    if (bound == 0) {
        return Error{u"invalid_argument"_s,
                     tr("Cannot listen for Plivo's callbacks at %1; the port may be in use.")
                         .arg(addressAndPort)};
    }

    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u"[%1]"_s.arg(address.toString())
                             : address.toString();
    m_localUrl = u"http://%1:%2/"_s.arg(host).arg(bound);
    if (plivo.publicUrl.isEmpty())
        plivo.publicUrl = m_localUrl;
    return {};
}

void WebhookListener::attach(Engine *engine, const PlivoSettings &plivo, QHttpServer *server)
{
    m_answers = std::make_unique<AnswerLookup>(m_storePath);

    WebhookIntake::Settings settings;
    settings.publicUrl = plivo.publicUrl;
    settings.authTokens = {plivo.authToken};
    m_intake = std::make_unique<WebhookIntake>(
        settings, [engine](const CarrierEvent &event) { return engine->requestCarrierEvent(event); },
        [answers = m_answers.get()](qint64 attemptId) { return answers->documentFor(attemptId); });
    m_intake->registerRoutes(server ? *server : m_server);
}

} // namespace Dialdeck
