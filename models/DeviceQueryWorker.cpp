#include "DeviceQueryWorker.h"

#include "inventory/DeviceQuery.h"

namespace fleet {

void DeviceQueryWorker::loadFacetValues(quint64 requestId, QString facet)
{
    if (!db()) {
        emit facetValuesFailed(requestId, facet, connectionError());
        return;
    }
    auto values = DeviceQuery::facetValues(*db(), facet);
    if (!values) {
        emit facetValuesFailed(requestId, facet, values.message());
        return;
    }
    emit facetValuesLoaded(requestId, facet, values.value());
}

} // namespace fleet
