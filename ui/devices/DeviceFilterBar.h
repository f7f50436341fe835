#pragma once

#include "DeviceQueryWorker.h"
#include "inventory/DeviceFilter.h"

#include <QList>
#include <QWidget>

class QComboBox;
class QLineEdit;
class QTimer;

namespace fleet {

class FacetButton;

// The row above the device table: free-text search (debounced), the facet menus, online/offline
// and "Clear filters". Emits filterChanged() with the whole filter whenever any part changes.
class DeviceFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceFilterBar(QWidget *parent = nullptr);

    DeviceFilter filter() const;
    // Shows `filter` in the widgets (e.g. a saved filter) and emits filterChanged() once.
    void setFilter(const DeviceFilter &filter);
    // The facets, as DeviceQuery::facetValues keys.
    static QStringList facets();
    void setFacetValues(const QString &facet, const FacetValues &values);
    QLineEdit *searchEdit() const { return m_search; }

signals:
    void filterChanged(const fleet::DeviceFilter &filter);

private:
    FacetButton *facetButton(const QString &facet) const;
    void emitChanged();

    QLineEdit *m_search;
    QTimer *m_searchDebounce;
    QList<FacetButton *> m_facets;
    QComboBox *m_online;
    bool m_applying = false; // setFilter() is updating widgets: one signal at the end
};

} // namespace fleet
