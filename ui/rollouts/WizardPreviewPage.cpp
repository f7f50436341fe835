#include "WizardPreviewPage.h"

#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "common/TableLook.h"
#include "rollout/RolloutService.h"
#include "storage/WorkspaceSession.h"
#include "util/Clock.h"

#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QTimer>
#include <QVBoxLayout>
#include <QWizard>

namespace fleet {

namespace {

Q_LOGGING_CATEGORY(lcWizard, "fleet.ui.rolloutwizard")

// The time the preview starts from when the page is first shown: now, to the minute (the
// forecast works in whole minutes, and a start with seconds reads as noise).
QDateTime wholeMinute(const QDateTime &t)
{
    const qint64 ms = t.toMSecsSinceEpoch();
    return QDateTime::fromMSecsSinceEpoch(ms - ms % 60'000, Qt::UTC);
}

QTableWidgetItem *cell(const QString &text, const QString &toolTip = {})
{
    auto *item = new QTableWidgetItem(text);
    if (!toolTip.isEmpty())
        item->setToolTip(toolTip);
    return item;
}

QString reasonsText(const TargetingExclusion &e)
{
    QStringList parts;
    for (const TargetingReason &r : e.reasons)
        parts << r.text;
    return parts.join(QStringLiteral("; "));
}

// "1 device", "3 devices": the wizard has no translations yet, and "device(s)" reads badly.
QString counted(qint64 n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

struct CreateOutcome
{
    qint64 id = 0;
    QString error;
};

} // namespace

WizardPreviewOutcome WizardPreviewOutcome::compute(BackgroundSession &session,
                                                   const WizardPreviewRequest &request)
{
    WizardPreviewOutcome out;
    out.spec = request.spec;
    if (!request.problem.isEmpty()) {
        out.error = request.problem;
        return out;
    }
    if (!request.waveGroups.isEmpty()) {
        auto groups = RolloutPreview::waveGroups(session.db(), request.waveGroups);
        if (!groups) {
            out.error = groups.message();
            return out;
        }
        auto split = WaveSplit::byGroup(groups.value());
        if (!split) {
            out.error = WizardPreviewPage::tr("Waves by group: %1").arg(split.message());
            return out;
        }
        out.spec.split = split.value();
    }
    auto targets = request.targets.resolveTargets(session);
    if (!targets) {
        out.error = targets.message();
        return out;
    }
    out.targetIds = targets.value();
    auto pilot = request.targets.resolvePilot(session);
    if (!pilot) {
        out.error = pilot.message();
        return out;
    }
    out.pilotIds = pilot.value();
    auto preview = RolloutPreview::compute(session.db(), request.releaseId, out.targetIds,
                                           out.pilotIds, out.spec, request.start);
    if (!preview) {
        out.error = preview.message();
        return out;
    }
    out.preview = preview.value();
    return out;
}

WizardPreviewPage::WizardPreviewPage(WorkspaceSession &session, QWidget *parent)
    : QWizardPage(parent)
    , m_session(session)
    , m_start(new QDateTimeEdit(this))
    , m_summary(new QLabel(this))
    , m_timeline(new QTableWidget(0, 7, this))
    , m_excluded(new QTableWidget(0, 2, this))
    , m_excludedTitle(new QLabel(this))
    , m_name(new QLineEdit(this))
    , m_reason(new QLineEdit(this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("wizardPreviewPage"));
    setTitle(tr("Preview"));
    setSubTitle(tr("The waves and when they are expected to run, assuming every device "
                   "succeeds, and the devices left out. Nothing is sent to a device until the "
                   "rollout is started."));
    m_start->setObjectName(QStringLiteral("previewStartEdit"));
    m_start->setTimeSpec(Qt::UTC);
    m_start->setDisplayFormat(QStringLiteral("ddd yyyy-MM-dd HH:mm 'UTC'"));
    m_start->setCalendarPopup(true);
    m_start->setToolTip(tr("When the rollout would start; the timeline is projected from here"));
    m_summary->setObjectName(QStringLiteral("previewSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_timeline->setObjectName(QStringLiteral("timelineTable"));
    m_timeline->setHorizontalHeaderLabels({tr("Wave"), tr("Devices"), tr("Starts (local)"),
                                           tr("Starts (UTC)"), tr("Ends (local)"), tr("Ends (UTC)"),
                                           tr("Notes")});
    m_timeline->horizontalHeaderItem(StartLocal)
        ->setToolTip(tr("In the sites' time zone when every device of the wave is at sites in "
                        "one zone, else in this computer's time zone"));
    TableLook::apply(m_timeline);
    m_timeline->horizontalHeader()->setStretchLastSection(true);
    m_timeline->verticalHeader()->hide();
    m_excluded->setObjectName(QStringLiteral("excludedTable"));
    m_excluded->setHorizontalHeaderLabels({tr("Device"), tr("Why it is left out")});
    TableLook::apply(m_excluded);
    m_excluded->horizontalHeader()->setStretchLastSection(true);
    m_excluded->verticalHeader()->hide();
    m_excluded->setColumnWidth(0, 150);
    m_excludedTitle->setObjectName(QStringLiteral("excludedTitle"));

    m_name->setObjectName(QStringLiteral("rolloutNameEdit"));
    m_name->setMaxLength(128);
    m_reason->setObjectName(QStringLiteral("rolloutReasonEdit"));
    m_reason->setPlaceholderText(tr("Why this rollout (recorded in the audit trail)"));
    m_status->setObjectName(QStringLiteral("previewStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    auto *startRow = new QHBoxLayout;
    startRow->addWidget(new QLabel(tr("If started at:"), this));
    startRow->addWidget(m_start);
    startRow->addStretch(1);

    auto *timelineBox = new QWidget(this);
    auto *timelineLayout = new QVBoxLayout(timelineBox);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addWidget(new QLabel(tr("Projected timeline:"), timelineBox));
    timelineLayout->addWidget(m_timeline);
    auto *excludedBox = new QWidget(this);
    auto *excludedLayout = new QVBoxLayout(excludedBox);
    excludedLayout->setContentsMargins(0, 0, 0, 0);
    excludedLayout->addWidget(m_excludedTitle);
    excludedLayout->addWidget(m_excluded);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(timelineBox);
    split->addWidget(excludedBox);
    split->setChildrenCollapsible(false);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Reason:"), m_reason);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(startRow);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addLayout(form);
    layout->addWidget(m_status);

    // Typing a start time changes it minute by minute: wait for a pause before recomputing.
    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(300);
    connect(debounce, &QTimer::timeout, this, &WizardPreviewPage::computePreview);
    connect(m_start, &QDateTimeEdit::dateTimeChanged, debounce, qOverload<>(&QTimer::start));
    connect(m_name, &QLineEdit::textChanged, this, &WizardPreviewPage::completeChanged);
    connect(m_reason, &QLineEdit::textChanged, this, &WizardPreviewPage::completeChanged);
}

void WizardPreviewPage::setRequest(const WizardPreviewRequest &request, const QString &defaultName)
{
    m_request = request;
    if (m_name->text().trimmed().isEmpty())
        m_name->setText(defaultName);
}

void WizardPreviewPage::initializePage()
{
    if (!m_startChosen) {
        m_startChosen = true;
        const QSignalBlocker quiet(m_start);
        m_start->setDateTime(wholeMinute(m_session.clock().nowUtc()));
    }
    // The name is proposed; the reason is what is left to type. After QWizard has placed the
    // focus on the page's first field, the start time, which would read as selected.
    QTimer::singleShot(0, m_reason, [reason = m_reason] { reason->setFocus(); });
    computePreview();
}

void WizardPreviewPage::cleanupPage()
{
    // Back: a preview still running answers a question nobody asks any more.
    ++m_generation;
    m_busy = false;
    m_haveOutcome = false;
}

bool WizardPreviewPage::isComplete() const
{
    return !m_busy && m_haveOutcome && m_outcome.error.isEmpty() &&
           m_outcome.preview.hasPlannedDevices() && !m_name->text().trimmed().isEmpty() &&
           !m_reason->text().trimmed().isEmpty();
}

void WizardPreviewPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #7a1a12;") : QString());
    m_status->setVisible(!text.isEmpty());
}

void WizardPreviewPage::computePreview()
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        setStatus(tr("Cannot open the workspace: %1").arg(opened.message()), true);
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    WizardPreviewRequest request = m_request;
    request.start = m_start->dateTime().toUTC();
    const int generation = ++m_generation;
    m_busy = true;
    m_haveOutcome = false;
    m_summary->setText(tr("Computing the preview…"));
    setStatus(QString(), false);
    emit completeChanged();
    BackgroundTask::run(
        this, [bs, request] { return WizardPreviewOutcome::compute(*bs, request); },
        [this, generation](const WizardPreviewOutcome &outcome) {
            if (generation != m_generation)
                return;
            m_busy = false;
            m_haveOutcome = true;
            m_outcome = outcome;
            showOutcome();
            emit completeChanged();
        });
}

QString WizardPreviewPage::localText(const QDateTime &t, const QString &zone)
{
    if (!t.isValid())
        return QStringLiteral("-");
    const QTimeZone tz = zone.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(zone.toUtf8());
    const QDateTime local = t.toTimeZone(tz.isValid() ? tz : QTimeZone::utc());
    // No year: the table is read across a week or two; the summary above has the full date.
    return local.toString(QStringLiteral("ddd d MMM HH:mm ")) + tz.abbreviation(local);
}

QString WizardPreviewPage::utcText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("ddd d MMM HH:mm")) : tr("-");
}

void WizardPreviewPage::showOutcome()
{
    m_timeline->setRowCount(0);
    m_excluded->setRowCount(0);
    if (!m_outcome.error.isEmpty()) {
        m_summary->setText(tr("No preview."));
        m_excludedTitle->setText(tr("Left out:"));
        setStatus(tr("The rollout cannot be planned: %1").arg(m_outcome.error), true);
        qCWarning(lcWizard).noquote() << m_outcome.error;
        return;
    }
    const RolloutPreview &p = m_outcome.preview;
    const QString release = tr("%1 %2").arg(p.release.name, p.release.version.toString());
    if (!p.hasPlannedDevices()) {
        m_summary->setText(
            tr("No device of %1 can take %2.").arg(m_request.targets.describe(), release));
        setStatus(tr("There is nothing to roll out: every device is left out (see below)."), true);
    } else {
        QStringList lines;
        lines << tr("%1 goes to %2 in %3; %4 left out.")
                     .arg(release, counted(p.plannedDeviceCount(), tr("device"), tr("devices")),
                          counted(p.timeline.size(), tr("wave"), tr("waves")),
                          counted(p.excluded.size(), tr("device is"), tr("devices are")));
        const QDateTime end = p.forecast.end();
        if (!end.isValid())
            lines << tr("No device can be scheduled in the next %1 days.")
                         .arg(p.settings.horizonDays);
        else if (QTimeZone::systemTimeZone().offsetFromUtc(end) == 0)
            lines << tr("Expected to be done %1 UTC.")
                         .arg(end.toUTC().toString(QStringLiteral("ddd yyyy-MM-dd HH:mm")));
        else
            lines << tr("Expected to be done %1 (%2 UTC).")
                         .arg(end.toLocalTime().toString(QStringLiteral("ddd yyyy-MM-dd HH:mm")),
                              end.toUTC().toString(QStringLiteral("HH:mm")));
        lines << (p.windows.isEmpty() ? tr("No maintenance window: devices may start at any hour.")
                                      : tr("Maintenance windows (each site's time): %1")
                                            .arg(p.windows.join(QStringLiteral("; "))));
        m_summary->setText(lines.join(QLatin1Char('\n')));
        if (p.forecast.notScheduledCount() > 0)
            setStatus(tr("%1 device(s) cannot be scheduled within %2 days (see Notes).")
                          .arg(p.forecast.notScheduledCount())
                          .arg(p.settings.horizonDays),
                      true);
    }

    m_timeline->setRowCount(int(p.timeline.size()));
    for (int row = 0; row < p.timeline.size(); ++row) {
        const WaveTimeline &w = p.timeline.at(row);
        QStringList notes;
        if (w.isPilot)
            notes << tr("the waves wait for it to pass");
        if (!w.notScheduled.isEmpty())
            notes << tr("%1 not schedulable: %2")
                         .arg(w.notScheduled.size())
                         .arg(w.notScheduled.first().reason);
        if (!w.withoutWindow.isEmpty())
            notes << tr("%1 without a site window, may start at any hour")
                         .arg(w.withoutWindow.size());
        const QString zoneNote = w.sharedTimeZone.isEmpty()
                                     ? tr("This computer's time zone: the wave's devices are not "
                                          "all at sites in one zone")
                                     : tr("The sites' time zone, %1").arg(w.sharedTimeZone);
        constexpr qsizetype kNamed = 30;
        QString devices = w.deviceUids.mid(0, kNamed).join(QStringLiteral(", "));
        if (w.deviceUids.size() > kNamed)
            devices += tr(" and %1 more").arg(w.deviceUids.size() - kNamed);
        m_timeline->setItem(row, Wave, cell(w.name));
        m_timeline->setItem(row, Devices, cell(QString::number(w.deviceUids.size()), devices));
        m_timeline->setItem(row, StartLocal,
                            cell(localText(w.firstStart, w.sharedTimeZone), zoneNote));
        m_timeline->setItem(row, StartUtc, cell(utcText(w.firstStart)));
        m_timeline->setItem(row, EndLocal,
                            cell(localText(w.lastFinish, w.sharedTimeZone), zoneNote));
        m_timeline->setItem(row, EndUtc, cell(utcText(w.lastFinish)));
        const QString notesText = notes.join(QStringLiteral("; "));
        m_timeline->setItem(row, Notes, cell(notesText, notesText));
        m_timeline->item(row, Devices)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    m_timeline->resizeColumnsToContents();
    m_timeline->horizontalHeader()->setStretchLastSection(true);

    m_excludedTitle->setText(p.excluded.isEmpty()
                                 ? tr("No device is left out.")
                                 : tr("Left out (%1), with why:").arg(p.excluded.size()));
    m_excluded->setRowCount(int(p.excluded.size()));
    for (int row = 0; row < p.excluded.size(); ++row) {
        const TargetingExclusion &e = p.excluded.at(row);
        QStringList kinds;
        for (const TargetingReason &r : e.reasons)
            kinds << TargetingReason::kindName(r.kind);
        m_excluded->setItem(row, 0, cell(e.deviceUid));
        m_excluded->setItem(
            row, 1,
            cell(reasonsText(e),
                 QStringLiteral("%1 (%2)").arg(reasonsText(e), kinds.join(QStringLiteral(", ")))));
    }
}

bool WizardPreviewPage::validatePage()
{
    if (m_createdId > 0)
        return true;
    if (isComplete())
        create();
    return false;
}

void WizardPreviewPage::create()
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        setStatus(tr("Cannot open the workspace: %1").arg(opened.message()), true);
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    const Clock *clock = &m_session.clock();
    const QString name = m_name->text().trimmed();
    const QString reason = m_reason->text().trimmed();
    const WizardPreviewOutcome from = m_outcome;
    const qint64 releaseId = m_request.releaseId;
    m_busy = true;
    setStatus(tr("Creating the rollout…"), false);
    emit completeChanged();
    BackgroundTask::run(
        this,
        [bs, clock, name, reason, from, releaseId] {
            CreateOutcome out;
            RolloutService service(bs->db(), bs->audit(), *clock);
            auto created =
                service.create(name, releaseId, from.targetIds, from.pilotIds, from.spec, reason);
            if (created)
                out.id = created->id;
            else
                out.error = created.message();
            return out;
        },
        [this](const CreateOutcome &out) {
            m_busy = false;
            emit completeChanged();
            if (!out.error.isEmpty()) {
                setStatus(tr("The rollout was not created: %1").arg(out.error), true);
                qCWarning(lcWizard).noquote() << out.error;
                return;
            }
            m_createdId = out.id;
            setStatus(tr("Rollout %1 created as a draft.").arg(out.id), false);
            emit created(out.id);
            if (wizard())
                wizard()->accept();
        });
}

} // namespace fleet
