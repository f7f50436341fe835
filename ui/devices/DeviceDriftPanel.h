#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace fleet {

class WorkspaceSession;
struct Device;

// The drift scanner's findings for one device (what it is assigned, what it reports, and what
// looks wrong: a fall-back, an update loop, flapping, drift), with the two ways to settle
// them: accept the reported version, or re-target the device. Each asks for a reason and runs
// on a worker; the panel hides itself when there is nothing to show.
class DeviceDriftPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DeviceDriftPanel(WorkspaceSession &session, QWidget *parent = nullptr);
    void setDevice(const Device &device);

    QPushButton *acceptButton() const { return m_accept; }
    QPushButton *retargetButton() const { return m_retarget; }

signals:
    void failed(const QString &message);
    // An action was taken (the text says what); the device's rows changed.
    void settled(const QString &message);

private:
    enum class Action { AcceptReported, Retarget };
    void ask(Action action);
    void run(Action action, const QString &reason);
    void reload();

    WorkspaceSession &m_session;
    qint64 m_deviceId = 0;
    QString m_uid;
    QLabel *m_text;
    QPushButton *m_accept;
    QPushButton *m_retarget;
    bool m_busy = false;
};

} // namespace fleet
