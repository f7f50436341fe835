#include "WorkspaceCommands.h"

#include "CommandContext.h"
#include "demo/DemoFleet.h"
#include "storage/Migrations.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>

namespace fleet {

namespace {
constexpr qint64 kDefaultDemoDevices = 600;
constexpr qint64 kMaxDemoDevices = 1000000;
} // namespace

QString WorkspaceCommands::summary() const
{
    return QStringLiteral("Create a workspace: the file that holds an inventory and its audit "
                          "trail.");
}

QList<CommandSpec> WorkspaceCommands::commands()
{
    CommandSpec init;
    init.name = QStringLiteral("init");
    init.summary = QStringLiteral("Create a workspace, optionally with a demo fleet");
    init.description = QStringLiteral(
        "Creates a new, empty workspace at the --workspace path. With --demo it is filled with "
        "a realistic demo fleet (several plants, models and firmware versions), recorded in the "
        "audit trail as one entry.\n\nAn existing file is never touched: init fails if the path "
        "exists.");
    init.options = {
        QCommandLineOption(QStringLiteral("demo"),
                           QStringLiteral("Seed the new workspace with a demo fleet.")),
        QCommandLineOption(QStringLiteral("devices"),
                           QStringLiteral("How many demo devices to create (with --demo; default "
                                          "%1).")
                               .arg(kDefaultDemoDevices),
                           QStringLiteral("N")),
    };
    init.examples = {QStringLiteral("--workspace plant.fleetdesk workspace init"),
                     QStringLiteral("--workspace demo.fleetdesk workspace init --demo --devices "
                                    "2000")};
    init.run = [this](CommandContext &c) {
        return this->init(c);
    };
    return {init};
}

int WorkspaceCommands::init(CommandContext &c)
{
    auto devices =
        c.integerOption(QStringLiteral("devices"), kDefaultDemoDevices, 1, kMaxDemoDevices);
    if (!devices)
        return c.usageError(devices.message());
    const bool demo = c.isSet(QStringLiteral("demo"));
    if (c.isSet(QStringLiteral("devices")) && !demo)
        return c.usageError(QStringLiteral("--devices only applies together with --demo."));

    const QString path = QFileInfo(c.workspacePath()).absoluteFilePath();
    if (QFileInfo::exists(path))
        return c.fail(Error::failed(
            QStringLiteral("%1 already exists; init never overwrites a file. Nothing was "
                           "changed.")
                .arg(path)));

    Workspace::OpenOptions options;
    options.create = true;
    auto session = WorkspaceSession::open(path, options, c.clock(), c.actor());
    if (!session)
        return c.fail(session.error());

    if (demo) {
        DemoFleet::Options demoOptions;
        demoOptions.devices = int(devices.value());
        WorkspaceSession &s = *session.value();
        if (Status seeded = DemoFleet::seed(s.db(), s.audit(), c.clock(), demoOptions); !seeded) {
            // The file is ours and half-made: leave no workspace behind rather than one that
            // looks usable but lacks part of the demo.
            const QString anchor = s.workspace().auditHeadPath();
            session.value().reset();
            for (const QString &file :
                 {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"), anchor})
                QFile::remove(file);
            return c.fail(seeded.error());
        }
    }

    QJsonObject result;
    result.insert(QStringLiteral("workspace"), path);
    result.insert(QStringLiteral("schema_version"), Migrations::latestVersion());
    result.insert(QStringLiteral("demo_devices"), demo ? devices.value() : 0);
    if (c.out().isJson())
        c.out().json(result);
    else if (demo)
        c.out().line(QStringLiteral("Created workspace %1 with %2 demo devices.")
                         .arg(path)
                         .arg(devices.value()));
    else
        c.out().line(QStringLiteral("Created empty workspace %1.").arg(path));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
