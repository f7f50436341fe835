#include "OperatorSettings.h"

#include <QSettings>

namespace fleet {

namespace {
const QString kKey = QStringLiteral("operatorName");
}

QString OperatorSettings::load()
{
    return QSettings().value(kKey).toString().trimmed();
}

void OperatorSettings::save(const QString &name)
{
    QSettings().setValue(kKey, name.trimmed());
}

} // namespace fleet
