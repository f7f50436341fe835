#include "AssignReleaseDialog.h"

#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "ddi/UpdateServerSettings.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "inventory/SavedFilters.h"
#include "storage/WorkspaceSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace fleet {

namespace {
Q_LOGGING_CATEGORY(lcAssign, "fleet.ui.assign")

// The devices of an assignment: the typed ids and the filter's current members, each once.
fleet::Result<QList<qint64>> resolveDevices(BackgroundSession &bs, const QStringList &uids,
                                            const QString &filterName)
{
    QList<qint64> ids;
    if (!uids.isEmpty()) {
        auto named = bs.inventory().idsForUids(uids);
        if (!named)
            return named.error();
        ids << named.value();
    }
    if (!filterName.isEmpty()) {
        SavedFilters filters(bs.db(), bs.audit());
        auto filter = filters.get(filterName);
        if (!filter)
            return filter.error();
        auto matching = DeviceQuery(filter.value(), DeviceColumns::Uid, false).ids(bs.db());
        if (!matching)
            return matching.error();
        if (matching->isEmpty() && ids.isEmpty())
            return Error::notFound(
                AssignReleaseDialog::tr("The saved filter '%1' matches no device now.")
                    .arg(filterName));
        for (qint64 id : matching.value())
            if (!ids.contains(id))
                ids << id;
    }
    return ids;
}

} // namespace

AssignReleaseDialog::AssignReleaseDialog(WorkspaceSession &session, const Release &release,
                                         QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_release(release)
    , m_filter(new QComboBox(this))
    , m_uids(new QPlainTextEdit(this))
    , m_rollback(new QCheckBox(tr("&Roll back: install this older release on purpose"), this))
    , m_reason(new QLineEdit(this))
    , m_skipRefused(new QCheckBox(tr("&Skip devices that may not take it and assign to the "
                                     "others"),
                                  this))
    , m_hint(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_outcome(new QPlainTextEdit(this))
    , m_assign(new QPushButton(tr("&Assign"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
{
    setObjectName(QStringLiteral("assignReleaseDialog"));
    setWindowTitle(tr("Assign %1 %2").arg(release.name, release.version.toString()));

    auto *intro = new QLabel(
        tr("Install %1 %2 (release %3) on devices through the update server: each device gets "
           "an update its DDI client fetches on its next poll. Every device must pass the "
           "install policy and have no unfinished update.")
            .arg(release.name, release.version.toString())
            .arg(release.id),
        this);
    intro->setWordWrap(true);

    m_filter->setObjectName(QStringLiteral("filterCombo"));
    m_filter->addItem(tr("(none)"), QString());
    // A handful of rows: quick enough for the GUI thread.
    auto filters = session.savedFilters().list();
    if (filters) {
        for (const SavedFilters::Entry &entry : filters.value())
            m_filter->addItem(entry.name, entry.name);
    } else {
        qCWarning(lcAssign).noquote() << filters.message();
    }
    m_uids->setObjectName(QStringLiteral("uidsEdit"));
    m_uids->setPlaceholderText(tr("Device ids, one per line (or separated by spaces or commas)"));
    m_uids->setTabChangesFocus(true);
    m_uids->setFixedHeight(m_uids->fontMetrics().lineSpacing() * 5 + 12);
    m_rollback->setObjectName(QStringLiteral("rollbackCheck"));
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setPlaceholderText(tr("Why (recorded in the audit trail)"));
    m_skipRefused->setObjectName(QStringLiteral("skipRefusedCheck"));
    m_hint->setObjectName(QStringLiteral("assignHint"));
    m_hint->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("assignSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->hide();
    m_outcome->setObjectName(QStringLiteral("assignOutcome"));
    m_outcome->setReadOnly(true);
    m_outcome->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_outcome->hide();
    m_assign->setObjectName(QStringLiteral("assignButton"));
    m_assign->setDefault(true);
    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_buttons->addButton(m_assign, QDialogButtonBox::ActionRole);

    auto *form = new QFormLayout;
    form->addRow(tr("Saved &filter:"), m_filter);
    form->addRow(tr("&Devices:"), m_uids);
    form->addRow(m_rollback);
    form->addRow(tr("R&eason:"), m_reason);
    form->addRow(m_skipRefused);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_hint);
    layout->addWidget(m_summary);
    layout->addWidget(m_outcome, 1);
    layout->addWidget(m_buttons);
    resize(560, sizeHint().height());

    connect(m_filter, &QComboBox::currentIndexChanged, this, &AssignReleaseDialog::updateState);
    connect(m_uids, &QPlainTextEdit::textChanged, this, &AssignReleaseDialog::updateState);
    connect(m_rollback, &QCheckBox::toggled, this, &AssignReleaseDialog::updateState);
    connect(m_reason, &QLineEdit::textChanged, this, &AssignReleaseDialog::updateState);
    connect(m_assign, &QPushButton::clicked, this, &AssignReleaseDialog::assign);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateState();
}

QStringList AssignReleaseDialog::typedUids() const
{
    static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    QStringList uids = m_uids->toPlainText().split(separators, Qt::SkipEmptyParts);
    uids.removeDuplicates();
    return uids;
}

void AssignReleaseDialog::updateState()
{
    const bool haveDevices =
        !typedUids().isEmpty() || !m_filter->currentData().toString().isEmpty();
    const bool rollback = m_rollback->isChecked();
    const bool haveReason = !m_reason->text().trimmed().isEmpty();
    const bool writable = !m_session.workspace().isReadOnly();
    m_reason->setEnabled(rollback && !m_busy);
    QString hint;
    if (!writable)
        hint = tr("The workspace is read-only: nothing can be assigned.");
    else if (!haveDevices)
        hint = tr("Choose a saved filter or type the ids of the devices.");
    else if (rollback && !haveReason)
        hint = tr("A rollback needs a reason: it is recorded in the audit trail.");
    else if (m_busy)
        hint = tr("Assigning…");
    m_hint->setText(hint);
    m_hint->setVisible(!hint.isEmpty());
    m_assign->setEnabled(writable && !m_busy && haveDevices && (!rollback || haveReason));
    for (QWidget *w : std::initializer_list<QWidget *>{m_filter, m_uids, m_rollback, m_skipRefused})
        w->setEnabled(!m_busy);
}

void AssignReleaseDialog::assign()
{
    if (!m_assign->isEnabled())
        return;
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        Outcome failed;
        failed.error = tr("Cannot open the workspace: %1").arg(opened.message());
        m_summary->setText(summarize(failed));
        m_summary->show();
        emit finishedAssignment(false, 0, m_summary->text());
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    AssignmentRequest request;
    request.releaseId = m_release.id;
    request.intent =
        m_rollback->isChecked() ? InstallPolicy::Intent::Rollback : InstallPolicy::Intent::Update;
    request.reason = m_rollback->isChecked() ? m_reason->text().trimmed() : QString();
    request.origin = QStringLiteral("fleetdesk");
    request.skipRefused = m_skipRefused->isChecked();
    const QStringList uids = typedUids();
    const QString filterName = m_filter->currentData().toString();
    m_busy = true;
    updateState();
    BackgroundTask::run(
        this,
        [bs, request, uids, filterName]() mutable {
            Outcome outcome;
            auto ids = resolveDevices(*bs, uids, filterName);
            if (!ids) {
                outcome.error = ids.message();
                return outcome;
            }
            request.deviceIds = ids.value();
            // MQTT devices download through the update server's public URL, when one is set.
            auto server = UpdateServerSettingsStore(bs->db(), bs->audit()).load();
            if (server) {
                request.tenant = server->tenant;
                if (!server->publicUrl.isEmpty())
                    request.artifactBaseUrl = QUrl(server->publicUrl);
            }
            ReleaseAssigner assigner(bs->db(), bs->audit());
            auto assigned = assigner.assign(request);
            if (!assigned) {
                outcome.error = assigned.message();
                return outcome;
            }
            outcome.ok = true;
            outcome.assigned = assigned->assigned;
            outcome.refused = assigned->refused;
            return outcome;
        },
        [this](const Outcome &outcome) {
            m_busy = false;
            updateState();
            const QString summary = summarize(outcome);
            m_summary->setText(summary);
            m_summary->setStyleSheet(outcome.ok && !outcome.assigned.isEmpty()
                                         ? QStringLiteral("color: #1e4620;")
                                         : QStringLiteral("color: #7a1a12;"));
            m_summary->show();
            const QString lines = details(outcome);
            m_outcome->setPlainText(lines);
            m_outcome->setVisible(!lines.isEmpty());
            if (!outcome.ok)
                qCWarning(lcAssign).noquote() << outcome.error;
            emit finishedAssignment(outcome.ok, int(outcome.assigned.size()), summary);
        });
}

QString AssignReleaseDialog::summarize(const Outcome &o)
{
    if (!o.ok) {
        // ReleaseAssigner's refusal of the whole request lists the devices on its next lines.
        const QString first = o.error.section(QLatin1Char('\n'), 0, 0);
        return tr("Nothing was assigned: %1").arg(first);
    }
    const int assigned = int(o.assigned.size());
    const int refused = int(o.refused.size());
    QString text = assigned == 0   ? tr("Nothing was assigned.")
                   : assigned == 1 ? tr("Assigned to 1 device: it fetches the update on its next "
                                        "poll.")
                                   : tr("Assigned to %1 devices: they fetch the update on their "
                                        "next poll.")
                                         .arg(assigned);
    if (refused == 1)
        text += QLatin1Char(' ') + tr("1 device was skipped.");
    else if (refused > 1)
        text += QLatin1Char(' ') + tr("%1 devices were skipped.").arg(refused);
    return text;
}

QString AssignReleaseDialog::details(const Outcome &o)
{
    QStringList lines;
    if (!o.ok) {
        lines = o.error.split(QLatin1Char('\n')).mid(1);
        return lines.join(QLatin1Char('\n'));
    }
    for (const Job &job : o.assigned)
        lines << tr("%1: assigned (job %2, %3 to %4)")
                     .arg(job.deviceUid, job.jobId, job.kind, job.targetVersion);
    for (const AssignmentRefusal &r : o.refused)
        lines
            << tr("%1: skipped because %2").arg(r.deviceUid, r.reasons.join(QStringLiteral("; ")));
    return lines.join(QLatin1Char('\n'));
}

} // namespace fleet
