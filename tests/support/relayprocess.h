#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>

#include <memory>

namespace Dialdeck {

// A dialdeck-relay process on 127.0.0.1 for tests: its channels and log in
// one SQLite file, its public URL http://127.0.0.1:PORT/ on a port that was
// free when this object was made, its log appended to a file. Terminated
// when this object is destroyed.
class RelayProcess final
{
public:
    RelayProcess(QString databasePath, QString logFile);
    ~RelayProcess();
    Q_DISABLE_COPY_MOVE(RelayProcess)

    // Runs "dialdeck-relay channel add" for `channel`, whose Plivo Auth Token
    // is in `plivoTokenFile`, and stores the client token it printed in
    // `clientToken`. Returns an empty string, or why it failed.
    QString addChannel(const QString &channel, const QString &plivoTokenFile,
                       QByteArray &clientToken);

    // Starts the relay of DIALDECK_BIN_DIR (again, after kill()) with a
    // generous intake limit and waits up to 10 s for its "listening" line.
    // Returns an empty string, or why it did not start.
    QString start();
    // Terminates the relay and waits for it.
    void stop();
    // Kills the relay at once, as a crash would.
    void kill();

    quint16 port() const { return m_port; }
    // http://127.0.0.1:PORT/, the address Plivo (dialdeck-sim) calls.
    QString publicUrl() const;
    // ws://127.0.0.1:`port`/ws/`channel`; `port` 0 is the relay's own, another
    // one is a proxy's in front of it.
    QString webSocketUrl(const QString &channel, quint16 port = 0) const;

private:
    QString binary() const;

    QString m_databasePath;
    QString m_logFile;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

} // namespace Dialdeck
