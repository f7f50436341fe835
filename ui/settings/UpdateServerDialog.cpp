#include "UpdateServerDialog.h"

#include "UpdateServerController.h"
#include "common/BackgroundSession.h"
#include "common/BackgroundTask.h"
#include "common/Prompts.h"
#include "storage/WorkspaceSession.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace fleet {

namespace {

struct CertificateOutcome
{
    bool ok = false;
    bool missing = false; // no certificate yet: not an error
    QString message;
    std::optional<ServerTlsIdentity::Info> info;
};

QLabel *valueLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

// What ServerNames::toStrings() says, without OpenSSL's "DNS:"/"IP:" prefixes.
QString namesText(const ServerNames &names)
{
    QStringList all = names.dnsNames;
    for (const QHostAddress &address : names.addresses)
        all << address.toString();
    return all.join(QStringLiteral(", "));
}

} // namespace

UpdateServerDialog::UpdateServerDialog(WorkspaceSession &session,
                                       UpdateServerController &controller, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_controller(controller)
    , m_writable(!session.workspace().isReadOnly())
    , m_enabled(
          new QCheckBox(tr("Start the update server when Fleetdesk opens this workspace"), this))
    , m_port(new QSpinBox(this))
    , m_address(new QLineEdit(this))
    , m_plainHttp(new QCheckBox(tr("Plain HTTP, without TLS (only behind a TLS proxy or on an "
                                   "isolated lab network)"),
                                this))
    , m_publicUrl(new QLineEdit(this))
    , m_pollInterval(new QSpinBox(this))
    , m_tenant(new QLineEdit(this))
    , m_validation(new QLabel(this))
    , m_certSource(valueLabel(this, QStringLiteral("certificateSource")))
    , m_certSubject(valueLabel(this, QStringLiteral("certificateSubject")))
    , m_certNames(valueLabel(this, QStringLiteral("certificateNames")))
    , m_certIssuer(valueLabel(this, QStringLiteral("certificateIssuer")))
    , m_certExpiry(valueLabel(this, QStringLiteral("certificateExpiry")))
    , m_certFingerprint(valueLabel(this, QStringLiteral("certificateFingerprint")))
    , m_export(new QPushButton(tr("Export CA certificate…"), this))
    , m_renew(new QPushButton(tr("Renew certificate"), this))
    , m_serverState(valueLabel(this, QStringLiteral("serverState")))
    , m_start(new QPushButton(tr("Start"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_howTo(valueLabel(this, QStringLiteral("howDevicesConnect")))
    , m_message(valueLabel(this, QStringLiteral("updateServerMessage")))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close, this))
{
    setObjectName(QStringLiteral("updateServerDialog"));
    setWindowTitle(tr("Update server"));

    m_enabled->setObjectName(QStringLiteral("enabledCheck"));
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("any free port"));
    m_address->setObjectName(QStringLiteral("addressEdit"));
    m_address->setPlaceholderText(tr("all addresses"));
    m_plainHttp->setObjectName(QStringLiteral("plainHttpCheck"));
    m_publicUrl->setObjectName(QStringLiteral("publicUrlEdit"));
    m_publicUrl->setPlaceholderText(tr("empty: the address devices use to reach it"));
    m_publicUrl->setToolTip(tr("The URL devices reach the server at, for the links it gives "
                               "them, e.g. https://updates.example.com:8443 (needed behind a "
                               "proxy or NAT)"));
    m_pollInterval->setObjectName(QStringLiteral("pollIntervalSpin"));
    m_pollInterval->setRange(1, int(24 * 3600 - 1));
    m_pollInterval->setSuffix(tr(" s"));
    m_pollInterval->setToolTip(tr("How often devices are told to ask for work"));
    m_tenant->setObjectName(QStringLiteral("tenantEdit"));
    m_validation->setObjectName(QStringLiteral("settingsValidation"));
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: #a61b10;"));
    m_export->setObjectName(QStringLiteral("exportCaButton"));
    m_export->setToolTip(tr("Save the certificate devices must trust (PEM), for their CA "
                            "bundle"));
    m_renew->setObjectName(QStringLiteral("renewCertificateButton"));
    m_renew->setToolTip(tr("Issue a new server certificate from the workspace's local CA for "
                           "this machine's names and addresses (replaces an imported one). "
                           "Restart the server to use it."));
    m_start->setObjectName(QStringLiteral("startButton"));
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_message->setContentsMargins(4, 4, 4, 4);
    m_message->hide();
    m_buttons->setObjectName(QStringLiteral("buttons"));
    m_certFingerprint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *settingsBox = new QGroupBox(tr("Settings"), this);
    auto *form = new QFormLayout(settingsBox);
    form->addRow(m_enabled);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Listen address:"), m_address);
    form->addRow(m_plainHttp);
    form->addRow(tr("P&ublic URL:"), m_publicUrl);
    form->addRow(tr("P&oll interval:"), m_pollInterval);
    form->addRow(tr("&Tenant:"), m_tenant);
    form->addRow(m_validation);

    auto *certBox = new QGroupBox(tr("Server certificate"), this);
    auto *certForm = new QFormLayout(certBox);
    certForm->addRow(tr("Source:"), m_certSource);
    certForm->addRow(tr("Subject:"), m_certSubject);
    certForm->addRow(tr("Names:"), m_certNames);
    certForm->addRow(tr("Issuer:"), m_certIssuer);
    certForm->addRow(tr("Valid until:"), m_certExpiry);
    certForm->addRow(tr("SHA-256:"), m_certFingerprint);
    auto *certButtons = new QHBoxLayout;
    certButtons->addWidget(m_export);
    certButtons->addWidget(m_renew);
    certButtons->addStretch(1);
    certForm->addRow(certButtons);

    auto *serverBox = new QGroupBox(tr("Server"), this);
    auto *serverLayout = new QVBoxLayout(serverBox);
    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_serverState, 1);
    serverRow->addWidget(m_start);
    serverRow->addWidget(m_stop);
    serverLayout->addLayout(serverRow);
    serverLayout->addWidget(m_howTo);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(settingsBox);
    layout->addWidget(certBox);
    layout->addWidget(serverBox);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);
    // Wide enough for the SHA-256 fingerprint on one line.
    resize(std::max(sizeHint().width(), 840), sizeHint().height());

    for (QWidget *field : std::initializer_list<QWidget *>{
             m_enabled, m_port, m_address, m_plainHttp, m_publicUrl, m_pollInterval, m_tenant})
        field->setEnabled(m_writable);
    connect(m_enabled, &QCheckBox::toggled, this, &UpdateServerDialog::fieldsChanged);
    connect(m_plainHttp, &QCheckBox::toggled, this, &UpdateServerDialog::fieldsChanged);
    connect(m_port, &QSpinBox::valueChanged, this, &UpdateServerDialog::fieldsChanged);
    connect(m_pollInterval, &QSpinBox::valueChanged, this, &UpdateServerDialog::fieldsChanged);
    for (QLineEdit *edit : {m_address, m_publicUrl, m_tenant})
        connect(edit, &QLineEdit::textChanged, this, &UpdateServerDialog::fieldsChanged);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (saveSettings())
            showMessage(true, tr("Saved. A running server uses the new settings after a "
                                 "restart (Stop, Start)."));
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_export, &QPushButton::clicked, this, &UpdateServerDialog::chooseExportFile);
    connect(m_renew, &QPushButton::clicked, this, &UpdateServerDialog::renewCertificate);
    connect(m_start, &QPushButton::clicked, this, &UpdateServerDialog::startServer);
    connect(m_stop, &QPushButton::clicked, &m_controller, &UpdateServerController::stop);
    connect(&m_controller, &UpdateServerController::stateChanged, this,
            &UpdateServerDialog::updateServerState);
    connect(&m_controller, &UpdateServerController::countersChanged, this,
            &UpdateServerDialog::updateServerState);

    // One row of workspace_settings: quick enough for the GUI thread.
    auto stored = UpdateServerSettingsStore(session.db(), session.audit()).load();
    if (stored) {
        setSettings(stored.value());
    } else {
        setSettings(UpdateServerSettings{});
        showMessage(false, stored.message());
    }
    updateServerState();
    showCertificate();
    reloadCertificate();
}

UpdateServerSettings UpdateServerDialog::settings() const
{
    UpdateServerSettings s;
    s.enabled = m_enabled->isChecked();
    s.port = m_port->value();
    s.listenAddress = m_address->text().trimmed();
    s.plainHttp = m_plainHttp->isChecked();
    s.publicUrl = m_publicUrl->text().trimmed();
    s.pollIntervalSeconds = m_pollInterval->value();
    s.tenant = m_tenant->text().trimmed();
    return s;
}

void UpdateServerDialog::setSettings(const UpdateServerSettings &s)
{
    m_enabled->setChecked(s.enabled);
    m_port->setValue(s.port);
    m_address->setText(s.listenAddress);
    m_plainHttp->setChecked(s.plainHttp);
    m_publicUrl->setText(s.publicUrl);
    m_pollInterval->setValue(s.pollIntervalSeconds);
    m_tenant->setText(s.tenant);
    fieldsChanged();
}

bool UpdateServerDialog::saveSettings()
{
    if (!m_writable) {
        showMessage(false, tr("The workspace is read-only: the settings cannot be saved."));
        return false;
    }
    const Status saved =
        UpdateServerSettingsStore(m_session.db(), m_session.audit()).save(settings());
    if (!saved) {
        showMessage(false, tr("The settings were not saved: %1").arg(saved.message()));
        return false;
    }
    m_message->hide();
    return true;
}

void UpdateServerDialog::fieldsChanged()
{
    const UpdateServerSettings s = settings();
    const Status valid = s.validate();
    m_validation->setText(valid ? QString() : valid.message());
    m_validation->setVisible(!valid);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(m_writable && valid);
    m_publicUrl->setPlaceholderText(
        tr("empty: the address devices use, e.g. %1://%2:%3")
            .arg(s.plainHttp ? QStringLiteral("http") : QStringLiteral("https"),
                 QHostInfo::localHostName())
            .arg(s.port == 0 ? 8443 : s.port));
    updateServerState();
}

void UpdateServerDialog::updateServerState()
{
    using State = UpdateServerController::State;
    const State state = m_controller.state();
    QString text;
    switch (state) {
    case State::Stopped:
        text = m_controller.lastError().isEmpty() ? tr("Stopped.")
                                                  : tr("Stopped. %1").arg(m_controller.lastError());
        break;
    case State::Starting:
        text = tr("Starting…");
        break;
    case State::Stopping:
        text = tr("Stopping…");
        break;
    case State::Listening:
        text = tr("Listening on %1, %2 requests served.")
                   .arg(m_controller.url(),
                        QLocale().toString(qulonglong(m_controller.counters().requests)));
        break;
    }
    m_serverState->setText(text);
    m_start->setEnabled(state == State::Stopped && m_writable);
    m_stop->setEnabled(state == State::Listening);

    // How devices connect: the controller URL pattern from the settings as they stand.
    const UpdateServerSettings s = settings();
    QString base = s.publicUrl;
    if (base.isEmpty())
        base = state == State::Listening
                   ? m_controller.url()
                   : QStringLiteral("%1://%2:%3")
                         .arg(s.plainHttp ? QStringLiteral("http") : QStringLiteral("https"),
                              QHostInfo::localHostName())
                         .arg(s.port);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    m_howTo->setText(
        tr("Devices (SWUpdate's suricatta, rauc-hawkbit-updater or any hawkBit DDI client) poll "
           "%1/%2/controller/v1/<device id> every %3 s and authenticate with the header "
           "\"Authorization: TargetToken <token>\" (the DDI token button of a device's "
           "details creates one). %4")
            .arg(base, s.tenant.isEmpty() ? QStringLiteral("default") : s.tenant)
            .arg(s.pollIntervalSeconds)
            .arg(s.plainHttp ? tr("Over plain HTTP the token and the firmware cross the network "
                                  "unprotected.")
                             : tr("Over HTTPS they must trust the CA certificate exported above: "
                                  "add it to the CA file their client checks servers with.")));
}

void UpdateServerDialog::startServer()
{
    if (Status valid = settings().validate(); !valid) {
        showMessage(false, tr("Correct the settings first: %1").arg(valid.message()));
        return;
    }
    // What the fields say is what starts: unsaved edits are saved first (audited).
    if (m_writable && !saveSettings())
        return;
    m_controller.start();
}

void UpdateServerDialog::showMessage(bool ok, const QString &text)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        ok ? QStringLiteral("background: #e6f4ea; color: #1e4620; border: 1px solid #a8d5b5;")
           : QStringLiteral("background: #fde7e4; color: #7a1a12; border: 1px solid #e0a39b;"));
    m_message->setVisible(!text.isEmpty());
}

void UpdateServerDialog::showCertificate()
{
    const bool busy = m_certificateBusy;
    m_export->setEnabled(!busy && m_info.has_value());
    m_renew->setEnabled(!busy && m_writable);
    m_renew->setText(m_info ? tr("Renew certificate") : tr("Create certificate"));
    if (!m_info) {
        m_certSource->setText(m_certificateError.isEmpty()
                                  ? tr("None yet: the workspace's local CA issues one when the "
                                       "server first starts over HTTPS.")
                                  : m_certificateError);
        for (QLabel *l :
             {m_certSubject, m_certNames, m_certIssuer, m_certExpiry, m_certFingerprint})
            l->setText(QStringLiteral("—"));
        return;
    }
    const CertificateDetails &c = m_info->server;
    m_certSource->setText(m_info->source == ServerTlsIdentity::Source::LocalCa
                              ? tr("Issued by this workspace's local CA")
                              : tr("Imported from your own PKI"));
    m_certSubject->setText(c.subject);
    m_certNames->setText(namesText(c.names));
    m_certIssuer->setText(c.issuer);
    const qint64 days = QDateTime::currentDateTimeUtc().daysTo(c.notAfter);
    m_certExpiry->setText(
        days < 0 ? tr("%1 (expired %2 days ago)")
                       .arg(QLocale().toString(c.notAfter.toLocalTime(), QLocale::ShortFormat))
                       .arg(-days)
                 : tr("%1 (in %2 days)")
                       .arg(QLocale().toString(c.notAfter.toLocalTime(), QLocale::ShortFormat))
                       .arg(days));
    m_certFingerprint->setText(c.sha256Fingerprint);
}

void UpdateServerDialog::reloadCertificate()
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        m_certificateError = tr("Cannot open the workspace: %1").arg(opened.message());
        showCertificate();
        emit certificateLoaded();
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    BackgroundTask::run(
        this,
        [bs] {
            ServerTlsIdentity identity(bs->db(), bs->audit(), bs->workspacePath());
            auto info = identity.info();
            CertificateOutcome outcome;
            outcome.ok = info.ok();
            outcome.missing = !info && info.error().kind == Error::Kind::NotFound;
            if (info)
                outcome.info = info.value();
            else
                outcome.message = info.message();
            return outcome;
        },
        [this](const CertificateOutcome &outcome) {
            m_info = outcome.info;
            m_certificateError =
                outcome.ok || outcome.missing
                    ? QString()
                    : tr("The certificate cannot be read: %1").arg(outcome.message);
            showCertificate();
            emit certificateLoaded();
        });
}

void UpdateServerDialog::renewCertificate()
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        showMessage(false, tr("Cannot open the workspace: %1").arg(opened.message()));
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    const bool create = !m_info.has_value();
    // The public URL's host, as the fields say, goes into the certificate too.
    auto names = settings().certificateNames();
    const ServerNames extra = names ? names.value() : ServerNames{};
    m_certificateBusy = true;
    showCertificate();
    showMessage(true, create ? tr("Creating the certificate…") : tr("Renewing the certificate…"));
    BackgroundTask::run(
        this,
        [bs, create, extra] {
            ServerTlsIdentity identity(bs->db(), bs->audit(), bs->workspacePath());
            auto outcome = create ? identity.ensure(ServerNames::forThisMachine().unitedWith(extra))
                                  : identity.renew(extra);
            CertificateOutcome result;
            result.ok = outcome.ok();
            if (outcome)
                result.info = outcome->info;
            else
                result.message = outcome.message();
            return result;
        },
        [this, create](const CertificateOutcome &outcome) {
            m_certificateBusy = false;
            if (outcome.ok)
                m_info = outcome.info;
            showCertificate();
            const bool running = m_controller.state() == UpdateServerController::State::Listening;
            const QString text =
                outcome.ok ? (running ? tr("New certificate issued. The running server still "
                                           "presents the old one until it is restarted.")
                                      : tr("New certificate issued."))
                           : (create ? tr("The certificate was not created: %1")
                                     : tr("The certificate was not renewed: %1"))
                                 .arg(outcome.message);
            showMessage(outcome.ok, text);
            emit certificateOperationFinished(outcome.ok, text);
        });
}

void UpdateServerDialog::chooseExportFile()
{
    Prompts::saveFile(this, tr("Export CA certificate"),
                      tr("PEM certificates (*.pem *.crt);;All files (*)"), QStringLiteral("pem"),
                      [this](const QString &path) { exportCaCertificate(path); });
}

void UpdateServerDialog::exportCaCertificate(const QString &path)
{
    auto opened = BackgroundSession::open(m_session);
    if (!opened) {
        showMessage(false, tr("Cannot open the workspace: %1").arg(opened.message()));
        return;
    }
    std::shared_ptr<BackgroundSession> bs = opened.value();
    BackgroundTask::run(
        this,
        [bs, path] {
            ServerTlsIdentity identity(bs->db(), bs->audit(), bs->workspacePath());
            return identity.exportCaCertificate(path);
        },
        [this, path](const Status &exported) {
            const QString text =
                exported ? tr("Saved the CA certificate to %1. Install it on the devices as the "
                              "CA they trust for the update server.")
                               .arg(path)
                         : tr("The CA certificate was not exported: %1").arg(exported.message());
            showMessage(exported.ok(), text);
            emit certificateOperationFinished(exported.ok(), text);
        });
}

} // namespace fleet
