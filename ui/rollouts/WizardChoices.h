#pragma once

#include "firmware/Release.h"
#include "util/Result.h"

#include <QList>
#include <QStringList>

namespace fleet {

class BackgroundSession;

// What the rollout wizard offers to pick from: the approved releases, the device groups (for
// targets, the pilot and waves by group) and the saved filters. Loaded once on a worker when the
// wizard opens; a workspace with many releases or groups should not freeze the dialog.
struct WizardChoices
{
    QList<Release> releases; // approved only, as ReleaseRepository lists them
    QStringList groups;      // by name
    QStringList savedFilters;

    static Result<WizardChoices> load(BackgroundSession &session);
};

} // namespace fleet
