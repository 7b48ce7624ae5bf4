#pragma once

#include "core/result.h"

#include <QCommandLineParser>
#include <QStringList>

namespace Dialdeck {

// The subcommands of dialdeck-service. Each parses its own options from
// `arguments` (the subcommand name first) and returns the process exit code.
class ServiceCommands final
{
public:
    explicit ServiceCommands(QString storePath) : m_storePath(std::move(storePath)) {}

    int runImport(const QStringList &arguments);
    int runPhones(const QStringList &arguments);
    int runStart(const QStringList &arguments);
    int runStatus(const QStringList &arguments);
    int runExport(const QStringList &arguments);

    // Prints one plain sentence to stderr and returns the exit code for the error code.
    static int fail(const Error &error);
    static int fail(int exitCode, const QString &message);
    static int exitCodeFor(const QString &errorCode);

    // Parses `arguments`; on --help prints help and sets `exitCode` to 0, on
    // errors prints them and sets it to the usage code. Returns false when the
    // command must return `exitCode` at once.
    static bool parse(QCommandLineParser &parser, const QStringList &arguments, int minPositional,
                      int &exitCode);

private:

    QString m_storePath;
};

} // namespace Dialdeck
