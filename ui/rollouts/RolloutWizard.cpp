#include "RolloutWizard.h"

#include "WizardChoices.h"
#include "WizardGatesPage.h"
#include "WizardPlanPage.h"
#include "WizardPreviewPage.h"
#include "WizardReleasePage.h"
#include "WizardTargetsPage.h"
#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "storage/WorkspaceSession.h"

namespace fleet {

namespace {
struct ChoicesOutcome
{
    WizardChoices choices;
    QString error;
};
} // namespace

RolloutWizard::RolloutWizard(WorkspaceSession &session, QWidget *parent)
    : QWizard(parent)
    , m_session(session)
    , m_releasePage(new WizardReleasePage(this))
    , m_targetsPage(new WizardTargetsPage(this))
    , m_planPage(new WizardPlanPage(this))
    , m_gatesPage(new WizardGatesPage(this))
    , m_previewPage(new WizardPreviewPage(session, this))
{
    setObjectName(QStringLiteral("rolloutWizard"));
    setWindowTitle(tr("New rollout"));
    // One look on every platform: the pages are laid out for the classic style's width.
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setPage(ReleasePage, m_releasePage);
    setPage(TargetsPage, m_targetsPage);
    setPage(PlanPage, m_planPage);
    setPage(GatesPage, m_gatesPage);
    setPage(PreviewPage, m_previewPage);
    setButtonText(QWizard::FinishButton, tr("&Create rollout"));
    resize(960, 720);

    connect(m_previewPage, &WizardPreviewPage::created, this, &RolloutWizard::rolloutCreated);
    if (session.workspace().isReadOnly())
        m_releasePage->setProblem(tr("The workspace is open read-only: the preview works, but "
                                     "no rollout can be created."));
    loadChoices();
}

void RolloutWizard::setPresetDevices(const QList<qint64> &deviceIds)
{
    m_targetsPage->setSelectedDevices(deviceIds);
}

void RolloutWizard::setPresetRelease(qint64 releaseId)
{
    m_presetRelease = releaseId;
}

void RolloutWizard::loadChoices()
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        m_releasePage->setProblem(tr("Cannot open the workspace: %1").arg(opened.message()));
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    BackgroundTask::run(
        this,
        [bs] {
            ChoicesOutcome out;
            auto loaded = WizardChoices::load(*bs);
            if (loaded)
                out.choices = loaded.value();
            else
                out.error = loaded.message();
            return out;
        },
        [this](const ChoicesOutcome &out) {
            if (!out.error.isEmpty()) {
                m_releasePage->setProblem(
                    tr("Cannot read the releases and groups: %1").arg(out.error));
                return;
            }
            m_releasePage->setReleases(out.choices.releases, m_presetRelease);
            m_targetsPage->setChoices(out.choices.groups, out.choices.savedFilters);
            m_planPage->setGroups(out.choices.groups);
            m_choicesLoaded = true;
            emit choicesReady();
        });
}

void RolloutWizard::initializePage(int id)
{
    if (id == PreviewPage) {
        WizardPreviewRequest request;
        const auto release = m_releasePage->release();
        request.releaseId = release ? release->id : 0;
        request.targets = m_targetsPage->selection();
        // The earlier pages only let Next through with their part valid; should one not be,
        // the preview says so instead of showing a plan nobody chose.
        Status planned = m_planPage->applyTo(request.spec);
        if (planned)
            planned = m_gatesPage->applyTo(request.spec);
        request.problem = planned.message();
        request.spec.pilotGroup = request.targets.pilotGroup;
        request.waveGroups = m_planPage->waveGroups();
        const QString name =
            release ? tr("%1 %2").arg(release->name, release->version.toString()) : QString();
        m_previewPage->setRequest(request, name);
    }
    QWizard::initializePage(id);
}

} // namespace fleet
