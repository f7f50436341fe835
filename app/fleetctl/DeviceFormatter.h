#pragma once

#include "inventory/Device.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QVariant>

namespace fleet {

// How devices look in fleetctl's output: table cells for people, typed JSON for scripts. Keys
// are the DeviceColumns keys everywhere (CLI options, CSV headers, JSON), so a script can feed
// one command's output into another's options.
class DeviceFormatter
{
public:
    // A cell of a DeviceQuery row as table text: "yes"/"no", times in UTC, lists as stored.
    static QString cellText(int column, const QVariant &value);
    // The same cell typed for JSON: booleans, ISO 8601 UTC times (null when unknown), strings.
    static QJsonValue cellJson(int column, const QVariant &value);
    // Every field of a device with its DeviceColumns key, tags and groups as arrays, components
    // and configuration.
    static QJsonObject toJson(const Device &device);
    // (column title, text) for every column, in DeviceColumns order: `device show`.
    static QList<QPair<QString, QString>> fields(const Device &device);
    static QJsonObject toJson(const FirmwareChange &change);
    // "2026-03-02 09:00:00" (UTC) or "" for an invalid time.
    static QString utcText(const QDateTime &time);
    // "2026-03-02T09:00:00.000Z" or null.
    static QJsonValue utcJson(const QDateTime &time);
};

} // namespace fleet
