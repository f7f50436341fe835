#pragma once

#include "ddi/DdiFeedback.h"

#include <QString>
#include <optional>

namespace fleet {

// What one DDI feedback does to the job behind the action: hawkBit's execution and result
// values mapped onto Fleetdesk's job states, in one place so the mapping is tested as a table.
//   deploymentBase feedback:
//     scheduled -> queued            download -> downloading        downloaded -> downloaded
//     proceeding, resumed -> installing (progress cnt/of as percent)
//     closed + success -> succeeded  closed + failure -> failed      closed + none -> failed
//     rejected -> rejected           canceled -> refused (only a cancelAction may cancel)
//   cancelAction feedback:
//     canceled, or closed + success -> cancelled
//     rejected, or closed + failure -> the cancel is refused and the action goes on
//     anything else -> noted, nothing changes yet
struct DdiActionTransition
{
    enum class Effect {
        Progress, // the job moves to `state` (a running state)
        Finish,   // the job ends in `state`
        CancelConfirmed,
        CancelRefused,
        NoteOnly, // recorded as an event, the state stays
        Invalid,  // a feedback this resource does not accept (409)
    };
    Effect effect = Effect::NoteOnly;
    QString state;              // for Progress and Finish
    std::optional<int> percent; // from result.progress, when it says something

    static DdiActionTransition forDeployment(const DdiFeedback &feedback);
    static DdiActionTransition forCancel(const DdiFeedback &feedback);
};

} // namespace fleet
