#include "Actor.h"

#include <QHostInfo>
#include <QSysInfo>
#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace fleet {

namespace {
QString osUserName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME"); // Windows
#ifdef Q_OS_UNIX
    // Services, cron jobs and sudo often run without USER: ask the system for the account.
    if (user.isEmpty()) {
        if (const passwd *pw = getpwuid(geteuid()); pw && pw->pw_name)
            user = QString::fromLocal8Bit(pw->pw_name);
    }
#endif
    if (user.isEmpty())
        user = QStringLiteral("unknown");
    return user;
}
} // namespace

Actor Actor::current(const QString &operatorName)
{
    Actor a;
    a.osUser = osUserName();
    a.operatorName = operatorName.trimmed().isEmpty() ? a.osUser : operatorName.trimmed();
    a.host = QSysInfo::machineHostName();
    return a;
}

Actor Actor::system()
{
    Actor a = current(QStringLiteral("system"));
    return a;
}

} // namespace fleet
