#include "BackupCommand.h"

#include "CommandContext.h"
#include "storage/Migrations.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceBackup.h"
#include "util/Clock.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QLocale>

namespace fleet {

QString BackupCommand::summary() const
{
    return QStringLiteral("Copy the workspace to a file, safely while it is in use");
}

QList<CommandSpec> BackupCommand::commands()
{
    CommandSpec backup;
    backup.summary = summary();
    backup.description = QStringLiteral(
        "Copies the workspace with SQLite's online backup API: the copy is a consistent "
        "snapshot even while Fleetdesk or another fleetctl keeps writing. The audit head is "
        "copied alongside, so 'fleetctl --workspace DEST audit verify' checks the copy on its "
        "own. A damaged workspace (opened read-only) can still be backed up.\n\nIf DEST is a "
        "folder, the copy is named after the workspace and the time, e.g. "
        "workspace-20260302-091500.fleetdesk.");
    backup.arguments = {{QStringLiteral("DEST"),
                         QStringLiteral("The backup file to write, or a folder to write it into."),
                         true, false}};
    backup.options = {QCommandLineOption(QStringLiteral("force"),
                                         QStringLiteral("Replace DEST if it already exists."))};
    backup.examples = {QStringLiteral("backup /mnt/usb/plant-a.fleetdesk"),
                       QStringLiteral("backup /srv/backups/fleetdesk/")};
    backup.run = [this](CommandContext &c) {
        return this->run(c);
    };
    return {backup};
}

int BackupCommand::run(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    // A workspace from an older Fleetdesk is refused by read-only commands until it is
    // upgraded, but a copy of it as it is, before the upgrade, is exactly what one wants.
    std::unique_ptr<SqliteDatabase> olderSchema;
    if (!session) {
        auto version = c.schemaVersionOnDisk();
        const bool older = session.error().kind == Error::Kind::Incompatible && version &&
                           version.value() > 0 && version.value() < Migrations::latestVersion();
        if (!older)
            return c.fail(session.error());
        auto db = SqliteDatabase::open(c.workspacePath(), SqliteDatabase::Access::ReadOnly);
        if (!db)
            return c.fail(db.error());
        olderSchema = std::move(db.value());
    }
    SqliteDatabase &source = olderSchema ? *olderSchema : session.value()->db();
    const QString sourcePath = QFileInfo(c.workspacePath()).absoluteFilePath();

    QString destination = c.argument(0);
    if (QFileInfo(destination).isDir()) {
        const QString stamp = c.clock().nowUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        destination = QDir(destination)
                          .filePath(QStringLiteral("%1-%2.fleetdesk")
                                        .arg(QFileInfo(sourcePath).completeBaseName(), stamp));
    }
    destination = QFileInfo(destination).absoluteFilePath();
    if (QFileInfo::exists(destination) && !c.isSet(QStringLiteral("force")))
        return c.fail(Error::failed(
            QStringLiteral("%1 already exists; pass --force to replace it.").arg(destination)));
    if (Status s = WorkspaceBackup::run(source, sourcePath, destination); !s)
        return c.fail(s.error());

    const qint64 bytes = QFileInfo(destination).size();
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("workspace"), sourcePath);
        doc.insert(QStringLiteral("backup"), destination);
        doc.insert(QStringLiteral("bytes"), bytes);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Backed up %1 to %2 (%3).")
                     .arg(sourcePath, destination, QLocale::c().formattedDataSize(bytes)));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace fleet
