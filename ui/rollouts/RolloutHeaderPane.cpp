#include "RolloutHeaderPane.h"

#include <QDateTime>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace fleet {

namespace {

QString utc(const std::optional<qint64> &ms)
{
    if (!ms)
        return {};
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QLabel *valueLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

RolloutHeaderPane::RolloutHeaderPane(QWidget *parent)
    : QWidget(parent)
    , m_title(valueLabel(this, QStringLiteral("rolloutTitle")))
    , m_release(valueLabel(this, QStringLiteral("rolloutRelease")))
    , m_gate(valueLabel(this, QStringLiteral("rolloutGate")))
    , m_approval(valueLabel(this, QStringLiteral("rolloutApproval")))
    , m_windows(valueLabel(this, QStringLiteral("rolloutWindows")))
    , m_times(valueLabel(this, QStringLiteral("rolloutTimes")))
{
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setHorizontalSpacing(10);
    form->setVerticalSpacing(2);
    form->addRow(tr("Release:"), m_release);
    form->addRow(tr("Test gate:"), m_gate);
    form->addRow(tr("Approval:"), m_approval);
    form->addRow(tr("Windows:"), m_windows);
    form->addRow(tr("Times:"), m_times);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_title);
    layout->addLayout(form);
    clear();
}

void RolloutHeaderPane::clear()
{
    m_title->setText(tr("No rollout selected"));
    for (QLabel *l : {m_release, m_gate, m_approval, m_windows, m_times})
        l->clear();
}

void RolloutHeaderPane::setStatus(const RolloutStatus &status, const QByteArray &zone)
{
    const StoredRollout &r = status.rollout;
    const WaveCounts &t = status.total;
    m_title->setText(tr("%1 — %2, %3/%4 succeeded")
                         .arg(r.name, RolloutStates::displayName(r.state))
                         .arg(t.succeeded)
                         .arg(t.total()));
    m_release->setText(
        tr("%1 %2, SHA-256 %3…")
            .arg(status.releaseName, status.releaseVersion, status.releaseSha256.left(16)));
    m_release->setToolTip(status.releaseSha256);

    QStringList gate;
    if (status.testGatePassed)
        gate << tr("passed");
    else
        gate << tr("not passed: no signed test pass for this artifact yet");
    for (const TestPassRecord &p : status.testPasses) {
        if (!p.verified)
            continue;
        gate << tr("%1 signed by %2 on %3 (key %4)")
                    .arg(TestPassRecord::sourceName(p.source), p.recordedBy, utc(p.recordedMs),
                         p.keyFingerprint.left(12));
        break; // the newest verified record opens the gate; the export lists them all
    }
    m_gate->setText(gate.join(QStringLiteral(" — ")));
    m_gate->setStyleSheet(status.testGatePassed ? QStringLiteral("color: #1e5631;")
                                                : QStringLiteral("color: #8a5a00;"));
    QStringList passTips;
    for (const TestPassRecord &p : status.testPasses)
        passTips << tr("%1: %2 (%3)")
                        .arg(TestPassRecord::sourceName(p.source), p.summary,
                             p.verified ? tr("signature verifies")
                                        : tr("signature does NOT verify"));
    m_gate->setToolTip(passTips.join(QLatin1Char('\n')));

    if (!r.approvedBy.isEmpty())
        m_approval->setText(tr("approved by %1").arg(r.approvedBy));
    else if (r.state == RolloutState::WaitingForApproval)
        m_approval->setText(tr("waiting for a second operator (created by %1)").arg(r.createdBy));
    else if (r.plan.requireApproval)
        m_approval->setText(tr("required, not given yet (created by %1)").arg(r.createdBy));
    else
        m_approval->setText(tr("not required (created by %1)").arg(r.createdBy));

    QStringList windows;
    for (const MaintenanceWindow &w : r.plan.windows)
        windows << w.toString();
    if (windows.isEmpty())
        m_windows->setText(tr("none: devices start any time"));
    else
        m_windows->setText(tr("%1 (%2 time)%3")
                               .arg(windows.join(QStringLiteral("; ")), QString::fromUtf8(zone),
                                    r.windowsOverridden
                                        ? tr(" — OVERRIDDEN: devices start any time")
                                        : QString()));
    m_windows->setStyleSheet(r.windowsOverridden ? QStringLiteral("color: #8a5a00;") : QString());

    QStringList times{tr("created %1 by %2").arg(utc(r.createdMs), r.createdBy)};
    if (r.startAtMs && !r.startedMs)
        times << tr("scheduled for %1").arg(utc(r.startAtMs));
    if (r.startedMs)
        times << tr("started %1").arg(utc(r.startedMs));
    if (r.finishedMs)
        times << tr("finished %1").arg(utc(r.finishedMs));
    if (status.excludedCount > 0)
        times << tr("%n device(s) excluded", nullptr, int(status.excludedCount));
    m_times->setText(times.join(QStringLiteral(", ")) + QStringLiteral(" (UTC)"));
}

} // namespace fleet
