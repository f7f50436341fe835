#pragma once

#include "rollout/RolloutPlanSpec.h"

#include <QWizardPage>

class QCheckBox;
class QLabel;
class QSpinBox;

namespace fleet {

// Step 4 of the rollout wizard: when a wave counts as a success, when the rollout pauses itself
// or aborts (rates and absolute counts, and the number of finished devices before a rate
// counts), the per-step timeouts, the retry budget per failure kind, automatic rollback, and
// the approvals (a second operator before start; a person after the pilot). Every value is
// checked by the plan's own rules as it is changed. The defaults are RolloutPlanSpec's except
// for the failure gates, which the spec leaves off: a rollout set up by hand pauses above 5 %
// failures and aborts above 20 %, counted once 10 devices finished, because a plan that never
// stops itself is rarely what an operator who did not think about it wants.
class WizardGatesPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WizardGatesPage(QWidget *parent = nullptr);

    // Writes this page's part of the plan into `spec`, or says what is wrong.
    Status applyTo(RolloutPlanSpec &spec) const;
    bool isComplete() const override;

    QSpinBox *successSpin() const { return m_success; }
    QSpinBox *pausePercentSpin() const { return m_pausePercent; }
    QSpinBox *abortPercentSpin() const { return m_abortPercent; }
    QSpinBox *pauseCountSpin() const { return m_pauseCount; }
    QSpinBox *abortCountSpin() const { return m_abortCount; }
    QSpinBox *minFinishedSpin() const { return m_minFinished; }
    QSpinBox *downloadTimeoutSpin() const { return m_download; }
    QSpinBox *installTimeoutSpin() const { return m_install; }
    QSpinBox *rebootTimeoutSpin() const { return m_reboot; }
    QSpinBox *validationTimeoutSpin() const { return m_validation; }
    QSpinBox *downloadRetriesSpin() const { return m_retryDownload; }
    QSpinBox *installRetriesSpin() const { return m_retryInstall; }
    QSpinBox *validationRetriesSpin() const { return m_retryValidation; }
    QSpinBox *timeoutRetriesSpin() const { return m_retryTimeout; }
    QSpinBox *totalRetriesSpin() const { return m_retryTotal; }
    QCheckBox *autoRollbackCheck() const { return m_autoRollback; }
    QCheckBox *requireApprovalCheck() const { return m_requireApproval; }
    QCheckBox *approvePilotCheck() const { return m_approvePilot; }
    QLabel *errorLabel() const { return m_error; }

private:
    void check();

    QSpinBox *m_success;
    QSpinBox *m_pausePercent;
    QSpinBox *m_abortPercent;
    QSpinBox *m_pauseCount;
    QSpinBox *m_abortCount;
    QSpinBox *m_minFinished;
    QSpinBox *m_download;
    QSpinBox *m_install;
    QSpinBox *m_reboot;
    QSpinBox *m_validation;
    QSpinBox *m_retryDownload;
    QSpinBox *m_retryInstall;
    QSpinBox *m_retryValidation;
    QSpinBox *m_retryTimeout;
    QSpinBox *m_retryTotal;
    QCheckBox *m_autoRollback;
    QCheckBox *m_requireApproval;
    QCheckBox *m_approvePilot;
    QLabel *m_error;
};

} // namespace fleet
