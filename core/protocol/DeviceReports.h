#pragma once

#include "inventory/Device.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>
#include <variant>

namespace fleet {

// What every device -> Fleetdesk payload carries (docs/device-protocol.md, "Envelope").
struct ReportHeader
{
    QString deviceId;    // from the topic; a payload's own "device_id" must match it
    qint64 seq = 0;      // the device's message counter, for SequenceGuard
    QDateTime timestamp; // "ts", in UTC
    QJsonObject extra;   // top-level fields this Fleetdesk does not know, kept as sent
};

// fleet/v1/devices/{id}/presence: the retained birth message or the last will.
struct PresenceReport
{
    ReportHeader header;
    bool online = false;
    QString agent; // the device agent's name and version, when it says
};

// fleet/v1/devices/{id}/inventory: what the device reports about itself (retained).
struct InventoryReport
{
    ReportHeader header;
    QString model;
    QString hwRevision;
    QString fwVersion;
    QString fwSlot; // the active A/B slot, when the device has two
    QList<Component> components;
    QString configHash;
    QString mac;
    QString ip;
    QString hostname;
    QString siteHint; // where the device believes it is; a hint, never applied on its own

    // Copies the reported fields into the inventory's device. Firmware history, site and
    // lifecycle stay with the caller, who knows whether the change is expected.
    void applyTo(Device &device) const;
};

struct HealthCheck
{
    QString name;
    QString status; // ok, warn, fail
    QString detail;
    bool operator==(const HealthCheck &) const = default;
};

// fleet/v1/devices/{id}/heartbeat
struct HeartbeatReport
{
    ReportHeader header;
    qint64 uptimeSeconds = 0;
    std::optional<qint64> freeMemoryBytes;
    std::optional<int> signalDbm; // absent on wired devices
    QList<HealthCheck> checks;

    // The device's health as the inventory spells it (Device::health): failing when a check
    // fails, degraded when one warns, ok otherwise.
    QString overallHealth() const;
};

// fleet/v1/devices/{id}/jobs/{jobId}/progress and .../result
struct JobProgressReport
{
    ReportHeader header;
    QString jobId;
    QString state;              // queued ... rolled_back
    std::optional<int> percent; // downloading and installing
    QString reason;             // failed and rejected need one
    bool isFinal() const;

    static QStringList progressStates(); // published on .../progress
    static QStringList finalStates();    // published on .../result
};

using DeviceReport =
    std::variant<PresenceReport, InventoryReport, HeartbeatReport, JobProgressReport>;

const ReportHeader &reportHeader(const DeviceReport &report);

} // namespace fleet
