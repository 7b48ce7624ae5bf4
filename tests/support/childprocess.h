#pragma once

#include <QRegularExpressionMatch>
#include <QString>

QT_BEGIN_NAMESPACE
class QProcess;
class QRegularExpression;
QT_END_NAMESPACE

namespace Dialdeck::ChildProcess {

// Reads `process`'s standard output for up to 10 s until `pattern` matches.
// Returns the match, or an empty match with `error` set to a message that
// names the program and quotes what it printed.
QRegularExpressionMatch waitForOutput(QProcess &process, const QRegularExpression &pattern,
                                      QString &error);

// Asks `process` to exit, kills it when it is still running after 5 s, and
// waits until it has ended.
void stop(QProcess &process);

} // namespace Dialdeck::ChildProcess
