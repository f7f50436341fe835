#pragma once

#include "http/HttpServer.h"

#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>

class QAction;
class QWidget;

namespace fleet {

class DdiServer;
class UpdateServerDialog;
class WorkspaceSession;

// The window's built-in update server (hawkBit DDI) for one workspace, what `fleetctl serve
// --ddi-port` runs: owns the DdiServer on a thread of its own (its once-a-second SQLite flush of
// poll times never runs on the GUI thread), loads or creates the workspace's server
// certificate there before an HTTPS start (creating keys takes a moment), and owns the actions
// Settings › Update server…, Start update server and Stop update server.
//
// The GUI thread only posts work to the server thread and takes results back as queued
// calls; nothing here waits for the server except the destructor, which stops it.
class UpdateServerController : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Listening, Stopping };

    // `session` outlives the controller; dialogs open over `window`.
    UpdateServerController(WorkspaceSession &session, QWidget *window);
    ~UpdateServerController() override;

    QAction *settingsAction() const { return m_settingsAction; }
    QAction *startAction() const { return m_startAction; }
    QAction *stopAction() const { return m_stopAction; }

    State state() const { return m_state; }
    // What devices are told to use, e.g. https://host:8443; empty unless listening.
    QString url() const { return m_url; }
    quint16 port() const { return m_port; }
    bool plainHttp() const { return m_plainHttp; }
    // Why the last start failed or what went wrong while running; empty when nothing did.
    QString lastError() const { return m_lastError; }
    // The server's figures as last fetched (every 2 s while it listens).
    HttpServerCounters counters() const { return m_counters; }

    // Opens the settings dialog (non-modal, one at a time); returns it for tests.
    UpdateServerDialog *openSettings();
    // Starts with the workspace's stored settings; the outcome arrives as stateChanged().
    void start();
    // At launch: starts when the settings say so, says nothing when they do not.
    void startIfEnabled();
    void stop();
    // Fetches the counters from the server thread now (also done every 2 s while listening).
    void refreshCounters();

signals:
    void stateChanged();
    void countersChanged();
    // A line for the status bar, e.g. why the server could not start.
    void message(const QString &text);

private:
    struct StartOutcome
    {
        bool ok = false;
        QString url;
        quint16 port = 0;
        QString error;
        QString note; // e.g. "a server certificate was issued"
    };

    void ensureThread();
    void setState(State state);
    void finishStart(const StartOutcome &outcome);
    void finishStop();
    void updateActions();

    WorkspaceSession &m_session;
    QWidget *m_window;
    QThread m_thread;
    // Lives on m_thread: the context of every call posted there. m_server is created, used and
    // deleted only on m_thread.
    QObject *m_threadContext = nullptr;
    DdiServer *m_server = nullptr;
    QTimer m_countersTimer;
    State m_state = State::Stopped;
    QString m_url;
    quint16 m_port = 0;
    bool m_plainHttp = false;
    QString m_lastError;
    HttpServerCounters m_counters;
    QAction *m_settingsAction;
    QAction *m_startAction;
    QAction *m_stopAction;
    QPointer<UpdateServerDialog> m_dialog;
};

} // namespace fleet
