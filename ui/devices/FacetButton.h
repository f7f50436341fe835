#pragma once

#include "DeviceQueryWorker.h"

#include <QSet>
#include <QToolButton>

namespace fleet {

// A filter facet (model, firmware, site, ...): a button whose menu lists the facet's values
// with their device counts, each checkable. A device matches when it has any checked value.
class FacetButton : public QToolButton
{
    Q_OBJECT
public:
    // `facet` is the DeviceQuery::facetValues key; `label` what the button says.
    FacetButton(const QString &facet, const QString &label, QWidget *parent = nullptr);

    QString facet() const { return m_facet; }
    QStringList selectedValues() const;
    // Checks exactly `values` (kept even when they are not among the loaded values yet).
    void setSelectedValues(const QStringList &values);
    void setValues(const FacetValues &values);

signals:
    void selectionChanged();

private:
    void rebuildMenu();
    void updateText();

    QString m_facet;
    QString m_label;
    FacetValues m_values;
    QSet<QString> m_selected;
};

} // namespace fleet
