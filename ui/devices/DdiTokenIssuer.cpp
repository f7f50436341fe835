#include "DdiTokenIssuer.h"

#include "DdiTokenDialog.h"
#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "ddi/DdiCredentialStore.h"
#include "ddi/DdiTokenService.h"
#include "inventory/DeviceRepository.h"
#include "storage/WorkspaceSession.h"

#include <QMessageBox>
#include <QPushButton>

namespace fleet {

namespace {
struct IssueOutcome
{
    bool ok = false;
    QString message;
    IssuedDdiToken token;
};
} // namespace

DdiTokenIssuer::DdiTokenIssuer(WorkspaceSession &session, QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
{}

QMessageBox *DdiTokenIssuer::ask(const QString &deviceUid)
{
    // Two indexed reads: quick enough for the GUI thread, and the question says what happens.
    bool hasToken = false;
    auto id = DeviceRepository(m_session.db()).idForUid(deviceUid);
    if (id && id.value()) {
        auto credential = DdiCredentialStore(m_session.db()).targetCredential(*id.value());
        hasToken = credential && credential.value().has_value();
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("DDI token"),
                                hasToken ? tr("Replace the DDI token of %1?").arg(deviceUid)
                                         : tr("Create a DDI token for %1?").arg(deviceUid),
                                QMessageBox::Cancel, m_window);
    box->setObjectName(QStringLiteral("ddiTokenConfirmation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(
        hasToken ? tr("The token it has now stops working at once: the device cannot reach the "
                      "update server until its client is given the new token.")
                 : tr("The device then updates through the update server: releases assigned to "
                      "it become updates its DDI client fetches. The token is shown once."));
    QPushButton *confirm = box->addButton(hasToken ? tr("Replace token") : tr("Create token"),
                                          QMessageBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("confirmTokenButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(confirm, &QPushButton::clicked, this, [this, deviceUid] { issue(deviceUid); });
    box->open();
    return box;
}

DdiTokenDialog *DdiTokenIssuer::tokenDialog() const
{
    return m_dialog;
}

void DdiTokenIssuer::issue(const QString &deviceUid)
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        emit failed(tr("Cannot open the workspace: %1").arg(opened.message()));
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    BackgroundTask::run(
        this,
        [bs, deviceUid] {
            IssueOutcome outcome;
            auto issued = DdiTokenService(bs->db(), bs->audit()).issueDeviceToken(deviceUid);
            outcome.ok = issued.ok();
            if (issued)
                outcome.token = issued.value();
            else
                outcome.message = issued.message();
            return outcome;
        },
        [this, deviceUid](const IssueOutcome &outcome) {
            if (!outcome.ok) {
                emit failed(
                    tr("No DDI token was created for %1: %2").arg(deviceUid, outcome.message));
                return;
            }
            if (m_dialog)
                m_dialog->close();
            m_dialog = new DdiTokenDialog(deviceUid, outcome.token, m_window);
            m_dialog->setAttribute(Qt::WA_DeleteOnClose);
            m_dialog->open();
            emit issued(deviceUid);
        });
}

} // namespace fleet
