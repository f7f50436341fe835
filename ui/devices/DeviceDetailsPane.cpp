#include "DeviceDetailsPane.h"

#include "DdiTokenIssuer.h"
#include "DeviceAuditTab.h"
#include "DeviceComponentsTab.h"
#include "DeviceConfigurationTab.h"
#include "DeviceFirmwareTab.h"
#include "DeviceOverviewTab.h"
#include "inventory/DeviceRepository.h"
#include "storage/WorkspaceSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QVBoxLayout>

namespace fleet {

DeviceDetailsPane::DeviceDetailsPane(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_stack(new QStackedWidget(this))
    , m_title(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_overview(new DeviceOverviewTab(session, this))
    , m_components(new DeviceComponentsTab(session, this))
    , m_configuration(new DeviceConfigurationTab(this))
    , m_firmware(new DeviceFirmwareTab(session, this))
    , m_audit(new DeviceAuditTab(session.workspace(), this))
    , m_ddiTokenButton(new QPushButton(tr("DDI token…"), this))
    , m_ddiTokens(new DdiTokenIssuer(session, this))
{
    m_title->setObjectName(QStringLiteral("deviceTitle"));
    QFont font = m_title->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.2);
    m_title->setFont(font);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_components, tr("Components"));
    m_tabs->addTab(m_configuration, tr("Configuration"));
    // Short label so all five tabs fit the pane's default width; the tooltip says it in full.
    const int firmwareTab = m_tabs->addTab(m_firmware, tr("Firmware"));
    m_tabs->setTabToolTip(firmwareTab, tr("Firmware history"));
    m_tabs->addTab(m_audit, tr("Audit"));

    auto *details = new QWidget(this);
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    m_ddiTokenButton->setObjectName(QStringLiteral("ddiTokenButton"));
    m_ddiTokenButton->setToolTip(tr("Create or replace the token the device's DDI client "
                                    "(SWUpdate, rauc-hawkbit-updater) uses with the update "
                                    "server"));
    m_title->setWordWrap(true); // a long name and uid share the row with the button
    auto *titleRow = new QHBoxLayout;
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_ddiTokenButton, 0, Qt::AlignTop);
    detailsLayout->addLayout(titleRow);
    detailsLayout->addWidget(m_tabs);

    auto *hint = new QLabel(tr("Select a device to see everything about it."), this);
    hint->setObjectName(QStringLiteral("noDeviceHint"));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);

    m_stack->addWidget(hint);
    m_stack->addWidget(details);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    connect(m_overview, &DeviceOverviewTab::deviceChanged, this,
            &DeviceDetailsPane::onDeviceChanged);
    connect(m_components, &DeviceComponentsTab::deviceChanged, this,
            &DeviceDetailsPane::onDeviceChanged);
    connect(m_overview, &DeviceOverviewTab::failed, this, &DeviceDetailsPane::failed);
    connect(m_components, &DeviceComponentsTab::failed, this, &DeviceDetailsPane::failed);
    connect(m_firmware, &DeviceFirmwareTab::failed, this, &DeviceDetailsPane::failed);
    connect(m_firmware, &DeviceFirmwareTab::driftSettled, this,
            [this] { onDeviceChanged(m_deviceId); });
    connect(m_ddiTokenButton, &QPushButton::clicked, this, [this] {
        if (!m_deviceUid.isEmpty())
            m_ddiTokens->ask(m_deviceUid);
    });
    connect(m_ddiTokens, &DdiTokenIssuer::failed, this, &DeviceDetailsPane::failed);
    connect(m_ddiTokens, &DdiTokenIssuer::issued, this, [this] { onDeviceChanged(m_deviceId); });
    m_ddiTokenButton->setEnabled(!session.workspace().isReadOnly());
}

void DeviceDetailsPane::showDevice(qint64 id)
{
    m_deviceId = id;
    reload();
}

void DeviceDetailsPane::reload()
{
    if (m_deviceId == 0) {
        m_stack->setCurrentIndex(0);
        return;
    }
    auto device = DeviceRepository(m_session.db()).load(m_deviceId);
    if (!device) {
        m_stack->setCurrentIndex(0);
        emit failed(device.message());
        return;
    }
    m_title->setText(device->name.isEmpty() ? device->uid
                                            : tr("%1 — %2").arg(device->name, device->uid));
    m_overview->setDevice(device.value());
    m_components->setDevice(device.value());
    m_configuration->setDevice(device.value());
    m_firmware->setDevice(device.value());
    m_audit->setDeviceUid(device->uid);
    m_deviceUid = device->uid;
    m_stack->setCurrentIndex(1);
}

void DeviceDetailsPane::setWritable(bool writable)
{
    m_overview->setWritable(writable);
    m_components->setWritable(writable);
    m_ddiTokenButton->setEnabled(writable);
}

void DeviceDetailsPane::onDeviceChanged(qint64 id)
{
    reload();
    m_audit->refresh();
    emit deviceChanged(id);
}

} // namespace fleet
