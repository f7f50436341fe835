#include "IngestWorker.h"

#include "audit/AuditHeadAnchor.h"
#include "ingest/DeviceReportIngest.h"
#include "mqtt/MqttClient.h"
#include "protocol/DeviceTopic.h"
#include "storage/Workspace.h"
#include "util/Clock.h"

#include <QDir>
#include <QFile>
#include <ctime>

namespace fleet::bench {

namespace {

double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// CPU time of this process's thread named `name` (Linux: /proc), 0 when there is none. For
// threads the benchmark does not create itself, such as the ingest's writer.
double namedThreadCpuSeconds(const QByteArray &name)
{
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (!comm.open(QIODevice::ReadOnly) || comm.readAll().trimmed() != name)
            continue;
        // schedstat's first field: nanoseconds on a CPU.
        QFile stat(tasks.filePath(tid + QStringLiteral("/schedstat")));
        if (!stat.open(QIODevice::ReadOnly))
            return 0;
        return stat.readAll().split(' ').value(0).toDouble() / 1e9;
    }
    return 0;
}

} // namespace

IngestWorker::IngestWorker(const Workspace &workspace, quint16 port, int qos, bool writerThread)
    : m_workspace(workspace)
    , m_port(port)
    , m_qos(qos)
    , m_writerThread(writerThread)
{}

IngestWorker::~IngestWorker() = default;

void IngestWorker::start()
{
    m_cpuAtStart = threadCpuSeconds();
    auto connection = m_workspace.openConnection();
    if (!connection) {
        emit failed(connection.message());
        return;
    }
    m_db = std::move(connection.value());
    m_clock = std::make_unique<SystemClock>();
    const QString anchor = AuditHeadAnchor::pathForWorkspace(m_workspace.path());
    if (m_writerThread) {
        // As MqttEngineWorker: a second connection for the ingest's writer thread.
        auto writerConnection = m_workspace.openConnection();
        if (!writerConnection) {
            emit failed(writerConnection.message());
            return;
        }
        m_ingest = std::make_unique<DeviceReportIngest>(*m_db, std::move(writerConnection.value()),
                                                        *m_clock, anchor);
    } else {
        m_ingest = std::make_unique<DeviceReportIngest>(*m_db, *m_clock, anchor);
    }

    MqttBrokerProfile profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.port = m_port;
    m_client = std::make_unique<MqttClient>(profile);
    connect(m_client.get(), &MqttClient::messageReceived, this, [this] {
        const qint64 received = m_received.fetch_add(1, std::memory_order_relaxed) + 1;
        if (received == m_target.load(std::memory_order_relaxed))
            m_receivedAllAt = std::chrono::steady_clock::now();
    });
    m_ingest->attach(*m_client);
    // Heartbeats are QoS 0 in the protocol; the QoS 1 variant of the benchmark subscribes to
    // them at QoS 1 (the client keeps one QoS per filter, so this replaces attach()'s).
    const QString heartbeats = DeviceTopic::prefix() + QStringLiteral("/+/heartbeat");
    if (Status s = m_client->subscribe(heartbeats, m_qos); !s) {
        emit failed(s.message());
        return;
    }
    const int filters = int(m_client->subscriptions().size());
    connect(m_client.get(), &MqttClient::subscribed, this, [this, filters] {
        if (++m_subscribed == filters)
            emit ready();
    });
    connect(m_client.get(), &MqttClient::errorOccurred, this,
            [this](const MqttError &e) { emit failed(e.message); });
    connect(m_ingest.get(), &DeviceReportIngest::batchCommitted, this,
            [this](int messages, const QList<qint64> &changed) {
                const qint64 total = m_committed.load() + messages;
                if (total >= m_target.load() && m_target.load() > 0 &&
                    m_committed.load() < m_target.load()) {
                    m_doneAt = std::chrono::steady_clock::now();
                    m_cpuSeconds = threadCpuSeconds() - m_cpuAtStart;
                    m_writerCpuSeconds = namedThreadCpuSeconds("ingest-writer");
                }
                m_rejectedCount.store(m_ingest->rejectedCount());
                m_duplicates.store(m_ingest->duplicateCount());
                m_committed.store(total, std::memory_order_release);
                emit batchCommitted(messages, changed);
            });
    if (Status s = m_client->connectToBroker(); !s)
        emit failed(s.message());
}

void IngestWorker::stop()
{
    if (m_ingest)
        (void)m_ingest->flush();
    if (m_client)
        m_client->disconnectFromBroker();
    m_client.reset();
    m_ingest.reset();
    m_db.reset();
}

} // namespace fleet::bench
