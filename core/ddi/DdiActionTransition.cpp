#include "ddi/DdiActionTransition.h"

#include <algorithm>

namespace fleet {

namespace {

std::optional<int> percentOf(const DdiFeedback &feedback)
{
    if (!feedback.hasProgress || feedback.progressOf <= 0 || feedback.progressCount < 0)
        return std::nullopt;
    const qint64 count = std::min(feedback.progressCount, feedback.progressOf);
    return int(count * 100 / feedback.progressOf);
}

DdiActionTransition make(DdiActionTransition::Effect effect, const QString &state = {},
                         std::optional<int> percent = std::nullopt)
{
    DdiActionTransition t;
    t.effect = effect;
    t.state = state;
    t.percent = percent;
    return t;
}

} // namespace

DdiActionTransition DdiActionTransition::forDeployment(const DdiFeedback &feedback)
{
    using E = DdiFeedback::Execution;
    switch (feedback.execution) {
    case E::Scheduled:
        return make(Effect::Progress, QStringLiteral("queued"), percentOf(feedback));
    case E::Download:
        return make(Effect::Progress, QStringLiteral("downloading"), percentOf(feedback));
    case E::Downloaded:
        return make(Effect::Progress, QStringLiteral("downloaded"), 100);
    case E::Proceeding:
    case E::Resumed:
        return make(Effect::Progress, QStringLiteral("installing"), percentOf(feedback));
    case E::Closed:
        if (feedback.finished == DdiFeedback::Finished::Success)
            return make(Effect::Finish, QStringLiteral("succeeded"), 100);
        // hawkBit closes an action reported closed without a result as an error.
        return make(Effect::Finish, QStringLiteral("failed"), percentOf(feedback));
    case E::Rejected:
        return make(Effect::Finish, QStringLiteral("rejected"));
    case E::Canceled:
        return make(Effect::Invalid);
    }
    return make(Effect::Invalid);
}

DdiActionTransition DdiActionTransition::forCancel(const DdiFeedback &feedback)
{
    using E = DdiFeedback::Execution;
    switch (feedback.execution) {
    case E::Canceled:
        return make(Effect::CancelConfirmed, QStringLiteral("cancelled"));
    case E::Rejected:
        return make(Effect::CancelRefused);
    case E::Closed:
        return feedback.finished == DdiFeedback::Finished::Failure
                   ? make(Effect::CancelRefused)
                   : make(Effect::CancelConfirmed, QStringLiteral("cancelled"));
    case E::Proceeding:
    case E::Scheduled:
    case E::Resumed:
    case E::Download:
    case E::Downloaded:
        return make(Effect::NoteOnly);
    }
    return make(Effect::NoteOnly);
}

} // namespace fleet
