#include "FleetSimulator.h"

#include <QFile>
#include <sys/resource.h>

namespace fleet::sim {

namespace {

constexpr int StartTickMs = 50;
constexpr int ShutdownTimeoutMs = 10000;
// Problems are counted always but logged only up to this many, so a broker outage with 10,000
// devices does not flood the terminal.
constexpr int MaxProblemsLogged = 50;
// Descriptors fleetsim needs besides one per device (see raiseFileLimit).
constexpr rlim_t FixedDescriptors = 100;

} // namespace

FleetSimulator::FleetSimulator(SimulatorOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_environment.options = &m_options;
    m_environment.network = &m_network;
    m_network.setAutoDeleteReplies(false);
    m_starter.setInterval(StartTickMs);
    connect(&m_starter, &QTimer::timeout, this, &FleetSimulator::startSome);
    connect(&m_summary, &QTimer::timeout, this, [this] { emit summary(summaryLine()); });
}

FleetSimulator::~FleetSimulator()
{
    m_devices.clear();
}

QString FleetSimulator::raiseFileLimit(int devices)
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return QStringLiteral("cannot read the open-file limit");
    // Each device holds one descriptor, the socket of its DeviceMqttConnection. On top come a
    // fixed few: stdio, the event loop's wake-up, the signal pipe, the shared download manager's
    // connections (a handful per artifact host) and files opened for a moment.
    const rlim_t needed = static_cast<rlim_t>(devices) + FixedDescriptors;
    // With CAP_SYS_RESOURCE (root) the hard limit itself can go up; otherwise this fails
    // quietly and the soft limit is raised as far as the hard one allows.
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
        rlimit raised{needed, needed};
        setrlimit(RLIMIT_NOFILE, &raised);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
        return QStringLiteral("the open-file limit is %1, but %2 devices need about %3 (one per "
                              "MQTT connection plus %4); "
                              "raise it (ulimit -Hn, LimitNOFILE=) or lower --count")
            .arg(limit.rlim_cur)
            .arg(devices)
            .arg(needed)
            .arg(FixedDescriptors);
    return {};
}

Status FleetSimulator::start()
{
    if (Status valid = m_options.validate(); !valid)
        return valid;
    if (!m_options.caFile.isEmpty()) {
        m_environment.caCertificates = QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
        if (m_environment.caCertificates.isEmpty())
            return Error::invalid(
                QStringLiteral("--ca %1 holds no PEM certificate").arg(m_options.caFile));
    }
    if (!m_options.trustKeyFile.isEmpty()) {
        QFile file(m_options.trustKeyFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error::invalid(
                QStringLiteral("--trust-key: cannot read %1").arg(m_options.trustKeyFile));
        auto key = Ed25519PublicKey::fromPem(file.readAll());
        if (!key)
            return Error::invalid(
                QStringLiteral("--trust-key %1: %2").arg(m_options.trustKeyFile, key.message()));
        m_environment.trustKey = key.value();
    }
    m_stats = Stats();
    m_stats.devices = m_options.count;
    m_devices.reserve(static_cast<size_t>(m_options.count));
    for (int i = 0; i < m_options.count; ++i) {
        auto device = std::make_unique<SimulatedDevice>(m_environment, i);
        SimulatedDevice *raw = device.get();
        connect(raw, &SimulatedDevice::onlineChanged, this,
                [this](bool online) { m_stats.online += online ? 1 : -1; });
        connect(raw, &SimulatedDevice::jobFinished, this,
                [this](const QString &, const QString &state, const QString &) {
                    ++m_stats.jobResults[state];
                });
        connect(raw, &SimulatedDevice::duplicateJob, this, [this] { ++m_stats.duplicateJobs; });
        connect(raw, &SimulatedDevice::stopped, this, [this] {
            ++m_stats.stopped;
            if (m_shuttingDown && m_stats.stopped >= m_stats.started)
                emit allStopped();
        });
        connect(raw, &SimulatedDevice::problem, this, [this](const QString &message) {
            ++m_stats.problems;
            if (m_problemsLogged++ < MaxProblemsLogged)
                emit problem(message);
        });
        m_devices.push_back(std::move(device));
    }
    startSome();
    if (m_nextToStart < deviceCount())
        m_starter.start();
    if (m_options.summaryIntervalMs > 0 && !m_options.quiet)
        m_summary.start(m_options.summaryIntervalMs);
    return {};
}

void FleetSimulator::startSome()
{
    const int perTick = std::max(1, m_options.connectsPerSecond * StartTickMs / 1000);
    for (int i = 0; i < perTick && m_nextToStart < deviceCount() && !m_shuttingDown; ++i) {
        SimulatedDevice *device = m_devices[static_cast<size_t>(m_nextToStart++)].get();
        if (Status started = device->start(); !started) {
            ++m_stats.problems;
            emit problem(QStringLiteral("%1: %2").arg(device->deviceId(), started.message()));
            continue;
        }
        ++m_stats.started;
    }
    if (m_nextToStart >= deviceCount())
        m_starter.stop();
}

void FleetSimulator::shutDown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_starter.stop();
    m_summary.stop();
    m_stats.stopped = 0;
    const int toStop = m_stats.started;
    if (toStop == 0) {
        QTimer::singleShot(0, this, &FleetSimulator::allStopped);
        return;
    }
    for (int i = 0; i < m_nextToStart; ++i)
        m_devices[static_cast<size_t>(i)]->shutDown();
    QTimer::singleShot(ShutdownTimeoutMs, this, [this] {
        if (m_stats.stopped < m_stats.started) {
            emit problem(QStringLiteral("%1 devices did not finish saying goodbye in time")
                             .arg(m_stats.started - m_stats.stopped));
            emit allStopped();
        }
    });
}

QString FleetSimulator::summaryLine() const
{
    QStringList jobs;
    for (auto it = m_stats.jobResults.cbegin(); it != m_stats.jobResults.cend(); ++it)
        jobs << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return QStringLiteral(
               "fleetsim: %1/%2 online, %3 started; jobs: %4; %5 duplicate deliveries; %6 problems")
        .arg(m_stats.online)
        .arg(m_stats.devices)
        .arg(m_stats.started)
        .arg(jobs.isEmpty() ? QStringLiteral("none") : jobs.join(QStringLiteral(", ")))
        .arg(m_stats.duplicateJobs)
        .arg(m_stats.problems);
}

} // namespace fleet::sim
