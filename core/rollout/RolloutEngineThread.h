#pragma once

#include "rollout/RolloutEngineRunner.h"

#include <QObject>
#include <QPointer>
#include <QThread>

namespace fleet {

class Clock;

// The rollout engine on a thread of its own, for the window: ticks (SQL, job hand-offs) never
// run on the GUI thread. Signals arrive on the owner's thread.
class RolloutEngineThread : public QObject
{
    Q_OBJECT

public:
    RolloutEngineThread(QString workspacePath, const Clock &clock,
                        RolloutEngineRunner::Options options, QObject *parent = nullptr);
    // Stops the runner (giving the lease back) and joins the thread.
    ~RolloutEngineThread() override;

    void start();
    void stop();
    bool isRunning() const { return m_thread.isRunning(); }

signals:
    void ticked(const fleet::RolloutTickReport &report);
    void problem(const QString &message);
    void leaseChanged(bool held, const QString &holder);

private:
    QString m_workspacePath;
    const Clock &m_clock;
    RolloutEngineRunner::Options m_options;
    QThread m_thread;
    QPointer<RolloutEngineRunner> m_runner;
};

} // namespace fleet
