#include "BrokerSettingsDialog.h"

#include "common/Prompts.h"
#include "settings/SecretStore.h"
#include "storage/WorkspaceSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace fleet {

namespace {

constexpr int kNameRole = Qt::UserRole + 1;

// A line edit with a "…" button that picks a PEM file without a nested event loop.
QWidget *withBrowseButton(QWidget *parent, QLineEdit *edit, const QString &title)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QToolButton(row);
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(BrokerSettingsDialog::tr("Choose a file"));
    QObject::connect(browse, &QToolButton::clicked, edit, [edit, title] {
        Prompts::openFile(edit->window(), title,
                          BrokerSettingsDialog::tr("PEM files (*.pem *.crt *.key);;All files (*)"),
                          [edit](const QString &path) { edit->setText(path); });
    });
    layout->addWidget(browse);
    return row;
}

} // namespace

BrokerSettingsDialog::BrokerSettingsDialog(WorkspaceSession &session, SecretStore &secrets,
                                           QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_secrets(secrets)
    , m_store(session.db(), session.audit())
    , m_test(new MqttConnectionTest(this))
    , m_list(new QListWidget(this))
    , m_newButton(new QPushButton(tr("&New"), this))
    , m_deleteButton(new QPushButton(tr("&Delete"), this))
    , m_activeButton(new QPushButton(tr("Make &active"), this))
    , m_name(new QLineEdit(this))
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_tls(new QCheckBox(tr("TLS (mqtts://)"), this))
    , m_caFile(new QLineEdit(this))
    , m_certFile(new QLineEdit(this))
    , m_keyFile(new QLineEdit(this))
    , m_verifyHostname(new QCheckBox(tr("Check that the certificate names this host"), this))
    , m_username(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_clientId(new QLineEdit(this))
    , m_keepAlive(new QSpinBox(this))
    , m_inflight(new QSpinBox(this))
    , m_protocol(new QComboBox(this))
    , m_testButton(new QPushButton(tr("&Test connection"), this))
    , m_saveButton(new QPushButton(tr("&Save"), this))
    , m_testResult(new QLabel(this))
    , m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("brokerSettingsDialog"));
    setWindowTitle(tr("Broker settings"));
    if (auto id = m_store.workspaceId())
        m_workspaceId = id.value();
    else
        showMessage(id.message(), true);
    buildLayout();

    connect(m_list, &QListWidget::currentItemChanged, this,
            &BrokerSettingsDialog::onCurrentProfileChanged);
    connect(m_newButton, &QPushButton::clicked, this, &BrokerSettingsDialog::newProfile);
    connect(m_deleteButton, &QPushButton::clicked, this, &BrokerSettingsDialog::deleteProfile);
    connect(m_activeButton, &QPushButton::clicked, this, &BrokerSettingsDialog::makeActive);
    connect(m_testButton, &QPushButton::clicked, this, &BrokerSettingsDialog::testConnection);
    connect(m_saveButton, &QPushButton::clicked, this, [this] { saveProfile(); });
    connect(m_tls, &QCheckBox::toggled, this, [this](bool tls) {
        // Follow the usual port when the user has not chosen another one.
        if (tls && m_port->value() == MqttBrokerProfile::DefaultPlainPort)
            m_port->setValue(MqttBrokerProfile::DefaultTlsPort);
        else if (!tls && m_port->value() == MqttBrokerProfile::DefaultTlsPort)
            m_port->setValue(MqttBrokerProfile::DefaultPlainPort);
        updateTlsFields();
    });
    connect(m_test, &MqttConnectionTest::finished, this, &BrokerSettingsDialog::showTestOutcome);

    reloadList({});
    if (m_list->count() == 0)
        newProfile();
}

void BrokerSettingsDialog::buildLayout()
{
    m_list->setObjectName(QStringLiteral("profileList"));
    m_name->setObjectName(QStringLiteral("profileName"));
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_tls->setObjectName(QStringLiteral("tlsCheck"));
    m_caFile->setObjectName(QStringLiteral("caFileEdit"));
    m_certFile->setObjectName(QStringLiteral("certFileEdit"));
    m_keyFile->setObjectName(QStringLiteral("keyFileEdit"));
    m_verifyHostname->setObjectName(QStringLiteral("verifyHostnameCheck"));
    m_username->setObjectName(QStringLiteral("usernameEdit"));
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_keepAlive->setObjectName(QStringLiteral("keepAliveSpin"));
    m_inflight->setObjectName(QStringLiteral("inflightSpin"));
    m_protocol->setObjectName(QStringLiteral("protocolCombo"));
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));
    m_saveButton->setObjectName(QStringLiteral("saveProfileButton"));
    m_activeButton->setObjectName(QStringLiteral("makeActiveButton"));
    m_testResult->setObjectName(QStringLiteral("testResultLabel"));
    m_message->setObjectName(QStringLiteral("messageLabel"));

    m_host->setPlaceholderText(tr("broker.plant-a.local or 10.0.0.5"));
    m_port->setRange(1, 65535);
    m_port->setValue(MqttBrokerProfile::DefaultPlainPort);
    m_caFile->setPlaceholderText(tr("empty: the system's trusted CAs"));
    m_certFile->setPlaceholderText(tr("only for brokers that ask for a client certificate"));
    m_password->setEchoMode(QLineEdit::Password);
    m_clientId->setPlaceholderText(tr("empty: a random id per connection"));
    m_keepAlive->setRange(5, 65535);
    m_keepAlive->setSuffix(tr(" s"));
    // The bound MQTT itself sets (16-bit packet ids); the broker may allow fewer.
    m_inflight->setRange(1, MqttBrokerProfile::MaxInflightWindow);
    m_protocol->addItem(tr("MQTT 5, falling back to 3.1.1"),
                        int(MqttBrokerProfile::ProtocolVersion::V5WithFallback));
    m_protocol->addItem(tr("MQTT 5 only"), int(MqttBrokerProfile::ProtocolVersion::V5Only));
    m_protocol->addItem(tr("MQTT 3.1.1 only"), int(MqttBrokerProfile::ProtocolVersion::V311Only));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *listColumn = new QVBoxLayout;
    listColumn->addWidget(new QLabel(tr("Profiles"), this));
    listColumn->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_newButton);
    listButtons->addWidget(m_deleteButton);
    listColumn->addLayout(listButtons);
    listColumn->addWidget(m_activeButton);

    auto *brokerBox = new QGroupBox(tr("Broker"), this);
    auto *broker = new QFormLayout(brokerBox);
    broker->addRow(tr("&Name:"), m_name);
    broker->addRow(tr("&Host:"), m_host);
    broker->addRow(tr("&Port:"), m_port);
    broker->addRow(QString(), m_tls);
    broker->addRow(tr("&CA certificates:"),
                   withBrowseButton(this, m_caFile, tr("CA certificates (PEM)")));
    broker->addRow(tr("Client c&ertificate:"),
                   withBrowseButton(this, m_certFile, tr("Client certificate (PEM)")));
    broker->addRow(tr("Client &key:"),
                   withBrowseButton(this, m_keyFile, tr("Client private key (PEM)")));
    broker->addRow(QString(), m_verifyHostname);

    auto *loginBox = new QGroupBox(tr("Login and session"), this);
    auto *login = new QFormLayout(loginBox);
    login->addRow(tr("&User name:"), m_username);
    login->addRow(tr("Pass&word:"), m_password);
    login->addRow(tr("Client &id:"), m_clientId);
    login->addRow(tr("Keep-&alive:"), m_keepAlive);
    login->addRow(tr("In-&flight window:"), m_inflight);
    login->addRow(tr("P&rotocol:"), m_protocol);

    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_testResult, 1);

    auto *form = new QVBoxLayout;
    form->addWidget(brokerBox);
    form->addWidget(loginBox);
    form->addLayout(testRow);
    form->addWidget(m_message);
    form->addStretch(1);

    auto *columns = new QHBoxLayout;
    columns->addLayout(listColumn, 1);
    columns->addLayout(form, 3);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_saveButton, QDialogButtonBox::ApplyRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(buttons);
    resize(880, 600);
}

QString BrokerSettingsDialog::secretKey(const QString &profileName) const
{
    return SecretStore::brokerPasswordKey(m_workspaceId, profileName);
}

void BrokerSettingsDialog::reloadList(const QString &select)
{
    {
        // One look at the chosen profile at the end, not one per row added.
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        auto profiles = m_store.list();
        if (!profiles) {
            showMessage(profiles.message(), true);
            return;
        }
        for (const NamedBrokerProfile &p : profiles.value()) {
            auto *item = new QListWidgetItem(p.active ? tr("%1 (active)").arg(p.name) : p.name);
            item->setData(kNameRole, p.name);
            item->setToolTip(p.profile.url());
            if (p.active) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
            }
            m_list->addItem(item);
        }
        const QString wanted = select.isEmpty() && m_list->count() > 0
                                   ? m_list->item(0)->data(kNameRole).toString()
                                   : select;
        for (int i = 0; i < m_list->count(); ++i) {
            if (m_list->item(i)->data(kNameRole).toString() == wanted) {
                m_list->setCurrentRow(i);
                break;
            }
        }
    }
    onCurrentProfileChanged();
}

void BrokerSettingsDialog::setWritable(bool writable)
{
    m_writable = writable;
    m_newButton->setEnabled(writable);
    m_saveButton->setEnabled(writable);
    onCurrentProfileChanged();
    if (!writable)
        showMessage(tr("The workspace is read-only: profiles can be tested but not changed."),
                    false);
}

void BrokerSettingsDialog::selectProfile(const QString &name)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(kNameRole).toString() == name)
            m_list->setCurrentRow(i);
}

void BrokerSettingsDialog::onCurrentProfileChanged()
{
    QListWidgetItem *item = m_list->currentItem();
    const bool stored = item != nullptr;
    m_deleteButton->setEnabled(stored && m_writable);
    m_activeButton->setEnabled(stored && m_writable);
    if (!item)
        return;
    auto profile = m_store.find(item->data(kNameRole).toString());
    if (!profile) {
        showMessage(profile.message(), true);
        return;
    }
    showProfile(profile.value());
}

void BrokerSettingsDialog::showProfile(const NamedBrokerProfile &named)
{
    const MqttBrokerProfile &p = named.profile;
    m_loadedName = named.name;
    m_name->setText(named.name);
    m_name->setReadOnly(!named.name.isEmpty());
    m_host->setText(p.host);
    m_tls->setChecked(p.tls);
    m_port->setValue(p.port);
    m_caFile->setText(p.caFile);
    m_certFile->setText(p.clientCertFile);
    m_keyFile->setText(p.clientKeyFile);
    m_verifyHostname->setChecked(p.verifyHostname);
    m_username->setText(p.username);
    m_password->clear();
    m_password->setPlaceholderText(named.name.isEmpty()
                                       ? tr("kept in the OS keychain, never in the workspace")
                                       : tr("unchanged (kept in the OS keychain)"));
    m_clientId->setText(p.clientId);
    m_keepAlive->setValue(p.keepAliveSeconds);
    m_inflight->setValue(p.inflightWindow);
    m_protocol->setCurrentIndex(m_protocol->findData(int(p.protocol)));
    m_activeButton->setEnabled(m_writable && !named.name.isEmpty() && !named.active);
    m_testResult->clear();
    updateTlsFields();
}

void BrokerSettingsDialog::updateTlsFields()
{
    const bool tls = m_tls->isChecked();
    for (QWidget *w : {static_cast<QWidget *>(m_caFile), static_cast<QWidget *>(m_certFile),
                       static_cast<QWidget *>(m_keyFile), static_cast<QWidget *>(m_verifyHostname)})
        w->setEnabled(tls);
}

QString BrokerSettingsDialog::formName() const
{
    return m_name->text().trimmed();
}

MqttBrokerProfile BrokerSettingsDialog::formProfile() const
{
    MqttBrokerProfile p;
    p.host = m_host->text().trimmed();
    p.port = quint16(m_port->value());
    p.tls = m_tls->isChecked();
    if (p.tls) {
        p.caFile = m_caFile->text().trimmed();
        p.clientCertFile = m_certFile->text().trimmed();
        p.clientKeyFile = m_keyFile->text().trimmed();
    }
    p.verifyHostname = m_verifyHostname->isChecked();
    p.username = m_username->text().trimmed();
    p.password = m_password->text();
    p.clientId = m_clientId->text().trimmed();
    p.keepAliveSeconds = m_keepAlive->value();
    p.inflightWindow = m_inflight->value();
    p.protocol = MqttBrokerProfile::ProtocolVersion(m_protocol->currentData().toInt());
    return p;
}

void BrokerSettingsDialog::newProfile()
{
    const QSignalBlocker blocker(m_list);
    m_list->setCurrentItem(nullptr);
    NamedBrokerProfile fresh;
    fresh.profile.verifyHostname = true;
    showProfile(fresh);
    m_name->setReadOnly(false);
    m_deleteButton->setEnabled(false);
    m_activeButton->setEnabled(false);
    m_name->setFocus();
}

bool BrokerSettingsDialog::saveProfile()
{
    const MqttBrokerProfile profile = formProfile();
    const QString name = m_loadedName.isEmpty() ? formName() : m_loadedName;
    Status saved;
    if (m_loadedName.isEmpty())
        saved = m_store.create(name, profile).status();
    else
        saved = m_store.update(name, profile);
    if (!saved) {
        showMessage(saved.message(), true);
        return false;
    }
    showMessage(tr("Saved \"%1\".").arg(name), false);
    if (!profile.password.isEmpty())
        storePassword(name, profile.password);
    reloadList(name);
    emit profilesChanged();
    return true;
}

void BrokerSettingsDialog::storePassword(const QString &profileName, const QString &password)
{
    m_secrets.write(
        secretKey(profileName), password, this, [this, profileName](const SecretOutcome &outcome) {
            if (outcome.ok())
                showMessage(
                    tr("Saved \"%1\"; the password is in the OS keychain.").arg(profileName),
                    false);
            else
                showMessage(outcome.message, true);
        });
}

void BrokerSettingsDialog::deleteProfile()
{
    if (m_loadedName.isEmpty())
        return;
    const QString name = m_loadedName;
    if (Status removed = m_store.remove(name); !removed) {
        showMessage(removed.message(), true);
        return;
    }
    // The password goes with its profile; no keychain means there was none to delete.
    m_secrets.remove(secretKey(name), this, [](const SecretOutcome &) {});
    showMessage(tr("Deleted \"%1\".").arg(name), false);
    m_loadedName.clear();
    reloadList({});
    if (m_list->count() == 0)
        newProfile();
    emit profilesChanged();
}

void BrokerSettingsDialog::makeActive()
{
    if (m_loadedName.isEmpty())
        return;
    const QString name = m_loadedName;
    if (Status activated = m_store.activate(name); !activated) {
        showMessage(activated.message(), true);
        return;
    }
    showMessage(tr("\"%1\" is the active broker of this workspace.").arg(name), false);
    reloadList(name);
    emit profilesChanged();
}

void BrokerSettingsDialog::testConnection()
{
    if (m_test->isRunning())
        return;
    MqttBrokerProfile profile = formProfile();
    if (Status valid = profile.validate(); !valid) {
        showTestOutcome({false, {MqttError::Stage::Other, valid.message()}, 0});
        return;
    }
    if (!profile.password.isEmpty() || profile.username.isEmpty() || m_loadedName.isEmpty()) {
        startTest(profile);
        return;
    }
    // The stored password, if the keychain has one; the test says "authentication" otherwise.
    m_testButton->setEnabled(false);
    m_testResult->setText(tr("Reading the password from the keychain…"));
    m_secrets.read(secretKey(m_loadedName), this, [this, profile](const SecretOutcome &outcome) {
        MqttBrokerProfile withPassword = profile;
        if (outcome.ok())
            withPassword.password = outcome.secret;
        startTest(withPassword);
    });
}

void BrokerSettingsDialog::startTest(MqttBrokerProfile profile)
{
    m_testButton->setEnabled(false);
    m_testResult->setStyleSheet({});
    m_testResult->setText(tr("Testing %1…").arg(profile.url()));
    m_test->start(profile);
}

void BrokerSettingsDialog::showTestOutcome(const MqttConnectionTest::Outcome &outcome)
{
    m_testButton->setEnabled(true);
    m_testResult->setStyleSheet(outcome.ok ? QStringLiteral("color: #1b6e2a;")
                                           : QStringLiteral("color: #a1261b;"));
    m_testResult->setText(outcome.summary());
    emit testFinished(outcome);
}

void BrokerSettingsDialog::showMessage(const QString &text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: #a1261b;") : QString());
    m_message->setText(text);
}

} // namespace fleet
