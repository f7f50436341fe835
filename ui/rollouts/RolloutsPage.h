#pragma once

#include "RolloutActionBar.h"
#include "RolloutDevicesPanel.h"
#include "RolloutSnapshot.h"

#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace fleet {

class RolloutActionRunner;
class RolloutHeaderPane;
class RolloutListModel;
class RolloutSnapshotWorker;
class RolloutStatusChart;
class RolloutWizard;
class WaveSummaryTable;
class WaveTimelineWidget;
class WorkerThread;
class WorkspaceSession;

// The Rollouts section: every rollout with its progress, and the selected one's header, the
// operator's actions, the waves (summary, timeline against the maintenance windows, status over
// time) and the per-device execution table. Everything is read on a worker thread, polled every
// two seconds while the page is visible and only re-read when the workspace changed; every
// action goes through RolloutControl (audited, with the reason asked for) on a worker too.
class RolloutsPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kPollIntervalMs = 2000;

    explicit RolloutsPage(WorkspaceSession &session, QWidget *parent = nullptr);
    ~RolloutsPage() override;

    RolloutListModel *listModel() const { return m_listModel; }
    QTableView *list() const { return m_list; }
    RolloutHeaderPane *header() const { return m_header; }
    RolloutActionBar *actionBar() const { return m_actions; }
    WaveSummaryTable *waveSummary() const { return m_waveSummary; }
    WaveTimelineWidget *timeline() const { return m_timeline; }
    RolloutStatusChart *chart() const { return m_chart; }
    RolloutDevicesPanel *devices() const { return m_devices; }
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *newRolloutButton() const { return m_new; }
    QPushButton *exportButton() const { return m_export; }
    QTimer *pollTimer() const { return m_pollTimer; }

    qint64 selectedRolloutId() const { return m_selected; }
    void selectRollout(qint64 id);
    // What the reason prompts end with (the prompts are object "rolloutReasonPrompt").
    void runAction(RolloutActionBar::Action action, const QString &reason);
    void runDeviceAction(RolloutDevicesPanel::DeviceAction action, const QStringList &uids,
                         const QString &reason);
    // Resume after a pilot that passed, signing its results as the artifact's test pass with
    // the workspace's signing key, unlocked with `passphrase` (asked for by Resume when needed,
    // object "pilotPassphraseDialog").
    void resumeSigningPilot(const QString &reason, const QByteArray &passphrase);
    // Writes the selected rollout's history; the format follows the suffix (.csv or .json).
    void exportHistory(const QString &path);
    // Reads everything again now, changed or not.
    void refresh();
    // "New rollout…": the creation wizard (object name "rolloutWizard"), opened and returned;
    // the rollout it creates is selected once listed.
    RolloutWizard *openWizard();

signals:
    // A snapshot of the workspace was shown (after a change or a refresh()).
    void snapshotApplied();
    void actionFinished(bool ok, const QString &message);
    void exportFinished(bool ok, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void poll(bool force);
    void applySnapshot(const RolloutSnapshot &snapshot);
    void showTimeline(const RolloutSnapshot &snapshot);
    void listSelectionChanged();
    void askReason(RolloutActionBar::Action action);
    void askPilotPassphrase(const QString &reason);
    void askDeviceReason(RolloutDevicesPanel::DeviceAction action, const QStringList &uids);
    void chooseExportFile();
    void showMessage(bool ok, const QString &text);
    void updateActions();
    bool isWritable() const;
    QString selectedName() const;

    WorkspaceSession &m_session;
    RolloutListModel *m_listModel;
    QTableView *m_list;
    RolloutHeaderPane *m_header;
    RolloutActionBar *m_actions;
    WaveSummaryTable *m_waveSummary;
    WaveTimelineWidget *m_timeline;
    RolloutStatusChart *m_chart;
    RolloutDevicesPanel *m_devices;
    QTabWidget *m_tabs;
    QLabel *m_message;
    QLabel *m_countLabel;
    QPushButton *m_new;
    QPushButton *m_export;
    QTimer *m_pollTimer;
    RolloutActionRunner *m_runner;
    RolloutSnapshotWorker *m_worker; // owned by m_thread
    std::unique_ptr<WorkerThread> m_thread;
    quint64 m_request = 0;
    bool m_pollInFlight = false;
    qint64 m_selected = 0;
    qint64 m_selectAfterLoad = 0;
    qint64 m_shownDetailsOf = 0; // the rollout whose details are on screen
    std::optional<RolloutState> m_state;
    bool m_windowsOverridden = false;
    // The pilot is done and no signed test pass exists: resuming signs one.
    bool m_pilotNeedsSignature = false;
    QString m_snapshotError; // what the last read could not read, shown until it can
};

} // namespace fleet
