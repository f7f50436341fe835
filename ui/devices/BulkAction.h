#pragma once

#include "util/Result.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace fleet {

class InventoryService;

// The changes the device table can make to many devices at once. Each goes through
// InventoryService, so it is one transaction with an audit entry per changed device.
class BulkAction
{
    Q_DECLARE_TR_FUNCTIONS(BulkAction)

public:
    enum Kind { AddTag, RemoveTag, AddToGroup, RemoveFromGroup, SetState };

    static QString title(Kind kind);      // "Add tag"
    static QString valueLabel(Kind kind); // "Tag:"
    // What was done, for the status line: "Tag 'x' added to 3 devices."
    static QString doneMessage(Kind kind, const QString &value, int changed, int selected);
    // True when `value` and `reason` are enough to run (e.g. a reason for risky states).
    static bool isComplete(Kind kind, const QString &value, const QString &reason);
    static bool needsReason(Kind kind, const QString &value);

    static Result<int> run(InventoryService &inventory, Kind kind, const QList<qint64> &ids,
                           const QString &value, const QString &reason);
};

} // namespace fleet
