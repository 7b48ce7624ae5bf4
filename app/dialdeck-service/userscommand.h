#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

namespace Dialdeck {

class Connection;

// `dialdeck-service users ACTION` and `dialdeck-service tokens rotate`: the
// users of the REST API and their bearer tokens. A new token is printed once,
// alone on the last line of stdout; the store keeps only its salted hash.
class UsersCommand final
{
public:
    explicit UsersCommand(QString storePath)
        : m_storePath(std::move(storePath))
    {}

    // `users add|list|revoke`; `arguments` starts with "users". Returns the exit code.
    int runUsers(const QStringList &arguments);
    // `tokens rotate USER_ID`; `arguments` starts with "tokens". Returns the exit code.
    int runTokens(const QStringList &arguments);

private:
    int add(const QCommandLineParser &parser, Connection &connection);
    int list(Connection &connection);
    int revoke(const QString &userId, Connection &connection);
    int rotate(const QCommandLineParser &parser, Connection &connection);

    QString m_storePath;
};

} // namespace Dialdeck
