#pragma once

#include <QList>
#include <QString>

namespace fleet {

// What the drift detector noticed about one device. Declared in the order findings are listed,
// most fundamental first: a version that cannot be read makes every other comparison shaky.
enum class DriftKind {
    UnknownVersion, // the reported version is empty or not SemVer
    FellBack,       // back on its previous version after an install of the target succeeded
    UpdateLoop,     // the same target attempted again and again without the device staying on it
    Flapping,       // the reported version flips between two versions
    Drift,          // reported differs from assigned, nothing installing, for longer than the grace
};

// What an operator can do about a finding. Both resolve the mismatch between what the server
// believes and what the device runs; they differ in which side wins.
enum class DriftAction {
    AcceptReported, // make the reported version the assigned one: the device is right
    Retarget,       // assign (and send) a version again: the server is right
};

struct DriftFinding
{
    DriftKind kind = DriftKind::Drift;
    // The version (or "a <-> b" pair) the finding is about, for sorting and for the UI to link.
    QString subject;
    // One sentence a maintenance engineer understands without knowing the detector.
    QString sentence;
    QList<DriftAction> actions;

    friend bool operator==(const DriftFinding &, const DriftFinding &) = default;
};

// "fell_back": the stored and machine-readable name.
inline QString driftKindName(DriftKind kind)
{
    switch (kind) {
    case DriftKind::UnknownVersion:
        return QStringLiteral("unknown_version");
    case DriftKind::FellBack:
        return QStringLiteral("fell_back");
    case DriftKind::UpdateLoop:
        return QStringLiteral("update_loop");
    case DriftKind::Flapping:
        return QStringLiteral("flapping");
    case DriftKind::Drift:
        return QStringLiteral("drift");
    }
    return {};
}

// "accept the reported version": the words on the button.
inline QString driftActionDisplayName(DriftAction action)
{
    switch (action) {
    case DriftAction::AcceptReported:
        return QStringLiteral("accept the reported version");
    case DriftAction::Retarget:
        return QStringLiteral("re-target");
    }
    return {};
}

} // namespace fleet
