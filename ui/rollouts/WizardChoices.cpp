#include "WizardChoices.h"

#include "common/BackgroundSession.h"
#include "firmware/ReleaseRepository.h"
#include "inventory/DeviceRepository.h"
#include "inventory/SavedFilters.h"

namespace fleet {

Result<WizardChoices> WizardChoices::load(BackgroundSession &session)
{
    WizardChoices choices;
    auto releases = ReleaseRepository(session.db()).list();
    if (!releases)
        return releases.error();
    // Only an approved (signed) release may be rolled out; RolloutTargeting refuses the others.
    for (const Release &r : releases.value())
        if (r.state == ReleaseState::Approved)
            choices.releases << r;
    auto groups = DeviceRepository(session.db()).groupNames();
    if (!groups)
        return groups.error();
    choices.groups = groups.value();
    auto filters = SavedFilters(session.db(), session.audit()).list();
    if (!filters)
        return filters.error();
    for (const SavedFilters::Entry &e : filters.value())
        choices.savedFilters << e.name;
    return choices;
}

} // namespace fleet
