#include "DeviceReports.h"

namespace fleet {

void InventoryReport::applyTo(Device &device) const
{
    device.model = model;
    device.hwRevision = hwRevision;
    device.fwVersion = fwVersion;
    device.configHash = configHash;
    device.mac = mac;
    device.ip = ip;
    device.hostname = hostname;
    device.components = components;
}

QString HeartbeatReport::overallHealth() const
{
    bool warned = false;
    for (const HealthCheck &check : checks) {
        if (check.status == QLatin1String("fail"))
            return QStringLiteral("failing");
        warned = warned || check.status == QLatin1String("warn");
    }
    return warned ? QStringLiteral("degraded") : QStringLiteral("ok");
}

bool JobProgressReport::isFinal() const
{
    return finalStates().contains(state);
}

QStringList JobProgressReport::progressStates()
{
    return {QStringLiteral("queued"), QStringLiteral("downloading"), QStringLiteral("installing"),
            QStringLiteral("rebooting"), QStringLiteral("verifying")};
}

QStringList JobProgressReport::finalStates()
{
    return {QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("rejected"),
            QStringLiteral("rolled_back")};
}

const ReportHeader &reportHeader(const DeviceReport &report)
{
    return std::visit([](const auto &r) -> const ReportHeader & { return r.header; }, report);
}

} // namespace fleet
