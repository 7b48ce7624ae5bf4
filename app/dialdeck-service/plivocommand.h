#pragma once

#include <QString>
#include <QStringList>

namespace Dialdeck {

// The commands that read a Plivo account: `phones import-plivo` adds the
// account's voice-enabled numbers as caller numbers, `plivo account` prints
// its credit and billing mode. The Auth Token comes from --plivo-token-file
// or DIALDECK_PLIVO_AUTH_TOKEN, never from the command line.
class PlivoCommand final
{
public:
    explicit PlivoCommand(QString storePath)
        : m_storePath(std::move(storePath))
    {}

    // `arguments` starts with "phones", "import-plivo".
    int runImportNumbers(const QStringList &arguments);
    // `arguments` starts with "plivo".
    int runPlivo(const QStringList &arguments);

private:
    QString m_storePath;
};

} // namespace Dialdeck
