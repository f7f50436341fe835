#include "SimulatedDevice.h"

#include "crypto/ArtifactSignature.h"
#include "protocol/DeviceTopic.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QRandomGenerator>
#include <climits>

namespace fleet::sim {

namespace {

// How long a clean shutdown waits for the broker to acknowledge the offline presence.
constexpr int GoodbyeTimeoutMs = 3000;
// Devices report download progress in steps of this many percent, not for every chunk.
constexpr int ProgressStepPercent = 20;
// A device whose connection attempt failed tries again after this long (plus up to as much
// again at random, so a fleet does not come back in one burst).
constexpr int RetryDelayMs = 5000;

} // namespace

SimulatedDevice::SimulatedDevice(const DeviceEnvironment &environment, int index, QObject *parent)
    : QObject(parent)
    , m_environment(environment)
    , m_options(*environment.options)
    , m_identity{environment.options->deviceId(index), environment.options->model,
                 environment.options->hwRevision, environment.options->firstIndex + index}
    , m_injector(environment.options->seed, m_identity.deviceId,
                 {environment.options->failDownloadPercent, environment.options->badBootPercent,
                  environment.options->offlinePercent, environment.options->rejectPercent})
{
    m_heartbeat.setTimerType(Qt::CoarseTimer);
    connect(&m_heartbeat, &QTimer::timeout, this, &SimulatedDevice::heartbeat);
}

SimulatedDevice::~SimulatedDevice()
{
    m_stopped = true;
    m_download.reset();
    if (m_client)
        m_client->disconnect(this);
}

qint64 SimulatedDevice::nextSeq()
{
    return (m_state.bootCount << 32) + m_messagesSinceBoot++;
}

Status SimulatedDevice::start()
{
    bool loaded = false;
    if (!m_options.stateDir.isEmpty()) {
        auto saved = SimulatedDeviceState::load(m_options.stateDir, deviceId());
        if (saved) {
            m_state = saved.value();
            loaded = true;
        } else if (saved.error().kind != Error::Kind::NotFound) {
            return saved.error();
        }
    }
    if (!loaded) {
        m_state = SimulatedDeviceState();
        m_state.slotVersions[0] = m_options.firmware;
    }
    MqttBrokerProfile profile = m_options.broker;
    profile.clientId = deviceId();
    profile.username = profile.username.replace(QStringLiteral("%1"), deviceId());
    // The jobs topic is subscribed on a persistent session: jobs sent while the device is away
    // are waiting when it returns.
    profile.cleanSession = false;
    // MQTT 3.1.1 has no session expiry: the broker keeps the session until its own
    // persistent_client_expiration. The light connection keeps one descriptor per device.
    m_client = std::make_unique<DeviceMqttConnection>(profile, m_environment.caCertificates);
    // A fleet that loses its broker does not come back in lockstep.
    m_client->setReconnectJitter([](int boundMs) {
        return boundMs > 0 ? static_cast<int>(QRandomGenerator::global()->bounded(boundMs)) : 0;
    });
    connect(m_client.get(), &DeviceMqttConnection::aboutToConnect, this,
            &SimulatedDevice::onAboutToConnect);
    connect(m_client.get(), &DeviceMqttConnection::stateChanged, this,
            &SimulatedDevice::onStateChanged);
    connect(m_client.get(), &DeviceMqttConnection::messageReceived, this,
            [this](const QString &topic, const QByteArray &payload, int, bool) {
                onMessage(topic, payload);
            });
    connect(m_client.get(), &DeviceMqttConnection::errorOccurred, this,
            [this](const MqttError &error) {
                emit problem(QStringLiteral("%1: %2").arg(deviceId(), error.message));
            });
    const auto jobs = DeviceTopic::make(deviceId(), DeviceTopic::Channel::Jobs);
    if (!jobs)
        return jobs.error();
    if (Status subscribed = m_client->subscribe(jobs->toString(), 1); !subscribed)
        return subscribed;
    boot();
    connectNow();
    return {};
}

void SimulatedDevice::boot()
{
    ++m_state.bootCount;
    m_messagesSinceBoot = 0;
    m_bootTime = QDateTime::currentDateTimeUtc();
    saveState();
}

void SimulatedDevice::connectNow()
{
    if (m_stopped)
        return;
    m_leftOnPurpose = false;
    if (Status connecting = m_client->connectToBroker(); !connecting)
        emit problem(QStringLiteral("%1: %2").arg(deviceId(), connecting.message()));
}

void SimulatedDevice::retryLater()
{
    // The connection retries by itself only after losing a working connection; a device whose
    // first attempt failed (broker not up yet, refused, out of descriptors) keeps trying too.
    after(RetryDelayMs + m_injector.spread(RetryDelayMs), [this] {
        if (m_client->state() == DeviceMqttConnection::State::Disconnected && !m_leftOnPurpose)
            connectNow();
    });
}

void SimulatedDevice::onAboutToConnect()
{
    // The will is registered with the CONNECT, so its number is taken now: birth n, will n+1.
    m_birthSeq = nextSeq();
    const qint64 willSeq = nextSeq();
    const auto presence = DeviceTopic::make(deviceId(), DeviceTopic::Channel::Presence);
    MqttLastWill will;
    will.topic = presence->toString();
    will.payload =
        DeviceMessages::presence(deviceId(), willSeq, QDateTime::currentDateTimeUtc(), false);
    will.qos = 1;
    will.retain = true;
    // MQTT 3.1.1 has no will delay: the broker publishes the will as soon as the link drops.
    m_client->setLastWill(will);
}

void SimulatedDevice::onStateChanged(DeviceMqttConnection::State state)
{
    if (state == DeviceMqttConnection::State::Disconnected && !m_leftOnPurpose && !m_stopped)
        retryLater();
    const bool online = state == DeviceMqttConnection::State::Connected;
    if (online == m_online)
        return;
    m_online = online;
    if (online) {
        publish(
            DeviceTopic::Channel::Presence,
            DeviceMessages::presence(deviceId(), m_birthSeq, QDateTime::currentDateTimeUtc(), true),
            1, true);
        publishInventory();
        // Heartbeats of a fleet are spread over the interval, not sent in one burst.
        m_heartbeat.setInterval(m_options.heartbeatIntervalMs);
        after(m_injector.spread(m_options.heartbeatIntervalMs), [this] {
            if (m_online) {
                heartbeat();
                m_heartbeat.start();
            }
        });
        if (m_rebooting) {
            m_rebooting = false;
            resumeAfterReboot();
        } else if (!m_state.pendingJobId.isEmpty()) {
            resumeAfterReboot(); // fleetsim was restarted in the middle of a job's reboot
        }
        runNext();
    } else {
        m_heartbeat.stop();
    }
    emit onlineChanged(online);
}

void SimulatedDevice::publish(DeviceTopic::Channel channel, const QByteArray &payload, int qos,
                              bool retain, const QString &jobId)
{
    const auto topic = DeviceTopic::make(deviceId(), channel, jobId);
    if (!topic) {
        emit problem(QStringLiteral("%1: %2").arg(deviceId(), topic.message()));
        return;
    }
    const auto sent = m_client->publish(topic->toString(), payload, qos, retain);
    if (!sent)
        emit problem(QStringLiteral("%1: %2").arg(deviceId(), sent.message()));
}

void SimulatedDevice::publishInventory()
{
    publish(
        DeviceTopic::Channel::Inventory,
        DeviceMessages::inventory(m_identity, m_state, nextSeq(), QDateTime::currentDateTimeUtc()),
        1, true);
}

void SimulatedDevice::publishThenDisconnect(const QByteArray &offlinePresence,
                                            std::function<void()> then)
{
    m_leftOnPurpose = true;
    m_heartbeat.stop();
    if (!m_online) {
        m_client->disconnectFromBroker();
        then();
        return;
    }
    const auto topic = DeviceTopic::make(deviceId(), DeviceTopic::Channel::Presence);
    const auto mid = m_client->publish(topic->toString(), offlinePresence, 1, true);
    if (!mid) {
        m_client->disconnectFromBroker();
        then();
        return;
    }
    // Wait for the broker's PUBACK, so the goodbye and everything before it has arrived.
    auto *timeout = new QTimer(this);
    timeout->setSingleShot(true);
    auto done = std::make_shared<bool>(false);
    const auto finish = [this, timeout, done, then] {
        if (*done)
            return;
        *done = true;
        timeout->deleteLater();
        m_client->disconnectFromBroker();
        then();
    };
    connect(m_client.get(), &DeviceMqttConnection::published, timeout,
            [mid = mid.value(), finish](int acknowledged) {
                if (acknowledged == mid)
                    finish();
            });
    connect(timeout, &QTimer::timeout, this, finish);
    timeout->start(GoodbyeTimeoutMs);
}

void SimulatedDevice::heartbeat()
{
    // Nothing after the goodbye: a heartbeat behind the offline presence would tell Fleetdesk
    // the device is back.
    if (!m_online || m_leftOnPurpose)
        return;
    // Drops off only between jobs, so an injected outage never hides a job's own outcome.
    if (!m_current && m_injector.dropsOffNow()) {
        goOffline();
        return;
    }
    const qint64 uptime = m_bootTime.secsTo(QDateTime::currentDateTimeUtc());
    const qint64 freeMemory =
        64 * 1024 * 1024 + static_cast<qint64>(m_injector.spread(64 * 1024)) * 1024;
    publish(DeviceTopic::Channel::Heartbeat,
            DeviceMessages::heartbeat(nextSeq(), QDateTime::currentDateTimeUtc(), uptime,
                                      freeMemory, -50 - m_injector.spread(40)),
            0, false);
}

void SimulatedDevice::goOffline()
{
    m_leftOnPurpose = true;
    m_client->abortConnection(); // no DISCONNECT: the broker publishes the will
    const int away = m_options.offlineDurationMs > 0 ? m_options.offlineDurationMs
                                                     : 2 * m_options.heartbeatIntervalMs;
    after(away, [this] { connectNow(); });
}

void SimulatedDevice::saveState()
{
    if (m_options.stateDir.isEmpty())
        return;
    if (Status saved = m_state.save(m_options.stateDir, deviceId()); !saved)
        emit problem(QStringLiteral("%1: %2").arg(deviceId(), saved.message()));
}

void SimulatedDevice::after(int ms, std::function<void()> work)
{
    QTimer::singleShot(ms, this, [this, work = std::move(work)] {
        if (!m_stopped)
            work();
    });
}

void SimulatedDevice::onMessage(const QString &topicText, const QByteArray &payload)
{
    if (m_stopped)
        return;
    const auto topic = DeviceTopic::parse(topicText);
    if (!topic || topic->channel() != DeviceTopic::Channel::Jobs ||
        topic->deviceId() != deviceId()) {
        emit problem(QStringLiteral("%1: ignored a message on %2").arg(deviceId(), topicText));
        return;
    }
    const auto job = JobMessage::parse(*topic, payload);
    if (!job) {
        emit problem(QStringLiteral("%1: refused a job: %2").arg(deviceId(), job.message()));
        // Answer when the job can be named at all, so Fleetdesk does not wait for it forever.
        const QString jobId =
            QJsonDocument::fromJson(payload).object().value(QStringLiteral("job_id")).toString();
        if (DeviceTopic::isValidId(jobId) && !m_state.jobStates.contains(jobId))
            finish(jobId, QStringLiteral("rejected"),
                   QStringLiteral("invalid job: %1").arg(job.message()));
        return;
    }
    const QString known = m_state.jobStates.value(job->jobId);
    if (!known.isEmpty()) {
        // QoS 1 redelivery: answer with the job's state, never run it twice.
        emit duplicateJob(job->jobId);
        if (DeviceMessages::isFinalState(known))
            publish(DeviceTopic::Channel::JobResult,
                    DeviceMessages::jobReport(
                        job->jobId, nextSeq(), QDateTime::currentDateTimeUtc(), known, {},
                        known == QLatin1String("succeeded")
                            ? QString()
                            : QStringLiteral("reported before; the job was not run again")),
                    1, false, job->jobId);
        else
            report(job->jobId, known);
        return;
    }
    if (job->seq <= m_state.lastJobSeq) {
        finish(job->jobId, QStringLiteral("rejected"),
               QStringLiteral("replayed job: its seq %1 is not above the last accepted %2")
                   .arg(job->seq)
                   .arg(m_state.lastJobSeq));
        return;
    }
    accept(job.value());
}

void SimulatedDevice::accept(const JobMessage &job)
{
    m_state.lastJobSeq = job.seq;
    m_state.jobStates.insert(job.jobId, QStringLiteral("queued"));
    saveState();
    report(job.jobId, QStringLiteral("queued"));
    m_queue.append(job);
    runNext();
}

void SimulatedDevice::runNext()
{
    if (m_current || m_queue.isEmpty() || !m_online || m_rebooting || m_stopping)
        return;
    if (!m_state.pendingJobId.isEmpty())
        return; // an update is still waiting for its reboot to finish
    m_current = m_queue.takeFirst();
    const JobMessage &job = *m_current;
    if (job.deadline.isValid() && QDateTime::currentDateTimeUtc() > job.deadline) {
        finish(
            job.jobId, QStringLiteral("rejected"),
            QStringLiteral("deadline passed (%1)").arg(job.deadline.toString(Qt::ISODateWithMs)));
        return;
    }
    if (m_injector.rejectsJob()) {
        finish(job.jobId, QStringLiteral("rejected"),
               QStringLiteral("the device refused the job (injected by --reject)"));
        return;
    }
    switch (job.kind) {
    case JobMessage::Kind::Update:
        runUpdate(job);
        break;
    case JobMessage::Kind::Rollback:
        runRollback(job);
        break;
    case JobMessage::Kind::Reboot:
        m_state.pendingJobId = job.jobId;
        m_state.pendingIsUpdate = false;
        m_state.pendingPreviousSlot = -1;
        rebootForJob();
        break;
    case JobMessage::Kind::Config:
        runConfig(job);
        break;
    case JobMessage::Kind::Decommission:
        runDecommission(job);
        break;
    }
}

void SimulatedDevice::runUpdate(const JobMessage &job)
{
    if (!job.artifact) {
        finish(job.jobId, QStringLiteral("rejected"),
               QStringLiteral("an update needs an artifact"));
        return;
    }
    if (m_environment.trustKey.isNull()) {
        finish(job.jobId, QStringLiteral("rejected"),
               QStringLiteral("signature cannot be checked: the device has no release key "
                              "(fleetsim --trust-key)"));
        return;
    }
    // The statement names hash and size, so the signature is checked before a byte is fetched.
    const Status signature = ArtifactSignature::verify(m_environment.trustKey, job.artifact->sha256,
                                                       job.artifact->size, job.artifact->signature);
    if (!signature) {
        finish(job.jobId, QStringLiteral("rejected"),
               QStringLiteral("signature does not verify against the device's keys: %1")
                   .arg(signature.message()));
        return;
    }
    ArtifactDownloader::Settings settings;
    settings.caCertificates = m_environment.caCertificates;
    settings.trustKey = m_environment.trustKey;
    settings.kbps = m_options.slowLinkKbps;
    if (m_injector.downloadBreaksOff())
        settings.breakOffAt =
            m_injector.spread(static_cast<int>(std::min<qint64>(job.artifact->size, INT_MAX)));
    m_download = std::make_unique<ArtifactDownloader>(m_environment.network, settings);
    m_lastReportedPercent = -1;
    const QString jobId = job.jobId;
    connect(m_download.get(), &ArtifactDownloader::progress, this, [this, jobId](int percent) {
        if (percent == 100 || m_lastReportedPercent < 0 ||
            percent >= m_lastReportedPercent + ProgressStepPercent) {
            m_lastReportedPercent = percent;
            report(jobId, QStringLiteral("downloading"), percent);
        }
    });
    connect(m_download.get(), &ArtifactDownloader::finished, this,
            [this, jobId](bool ok, const QString &reason) {
                if (!m_current || m_current->jobId != jobId)
                    return;
                if (!ok) {
                    finish(jobId, QStringLiteral("failed"), reason);
                    return;
                }
                install(*m_current);
            });
    m_download->start(*job.artifact);
}

void SimulatedDevice::install(const JobMessage &job)
{
    const QString jobId = job.jobId;
    const QString version = job.targetVersion;
    const int target = 1 - m_state.activeSlot; // always the inactive slot
    report(jobId, QStringLiteral("installing"), 0);
    after(m_options.installStepMs,
          [this, jobId] { report(jobId, QStringLiteral("installing"), 50); });
    after(2 * m_options.installStepMs, [this, jobId, version, target] {
        if (!m_current || m_current->jobId != jobId)
            return;
        m_download.reset(); // the image is "written": the temporary file goes
        m_state.slotVersions[target] = version;
        report(jobId, QStringLiteral("installing"), 100);
        m_state.pendingJobId = jobId;
        m_state.pendingIsUpdate = true;
        m_state.pendingPreviousSlot = m_state.activeSlot;
        m_state.activeSlot = target;
        rebootForJob();
    });
}

void SimulatedDevice::runRollback(const JobMessage &job)
{
    const int other = 1 - m_state.activeSlot;
    const QString otherVersion = m_state.slotVersions[other];
    if (otherVersion.isEmpty()) {
        finish(job.jobId, QStringLiteral("failed"),
               QStringLiteral("nothing to go back to: slot %1 is empty")
                   .arg(SimulatedDeviceState::slotName(other)));
        return;
    }
    if (!job.targetVersion.isEmpty() && job.targetVersion != otherVersion) {
        finish(job.jobId, QStringLiteral("failed"),
               QStringLiteral("slot %1 holds %2, not the requested %3")
                   .arg(SimulatedDeviceState::slotName(other), otherVersion, job.targetVersion));
        return;
    }
    m_state.pendingJobId = job.jobId;
    m_state.pendingIsUpdate = false;
    m_state.pendingPreviousSlot = m_state.activeSlot;
    m_state.activeSlot = other;
    rebootForJob();
}

void SimulatedDevice::runConfig(const JobMessage &job)
{
    for (auto it = job.settings.cbegin(); it != job.settings.cend(); ++it)
        m_state.settings.insert(it.key(), it.value());
    bool ok = false;
    const double interval =
        m_state.settings.value(QStringLiteral("heartbeat.interval_s")).toDouble(&ok);
    if (ok && interval >= 0.1) {
        m_heartbeat.setInterval(static_cast<int>(interval * 1000));
    }
    saveState();
    publishInventory(); // the new config_hash
    finish(job.jobId, QStringLiteral("succeeded"));
}

void SimulatedDevice::runDecommission(const JobMessage &job)
{
    const QString jobId = job.jobId;
    m_state.jobStates.insert(jobId, QStringLiteral("succeeded"));
    publish(DeviceTopic::Channel::JobResult,
            DeviceMessages::jobReport(jobId, nextSeq(), QDateTime::currentDateTimeUtc(),
                                      QStringLiteral("succeeded")),
            1, false, jobId);
    emit jobFinished(jobId, QStringLiteral("succeeded"), QString());
    // Fleetdesk clears the retained presence and inventory; the device wipes itself and stops.
    m_stopping = true;
    m_heartbeat.stop();
    auto *wait = new QTimer(this);
    wait->setSingleShot(true);
    const auto stop = [this, wait] {
        wait->deleteLater();
        if (m_stopped)
            return;
        m_leftOnPurpose = true;
        m_client->disconnectFromBroker();
        if (!m_options.stateDir.isEmpty())
            if (Status removed = SimulatedDeviceState::remove(m_options.stateDir, deviceId());
                !removed)
                emit problem(QStringLiteral("%1: %2").arg(deviceId(), removed.message()));
        m_state = SimulatedDeviceState();
        m_stopped = true;
        m_current.reset();
        emit stopped();
    };
    connect(m_client.get(), &DeviceMqttConnection::published, wait,
            [wait](int) { wait->start(0); });
    connect(wait, &QTimer::timeout, this, stop);
    wait->start(GoodbyeTimeoutMs);
}

void SimulatedDevice::rebootForJob()
{
    report(m_state.pendingJobId, QStringLiteral("rebooting"));
    saveState();
    m_rebooting = true;
    m_heartbeat.stop();
    publishThenDisconnect(
        DeviceMessages::presence(deviceId(), nextSeq(), QDateTime::currentDateTimeUtc(), false),
        [this] {
            after(m_options.rebootDelayMs, [this] {
                boot();
                connectNow();
            });
        });
}

void SimulatedDevice::resumeAfterReboot()
{
    const QString jobId = m_state.pendingJobId;
    if (jobId.isEmpty())
        return;
    if (!m_state.pendingRollbackReason.isEmpty()) {
        // Back on the old slot after a failed boot of the new one.
        const QString reason = m_state.pendingRollbackReason;
        m_state.pendingRollbackReason.clear();
        finish(jobId, QStringLiteral("rolled_back"), reason);
        return;
    }
    if (!m_state.pendingIsUpdate) {
        finish(jobId, QStringLiteral("succeeded"));
        return;
    }
    report(jobId, QStringLiteral("verifying"));
    after(m_options.installStepMs, [this, jobId] {
        if (m_state.pendingJobId != jobId || !m_online)
            return;
        if (m_injector.bootFails()) {
            const int failed = m_state.activeSlot;
            m_state.pendingRollbackReason =
                QStringLiteral("post-boot health check failed on slot %1 with %2 (injected by "
                               "--bad-boot); back on "
                               "slot %3 with %4")
                    .arg(SimulatedDeviceState::slotName(failed), m_state.slotVersions[failed],
                         SimulatedDeviceState::slotName(m_state.pendingPreviousSlot),
                         m_state.slotVersions[m_state.pendingPreviousSlot]);
            m_state.activeSlot = m_state.pendingPreviousSlot;
            m_state.pendingIsUpdate = false;
            rebootForJob();
            return;
        }
        finish(jobId, QStringLiteral("succeeded"));
    });
}

void SimulatedDevice::report(const QString &jobId, const QString &state, std::optional<int> percent,
                             const QString &reason)
{
    m_state.jobStates.insert(jobId, state);
    publish(DeviceTopic::Channel::JobProgress,
            DeviceMessages::jobReport(jobId, nextSeq(), QDateTime::currentDateTimeUtc(), state,
                                      percent, reason),
            1, false, jobId);
}

void SimulatedDevice::finish(const QString &jobId, const QString &state, const QString &reason)
{
    m_state.jobStates.insert(jobId, state);
    if (m_state.pendingJobId == jobId) {
        m_state.pendingJobId.clear();
        m_state.pendingPreviousSlot = -1;
        m_state.pendingIsUpdate = false;
        m_state.pendingRollbackReason.clear();
    }
    saveState();
    publish(DeviceTopic::Channel::JobResult,
            DeviceMessages::jobReport(jobId, nextSeq(), QDateTime::currentDateTimeUtc(), state, {},
                                      reason),
            1, false, jobId);
    if (m_current && m_current->jobId == jobId) {
        m_current.reset();
        m_download.reset();
    }
    emit jobFinished(jobId, state, reason);
    QTimer::singleShot(0, this, [this] { runNext(); });
}

void SimulatedDevice::shutDown()
{
    if (m_stopped) {
        emit stopped();
        return;
    }
    m_stopping = true;
    m_heartbeat.stop();
    m_download.reset();
    publishThenDisconnect(
        DeviceMessages::presence(deviceId(), nextSeq(), QDateTime::currentDateTimeUtc(), false),
        [this] {
            m_stopped = true;
            saveState();
            emit stopped();
        });
}

void SimulatedDevice::kill()
{
    m_stopped = true;
    m_heartbeat.stop();
    m_download.reset();
    m_leftOnPurpose = true;
    if (m_client)
        m_client->abortConnection();
    emit stopped();
}

} // namespace fleet::sim
