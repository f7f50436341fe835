#pragma once

#include "rollout/RolloutDeviceState.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace fleet {

class RolloutDeviceModel;
class WorkspaceSession;

// A rollout's per-device execution table with its filters (a state group and a text), the
// actions on the selected devices (retry, skip, roll back; buttons and context menu) and the
// selected device's log, its own lines of the rollout's timeline.
class RolloutDevicesPanel : public QWidget
{
    Q_OBJECT
public:
    enum class DeviceAction { Retry, Skip, RollBack };

    RolloutDevicesPanel(WorkspaceSession &session, QWidget *parent = nullptr);

    void setRollout(qint64 rolloutId);
    // Devices reported: rows change in place, the selection stays, the log is read again.
    void refreshLive();
    void setWritable(bool writable);

    RolloutDeviceModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *stateFilter() const { return m_stateFilter; }
    QLineEdit *textFilter() const { return m_textFilter; }
    QPlainTextEdit *log() const { return m_log; }
    QStringList selectedUids() const;
    // The label of each state group in the filter box, in order; index 0 is every state.
    static QList<QPair<QString, QList<RolloutDeviceState>>> stateGroups();

signals:
    void actionRequested(fleet::RolloutDevicesPanel::DeviceAction action, QStringList uids);
    // The log of the selected device was read (for tests).
    void logLoaded();

private:
    void selectionChanged();
    void updateButtons();
    void loadLog();
    void showContextMenu(const QPoint &pos);
    void request(DeviceAction action);

    WorkspaceSession &m_session;
    RolloutDeviceModel *m_model;
    QTableView *m_table;
    QComboBox *m_stateFilter;
    QLineEdit *m_textFilter;
    QLabel *m_countLabel;
    QPushButton *m_retry;
    QPushButton *m_skip;
    QPushButton *m_rollBack;
    QPlainTextEdit *m_log;
    qint64 m_rolloutId = 0;
    qint64 m_logDevice = 0;
    int m_logGeneration = 0;
    bool m_writable = false;
};

} // namespace fleet
