#pragma once

#include "RolloutSnapshot.h"

#include <QObject>
#include <memory>

namespace fleet {

class SqliteDatabase;
class Workspace;

// Reads the Rollouts page's data on its own connection, in its own thread (see WorkerThread),
// and says nothing when nothing changed: PRAGMA data_version moves only when another connection
// commits, so polling every two seconds costs one pragma while a rollout sleeps.
class RolloutSnapshotWorker : public QObject
{
    Q_OBJECT
public:
    // Opens the worker's own connection (on the calling thread; used only in the worker's).
    explicit RolloutSnapshotWorker(const Workspace &workspace);
    ~RolloutSnapshotWorker() override;

    // The whole snapshot, on any connection: for the worker and for tests.
    static RolloutSnapshot read(SqliteDatabase &db, qint64 rolloutId, qint64 nowMs);

public slots:
    // Reads and emits snapshotReady() when the workspace changed since the last poll, another
    // rollout is asked for, or `force`.
    void poll(quint64 request, qint64 rolloutId, bool force, qint64 nowMs);

signals:
    void snapshotReady(fleet::RolloutSnapshot snapshot);
    // The poll found nothing new (so the page knows the request is answered).
    void unchanged(quint64 request);

private:
    std::unique_ptr<SqliteDatabase> m_db;
    QString m_connectionError;
    qint64 m_dataVersion = -1;
    qint64 m_rolloutId = -1;
};

} // namespace fleet
