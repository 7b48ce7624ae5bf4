#include "childprocess.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

namespace Dialdeck::ChildProcess {

using namespace Qt::StringLiterals;

QRegularExpressionMatch waitForOutput(QProcess &process, const QRegularExpression &pattern,
                                      QString &error)
{
    QString seen;
    for (int waited = 0; waited < 100; ++waited) {
        process.waitForReadyRead(100);
        seen += QString::fromUtf8(process.readAllStandardOutput());
        QRegularExpressionMatch match = pattern.match(seen);
        if (match.hasMatch())
            return match;
    }
    error = u"%1 printed no line matching \"%2\" in 10 s: %3"_s.arg(
        QFileInfo(process.program()).fileName(), pattern.pattern(), seen);
    return {};
}

void stop(QProcess &process)
{
    process.terminate();
    if (!process.waitForFinished(5000))
        process.kill();
    process.waitForFinished();
}

} // namespace Dialdeck::ChildProcess
