#include "FirmwarePage.h"

#include "AssignReleaseDialog.h"
#include "DeviceVersionPanel.h"
#include "FirmwareReleaseModel.h"
#include "FirmwareVersionCounts.h"
#include "ImportManifestDialog.h"
#include "PassphraseDialog.h"
#include "ReleaseDetailsPane.h"
#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "common/Icons.h"
#include "common/Prompts.h"
#include "common/TableLook.h"
#include "firmware/FirmwareCatalog.h"
#include "firmware/McubootImage.h"
#include "firmware/ReleaseRepository.h"
#include "firmware/SwuBundle.h"
#include "rollouts/RolloutWizard.h"
#include "storage/SqliteDatabase.h"
#include "storage/WorkspaceSession.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace fleet {

namespace {
Q_LOGGING_CATEGORY(lcFirmwarePage, "fleet.ui.firmware")

struct LoadedReleases
{
    bool ok = false;
    QString error;
    QList<Release> releases;
};
struct LoadedCounts
{
    bool ok = false;
    QString error;
    QList<FirmwareVersionCounts::Entry> counts;
};

QString label(const Release &r)
{
    return QStringLiteral("%1 %2 (release %3)").arg(r.name, r.version.toString()).arg(r.id);
}

QStringList localFiles(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            paths << url.toLocalFile();
    return paths;
}

// Whether the catalog can read the file's name and version from the file itself. Reads only the
// first bytes, so it is fine on the GUI thread; a file that cannot be read goes to the catalog,
// which says why.
bool describesItself(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return true;
    const QByteArray head = file.read(8);
    return head.isEmpty() || McubootImage::looksLikeImage(head) || SwuBundle::looksLikeBundle(head);
}
} // namespace

FirmwarePage::FirmwarePage(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new FirmwareReleaseModel(this))
    , m_table(new QTableView(this))
    , m_details(new ReleaseDetailsPane(this))
    , m_versionPanel(new DeviceVersionPanel(this))
    , m_message(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_import(new QPushButton(
          Icons::themed(QStringLiteral("document-import"), QStyle::SP_DialogOpenButton),
          tr("Import…"), this))
    , m_approve(new QPushButton(
          Icons::themed(QStringLiteral("security-high"), QStyle::SP_DialogApplyButton),
          tr("Approve…"), this))
    , m_revoke(new QPushButton(
          Icons::themed(QStringLiteral("dialog-cancel"), QStyle::SP_DialogCancelButton),
          tr("Revoke…"), this))
    , m_channel(new QPushButton(tr("Set channel"), this))
    , m_knownGood(new QPushButton(tr("Mark known good"), this))
    , m_assign(new QPushButton(tr("Assign…"), this))
    , m_rollOut(new QPushButton(tr("Roll out…"), this))
    , m_createKey(new QPushButton(tr("Create signing key…"), this))
    , m_importKey(new QPushButton(tr("Import key…"), this))
{
    setObjectName(QStringLiteral("firmwarePage"));
    setAcceptDrops(true);

    m_table->setObjectName(QStringLiteral("releaseTable"));
    m_table->setModel(m_model);
    TableLook::apply(m_table);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    const QList<QPair<int, int>> widths = {
        {FirmwareReleaseModel::Id, 35},        {FirmwareReleaseModel::Name, 115},
        {FirmwareReleaseModel::Version, 70},   {FirmwareReleaseModel::Kind, 65},
        {FirmwareReleaseModel::Channel, 95},   {FirmwareReleaseModel::State, 70},
        {FirmwareReleaseModel::KnownGood, 80}, {FirmwareReleaseModel::Models, 110},
        {FirmwareReleaseModel::Size, 65},      {FirmwareReleaseModel::Created, 115},
    };
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_import->setObjectName(QStringLiteral("importButton"));
    m_import->setToolTip(tr("Import MCUboot images, SWUpdate bundles or other firmware files "
                            "(or drop them onto this page)"));
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_approve->setToolTip(tr("Sign the selected release with the workspace's signing key so "
                             "devices may install it"));
    m_revoke->setObjectName(QStringLiteral("revokeButton"));
    m_revoke->setToolTip(tr("Stop the selected release from being installed"));
    m_channel->setObjectName(QStringLiteral("channelButton"));
    auto *channelMenu = new QMenu(m_channel);
    for (const QString &name : releaseChannelNames())
        channelMenu->addAction(name, this, [this, name] {
            if (auto r = selectedRelease())
                setChannel(r->id, *releaseChannelFromName(name));
        });
    m_channel->setMenu(channelMenu);
    m_knownGood->setObjectName(QStringLiteral("knownGoodButton"));
    m_knownGood->setToolTip(tr("Known-good releases are what devices roll back to"));
    m_assign->setObjectName(QStringLiteral("assignReleaseButton"));
    m_assign->setToolTip(tr("Install the selected approved release on devices through the "
                            "update server"));
    m_rollOut->setObjectName(QStringLiteral("rollOutButton"));
    m_rollOut->setToolTip(tr("Plan a staged rollout of the selected approved release: pilot, "
                             "waves, maintenance windows"));
    m_createKey->setObjectName(QStringLiteral("createKeyButton"));
    m_createKey->setToolTip(tr("Create the workspace's release-signing key (kept encrypted next "
                               "to the workspace file)"));

    m_message->setObjectName(QStringLiteral("firmwareMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setContentsMargins(8, 4, 8, 4);
    m_message->hide();
    m_countLabel->setObjectName(QStringLiteral("releaseCountLabel"));

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_import);
    actions->addSpacing(8);
    actions->addWidget(m_approve);
    actions->addWidget(m_revoke);
    actions->addWidget(m_channel);
    actions->addWidget(m_knownGood);
    actions->addSpacing(8);
    actions->addWidget(m_assign);
    actions->addWidget(m_rollOut);
    actions->addStretch(1);
    actions->addWidget(m_countLabel);
    actions->addSpacing(12);
    actions->addWidget(m_createKey);
    actions->addWidget(m_importKey);

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_table);
    top->addWidget(m_details);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);
    m_details->setMinimumWidth(390);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("firmwareSplitter"));
    split->addWidget(top);
    split->addWidget(m_versionPanel);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(actions);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_import, &QPushButton::clicked, this, &FirmwarePage::chooseFiles);
    connect(m_approve, &QPushButton::clicked, this, &FirmwarePage::askApproval);
    connect(m_revoke, &QPushButton::clicked, this, &FirmwarePage::askRevocation);
    connect(m_knownGood, &QPushButton::clicked, this, &FirmwarePage::toggleKnownGood);
    connect(m_assign, &QPushButton::clicked, this, [this] { openAssignDialog(); });
    connect(m_rollOut, &QPushButton::clicked, this, [this] { openRolloutWizard(); });
    connect(m_createKey, &QPushButton::clicked, this, &FirmwarePage::askNewKey);
    connect(m_importKey, &QPushButton::clicked, this, &FirmwarePage::chooseKeyFile);
    m_importKey->setObjectName(QStringLiteral("importKeyButton"));
    m_importKey->setToolTip(tr("Use an existing Ed25519 release-signing key (PEM, encrypted or "
                               "not); it is saved encrypted next to the workspace file"));
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &FirmwarePage::selectionChanged);
    updateActions();
    refresh();
}

void FirmwarePage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Devices report new versions while other pages are shown.
    loadCounts();
}

std::optional<Release> FirmwarePage::selectedRelease() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->releaseAt(rows.first().row());
}

void FirmwarePage::selectRelease(qint64 id)
{
    const int row = m_model->rowOfId(id);
    if (row < 0)
        m_table->clearSelection();
    else
        m_table->selectRow(row);
}

void FirmwarePage::selectionChanged()
{
    m_details->setRelease(selectedRelease());
    updateActions();
    loadCounts();
}

void FirmwarePage::updateActions()
{
    const bool writable = !m_session.workspace().isReadOnly() && !m_busy;
    const auto r = selectedRelease();
    m_import->setEnabled(writable);
    // One active key at a time: replacing it is deliberate (fleetctl firmware keygen --replace).
    m_createKey->setEnabled(writable && m_activeKey.isEmpty());
    m_importKey->setEnabled(writable && m_activeKey.isEmpty());
    m_approve->setEnabled(writable && r && r->state == ReleaseState::Draft);
    m_revoke->setEnabled(writable && r && r->state != ReleaseState::Revoked);
    m_channel->setEnabled(writable && r && r->state != ReleaseState::Revoked);
    m_knownGood->setEnabled(writable && r && r->state == ReleaseState::Approved);
    m_assign->setEnabled(writable && r && r->state == ReleaseState::Approved);
    m_rollOut->setEnabled(writable && r && r->state == ReleaseState::Approved);
    m_knownGood->setText(r && r->knownGood ? tr("Unmark known good") : tr("Mark known good"));
    if (m_session.workspace().isReadOnly())
        m_import->setToolTip(tr("The workspace is read-only"));
}

AssignReleaseDialog *FirmwarePage::openAssignDialog()
{
    const auto r = selectedRelease();
    if (!r)
        return nullptr;
    auto *dialog = new AssignReleaseDialog(m_session, *r, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AssignReleaseDialog::finishedAssignment, this,
            [this](bool ok, int, const QString &summary) { showMessage(ok, summary); });
    dialog->open();
    return dialog;
}

RolloutWizard *FirmwarePage::openRolloutWizard()
{
    const auto r = selectedRelease();
    if (!r)
        return nullptr;
    auto *wizard = new RolloutWizard(m_session, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->setPresetRelease(r->id);
    connect(wizard, &RolloutWizard::rolloutCreated, this,
            [this](qint64 id) { showMessage(true, tr("Rollout %1 created as a draft.").arg(id)); });
    wizard->open();
    return wizard;
}

void FirmwarePage::updateKeyButton()
{
    // One row of signing_keys: quick enough for the GUI thread, and only after a reload.
    SigningKeyStore keys(m_session.db(), m_session.audit(), m_session.workspace().path());
    auto active = keys.activeKey();
    m_activeKey = active && active.value() ? (*active.value()).fingerprint : QString();
    m_createKey->setToolTip(
        m_activeKey.isEmpty()
            ? tr("Create the workspace's release-signing key (kept encrypted next to the "
                 "workspace file)")
            : tr("The workspace's release-signing key is %1").arg(m_activeKey));
    updateActions();
}

void FirmwarePage::report(bool ok, const QString &text)
{
    if (!m_inBatch) {
        showMessage(ok, text);
        return;
    }
    // Several files imported in one go: each says how it went, so no failure scrolls away.
    m_batchLog << text;
    m_batchFailed = m_batchFailed || !ok;
    showBatch();
}

void FirmwarePage::showBatch(const QString &pending)
{
    constexpr int kShownLines = 8;
    QStringList lines = m_batchLog;
    if (!pending.isEmpty())
        lines << pending;
    if (lines.size() > kShownLines)
        lines = QStringList{tr("… %n earlier", nullptr, int(lines.size() - kShownLines + 1))} +
                lines.mid(lines.size() - kShownLines + 1);
    showMessage(!m_batchFailed, lines.join(QLatin1Char('\n')));
}

void FirmwarePage::showMessage(bool ok, const QString &text)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        ok ? QStringLiteral("background: #e6f4ea; color: #1e5631; border-radius: 3px;")
           : QStringLiteral("background: #fce8e6; color: #8c1d18; border-radius: 3px;"));
    m_message->setVisible(!text.isEmpty());
}

void FirmwarePage::refresh()
{
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        showMessage(false, tr("Cannot read the firmware catalog: %1").arg(connection.message()));
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    const int generation = ++m_releaseGeneration;
    BackgroundTask::run(
        this,
        [db] {
            auto list = ReleaseRepository(*db).list();
            return list ? LoadedReleases{true, {}, *list}
                        : LoadedReleases{false, list.message(), {}};
        },
        [this, generation](const LoadedReleases &loaded) {
            if (generation != m_releaseGeneration)
                return; // a newer load is under way
            if (!loaded.ok) {
                showMessage(false, tr("Cannot read the firmware catalog: %1").arg(loaded.error));
                return;
            }
            const auto before = selectedRelease();
            const qint64 keep = m_selectAfterLoad ? m_selectAfterLoad : (before ? before->id : 0);
            m_selectAfterLoad = 0;
            m_model->setReleases(loaded.releases);
            updateKeyButton();
            m_countLabel->setText(tr("%n release(s)", nullptr, int(loaded.releases.size())));
            if (keep)
                selectRelease(keep);
            selectionChanged();
            emit releasesLoaded();
        });
}

void FirmwarePage::loadCounts()
{
    auto connection = m_session.workspace().openConnection();
    if (!connection) {
        m_versionPanel->showError(connection.message());
        return;
    }
    std::shared_ptr<SqliteDatabase> db(std::move(connection.value()));
    const auto r = selectedRelease();
    const QStringList models = r ? r->models : QStringList();
    const QString scope = models.isEmpty()
                              ? tr("all devices")
                              : tr("devices of %1").arg(models.join(QStringLiteral(", ")));
    const QString highlight = r ? r->version.toString() : QString();
    const int generation = ++m_countGeneration;
    BackgroundTask::run(
        this,
        [db, models] {
            auto counts = FirmwareVersionCounts::query(*db, models);
            return counts ? LoadedCounts{true, {}, *counts}
                          : LoadedCounts{false, counts.message(), {}};
        },
        [this, generation, scope, highlight](const LoadedCounts &loaded) {
            if (generation != m_countGeneration)
                return;
            if (loaded.ok)
                m_versionPanel->setCounts(loaded.counts, scope, highlight);
            else
                m_versionPanel->showError(loaded.error);
            emit countsLoaded();
        });
}

void FirmwarePage::runOperation(const QString &busyText, Operation operation)
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        const QString text = tr("Cannot open the workspace: %1").arg(opened.message());
        showMessage(false, text);
        emit operationFinished(false, text);
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    m_busy = true;
    updateActions();
    if (m_inBatch)
        showBatch(busyText);
    else
        showMessage(true, busyText);
    BackgroundTask::run(
        this,
        [bs, operation = std::move(operation)] {
            FirmwareCatalog catalog(bs->db(), bs->audit(), bs->workspacePath());
            return operation(catalog);
        },
        [this](const Outcome &outcome) {
            m_busy = false;
            if (!outcome.ok) {
                ++m_failures;
                qCWarning(lcFirmwarePage).noquote() << outcome.message;
            }
            report(outcome.ok, outcome.message);
            if (outcome.releaseId)
                m_selectAfterLoad = outcome.releaseId;
            refresh();
            emit operationFinished(outcome.ok, outcome.message);
            importNext();
        });
}

void FirmwarePage::chooseFiles()
{
    // Several files at once, so not Prompts::openFile (one file); opened without a nested loop.
    auto *dialog =
        new QFileDialog(this, tr("Import firmware"), QString(),
                        tr("Firmware (*.bin *.img *.hex *.swu *.signed);;All files (*)"));
    dialog->setObjectName(QStringLiteral("importFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFiles);
    connect(dialog, &QFileDialog::filesSelected, this, &FirmwarePage::importFiles);
    dialog->open();
}

void FirmwarePage::importFiles(const QStringList &paths)
{
    if (!m_inBatch && paths.size() > 1) {
        m_inBatch = true;
        m_batchLog.clear();
        m_batchFailed = false;
    }
    m_pendingImports += paths;
    if (!m_busy)
        importNext();
}

void FirmwarePage::importNext()
{
    if (m_busy)
        return;
    if (m_pendingImports.isEmpty()) {
        m_inBatch = false;
        return;
    }
    const QString path = m_pendingImports.takeFirst();
    if (describesItself(path)) {
        importFile(path, std::nullopt);
        return;
    }
    auto *dialog = new ImportManifestDialog(path, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_busy = true; // one question at a time; the queue waits for the answer
    updateActions();
    connect(dialog, &QDialog::finished, this, [this, dialog, path](int result) {
        m_busy = false;
        const auto manifest = dialog->manifest(); // OK is only enabled for a valid one
        if (result == QDialog::Accepted && manifest) {
            importFile(path, *manifest);
        } else {
            ++m_failures;
            report(false, tr("%1: not imported (no name and version given).")
                              .arg(QFileInfo(path).fileName()));
            updateActions();
            importNext();
        }
    });
    dialog->open();
}

void FirmwarePage::importFile(const QString &path, const std::optional<FirmwareManifest> &manifest)
{
    const QString fileName = QFileInfo(path).fileName();
    FirmwareCatalog::ImportOptions options;
    options.manifest = manifest;
    runOperation(tr("Importing %1…").arg(fileName), [path, fileName, options](FirmwareCatalog &c) {
        auto imported = c.importFile(path, options);
        if (!imported)
            return Outcome{false, tr("%1: %2").arg(fileName, imported.message()), 0};
        const Release &r = imported->release;
        if (imported->alreadyImported)
            return Outcome{
                true,
                tr("%1 is already in the catalog as %2; nothing changed.").arg(fileName, label(r)),
                r.id};
        return Outcome{true,
                       tr("Imported %1 as %2: %3, %4, a draft in %5.")
                           .arg(fileName, label(r), artifactKindName(r.kind),
                                FirmwareReleaseModel::formatSize(r.size),
                                releaseChannelName(r.channel)),
                       r.id};
    });
}

void FirmwarePage::createSigningKey(const QByteArray &passphrase)
{
    runOperation(tr("Creating the signing key…"), [passphrase](FirmwareCatalog &c) {
        auto key = c.signingKeys().create(passphrase);
        if (!key)
            return Outcome{false, tr("Signing key not created: %1").arg(key.message()), 0};
        return Outcome{true,
                       tr("Created the release-signing key %1. Keep its passphrase safe: "
                          "without it no release can be approved.")
                           .arg(key->fingerprint),
                       0};
    });
}

void FirmwarePage::approve(qint64 id, const QByteArray &passphrase)
{
    runOperation(tr("Approving…"), [id, passphrase](FirmwareCatalog &c) {
        auto r = c.approve(id, passphrase);
        if (!r)
            return Outcome{false, tr("Not approved: %1").arg(r.message()), id};
        return Outcome{true, tr("Approved and signed %1.").arg(label(*r)), id};
    });
}

void FirmwarePage::revoke(qint64 id, const QString &reason)
{
    runOperation(tr("Revoking…"), [id, reason](FirmwareCatalog &c) {
        if (Status s = c.revoke(id, reason); !s)
            return Outcome{false, tr("Not revoked: %1").arg(s.message()), id};
        return Outcome{true, tr("Revoked release %1: %2").arg(id).arg(reason), id};
    });
}

void FirmwarePage::setChannel(qint64 id, ReleaseChannel channel)
{
    runOperation(tr("Changing the channel…"), [id, channel](FirmwareCatalog &c) {
        if (Status s = c.setChannel(id, channel); !s)
            return Outcome{false, tr("Channel not changed: %1").arg(s.message()), id};
        return Outcome{
            true,
            tr("Release %1 is now in the %2 channel.").arg(id).arg(releaseChannelName(channel)),
            id};
    });
}

void FirmwarePage::setKnownGood(qint64 id, bool knownGood)
{
    runOperation(tr("Saving…"), [id, knownGood](FirmwareCatalog &c) {
        if (Status s = c.setKnownGood(id, knownGood); !s)
            return Outcome{false, tr("Not changed: %1").arg(s.message()), id};
        return Outcome{true,
                       knownGood ? tr("Release %1 is marked known good: devices may roll back "
                                      "to it.")
                                       .arg(id)
                                 : tr("Release %1 is no longer marked known good.").arg(id),
                       id};
    });
}

void FirmwarePage::askApproval()
{
    const auto r = selectedRelease();
    if (!r)
        return;
    // One row from signing_keys: quick enough to ask on the GUI thread before the dialog.
    SigningKeyStore keys(m_session.db(), m_session.audit(), m_session.workspace().path());
    auto active = keys.activeKey();
    if (!active) {
        showMessage(false, tr("Cannot read the signing key: %1").arg(active.message()));
        return;
    }
    if (!active.value()) {
        auto *box = new QMessageBox(QMessageBox::Information, tr("Approve release"),
                                    tr("This workspace has no release-signing key yet. Approving "
                                       "signs the release with it, so create one first."),
                                    QMessageBox::Cancel, this);
        box->setObjectName(QStringLiteral("noSigningKeyMessage"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        auto *create = box->addButton(tr("Create signing key…"), QMessageBox::AcceptRole);
        connect(create, &QPushButton::clicked, this, &FirmwarePage::askNewKey);
        box->open();
        return;
    }
    auto *dialog = new PassphraseDialog(
        PassphraseDialog::Mode::Unlock,
        tr("Approving %1 signs it with the workspace's key %2, after which devices may install "
           "it. Enter the key's passphrase:")
            .arg(label(*r), (*active.value()).fingerprint),
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog, id = r->id] { approve(id, dialog->passphrase()); });
    dialog->open();
}

void FirmwarePage::askNewKey()
{
    auto *dialog = new PassphraseDialog(
        PassphraseDialog::Mode::Create,
        tr("The release-signing key is saved encrypted with this passphrase next to the "
           "workspace file. Approving a release asks for it."),
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { createSigningKey(dialog->passphrase()); });
    dialog->open();
}

void FirmwarePage::chooseKeyFile()
{
    auto *files = new QFileDialog(this, tr("Import release-signing key"), QString(),
                                  tr("PEM private keys (*.pem *.key);;All files (*)"));
    files->setObjectName(QStringLiteral("importKeyFileDialog"));
    files->setAttribute(Qt::WA_DeleteOnClose);
    files->setFileMode(QFileDialog::ExistingFile);
    connect(files, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QFile file(path);
        // A PEM key is a few hundred bytes; anything far larger is not one.
        if (!file.open(QIODevice::ReadOnly) || file.size() > 64 * 1024) {
            report(false, tr("Cannot use %1 as a key file: %2")
                              .arg(QFileInfo(path).fileName(),
                                   file.isOpen() ? tr("it is too large") : file.errorString()));
            return;
        }
        const QByteArray pem = file.readAll();
        const auto askNew = [this, pem](const QByteArray &filePassphrase) {
            auto *dialog = new PassphraseDialog(
                PassphraseDialog::Mode::Create,
                tr("The imported key is saved encrypted with this passphrase next to the "
                   "workspace file. Approving a release asks for it."),
                this);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, dialog, pem, filePassphrase] {
                importSigningKey(pem, filePassphrase, dialog->passphrase());
            });
            dialog->open();
        };
        if (!pem.contains("ENCRYPTED")) {
            askNew({});
            return;
        }
        auto *unlock = new PassphraseDialog(PassphraseDialog::Mode::Unlock,
                                            tr("The key file is encrypted: its passphrase?"), this);
        unlock->setAttribute(Qt::WA_DeleteOnClose);
        connect(unlock, &QDialog::accepted, this,
                [unlock, askNew] { askNew(unlock->passphrase()); });
        unlock->open();
    });
    files->open();
}

void FirmwarePage::importSigningKey(const QByteArray &pem, const QByteArray &filePassphrase,
                                    const QByteArray &passphrase)
{
    runOperation(
        tr("Importing the signing key…"), [pem, filePassphrase, passphrase](FirmwareCatalog &c) {
            auto key = c.signingKeys().importPem(pem, filePassphrase, passphrase);
            if (!key)
                return Outcome{false, tr("Signing key not imported: %1").arg(key.message()), 0};
            return Outcome{true,
                           tr("Imported the release-signing key %1. Keep its new passphrase safe.")
                               .arg(key->fingerprint),
                           0};
        });
}

void FirmwarePage::askRevocation()
{
    const auto r = selectedRelease();
    if (!r)
        return;
    Prompts::askText(this, QStringLiteral("revokeReasonDialog"), tr("Revoke release"),
                     tr("Devices will no longer be offered %1. Why is it revoked?").arg(label(*r)),
                     QString(), [this, id = r->id](const QString &reason) {
                         if (reason.trimmed().isEmpty()) {
                             showMessage(false, tr("Not revoked: give a reason."));
                             return;
                         }
                         revoke(id, reason.trimmed());
                     });
}

void FirmwarePage::toggleKnownGood()
{
    if (const auto r = selectedRelease())
        setKnownGood(r->id, !r->knownGood);
}

void FirmwarePage::dragEnterEvent(QDragEnterEvent *event)
{
    if (!m_session.workspace().isReadOnly() && !localFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void FirmwarePage::dropEvent(QDropEvent *event)
{
    const QStringList paths = localFiles(event->mimeData());
    if (paths.isEmpty() || m_session.workspace().isReadOnly())
        return;
    event->acceptProposedAction();
    importFiles(paths);
}

} // namespace fleet
