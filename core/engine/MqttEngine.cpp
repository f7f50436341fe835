#include "engine/MqttEngine.h"

#include "engine/MqttEngineWorker.h"
#include "ingest/DeviceReportIngest.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

namespace fleet {

MqttEngine::MqttEngine(const Workspace &workspace, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_clock(clock)
    , m_flushIntervalMs(DeviceReportIngest::defaultFlushIntervalMs)
{
    qRegisterMetaType<MqttClient::State>();
    qRegisterMetaType<MqttError>();
    qRegisterMetaType<MqttEngineCounters>();
    qRegisterMetaType<QList<qint64>>();
}

MqttEngine::~MqttEngine()
{
    if (m_thread) {
        if (Status s = stop(); !s)
            qWarning("MQTT engine: %s", qUtf8Printable(s.message()));
    }
}

void MqttEngine::addConnectionComponent(ConnectionComponentFactory factory)
{
    m_factories.append(std::move(factory));
}

void MqttEngine::setFlushInterval(int ms)
{
    m_flushIntervalMs = ms;
}

Status MqttEngine::start(const MqttBrokerProfile &profile)
{
    if (Status valid = profile.validate(); !valid)
        return valid;
    if (m_thread) {
        if (Status stopped = stop(); !stopped)
            return stopped;
    }
    m_url = profile.url();
    m_hasError = false;
    m_lastError = {};
    m_counters = {};
    emit countersChanged(m_counters);

    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("mqtt-engine"));
    m_worker = new MqttEngineWorker(m_workspace, m_clock, m_factories, m_flushIntervalMs);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);

    // Context `this`: the worker's signals are queued onto the engine's thread.
    connect(m_worker, &MqttEngineWorker::stateChanged, this, &MqttEngine::onWorkerState);
    connect(m_worker, &MqttEngineWorker::errorOccurred, this, [this](const MqttError &error) {
        m_lastError = error;
        m_hasError = true;
        emit errorOccurred(error);
    });
    connect(m_worker, &MqttEngineWorker::reconnectScheduled, this, &MqttEngine::reconnectScheduled);
    connect(m_worker, &MqttEngineWorker::batchCommitted, this, &MqttEngine::batchCommitted);
    connect(m_worker, &MqttEngineWorker::rejected, this, &MqttEngine::rejected);
    connect(m_worker, &MqttEngineWorker::jobsChanged, this, &MqttEngine::jobsChanged);
    connect(m_worker, &MqttEngineWorker::countersChanged, this,
            [this](const MqttEngineCounters &counters) {
                m_counters = counters;
                emit countersChanged(counters);
            });

    m_thread->start();
    m_running = true;
    onWorkerState(MqttClient::State::Connecting, 0);
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, profile] { worker->connectTo(profile); },
        Qt::QueuedConnection);
    return {};
}

void MqttEngine::beginShutDown()
{
    if (m_stopOutcome)
        return; // already asked
    m_stopOutcome = std::make_shared<QString>();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, outcome = m_stopOutcome] { worker->shutDown(outcome); },
        Qt::QueuedConnection);
}

void MqttEngine::requestStop()
{
    if (!m_thread || m_stopOutcome)
        return;
    QThread *thread = m_thread.get();
    // Queued: runs on this thread once the engine thread has ended.
    connect(
        thread, &QThread::finished, this,
        [this, thread] {
            if (m_thread.get() != thread)
                return; // stop() got there first
            const Status outcome = finishStop(false, 0);
            emit stopped(outcome.message());
        },
        Qt::QueuedConnection);
    beginShutDown();
}

Status MqttEngine::stop(int timeoutMs)
{
    if (!m_thread)
        return {};
    beginShutDown();
    const bool finished = m_thread->wait(QDeadlineTimer(timeoutMs));
    if (!finished) {
        // The worker is still writing (a busy database). Waiting is the only safe choice: the
        // thread holds the workspace connection and the reports not yet written.
        qWarning("MQTT engine: stopping takes longer than %d ms; waiting for the last write",
                 timeoutMs);
    }
    return finishStop(!finished, timeoutMs);
}

Status MqttEngine::finishStop(bool timedOut, int timeoutMs)
{
    std::unique_ptr<QThread> thread = std::move(m_thread);
    thread->wait();
    // Signals the worker queued before it ended (its last counters, its last batch) are
    // delivered here, while the engine still reports them as its own.
    QCoreApplication::sendPostedEvents(this);
    thread.reset();
    m_worker = nullptr; // deleted by the thread's finished() -> deleteLater
    const QString problem = m_stopOutcome ? *m_stopOutcome : QString();
    m_stopOutcome.reset();
    m_running = false;
    onWorkerState(MqttClient::State::Disconnected, 0);
    if (timedOut)
        return Error::failed(QStringLiteral("Stopping the MQTT connection took longer than %1 s.")
                                 .arg(timeoutMs / 1000));
    if (!problem.isEmpty())
        return Error::failed(problem);
    return {};
}

void MqttEngine::onWorkerState(MqttClient::State state, int protocolVersion)
{
    if (state == m_state && protocolVersion == m_protocolVersion)
        return;
    m_state = state;
    m_protocolVersion = protocolVersion;
    emit stateChanged(state, protocolVersion);
}

} // namespace fleet
