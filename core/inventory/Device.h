#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace fleet {

// One entry of a device's software bill of materials.
struct Component
{
    QString name;
    QString version;
    QString purl; // package URL, e.g. pkg:generic/openssl@3.0.11
    QString cpe;  // CPE 2.3 name, when known
    bool operator==(const Component &) const = default;
};

struct FirmwareChange
{
    QDateTime at;
    QString fromVersion;
    QString toVersion;
    QString source; // "import", "demo", "rollout <id>", ...
};

// A device as the inventory knows it. `id` is the workspace's row id; `uid` is the device's own
// stable identifier (what it calls itself on the wire) and is what people and files refer to.
struct Device
{
    qint64 id = 0;
    QString uid;
    QString name;
    QString serial;
    QString vendor;
    QString model;
    QString hwRevision;
    QString fwVersion;
    QString fwPrevious;
    QString fwKnownGood;
    QString fwAssigned; // what the server wants it on (set by assignments), read-only here
    QString configHash;
    QString mac;
    QString ip;
    QString hostname;
    QString connection = QStringLiteral("mqtt"); // mqtt, ddi or serial
    QString site;
    QString siteTimeZone; // IANA name of the site's time zone
    QString state = QStringLiteral("registered");
    QDateTime firstSeen;
    QDateTime lastSeen;
    bool online = false;
    QString health = QStringLiteral("unknown"); // ok, degraded, failing, unknown
    QString notes;
    // The drift scanner's findings ("fell_back, update_loop"), read-only: derived, not saved.
    QString drift;
    QStringList tags;
    QStringList groups;
    QList<Component> components;
    QMap<QString, QString> config;
};

QStringList connectionKinds();
QStringList healthValues();

} // namespace fleet
