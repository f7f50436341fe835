#pragma once

#include "rollout/RolloutPlanSpec.h"
#include "util/Result.h"

#include <QWizardPage>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;

namespace fleet {

// Step 3 of the rollout wizard: how the devices are cut into waves (one wave, waves of N
// devices, cumulative percentages such as "10,50,100", or one wave per group), the weekly
// maintenance windows in each site's time zone (one per line, as MaintenanceWindow::parse reads
// them), and the pace (rate, concurrency, expected minutes per device, soak between waves).
// Checked as it is typed: a mistake is named in plain words and Next stays disabled.
class WizardPlanPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WizardPlanPage(QWidget *parent = nullptr);

    // The groups a split by group may name (for the hint and the check).
    void setGroups(const QStringList &groups);

    // Writes this page's part of the plan into `spec`, or says what is wrong. A split by group
    // leaves spec.split alone: the groups' members are read on a worker (see waveGroups()).
    Status applyTo(RolloutPlanSpec &spec) const;
    // The groups of a split by group, in wave order; empty for the other splits.
    QStringList waveGroups() const;

    bool isComplete() const override;

    QRadioButton *oneWaveRadio() const { return m_oneWave; }
    QRadioButton *byCountRadio() const { return m_byCount; }
    QRadioButton *byPercentRadio() const { return m_byPercent; }
    QRadioButton *byGroupRadio() const { return m_byGroup; }
    QSpinBox *waveSizeSpin() const { return m_waveSize; }
    QLineEdit *percentEdit() const { return m_percent; }
    QLineEdit *groupsEdit() const { return m_groups; }
    QPlainTextEdit *windowsEdit() const { return m_windows; }
    QSpinBox *rateSpin() const { return m_rate; }
    QSpinBox *concurrencySpin() const { return m_concurrency; }
    QSpinBox *minutesPerDeviceSpin() const { return m_minutesPerDevice; }
    QSpinBox *minutesBetweenWavesSpin() const { return m_minutesBetweenWaves; }
    QLabel *errorLabel() const { return m_error; }

private:
    Result<WaveSplit> split() const;
    Result<QList<MaintenanceWindow>> windows() const;
    void check();

    QStringList m_knownGroups;
    QRadioButton *m_oneWave;
    QRadioButton *m_byCount;
    QRadioButton *m_byPercent;
    QRadioButton *m_byGroup;
    QSpinBox *m_waveSize;
    QLineEdit *m_percent;
    QLineEdit *m_groups;
    QPlainTextEdit *m_windows;
    QSpinBox *m_rate;
    QSpinBox *m_concurrency;
    QSpinBox *m_minutesPerDevice;
    QSpinBox *m_minutesBetweenWaves;
    QLabel *m_error;
};

} // namespace fleet
