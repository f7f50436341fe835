#include "WizardTargetsPage.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

namespace fleet {

namespace {
void fill(QComboBox *combo, const QStringList &names, const QString &none)
{
    combo->clear();
    if (!none.isEmpty())
        combo->addItem(none, QString());
    for (const QString &name : names)
        combo->addItem(name, name);
}
} // namespace

WizardTargetsPage::WizardTargetsPage(QWidget *parent)
    : QWizardPage(parent)
    , m_fromSelection(new QRadioButton(this))
    , m_fromGroup(new QRadioButton(tr("Every device of the &group"), this))
    , m_fromFilter(new QRadioButton(tr("The devices the saved &filter matches now"), this))
    , m_group(new QComboBox(this))
    , m_filter(new QComboBox(this))
    , m_pilot(new QComboBox(this))
    , m_hint(new QLabel(this))
{
    setObjectName(QStringLiteral("wizardTargetsPage"));
    setTitle(tr("Devices"));
    setSubTitle(tr("Choose the devices to update. Devices that cannot take the release are "
                   "listed with the reason on the preview, not silently dropped."));
    m_fromSelection->setObjectName(QStringLiteral("fromSelectionRadio"));
    m_fromGroup->setObjectName(QStringLiteral("fromGroupRadio"));
    m_fromFilter->setObjectName(QStringLiteral("fromFilterRadio"));
    m_group->setObjectName(QStringLiteral("targetGroupCombo"));
    m_filter->setObjectName(QStringLiteral("targetFilterCombo"));
    m_pilot->setObjectName(QStringLiteral("pilotGroupCombo"));
    m_hint->setObjectName(QStringLiteral("targetsHint"));
    m_hint->setWordWrap(true);
    auto *sources = new QButtonGroup(this);
    sources->addButton(m_fromSelection);
    sources->addButton(m_fromGroup);
    sources->addButton(m_fromFilter);
    setSelectedDevices({});
    setChoices({}, {});

    auto *targets = new QGroupBox(tr("Target devices"), this);
    auto *grid = new QGridLayout(targets);
    grid->addWidget(m_fromSelection, 0, 0, 1, 2);
    grid->addWidget(m_fromGroup, 1, 0);
    grid->addWidget(m_group, 1, 1);
    grid->addWidget(m_fromFilter, 2, 0);
    grid->addWidget(m_filter, 2, 1);
    grid->setColumnStretch(1, 1);

    auto *pilot = new QGroupBox(tr("Pilot"), this);
    auto *pilotForm = new QFormLayout(pilot);
    auto *pilotText = new QLabel(tr("Lab or test devices updated first. The rollout goes no "
                                    "further until they all succeeded and passed validation."),
                                 pilot);
    pilotText->setWordWrap(true);
    pilotForm->addRow(pilotText);
    pilotForm->addRow(tr("&Pilot group:"), m_pilot);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(targets);
    layout->addWidget(pilot);
    layout->addWidget(m_hint);
    layout->addStretch(1);

    for (QRadioButton *b : {m_fromSelection, m_fromGroup, m_fromFilter})
        connect(b, &QRadioButton::toggled, this, &WizardTargetsPage::updateState);
    for (QComboBox *c : {m_group, m_filter, m_pilot})
        connect(c, &QComboBox::currentIndexChanged, this, &WizardTargetsPage::updateState);
}

void WizardTargetsPage::setSelectedDevices(const QList<qint64> &ids)
{
    m_selectedIds = ids;
    m_fromSelection->setText(
        ids.isEmpty()     ? tr("The devices selected in the device table (none "
                                   "selected)")
        : ids.size() == 1 ? tr("The &device selected in the device table")
                          : tr("The %1 &devices selected in the device table").arg(ids.size()));
    m_fromSelection->setEnabled(!ids.isEmpty());
    if (!ids.isEmpty())
        m_fromSelection->setChecked(true);
    else if (m_fromSelection->isChecked() || !m_fromFilter->isChecked())
        m_fromGroup->setChecked(true);
    updateState();
}

void WizardTargetsPage::setChoices(const QStringList &groups, const QStringList &savedFilters)
{
    fill(m_group, groups, QString());
    fill(m_filter, savedFilters, QString());
    fill(m_pilot, groups, tr("(no pilot)"));
    updateState();
}

WizardTargetSelection WizardTargetsPage::selection() const
{
    WizardTargetSelection s;
    if (m_fromGroup->isChecked()) {
        s.source = WizardTargetSelection::Source::Group;
        s.name = m_group->currentData().toString();
    } else if (m_fromFilter->isChecked()) {
        s.source = WizardTargetSelection::Source::SavedFilter;
        s.name = m_filter->currentData().toString();
    } else {
        s.source = WizardTargetSelection::Source::Selection;
        s.selectedIds = m_selectedIds;
    }
    s.pilotGroup = m_pilot->currentData().toString();
    return s;
}

bool WizardTargetsPage::isComplete() const
{
    const WizardTargetSelection s = selection();
    if (s.source == WizardTargetSelection::Source::Selection)
        return !s.selectedIds.isEmpty();
    return !s.name.isEmpty();
}

void WizardTargetsPage::updateState()
{
    m_group->setEnabled(m_fromGroup->isChecked() && m_group->count() > 0);
    m_filter->setEnabled(m_fromFilter->isChecked() && m_filter->count() > 0);
    QString hint;
    if (m_fromGroup->isChecked() && m_group->count() == 0)
        hint = tr("The workspace has no device group.");
    else if (m_fromFilter->isChecked() && m_filter->count() == 0)
        hint = tr("There is no saved filter. Save one on the Devices page.");
    else if (!m_pilot->currentData().toString().isEmpty() &&
             m_pilot->currentData().toString() == selection().name &&
             selection().source == WizardTargetSelection::Source::Group)
        hint = tr("The pilot group is also the target group: every device would be in the "
                  "pilot and there would be no wave after it.");
    m_hint->setText(hint);
    m_hint->setVisible(!hint.isEmpty());
    emit completeChanged();
}

} // namespace fleet
