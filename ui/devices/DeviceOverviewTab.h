#pragma once

#include "inventory/Device.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace fleet {

class WorkspaceSession;

// Every field of one device in a form, with the notes editable (saved through
// InventoryService, so the change is audited).
class DeviceOverviewTab : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceOverviewTab(WorkspaceSession &session, QWidget *parent = nullptr);
    void setDevice(const Device &device);
    void setWritable(bool writable);
    // Saves the notes editor's text for the shown device.
    void saveNotes();

signals:
    void deviceChanged(qint64 id);
    void failed(const QString &message);

private:
    QLabel *addField(const QString &label, const QString &objectName);
    void updateSaveButton();

    WorkspaceSession &m_session;
    Device m_device;
    bool m_writable = true;
    QFormLayout *m_form;
    QLabel *m_uid, *m_name, *m_serial, *m_vendor, *m_model, *m_hwRevision;
    QLabel *m_firmware, *m_previousFirmware, *m_knownGoodFirmware, *m_configHash;
    QLabel *m_connection, *m_mac, *m_ip, *m_hostname;
    QLabel *m_site, *m_timeZone, *m_state, *m_online, *m_health;
    QLabel *m_firstSeen, *m_lastSeen, *m_tags, *m_groups;
    QPlainTextEdit *m_notes;
    QPushButton *m_saveNotes;
};

} // namespace fleet
