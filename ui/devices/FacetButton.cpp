#include "FacetButton.h"

#include "common/StayOpenMenu.h"

namespace fleet {

FacetButton::FacetButton(const QString &facet, const QString &label, QWidget *parent)
    : QToolButton(parent)
    , m_facet(facet)
    , m_label(label)
{
    setObjectName(QStringLiteral("facet-%1").arg(facet));
    setPopupMode(QToolButton::InstantPopup);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setMenu(new StayOpenMenu(this));
    rebuildMenu();
    updateText();
}

QStringList FacetButton::selectedValues() const
{
    QStringList values(m_selected.begin(), m_selected.end());
    values.sort();
    return values;
}

void FacetButton::setSelectedValues(const QStringList &values)
{
    m_selected = QSet<QString>(values.begin(), values.end());
    rebuildMenu();
    updateText();
}

void FacetButton::setValues(const FacetValues &values)
{
    m_values = values;
    rebuildMenu();
}

void FacetButton::rebuildMenu()
{
    QMenu *m = menu();
    m->clear();
    // Selected values that no device has any more stay listed, so they can be unchecked.
    FacetValues shown = m_values;
    for (const QString &value : m_selected) {
        const bool listed = std::any_of(shown.begin(), shown.end(),
                                        [&value](const auto &v) { return v.first == value; });
        if (!listed)
            shown.append({value, 0});
    }
    if (shown.isEmpty()) {
        QAction *none = m->addAction(tr("No values"));
        none->setEnabled(false);
        return;
    }
    for (const auto &[value, count] : shown) {
        const QString text = value.isEmpty() ? tr("(none)") : value;
        QAction *action = m->addAction(tr("%1 (%2)").arg(text).arg(count));
        action->setCheckable(true);
        action->setChecked(m_selected.contains(value));
        action->setData(value);
        connect(action, &QAction::toggled, this, [this, value](bool checked) {
            if (checked)
                m_selected.insert(value);
            else
                m_selected.remove(value);
            updateText();
            emit selectionChanged();
        });
    }
}

void FacetButton::updateText()
{
    const QStringList selected = selectedValues();
    if (selected.isEmpty())
        setText(m_label);
    else if (selected.size() == 1)
        setText(tr("%1: %2").arg(m_label, selected.first()));
    else
        setText(tr("%1: %2 selected").arg(m_label).arg(selected.size()));
    setToolTip(selected.isEmpty() ? tr("Filter by %1").arg(m_label.toLower())
                                  : selected.join(QStringLiteral(", ")));
}

} // namespace fleet
