#pragma once

#include <QString>

#include <optional>

class QUrl;

namespace Dialdeck::WebhookEndpointCheck {

// Returns why `text` cannot be a webhook URL, or nothing when it can: it must
// be an http or https URL with a host and without a user name or password,
// which the store would keep in plain text.
std::optional<QString> urlProblem(const QString &text);

// Returns true for plain http to a host other than the loopback interface,
// where the events (with the numbers called) cross the network unencrypted.
bool isUnencryptedRemote(const QUrl &url);

} // namespace Dialdeck::WebhookEndpointCheck
