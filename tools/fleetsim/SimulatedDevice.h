#pragma once

#include "ArtifactDownloader.h"
#include "DeviceMessages.h"
#include "DeviceMqttConnection.h"
#include "FailureInjector.h"
#include "SimulatedDeviceState.h"
#include "SimulatorOptions.h"
#include "crypto/Ed25519PublicKey.h"
#include "protocol/DeviceTopic.h"
#include "protocol/JobMessage.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace fleet::sim {

// What all devices of one run share: options, the network access manager for downloads, the
// trusted CAs and the release key.
struct DeviceEnvironment
{
    const SimulatorOptions *options = nullptr;
    QNetworkAccessManager *network = nullptr;
    QList<QSslCertificate> caCertificates;
    Ed25519PublicKey trustKey;
};

// One simulated device: its MQTT connection, its message counter, A/B slots and the job state
// machine of docs/device-protocol.md. Connects with a will (seq n+1), publishes a retained birth
// (seq n) and inventory, heartbeats, and runs the jobs it receives on its persistent session
// one at a time; a job id it has seen before is answered with its state, never run again.
class SimulatedDevice : public QObject
{
    Q_OBJECT
public:
    SimulatedDevice(const DeviceEnvironment &environment, int index, QObject *parent = nullptr);
    ~SimulatedDevice() override;

    const QString &deviceId() const { return m_identity.deviceId; }
    bool isOnline() const { return m_online; }
    bool isStopped() const { return m_stopped; }
    const SimulatedDeviceState &state() const { return m_state; }
    QString jobState(const QString &jobId) const { return m_state.jobStates.value(jobId); }

    // Loads the saved state (or starts as a new device), boots and connects.
    Status start();
    // A clean shutdown: the offline presence, then DISCONNECT. Emits stopped().
    void shutDown();
    // Vanishes without DISCONNECT (power cut): the broker publishes the will. Does not return.
    void kill();

signals:
    void onlineChanged(bool online);
    void jobFinished(const QString &jobId, const QString &state, const QString &reason);
    void duplicateJob(const QString &jobId);
    void problem(const QString &message);
    void stopped();

private:
    qint64 nextSeq();
    void boot();
    void connectNow();
    void retryLater();
    void onAboutToConnect();
    void onStateChanged(DeviceMqttConnection::State state);
    void onMessage(const QString &topic, const QByteArray &payload);
    void publish(DeviceTopic::Channel channel, const QByteArray &payload, int qos, bool retain,
                 const QString &jobId = {});
    void publishInventory();
    void publishThenDisconnect(const QByteArray &offlinePresence, std::function<void()> then);
    void heartbeat();
    void goOffline();
    void saveState();

    void accept(const JobMessage &job);
    void runNext();
    void runUpdate(const JobMessage &job);
    void install(const JobMessage &job);
    void runRollback(const JobMessage &job);
    void runConfig(const JobMessage &job);
    void runDecommission(const JobMessage &job);
    void rebootForJob();
    void resumeAfterReboot();
    void report(const QString &jobId, const QString &state, std::optional<int> percent = {},
                const QString &reason = {});
    void finish(const QString &jobId, const QString &state, const QString &reason = {});
    void after(int ms, std::function<void()> work);

    DeviceEnvironment m_environment;
    const SimulatorOptions &m_options;
    DeviceMessages::Identity m_identity;
    FailureInjector m_injector;
    SimulatedDeviceState m_state;
    std::unique_ptr<DeviceMqttConnection> m_client; // one file descriptor per device
    QTimer m_heartbeat;
    qint64 m_messagesSinceBoot = 0;
    qint64 m_birthSeq = 0;
    QDateTime m_bootTime;
    bool m_online = false;
    bool m_rebooting = false; // a simulated reboot is in progress
    bool m_stopped = false;
    bool m_stopping = false;
    bool m_leftOnPurpose = false; // the device itself disconnected (reboot, outage, shutdown)
    QList<JobMessage> m_queue;
    std::optional<JobMessage> m_current;
    std::unique_ptr<ArtifactDownloader> m_download;
    int m_lastReportedPercent = -1;
};

} // namespace fleet::sim
