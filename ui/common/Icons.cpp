#include "Icons.h"

#include <QApplication>

namespace fleet {

QIcon Icons::themed(const QString &themeName, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(themeName, QApplication::style()->standardIcon(fallback));
}

} // namespace fleet
