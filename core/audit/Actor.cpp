#include "Actor.h"

#include <QHostInfo>
#include <QSysInfo>
#include <QtGlobal>

namespace fleet {

namespace {
QString osUserName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME"); // Windows
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
