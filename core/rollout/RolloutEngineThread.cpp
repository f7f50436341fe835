#include "rollout/RolloutEngineThread.h"

namespace fleet {

RolloutEngineThread::RolloutEngineThread(QString workspacePath, const Clock &clock,
                                         RolloutEngineRunner::Options options, QObject *parent)
    : QObject(parent)
    , m_workspacePath(std::move(workspacePath))
    , m_clock(clock)
    , m_options(std::move(options))
{
    m_thread.setObjectName(QStringLiteral("RolloutEngine"));
}

RolloutEngineThread::~RolloutEngineThread()
{
    stop();
}

void RolloutEngineThread::start()
{
    if (m_thread.isRunning())
        return;
    auto *runner = new RolloutEngineRunner(m_workspacePath, m_clock, m_options);
    runner->moveToThread(&m_thread);
    m_runner = runner;
    connect(runner, &RolloutEngineRunner::ticked, this, &RolloutEngineThread::ticked);
    connect(runner, &RolloutEngineRunner::problem, this, &RolloutEngineThread::problem);
    connect(runner, &RolloutEngineRunner::leaseChanged, this, &RolloutEngineThread::leaseChanged);
    connect(&m_thread, &QThread::finished, runner, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(runner, [runner] {
        if (Status s = runner->start(); !s)
            emit runner->problem(
                QStringLiteral("The rollout engine could not start: %1").arg(s.message()));
    });
}

void RolloutEngineThread::stop()
{
    if (!m_thread.isRunning())
        return;
    if (m_runner)
        QMetaObject::invokeMethod(
            m_runner, [runner = m_runner.data()] { runner->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

} // namespace fleet
