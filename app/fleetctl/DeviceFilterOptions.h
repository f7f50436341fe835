#pragma once

#include "inventory/DeviceFilter.h"

#include <QCommandLineOption>
#include <QList>

namespace fleet {

class CommandContext;
class SavedFilters;

// The filter options shared by `inventory list`, `inventory export` and `filter save`:
// --model, --firmware, --site, --group, --state, --tag (each repeatable; any value within an
// option, all options together), --online / --offline, --search and --filter NAME (a saved
// filter, which the other options then add to).
class DeviceFilterOptions
{
public:
    static QList<QCommandLineOption> options();
    // Builds the filter from the command line. Reports a problem itself (conflicting options,
    // unknown state, unknown saved filter) and returns its exit code; 0 when `filter` is set.
    static int build(CommandContext &context, SavedFilters &savedFilters, DeviceFilter *filter);
};

} // namespace fleet
