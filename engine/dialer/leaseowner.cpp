#include "leaseowner.h"

#include <QRegularExpression>
#include <QSysInfo>

#include <limits>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <sys/types.h>
#endif

namespace Dialdeck {

using namespace Qt::StringLiterals;

bool LeaseOwner::isGone(const QString &owner)
{
#ifdef Q_OS_UNIX
    static const QRegularExpression form(u"^[^@]+@(.+):(\\d+)$"_s);
    const QRegularExpressionMatch match = form.match(owner);
    if (!match.hasMatch() || match.captured(1) != QSysInfo::machineHostName())
        return false;

    bool ok = false;
    const qint64 pid = match.captured(2).toLongLong(&ok);
    if (!ok || pid <= 0 || pid > std::numeric_limits<pid_t>::max())
        return false;

    // Signal 0 checks that the process exists without sending anything.
    // EPERM means it exists under another user.
    return ::kill(pid_t(pid), 0) == -1 && errno == ESRCH;
#else
    Q_UNUSED(owner);
    return false;
#endif
}

} // namespace Dialdeck
