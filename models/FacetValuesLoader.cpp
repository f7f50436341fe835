#include "FacetValuesLoader.h"

#include <atomic>

namespace fleet {

namespace {
// Unique across loaders: several may share one worker and see each other's answers.
quint64 nextRequestId()
{
    static std::atomic<quint64> counter{0};
    return ++counter;
}
} // namespace

FacetValuesLoader::FacetValuesLoader(DeviceQueryWorker *worker, QObject *parent)
    : QObject(parent)
    , m_worker(worker)
{
    connect(worker, &DeviceQueryWorker::facetValuesLoaded, this,
            [this](quint64 requestId, const QString &facet, const FacetValues &values) {
                if (isLatest(requestId, facet))
                    emit loaded(facet, values);
            });
    connect(worker, &DeviceQueryWorker::facetValuesFailed, this,
            [this](quint64 requestId, const QString &facet, const QString &message) {
                if (isLatest(requestId, facet))
                    emit failed(facet, message);
            });
}

void FacetValuesLoader::load(const QString &facet)
{
    if (!m_worker)
        return;
    const quint64 requestId = nextRequestId();
    m_latest.insert(facet, requestId);
    QMetaObject::invokeMethod(
        m_worker.data(),
        [worker = m_worker.data(), requestId, facet] { worker->loadFacetValues(requestId, facet); },
        Qt::QueuedConnection);
}

} // namespace fleet
