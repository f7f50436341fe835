#pragma once

#include "WizardTargetSelection.h"
#include "rollout/RolloutPreview.h"

#include <QDateTime>
#include <QWizardPage>

class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace fleet {

class BackgroundSession;
class WorkspaceSession;

// What the preview is computed from: everything the earlier pages chose.
struct WizardPreviewRequest
{
    qint64 releaseId = 0;
    WizardTargetSelection targets;
    RolloutPlanSpec spec;
    QStringList waveGroups; // a split by group: the groups, read into spec.split on the worker
    QDateTime start;        // when the rollout would start (UTC)
    QString problem;        // the earlier pages' part is not valid: shown instead of a preview
};

// The preview as the worker computed it, with the ids and the plan the rollout will be created
// from, so what is created is what was shown.
struct WizardPreviewOutcome
{
    QString error; // empty: `preview` holds the result
    RolloutPreview preview;
    QList<qint64> targetIds;
    QList<qint64> pilotIds;
    RolloutPlanSpec spec;

    static WizardPreviewOutcome compute(BackgroundSession &session,
                                        const WizardPreviewRequest &request);
};

// The last step of the rollout wizard: the devices left out and why, the projected timeline per
// wave (start and end in the sites' local time and in UTC), then a name and a reason; Finish
// creates the rollout as a draft (RolloutService::create, audited). The preview and the
// creation run on workers; the page says in plain words what went wrong.
class WizardPreviewPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WizardPreviewPage(WorkspaceSession &session, QWidget *parent = nullptr);

    // Set by the wizard before the page is shown; `defaultName` fills an empty name.
    void setRequest(const WizardPreviewRequest &request, const QString &defaultName);

    void initializePage() override;
    void cleanupPage() override;
    bool isComplete() const override;
    // Finish: starts the creation on a worker and returns false; once the rollout exists the
    // page emits created() and accepts the wizard, which calls this again (then true).
    bool validatePage() override;

    bool isBusy() const { return m_busy; }
    const WizardPreviewOutcome &outcome() const { return m_outcome; }
    QDateTimeEdit *startEdit() const { return m_start; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *statusLabel() const { return m_status; }
    QTableWidget *timelineTable() const { return m_timeline; }
    QTableWidget *excludedTable() const { return m_excluded; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *reasonEdit() const { return m_reason; }

    // "Mon 2026-11-30 01:00 CET" in `zone` (an IANA id), or in this computer's time zone when
    // `zone` is empty; "-" for an invalid time. Public so the wording is tested.
    static QString localText(const QDateTime &t, const QString &zone);
    static QString utcText(const QDateTime &t);

    enum TimelineColumn { Wave, Devices, StartLocal, StartUtc, EndLocal, EndUtc, Notes };

signals:
    void created(qint64 rolloutId);

private:
    void computePreview();
    void showOutcome();
    void create();
    void setStatus(const QString &text, bool error);

    WorkspaceSession &m_session;
    WizardPreviewRequest m_request;
    WizardPreviewOutcome m_outcome;
    bool m_haveOutcome = false;
    bool m_busy = false;
    bool m_startChosen = false; // set to "now" when first shown, then the operator's
    int m_generation = 0;
    qint64 m_createdId = 0;
    QDateTimeEdit *m_start;
    QLabel *m_summary;
    QTableWidget *m_timeline;
    QTableWidget *m_excluded;
    QLabel *m_excludedTitle;
    QLineEdit *m_name;
    QLineEdit *m_reason;
    QLabel *m_status;
};

} // namespace fleet
