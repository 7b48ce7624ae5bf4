#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>

namespace Dialdeck {

// A dialdeck-sim process on 127.0.0.1 for tests: started on a free port, its
// log written to a file, terminated when this object is destroyed.
class SimulatorProcess final
{
public:
    SimulatorProcess() = default;
    ~SimulatorProcess();
    Q_DISABLE_COPY_MOVE(SimulatorProcess)

    // Sets the folder of the dialdeck-sim program. Without it, start() uses
    // the DIALDECK_BIN_DIR environment variable that CTest sets.
    void setBinaryDir(const QString &binaryDir) { m_binaryDir = binaryDir; }

    // Starts dialdeck-sim with --listen 127.0.0.1:0, the token file and
    // `extra` options, and waits up to 10 s for its "listening" line. Returns
    // an empty string, or the reason it did not start.
    QString start(const QString &tokenFile, const QString &logFile, const QStringList &extra = {});
    void stop();

    int port() const { return m_port; }
    // "http://127.0.0.1:PORT", the base URL a Plivo client uses.
    QString baseUrl() const;

    // Writes `content` and a newline to `path`, readable only by its owner,
    // as the simulator and the service require of token files.
    static bool writeTokenFile(const QString &path, const QByteArray &content);

private:
    QString m_binaryDir;
    std::unique_ptr<QProcess> m_process;
    int m_port = 0;
};

} // namespace Dialdeck
