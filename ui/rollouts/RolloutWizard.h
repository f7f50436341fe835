#pragma once

#include <QList>
#include <QWizard>

namespace fleet {

class WizardGatesPage;
class WizardPlanPage;
class WizardPreviewPage;
class WizardReleasePage;
class WizardTargetsPage;
class WorkspaceSession;

// Rollouts › New rollout…: an approved release, the target devices and the pilot, the plan
// (waves, maintenance windows, pace, gates, timeouts, retries, approvals), then a preview of the
// devices left out and of when each wave is expected to run; Finish creates the rollout as a
// draft through RolloutService (audited), on a worker. The same preview `fleetctl rollout plan`
// prints (RolloutPreview). Nothing slow runs on the GUI thread: the choices, the preview and the
// creation are all computed on workers. Widgets carry object names for tests.
class RolloutWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { ReleasePage, TargetsPage, PlanPage, GatesPage, PreviewPage };

    explicit RolloutWizard(WorkspaceSession &session, QWidget *parent = nullptr);

    // The devices selected in the device table: offered (and chosen) as the targets.
    void setPresetDevices(const QList<qint64> &deviceIds);
    // The release selected on the Firmware page: chosen when it is approved.
    void setPresetRelease(qint64 releaseId);

    // True once the releases, groups and saved filters have arrived from the worker.
    bool choicesLoaded() const { return m_choicesLoaded; }

    WizardReleasePage *releasePage() const { return m_releasePage; }
    WizardTargetsPage *targetsPage() const { return m_targetsPage; }
    WizardPlanPage *planPage() const { return m_planPage; }
    WizardGatesPage *gatesPage() const { return m_gatesPage; }
    WizardPreviewPage *previewPage() const { return m_previewPage; }

signals:
    void rolloutCreated(qint64 rolloutId);
    void choicesReady();

protected:
    void initializePage(int id) override;

private:
    void loadChoices();

    WorkspaceSession &m_session;
    qint64 m_presetRelease = 0;
    bool m_choicesLoaded = false;
    WizardReleasePage *m_releasePage;
    WizardTargetsPage *m_targetsPage;
    WizardPlanPage *m_planPage;
    WizardGatesPage *m_gatesPage;
    WizardPreviewPage *m_previewPage;
};

} // namespace fleet
