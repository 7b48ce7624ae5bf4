#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

namespace Dialdeck {

class Connection;

// `dialdeck-service webhooks ACTION`: adds, lists, enables, disables and
// removes outbound progress webhook endpoints, lists deliveries and makes
// failed ones due again. Secrets are read from owner-only files and never printed.
class WebhooksCommand final
{
public:
    explicit WebhooksCommand(QString storePath) : m_storePath(std::move(storePath)) {}

    // Runs the action in `arguments` ("webhooks" first) and returns the exit code.
    int run(const QStringList &arguments);

private:
    int add(const QCommandLineParser &parser, const Connection &connection);
    int list(const Connection &connection);
    int remove(const QString &id, const Connection &connection);
    int setEnabled(const QString &id, bool enabled, const Connection &connection);
    int deliveries(const QCommandLineParser &parser, const Connection &connection);
    int retry(const QString &id, const Connection &connection);

    QString m_storePath;
};

} // namespace Dialdeck
