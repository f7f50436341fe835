#pragma once

#include <QIcon>
#include <QStyle>

namespace fleet {

// Icons from the desktop theme when it has them, else from the widget style, so the app looks
// native where it can and never shows an empty square.
class Icons
{
public:
    static QIcon themed(const QString &themeName, QStyle::StandardPixmap fallback);
};

} // namespace fleet
