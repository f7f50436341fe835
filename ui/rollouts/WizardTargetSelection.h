#pragma once

#include "util/Result.h"

#include <QList>
#include <QString>

namespace fleet {

class BackgroundSession;

// Which devices a rollout is for, as the wizard's targets page chose them: the devices selected
// in the device table, a group, or a saved filter's current members; and the pilot group, if
// any. Resolved to row ids on a worker, once, when the preview is computed: the rollout is then
// created from those same ids, so it is the preview the operator saw even if a filter's members
// change in between.
struct WizardTargetSelection
{
    enum class Source { Selection, Group, SavedFilter };

    Source source = Source::Selection;
    QString name;              // the group or saved filter
    QList<qint64> selectedIds; // Source::Selection
    QString pilotGroup;        // empty: no pilot

    // The target devices' ids; an unknown group or filter is not found, and a selection or
    // filter with no device is invalid (a rollout of nothing).
    Result<QList<qint64>> resolveTargets(BackgroundSession &session) const;
    // The pilot group's members; empty without a pilot.
    Result<QList<qint64>> resolvePilot(BackgroundSession &session) const;
    // "the 12 selected devices", "group 'Line 1'", "saved filter 'Gateways'".
    QString describe() const;
};

} // namespace fleet
