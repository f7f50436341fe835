#pragma once

#include "PagedQueryWorker.h"

#include <QPair>
#include <QString>

namespace fleet {

// The values of one facet with how many devices carry each.
using FacetValues = QList<QPair<QString, qint64>>;

// The device table's worker: pages of DevicePageSource, plus the facet values for the filter
// menus, all on the worker's own connection so the GUI thread never waits for SQL.
class DeviceQueryWorker final : public PagedQueryWorker
{
    Q_OBJECT
public:
    using PagedQueryWorker::PagedQueryWorker;

public slots:
    // `facet` as DeviceQuery::facetValues takes it: "model", "fw_version", "site", ...
    void loadFacetValues(quint64 requestId, QString facet);

signals:
    void facetValuesLoaded(quint64 requestId, QString facet, fleet::FacetValues values);
    void facetValuesFailed(quint64 requestId, QString facet, QString message);
};

} // namespace fleet
