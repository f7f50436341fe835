#include "WorkspaceBackup.h"

#include "audit/AuditHeadAnchor.h"
#include "storage/SqliteDatabase.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <sqlite3.h>

namespace fleet {

Status WorkspaceBackup::run(SqliteDatabase &source, const QString &sourcePath,
                            const QString &destinationPath)
{
    if (QFileInfo(destinationPath).absoluteFilePath() == QFileInfo(sourcePath).absoluteFilePath())
        return Error::invalid(QStringLiteral("The backup cannot overwrite the workspace itself"));
    const auto anchoredBefore =
        AuditHeadAnchor(AuditHeadAnchor::pathForWorkspace(sourcePath)).read();
    // Write to a temporary name first: a half-written backup never carries the final name.
    const QString partial = destinationPath + QStringLiteral(".partial");
    QFile::remove(partial);
    auto dest = SqliteDatabase::open(partial, SqliteDatabase::Access::ReadWriteCreate);
    if (!dest)
        return dest.status();

    sqlite3_backup *backup =
        sqlite3_backup_init(dest.value()->handle(), "main", source.handle(), "main");
    if (!backup) {
        const QString why = dest.value()->lastErrorMessage();
        dest.value().reset();
        QFile::remove(partial);
        return Error::failed(QStringLiteral("Backup failed: %1").arg(why));
    }
    // All pages in one step, under one read transaction: the copy is the snapshot that
    // transaction sees. A workspace is in WAL mode, where that read does not block writers on
    // other connections. Copying in smaller steps would not be faster for them, and every
    // write by another connection between two steps restarts the copy from the first page:
    // with a steady writer (fleetctl serve, a worker thread) it would never finish.
    int rc;
    int busyRetries = 0;
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busyRetries > 1500) // 30 s of another connection holding an exclusive lock
                break;
            sqlite3_sleep(20);
        }
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        const QString why = QString::fromUtf8(sqlite3_errstr(rc));
        dest.value().reset();
        QFile::remove(partial);
        return Error::failed(QStringLiteral("Backup failed: %1").arg(why));
    }
    // Keep the copy one self-contained file, with no -wal beside it.
    (void)dest.value()->exec(QStringLiteral("PRAGMA journal_mode=DELETE"));
    dest.value().reset();

    QFile::remove(destinationPath);
    if (!QFile::rename(partial, destinationPath))
        return Error::failed(
            QStringLiteral("Cannot move the backup into place at %1").arg(destinationPath));

    // The head anchored before the copy began is covered by the copy (its entries were already
    // committed), so the backup's trail verifies against it, and a cut-off is still detected.
    const QString destinationAnchor = AuditHeadAnchor::pathForWorkspace(destinationPath);
    QFile::remove(destinationAnchor);
    if (!anchoredBefore.ok()) {
        // A malformed head is kept as it is, so verifying the copy reports it too.
        if (!QFile::copy(AuditHeadAnchor::pathForWorkspace(sourcePath), destinationAnchor))
            return Error::failed(
                QStringLiteral("Cannot copy the audit head beside %1").arg(destinationPath));
        return {};
    }
    if (anchoredBefore.value())
        return AuditHeadAnchor(destinationAnchor).advance(*anchoredBefore.value());
    return {};
}

} // namespace fleet
