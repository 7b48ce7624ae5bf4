#include "simulatorprocess.h"

#include "childprocess.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace Dialdeck {

using namespace Qt::StringLiterals;

SimulatorProcess::~SimulatorProcess()
{
    stop();
}

QString SimulatorProcess::start(const QString &tokenFile, const QString &logFile,
                                const QStringList &extra)
{
    const QString binaryDir =
        m_binaryDir.isEmpty() ? qEnvironmentVariable("DIALDECK_BIN_DIR") : m_binaryDir;
    const QString binary = QDir(binaryDir).filePath(u"dialdeck-sim"_s);
    if (!QFile::exists(binary))
        return u"dialdeck-sim not found at %1"_s.arg(binary);

    m_process = std::make_unique<QProcess>();
    // The log goes to a file: an unread pipe would fill and stall the simulator.
    m_process->setStandardErrorFile(logFile);
    m_process->start(
        binary,
        QStringList{u"--listen"_s, u"127.0.0.1:0"_s, u"--auth-token-file"_s, tokenFile} + extra);
    if (!m_process->waitForStarted(5000))
        return u"dialdeck-sim did not start: %1"_s.arg(m_process->errorString());

    const QRegularExpression ready(u"dialdeck-sim listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
    QString error;
    const QRegularExpressionMatch match = ChildProcess::waitForOutput(*m_process, ready, error);
    if (!match.hasMatch())
        return error;
    m_port = match.captured(1).toInt();
    return {};
}

void SimulatorProcess::stop()
{
    if (!m_process)
        return;
    ChildProcess::stop(*m_process);
    m_process.reset();
    m_port = 0;
}

QString SimulatorProcess::baseUrl() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_port);
}

bool SimulatorProcess::writeTokenFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(content + '\n');
    file.close();
    return file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

} // namespace Dialdeck
