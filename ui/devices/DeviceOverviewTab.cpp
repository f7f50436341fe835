#include "DeviceOverviewTab.h"

#include "storage/WorkspaceSession.h"

#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTimeZone>
#include <QVBoxLayout>

namespace fleet {

namespace {

QString utc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
                       : QCoreApplication::translate("fleet::DeviceOverviewTab", "never");
}

// "2026-03-01 08:04:00 UTC (09:04 at the site)" when the site's time zone is known.
QString utcAndSiteTime(const QDateTime &t, const QString &timeZone)
{
    if (!t.isValid())
        return utc(t);
    const QTimeZone zone(timeZone.toUtf8());
    if (!zone.isValid())
        return utc(t);
    return QCoreApplication::translate("fleet::DeviceOverviewTab", "%1 (%2 at the site)")
        .arg(utc(t), t.toTimeZone(zone).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

QString orDash(const QString &s)
{
    return s.isEmpty() ? QStringLiteral("—") : s;
}

} // namespace

DeviceOverviewTab::DeviceOverviewTab(WorkspaceSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_form(new QFormLayout)
{
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight);
    m_uid = addField(tr("Device ID:"), QStringLiteral("uidValue"));
    m_name = addField(tr("Name:"), QStringLiteral("nameValue"));
    m_serial = addField(tr("Serial:"), QStringLiteral("serialValue"));
    m_vendor = addField(tr("Vendor:"), QStringLiteral("vendorValue"));
    m_model = addField(tr("Model:"), QStringLiteral("modelValue"));
    m_hwRevision = addField(tr("HW revision:"), QStringLiteral("hwRevisionValue"));
    m_firmware = addField(tr("Firmware:"), QStringLiteral("firmwareValue"));
    m_previousFirmware = addField(tr("Previous firmware:"), QStringLiteral("previousFwValue"));
    m_knownGoodFirmware = addField(tr("Known-good firmware:"), QStringLiteral("knownGoodValue"));
    m_configHash = addField(tr("Config hash:"), QStringLiteral("configHashValue"));
    m_connection = addField(tr("Connection:"), QStringLiteral("connectionValue"));
    m_mac = addField(tr("MAC:"), QStringLiteral("macValue"));
    m_ip = addField(tr("IP address:"), QStringLiteral("ipValue"));
    m_hostname = addField(tr("Hostname:"), QStringLiteral("hostnameValue"));
    m_site = addField(tr("Site:"), QStringLiteral("siteValue"));
    m_timeZone = addField(tr("Time zone:"), QStringLiteral("timeZoneValue"));
    m_state = addField(tr("Lifecycle state:"), QStringLiteral("stateValue"));
    m_online = addField(tr("Connection state:"), QStringLiteral("onlineValue"));
    m_health = addField(tr("Health:"), QStringLiteral("healthValue"));
    m_firstSeen = addField(tr("First seen:"), QStringLiteral("firstSeenValue"));
    m_lastSeen = addField(tr("Last seen:"), QStringLiteral("lastSeenValue"));
    m_tags = addField(tr("Tags:"), QStringLiteral("tagsValue"));
    m_groups = addField(tr("Groups:"), QStringLiteral("groupsValue"));

    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notesEdit"));
    m_notes->setPlaceholderText(tr("Notes for the people who look after this device"));
    m_notes->setMinimumHeight(70);
    m_saveNotes = new QPushButton(tr("Save notes"), this);
    m_saveNotes->setObjectName(QStringLiteral("saveNotesButton"));
    connect(m_notes, &QPlainTextEdit::textChanged, this, &DeviceOverviewTab::updateSaveButton);
    connect(m_saveNotes, &QPushButton::clicked, this, &DeviceOverviewTab::saveNotes);
    auto *notesRow = new QVBoxLayout;
    notesRow->addWidget(m_notes);
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addStretch();
    buttonRow->addWidget(m_saveNotes);
    notesRow->addLayout(buttonRow);
    m_form->addRow(tr("Notes:"), notesRow);

    auto *content = new QWidget;
    content->setLayout(m_form);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // long values wrap instead
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    updateSaveButton();
}

QLabel *DeviceOverviewTab::addField(const QString &label, const QString &objectName)
{
    auto *value = new QLabel(this);
    value->setObjectName(objectName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    m_form->addRow(label, value);
    return value;
}

void DeviceOverviewTab::setDevice(const Device &device)
{
    m_device = device;
    m_uid->setText(device.uid);
    m_name->setText(orDash(device.name));
    m_serial->setText(orDash(device.serial));
    m_vendor->setText(orDash(device.vendor));
    m_model->setText(orDash(device.model));
    m_hwRevision->setText(orDash(device.hwRevision));
    m_firmware->setText(orDash(device.fwVersion));
    m_previousFirmware->setText(orDash(device.fwPrevious));
    m_knownGoodFirmware->setText(orDash(device.fwKnownGood));
    // A full SHA-256 does not wrap and would widen the pane; the tooltip has all of it.
    constexpr int kShownHashLength = 16;
    m_configHash->setText(device.configHash.size() > kShownHashLength
                              ? device.configHash.left(kShownHashLength) + QStringLiteral("…")
                              : orDash(device.configHash));
    m_configHash->setToolTip(device.configHash);
    m_connection->setText(orDash(device.connection));
    m_mac->setText(orDash(device.mac));
    m_ip->setText(orDash(device.ip));
    m_hostname->setText(orDash(device.hostname));
    m_site->setText(orDash(device.site));
    m_timeZone->setText(orDash(device.siteTimeZone));
    m_state->setText(device.state);
    m_online->setText(device.online ? tr("Online") : tr("Offline"));
    m_health->setText(device.health);
    m_firstSeen->setText(utcAndSiteTime(device.firstSeen, device.siteTimeZone));
    m_lastSeen->setText(utcAndSiteTime(device.lastSeen, device.siteTimeZone));
    m_tags->setText(orDash(device.tags.join(QStringLiteral(", "))));
    m_groups->setText(orDash(device.groups.join(QStringLiteral(", "))));
    m_notes->setPlainText(device.notes);
    updateSaveButton();
}

void DeviceOverviewTab::setWritable(bool writable)
{
    m_writable = writable;
    m_notes->setReadOnly(!writable);
    updateSaveButton();
}

void DeviceOverviewTab::updateSaveButton()
{
    m_saveNotes->setEnabled(m_writable && m_device.id != 0 &&
                            m_notes->toPlainText() != m_device.notes);
}

void DeviceOverviewTab::saveNotes()
{
    if (m_device.id == 0)
        return;
    const QString notes = m_notes->toPlainText();
    if (Status s = m_session.inventory().setNotes(m_device.id, notes); !s) {
        emit failed(s.message());
        return;
    }
    m_device.notes = notes;
    updateSaveButton();
    emit deviceChanged(m_device.id);
}

} // namespace fleet
