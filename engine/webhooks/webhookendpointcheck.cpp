#include "webhookendpointcheck.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QUrl>

namespace Dialdeck::WebhookEndpointCheck {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Dialdeck::WebhookEndpointCheck", text);
}

} // namespace

std::optional<QString> urlProblem(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const bool web = url.scheme() == u"http" || url.scheme() == u"https";
    if (!url.isValid() || !web || url.host().isEmpty()) {
        return tr("The URL \"%1\" is not an http or https URL; write it as "
                  "https://crm.example.com/dialdeck-events.")
            .arg(text);
    }
    if (!url.userInfo().isEmpty()) {
        return tr("The URL \"%1\" contains a user name or password, which would be stored in "
                  "plain text; remove it, because each request is signed with the secret instead.")
            .arg(url.toDisplayString(QUrl::RemoveUserInfo));
    }
    return std::nullopt;
}

bool isUnencryptedRemote(const QUrl &url)
{
    if (url.scheme() != u"http" || url.host() == u"localhost")
        return false;
    const QHostAddress address(url.host());
    return address.isNull() || !address.isLoopback();
}

} // namespace Dialdeck::WebhookEndpointCheck
