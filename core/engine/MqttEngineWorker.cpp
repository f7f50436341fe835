#include "engine/MqttEngineWorker.h"

#include "audit/AuditHeadAnchor.h"
#include "ingest/DeviceReportIngest.h"
#include "ingest/LivenessSweeper.h"
#include "jobs/JobDispatcher.h"
#include "storage/SqliteDatabase.h"
#include "storage/Workspace.h"

#include <QThread>

namespace fleet {

namespace {
constexpr int countersIntervalMs = 250;
} // namespace

MqttEngineWorker::MqttEngineWorker(const Workspace &workspace, const Clock &clock,
                                   QList<MqttEngine::ConnectionComponentFactory> factories,
                                   int flushIntervalMs)
    : m_workspace(workspace)
    , m_clock(clock)
    , m_factories(std::move(factories))
    , m_flushIntervalMs(flushIntervalMs)
    , m_countersTimer(this) // children move to the engine thread with the worker
    , m_drainTimer(this)
{
    m_countersTimer.setInterval(countersIntervalMs);
    connect(&m_countersTimer, &QTimer::timeout, this, &MqttEngineWorker::publishCounters);
    m_drainTimer.setInterval(0);
    connect(&m_drainTimer, &QTimer::timeout, this, &MqttEngineWorker::drainStep);
}

MqttEngineWorker::~MqttEngineWorker()
{
    tearDown();
}

Status MqttEngineWorker::setUp(const MqttBrokerProfile &profile)
{
    // The ingest reads through a connection of its own, opened on this thread.
    auto connection = m_workspace.openConnection();
    if (!connection)
        return connection.error();
    m_db = std::move(connection.value());
    // And writes its batches on a thread of its own with a second connection, while this thread
    // receives and checks the next batch (see DeviceReportIngest).
    auto writerConnection = m_workspace.openConnection();
    if (!writerConnection)
        return writerConnection.error();
    m_ingest =
        std::make_unique<DeviceReportIngest>(*m_db, std::move(writerConnection.value()), m_clock,
                                             AuditHeadAnchor::pathForWorkspace(m_workspace.path()));
    m_ingest->setFlushInterval(m_flushIntervalMs);
    m_client = std::make_unique<MqttClient>(profile);
    m_ingest->attach(*m_client);
    // Jobs travel on the same connection: created by any process (the window, fleetctl), sent
    // from here, and their progress comes back through the ingest.
    m_jobs = std::make_unique<JobDispatcher>(*m_db, m_clock,
                                             AuditHeadAnchor::pathForWorkspace(m_workspace.path()));
    m_jobs->attach(*m_client);
    m_liveness = std::make_unique<LivenessSweeper>(*m_db, m_clock);
    connect(m_liveness.get(), &LivenessSweeper::devicesWentStale, this,
            [this](const QList<qint64> &ids) { emit batchCommitted(0, ids); });

    connect(m_client.get(), &MqttClient::stateChanged, this, &MqttEngineWorker::onClientState);
    connect(m_client.get(), &MqttClient::errorOccurred, this, &MqttEngineWorker::onClientError);
    connect(m_client.get(), &MqttClient::messageReceived, this,
            [this](const QString &, const QByteArray &, int, bool) { ++m_counters.messages; });
    connect(m_ingest.get(), &DeviceReportIngest::batchCommitted, this,
            [this](int messages, const QList<qint64> &ids) {
                m_counters.written += messages;
                publishCounters();
                emit batchCommitted(messages, ids);
            });
    connect(m_ingest.get(), &DeviceReportIngest::rejected, this, &MqttEngineWorker::rejected);
    connect(m_ingest.get(), &DeviceReportIngest::jobsChanged, this, &MqttEngineWorker::jobsChanged);
    connect(m_jobs.get(), &JobDispatcher::jobsChanged, this, &MqttEngineWorker::jobsChanged);

    // Components see the client after the ingest, before the first connection attempt, so
    // their subscriptions go out with the first CONNECT.
    for (const auto &factory : std::as_const(m_factories)) {
        if (std::unique_ptr<QObject> component = factory(*m_client, *m_db))
            m_components.push_back(std::move(component));
    }
    m_backoff.reset();
    m_countersTimer.start();
    return m_client->connectToBroker();
}

void MqttEngineWorker::connectTo(const MqttBrokerProfile &profile)
{
    if (Status s = setUp(profile); !s) {
        emit errorOccurred({MqttError::Stage::Other, s.message()});
        tearDown();
        emit stateChanged(MqttClient::State::Disconnected, 0);
    }
}

void MqttEngineWorker::onClientState(MqttClient::State state)
{
    if (state == MqttClient::State::Connected)
        m_backoff.reset();
    if (m_liveness) {
        if (state == MqttClient::State::Connected)
            m_liveness->connectionUp();
        else
            m_liveness->connectionDown();
    }
    emit stateChanged(state, m_client ? m_client->negotiatedProtocolVersion() : 0);
}

void MqttEngineWorker::onClientError(const MqttError &error)
{
    emit errorOccurred(error);
    // The client retries on its own after a drop (still Connected when it reports it) and
    // after every failed attempt while reconnecting; a first attempt that fails is final.
    const MqttClient::State state = m_client->state();
    if (!m_shuttingDown &&
        (state == MqttClient::State::Connected || state == MqttClient::State::Reconnecting))
        emit reconnectScheduled(m_backoff.nextDelayMs());
}

void MqttEngineWorker::shutDown(std::shared_ptr<QString> outcome)
{
    m_shutDownOutcome = std::move(outcome);
    m_shuttingDown = true;
    if (m_client && m_client->state() == MqttClient::State::Connected) {
        // Reports the broker delivered just before the stop are still in the socket: read
        // until two event-loop passes bring nothing new, but never longer than the limit.
        m_draining.start();
        m_messagesAtLastPass = -1;
        m_quietPasses = 0;
        m_drainTimer.start();
        return;
    }
    finishShutDown();
}

void MqttEngineWorker::drainStep()
{
    m_quietPasses = m_counters.messages == m_messagesAtLastPass ? m_quietPasses + 1 : 0;
    m_messagesAtLastPass = m_counters.messages;
    if (m_quietPasses >= 2 || m_draining.hasExpired(MqttEngine::DrainLimitMs)) {
        m_drainTimer.stop();
        finishShutDown();
    }
}

void MqttEngineWorker::finishShutDown()
{
    QString problem;
    // Components first: they may still publish or write while the client is up. The
    // dispatcher marks what the broker acknowledged as sent when it goes.
    m_components.clear();
    m_jobs.reset();
    if (m_client)
        m_client->disconnectFromBroker();
    if (m_ingest) {
        if (Status flushed = m_ingest->flush(); !flushed)
            problem =
                QStringLiteral("The last reports could not be written: %1").arg(flushed.message());
    }
    publishCounters();
    tearDown();
    if (m_shutDownOutcome)
        *m_shutDownOutcome = problem;
    thread()->quit();
}

void MqttEngineWorker::tearDown()
{
    m_countersTimer.stop();
    m_drainTimer.stop();
    m_components.clear();
    m_jobs.reset();
    m_liveness.reset();
    if (m_client)
        m_client->disconnect(this);
    m_client.reset();
    if (m_ingest)
        m_ingest->disconnect(this);
    m_ingest.reset();
    m_db.reset();
}

void MqttEngineWorker::publishCounters()
{
    if (m_ingest) {
        m_counters.rejected = m_ingest->rejectedCount();
        m_counters.duplicates = m_ingest->duplicateCount();
        m_counters.replays = m_ingest->replayCount();
    }
    if (m_counters == m_lastPublished)
        return;
    m_lastPublished = m_counters;
    emit countersChanged(m_counters);
}

} // namespace fleet
