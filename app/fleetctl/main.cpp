// fleetctl: everything Fleetdesk can do, from the command line, for people and for scripts
// (--json). Links fleet_core only: it runs on headless servers and in CI without a display.

#include "AuditCommands.h"
#include "BackupCommand.h"
#include "BrokerCommands.h"
#include "CommandRegistry.h"
#include "DdiTokenCommands.h"
#include "DbCommands.h"
#include "DeviceCommands.h"
#include "FilterCommands.h"
#include "FirmwareCommands.h"
#include "GroupCommands.h"
#include "InventoryCommands.h"
#include "JobCommands.h"
#include "RolloutCommands.h"
#include "ServeCommand.h"
#include "ServerCommands.h"
#include "WorkspaceCommands.h"
#include "util/Clock.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // The same names as the fleetdesk GUI: they decide Workspace::defaultPath(), and both
    // programs must find the same default workspace.
    QCoreApplication::setApplicationName(QStringLiteral("fleetdesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FLEETDESK_VERSION));

    fleet::CommandRegistry registry(fleet::SystemClock::instance());
    registry.add(std::make_unique<fleet::WorkspaceCommands>());
    registry.add(std::make_unique<fleet::InventoryCommands>());
    registry.add(std::make_unique<fleet::DeviceCommands>());
    registry.add(std::make_unique<fleet::JobCommands>());
    registry.add(std::make_unique<fleet::FirmwareCommands>());
    registry.add(std::make_unique<fleet::RolloutCommands>());
    registry.add(std::make_unique<fleet::GatewayCommands>());
    registry.add(std::make_unique<fleet::GroupCommands>());
    registry.add(std::make_unique<fleet::FilterCommands>());
    registry.add(std::make_unique<fleet::AuditCommands>());
    registry.add(std::make_unique<fleet::BackupCommand>());
    registry.add(std::make_unique<fleet::DbCommands>());
    registry.add(std::make_unique<fleet::BrokerCommands>());
    registry.add(std::make_unique<fleet::ServeCommand>());
    registry.add(std::make_unique<fleet::ServerCommands>());
    return registry.run(QCoreApplication::arguments());
}
