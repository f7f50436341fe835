#pragma once

#include <QString>
#include <QThread>

namespace fleet {

// A thread with one worker object in it. Takes ownership of the worker: it is deleted in its
// own thread when the thread stops, which the destructor does and waits for.
class WorkerThread
{
public:
    WorkerThread(QObject *worker, const QString &name);
    ~WorkerThread();
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

private:
    QThread m_thread;
};

} // namespace fleet
