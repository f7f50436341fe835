#include "DeviceDriftPanel.h"

#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "common/Prompts.h"
#include "inventory/Device.h"
#include "rollout/DriftActions.h"
#include "storage/SqliteStatement.h"
#include "storage/WorkspaceSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace fleet {

DeviceDriftPanel::DeviceDriftPanel(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_text(new QLabel(this))
    , m_accept(new QPushButton(tr("Accept the reported version…"), this))
    , m_retarget(new QPushButton(tr("Re-target…"), this))
{
    setObjectName(QStringLiteral("deviceDriftPanel"));
    m_accept->setObjectName(QStringLiteral("acceptReportedButton"));
    m_retarget->setObjectName(QStringLiteral("retargetButton"));
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_accept->setToolTip(tr("The device is right: what it runs becomes what it is assigned."));
    m_retarget->setToolTip(tr("The server is right: send the assigned release to it again."));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_accept);
    buttons->addWidget(m_retarget);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    connect(m_accept, &QPushButton::clicked, this, [this] { ask(Action::AcceptReported); });
    connect(m_retarget, &QPushButton::clicked, this, [this] { ask(Action::Retarget); });
    setVisible(false);
}

void DeviceDriftPanel::setDevice(const Device &device)
{
    m_deviceId = device.id;
    m_uid = device.uid;
    reload();
}

void DeviceDriftPanel::reload()
{
    // A device has at most five findings on an indexed key: fine on this thread.
    QStringList lines;
    QString assigned;
    QString reported;
    if (m_deviceId > 0) {
        auto s = m_session.db().prepare(QStringLiteral(
            "SELECT d.fw_assigned, d.fw_version, f.sentence FROM device_drift f JOIN devices d "
            "ON d.id = f.device_id WHERE f.device_id = ? ORDER BY f.kind"));
        if (s) {
            s->bindAll({m_deviceId});
            while (s->next()) {
                assigned = s->text(0);
                reported = s->text(1);
                lines << QStringLiteral("• ") + s->text(2);
            }
        }
    }
    setVisible(!lines.isEmpty());
    if (lines.isEmpty())
        return;
    m_text->setText(tr("Drift: assigned %1, reports %2.\n%3")
                        .arg(assigned.isEmpty() ? tr("nothing") : assigned,
                             reported.isEmpty() ? tr("nothing") : reported,
                             lines.join(QLatin1Char('\n'))));
    const bool writable = !m_session.workspace().isReadOnly();
    m_accept->setEnabled(writable && !m_busy && !reported.isEmpty());
    m_retarget->setEnabled(writable && !m_busy && !assigned.isEmpty());
}

void DeviceDriftPanel::ask(Action action)
{
    const QString title =
        action == Action::AcceptReported ? tr("Accept the reported version") : tr("Re-target");
    Prompts::askText(this, QStringLiteral("driftReasonPrompt"), title,
                     tr("Why (for the audit trail):"), QString(),
                     [this, action](const QString &reason) {
                         if (reason.trimmed().isEmpty()) {
                             emit failed(tr("A reason is needed for the audit trail."));
                             return;
                         }
                         run(action, reason);
                     });
}

void DeviceDriftPanel::run(Action action, const QString &reason)
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        emit failed(opened.message());
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    m_busy = true;
    reload();
    const QString uid = m_uid;
    struct Outcome
    {
        bool ok = false;
        QString text;
    };
    BackgroundTask::run(
        this,
        [bs, uid, action, reason]() {
            DriftActions actions(bs->db(), bs->audit(), bs->audit().clock());
            if (action == Action::AcceptReported) {
                auto accepted = actions.acceptReported(uid, reason);
                return accepted ? Outcome{true, QStringLiteral("%1 is now assigned %2.")
                                                    .arg(uid, accepted.value())}
                                : Outcome{false, accepted.message()};
            }
            auto job = actions.retarget(uid, reason);
            return job ? Outcome{true, QStringLiteral("%1 gets %2 again (job %3).")
                                           .arg(uid, job->targetVersion, job->jobId)}
                       : Outcome{false, job.message()};
        },
        [this](const Outcome &outcome) {
            m_busy = false;
            reload();
            if (outcome.ok)
                emit settled(outcome.text);
            else
                emit failed(outcome.text);
        });
}

} // namespace fleet
