#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace fleet {

// What a caller asks to record.
struct AuditRecord
{
    QString action;     // dotted verb, e.g. "device.set-state", "inventory.import"
    QString objectType; // "device", "group", "workspace", ...
    QString objectId;   // the object's stable id (device uid, group name, ...)
    QJsonObject before; // the values the change replaced (empty for creations)
    QJsonObject after;  // the values it wrote
    QString reason;     // why; required for risky actions
};

// A stored entry of the chain.
struct AuditEntry
{
    qint64 seq = 0;
    qint64 tsMs = 0; // UTC, milliseconds since the epoch
    QString osUser;
    QString operatorName;
    QString host;
    QString action;
    QString objectType;
    QString objectId;
    QString beforeJson;
    QString afterJson;
    QString reason;
    QString prevHash;
    QString hash;

    // The bytes the hash covers besides the previous hash: compact JSON with sorted keys.
    QByteArray canonicalContent() const;
    // SHA-256 (hex) of prevHash followed by canonicalContent().
    QString computeHash() const;
    static QString genesisHash(); // the prev_hash of entry 1: 64 zeros
};

} // namespace fleet
