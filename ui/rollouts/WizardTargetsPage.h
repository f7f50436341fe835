#pragma once

#include "WizardTargetSelection.h"

#include <QWizardPage>

class QComboBox;
class QLabel;
class QRadioButton;

namespace fleet {

// Step 2 of the rollout wizard: which devices (the device table's selection handed in by the
// caller, a group, or a saved filter) and, optionally, the pilot group updated first. Devices
// that cannot take the release are not filtered out here: the preview lists them with why.
class WizardTargetsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WizardTargetsPage(QWidget *parent = nullptr);

    // The device table's selection; with none, that choice is disabled.
    void setSelectedDevices(const QList<qint64> &ids);
    void setChoices(const QStringList &groups, const QStringList &savedFilters);

    WizardTargetSelection selection() const;
    bool isComplete() const override;

    QRadioButton *selectionRadio() const { return m_fromSelection; }
    QRadioButton *groupRadio() const { return m_fromGroup; }
    QRadioButton *filterRadio() const { return m_fromFilter; }
    QComboBox *groupCombo() const { return m_group; }
    QComboBox *filterCombo() const { return m_filter; }
    QComboBox *pilotCombo() const { return m_pilot; }

private:
    void updateState();

    QList<qint64> m_selectedIds;
    QRadioButton *m_fromSelection;
    QRadioButton *m_fromGroup;
    QRadioButton *m_fromFilter;
    QComboBox *m_group;
    QComboBox *m_filter;
    QComboBox *m_pilot;
    QLabel *m_hint;
};

} // namespace fleet
