#pragma once

#include "firmware/FirmwareManifest.h"
#include "firmware/Release.h"

#include <QWidget>
#include <functional>
#include <optional>

class QLabel;
class QPushButton;
class QTableView;

namespace fleet {

class AssignReleaseDialog;
class BackgroundSession;
class DeviceVersionPanel;
class FirmwareCatalog;
class FirmwareReleaseModel;
class ReleaseDetailsPane;
class RolloutWizard;
class WorkspaceSession;

// The firmware catalog: the releases (newest version first) with the selected one's details,
// how many devices run each version, and the operator's decisions about a release (import,
// approve with the signing key, revoke, channel, known good). Every change goes through
// FirmwareCatalog (which audits it) on a worker thread; what went wrong is said in the message
// area in plain words.
class FirmwarePage : public QWidget
{
    Q_OBJECT
public:
    explicit FirmwarePage(WorkspaceSession &session, QWidget *parent = nullptr);

    FirmwareReleaseModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    ReleaseDetailsPane *details() const { return m_details; }
    DeviceVersionPanel *versionPanel() const { return m_versionPanel; }
    QLabel *messageLabel() const { return m_message; }
    // The selected release, if any.
    std::optional<Release> selectedRelease() const;
    void selectRelease(qint64 id);
    // Imports and decisions that failed since the page was built (each is also logged).
    int failedOperations() const { return m_failures; }

    // Imports files one after another. A file Fleetdesk cannot read itself opens the manifest
    // dialog first (the object name "importManifestDialog").
    void importFiles(const QStringList &paths);
    // Imports one file with `manifest` (none: the file must describe itself).
    void importFile(const QString &path, const std::optional<FirmwareManifest> &manifest);
    void createSigningKey(const QByteArray &passphrase);
    // Imports an Ed25519 key from PEM (decrypted with filePassphrase when encrypted), saved
    // encrypted with `passphrase`; what "Import signing key…" ends with.
    void importSigningKey(const QByteArray &pem, const QByteArray &filePassphrase,
                          const QByteArray &passphrase);
    void approve(qint64 id, const QByteArray &passphrase);
    void revoke(qint64 id, const QString &reason);
    void setChannel(qint64 id, ReleaseChannel channel);
    void setKnownGood(qint64 id, bool knownGood);
    // Opens "Assign to devices…" for the selected release (object name
    // "assignReleaseDialog"); returns it for tests, nullptr when no release is selected.
    AssignReleaseDialog *openAssignDialog();
    // Opens "Roll out…" (the rollout wizard, object name "rolloutWizard") with the selected
    // release chosen; returns it for tests, nullptr when no release is selected.
    RolloutWizard *openRolloutWizard();
    // Re-reads the releases and the device counts.
    void refresh();

signals:
    // An import or decision finished (ok or not); `message` is what the message area shows.
    void operationFinished(bool ok, const QString &message);
    void releasesLoaded();
    void countsLoaded();

protected:
    void showEvent(QShowEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct Outcome
    {
        bool ok = false;
        QString message;
        qint64 releaseId = 0;
    };
    using Operation = std::function<Outcome(FirmwareCatalog &catalog)>;

    // Runs `operation` on a worker with its own connection, then shows its outcome and reloads.
    void runOperation(const QString &busyText, Operation operation);
    void showMessage(bool ok, const QString &text);
    // An outcome: alone in the message area, or added to the lines of a batch of imports.
    void report(bool ok, const QString &text);
    void showBatch(const QString &pending = {});
    void importNext();
    void chooseFiles();
    void askApproval();
    void askNewKey();
    void chooseKeyFile();
    void askRevocation();
    void askChannel();
    void toggleKnownGood();
    void loadCounts();
    void selectionChanged();
    void updateActions();
    void updateKeyButton();

    WorkspaceSession &m_session;
    FirmwareReleaseModel *m_model;
    QTableView *m_table;
    ReleaseDetailsPane *m_details;
    DeviceVersionPanel *m_versionPanel;
    QLabel *m_message;
    QLabel *m_countLabel;
    QPushButton *m_import;
    QPushButton *m_approve;
    QPushButton *m_revoke;
    QPushButton *m_channel;
    QPushButton *m_knownGood;
    QPushButton *m_assign;
    QPushButton *m_rollOut;
    QPushButton *m_createKey;
    QPushButton *m_importKey;
    QString m_activeKey; // fingerprint of the workspace's signing key; empty when none
    QStringList m_pendingImports;
    bool m_inBatch = false; // importing several files: their outcomes are listed together
    QStringList m_batchLog;
    bool m_batchFailed = false;
    bool m_busy = false;
    qint64 m_selectAfterLoad = 0;
    int m_releaseGeneration = 0;
    int m_countGeneration = 0;
    int m_failures = 0;
};

} // namespace fleet
