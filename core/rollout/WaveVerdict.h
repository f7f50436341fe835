#pragma once

#include "rollout/WaveCounts.h"
#include "rollout/WaveThresholds.h"

#include <QString>

namespace fleet {

// What a wave's gate decided and why, in a sentence for the audit trail that carries the
// figures that triggered it ("12 of 40 finished devices failed (30.0 %), more than the abort
// threshold of 20 %"). judge() is a pure function of the counts and the thresholds, so the
// engine, the "simulate this plan" preview and the tests all get the same answer.
//
// Order of the checks, safest first: abort, then pause, then success. A wave that reached its
// success threshold but also crossed a failure threshold pauses: the failures are news a
// person must see before the next wave.
//
// A wave with every device finished that still falls short of its success threshold pauses
// (in hawkBit such a group just never meets its success condition): no further device can lift it,
// a person decides. A wave with nothing left to judge (every device cancelled or removed, or an
// empty wave) succeeds, as an empty hawkBit group does.
class WaveVerdict
{
public:
    enum class Decision { Continue, WaveSucceeded, Pause, Abort };

    static WaveVerdict judge(const WaveCounts &counts, const WaveThresholds &thresholds);

    Decision decision() const { return m_decision; }
    const QString &reason() const { return m_reason; }
    const WaveCounts &counts() const { return m_counts; }

    static QString decisionName(Decision decision);

private:
    WaveVerdict(Decision decision, QString reason, WaveCounts counts)
        : m_decision(decision)
        , m_reason(std::move(reason))
        , m_counts(counts)
    {}

    Decision m_decision = Decision::Continue;
    QString m_reason;
    WaveCounts m_counts;
};

} // namespace fleet
