#include "relayprocess.h"

#include "childprocess.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpServer>

namespace Dialdeck {

using namespace Qt::StringLiterals;

namespace {

quint16 freeLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

RelayProcess::RelayProcess(QString databasePath, QString logFile)
    : m_databasePath(std::move(databasePath))
    , m_logFile(std::move(logFile))
    , m_port(freeLoopbackPort())
{}

RelayProcess::~RelayProcess()
{
    stop();
}

QString RelayProcess::binary() const
{
    return QDir(qEnvironmentVariable("DIALDECK_BIN_DIR")).filePath(u"dialdeck-relay"_s);
}

QString RelayProcess::publicUrl() const
{
    return u"http://127.0.0.1:%1/"_s.arg(m_port);
}

QString RelayProcess::webSocketUrl(const QString &channel, quint16 port) const
{
    return u"ws://127.0.0.1:%1/ws/%2"_s.arg(port == 0 ? m_port : port).arg(channel);
}

QString RelayProcess::addChannel(const QString &channel, const QString &plivoTokenFile,
                                 QByteArray &clientToken)
{
    if (!QFile::exists(binary()))
        return u"dialdeck-relay not found at %1"_s.arg(binary());

    QProcess add;
    add.start(binary(), {u"channel"_s, u"add"_s, channel, u"--auth-token-file"_s, plivoTokenFile,
                         u"--database"_s, m_databasePath, u"--public-url"_s, publicUrl()});
    if (!add.waitForFinished(10000) || add.exitCode() != 0) {
        return u"dialdeck-relay channel add failed: %1"_s.arg(
            QString::fromUtf8(add.readAllStandardError()));
    }

    // The token, 43 characters of URL-safe Base64, is on the line after the
    // one with "shown only now".
    const QString printed = QString::fromUtf8(add.readAllStandardOutput());
    const QRegularExpressionMatch token =
        QRegularExpression(u"only now[^\\n]*\\n([A-Za-z0-9_-]{43})\\n"_s).match(printed);
    if (!token.hasMatch())
        return u"dialdeck-relay channel add printed no client token: %1"_s.arg(printed);
    clientToken = token.captured(1).toLatin1();
    return {};
}

QString RelayProcess::start()
{
    if (!QFile::exists(binary()))
        return u"dialdeck-relay not found at %1"_s.arg(binary());

    m_process = std::make_unique<QProcess>();
    // The log goes to a file: an unread pipe would fill and stall the relay.
    m_process->setStandardErrorFile(m_logFile, QIODevice::Append);
    m_process->start(binary(), {u"--listen"_s, u"127.0.0.1:%1"_s.arg(m_port), u"--database"_s,
                                m_databasePath, u"--public-url"_s, publicUrl(), u"--intake-rate"_s,
                                u"1000"_s, u"--intake-burst"_s, u"1000"_s});
    if (!m_process->waitForStarted(5000))
        return u"dialdeck-relay did not start: %1"_s.arg(m_process->errorString());

    QString error;
    const QRegularExpression ready(u"dialdeck-relay listening at"_s);
    if (!ChildProcess::waitForOutput(*m_process, ready, error).hasMatch())
        return error;
    return {};
}

void RelayProcess::stop()
{
    if (!m_process)
        return;
    ChildProcess::stop(*m_process);
    m_process.reset();
}

void RelayProcess::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished();
    m_process.reset();
}

} // namespace Dialdeck
