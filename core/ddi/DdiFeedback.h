#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace fleet {

// The body a device POSTs to deploymentBase/{actionId}/feedback or cancelAction/{actionId}/
// feedback:
//   {"id":"42","time":"20261124T142536","status":{"execution":"proceeding",
//    "result":{"finished":"none","progress":{"cnt":0,"of":1}},"details":["..."]}}
// Bounded before it is trusted (body size, details count and length); fields this Fleetdesk
// does not know are ignored but counted, so a newer client is seen rather than silently lost.
class DdiFeedback
{
public:
    enum class Execution {
        Proceeding,
        Scheduled,
        Rejected,
        Canceled,
        Closed,
        Resumed,
        Downloaded,
        Download
    };
    enum class Finished { Success, Failure, None };

    static constexpr qsizetype maxBodyBytes = 64 * 1024;
    static constexpr qsizetype maxDetails = 100;
    static constexpr qsizetype maxDetailLength = 1024;
    static constexpr int maxDepth = 8;

    static Result<DdiFeedback> parse(const QByteArray &body);

    static QString executionName(Execution execution);
    static QString finishedName(Finished finished);

    Execution execution = Execution::Proceeding;
    Finished finished = Finished::None;
    bool hasProgress = false;
    qint64 progressCount = 0; // result.progress.cnt
    qint64 progressOf = 0;    // result.progress.of
    QStringList details;
    // 0 when the body has no "id" (SWUpdate sends it as a string, hawkBit's docs as a number).
    qint64 actionId = 0;
    // Invalid when the body has no "time" ("yyyyMMddTHHmmss", UTC).
    QDateTime time;
    // How many fields, at any level, were not understood.
    int unknownFieldCount = 0;

    // True when the action is over: "closed" with a success or failure, or "canceled"/"rejected"
    // with a result.
    bool endsAction() const;
};

} // namespace fleet
