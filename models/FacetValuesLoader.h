#pragma once

#include "DeviceQueryWorker.h"

#include <QHash>
#include <QObject>
#include <QPointer>

namespace fleet {

// Loads the values of the filter facets ("model", "fw_version", ...) on the device table's
// worker thread. Only the answer to the latest request per facet is passed on.
// Give it the worker of a model that lives at least as long, or loading simply stops.
class FacetValuesLoader : public QObject
{
    Q_OBJECT
public:
    FacetValuesLoader(DeviceQueryWorker *worker, QObject *parent = nullptr);
    void load(const QString &facet);

signals:
    void loaded(const QString &facet, const fleet::FacetValues &values);
    void failed(const QString &facet, const QString &message);

private:
    bool isLatest(quint64 requestId, const QString &facet) const
    {
        return m_latest.value(facet) == requestId;
    }

    QPointer<DeviceQueryWorker> m_worker; // the table model's; gone when the model is
    QHash<QString, quint64> m_latest;
};

} // namespace fleet
