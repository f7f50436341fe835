#pragma once

#include <QString>

namespace fleet {

// Whether a GUI can come up at all. Checked before QApplication exists, because without a
// display Qt aborts with a message that does not say what to do.
class DisplayCheck
{
public:
    // False on Linux when no platform plugin was chosen (QT_QPA_PLATFORM or -platform) and
    // neither DISPLAY nor WAYLAND_DISPLAY is set.
    static bool displayAvailable(int argc, char **argv);
    static QString advice();
};

} // namespace fleet
