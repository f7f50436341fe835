#include "WorkerThread.h"

namespace fleet {

WorkerThread::WorkerThread(QObject *worker, const QString &name)
{
    m_thread.setObjectName(name);
    worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread.start();
}

WorkerThread::~WorkerThread()
{
    // Requests still queued are dropped: nobody is left to receive their results.
    m_thread.quit();
    m_thread.wait();
}

} // namespace fleet
