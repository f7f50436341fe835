#include "FleetSimulator.h"
#include "MosquittoBroker.h"
#include "TestHttpsServer.h"
#include "crypto/ArtifactSignature.h"
#include "crypto/Ed25519PrivateKey.h"
#include "mqtt/MqttClient.h"
#include "protocol/DevicePayloadParser.h"
#include "protocol/JobMessage.h"
#include "protocol/SequenceGuard.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

using namespace fleet;
using fleet::sim::FleetSimulator;
using fleet::sim::SimulatorOptions;
using fleet::test::MosquittoBroker;
using fleet::test::TestHttpsServer;

namespace {

constexpr int ConnectWaitMs = 20000;
constexpr int JobWaitMs = 30000;

struct Seen
{
    DeviceTopic topic;
    QByteArray payload;
    QJsonObject json;
};

// Fleetdesk's side: everything devices publish, parsed with Fleetdesk's own parser and checked
// by its SequenceGuard, and a way to send jobs.
class FleetdeskSide : public QObject
{
public:
    explicit FleetdeskSide(const MosquittoBroker &broker)
    {
        MqttBrokerProfile profile;
        profile.host = QStringLiteral("127.0.0.1");
        profile.port = broker.port();
        client = std::make_unique<MqttClient>(profile);
        connect(client.get(), &MqttClient::messageReceived, this,
                [this](const QString &topicText, const QByteArray &payload, int, bool) {
                    const auto topic = DeviceTopic::parse(topicText);
                    if (!topic) {
                        problems << topic.message();
                        return;
                    }
                    if (topic->channel() == DeviceTopic::Channel::Jobs)
                        return; // our own jobs
                    const auto report = DevicePayloadParser::parse(*topic, payload);
                    if (!report) {
                        problems << topicText + QStringLiteral(": ") + report.message();
                        return;
                    }
                    const auto verdict = guard.accept(*topic, reportHeader(*report).seq);
                    if (verdict != SequenceGuard::Verdict::Fresh)
                        problems << topicText + QStringLiteral(": ") +
                                        SequenceGuard::verdictName(verdict) +
                                        QStringLiteral(" seq ") +
                                        QString::number(reportHeader(*report).seq);
                    messages.append({*topic, payload, QJsonDocument::fromJson(payload).object()});
                });
    }

    bool start()
    {
        return client->subscribe(DeviceTopic::deviceReportsFilter(), 1).ok() &&
               client->connectToBroker().ok();
    }
    bool subscribed() const { return client->state() == MqttClient::State::Connected; }

    QList<Seen> on(const QString &deviceId, DeviceTopic::Channel channel,
                   const QString &jobId = {}) const
    {
        QList<Seen> out;
        for (const Seen &m : messages)
            if (m.topic.deviceId() == deviceId && m.topic.channel() == channel &&
                (jobId.isEmpty() || m.topic.jobId() == jobId))
                out << m;
        return out;
    }
    int devicesWith(DeviceTopic::Channel channel) const
    {
        QSet<QString> ids;
        for (const Seen &m : messages)
            if (m.topic.channel() == channel)
                ids.insert(m.topic.deviceId());
        return static_cast<int>(ids.size());
    }
    // The states reported for a job, progress and result, in order.
    QStringList jobStates(const QString &deviceId, const QString &jobId) const
    {
        QStringList states;
        for (const Seen &m : messages)
            if (m.topic.deviceId() == deviceId && m.topic.jobId() == jobId)
                states << m.json.value(QStringLiteral("state")).toString();
        return states;
    }
    QJsonObject result(const QString &deviceId, const QString &jobId) const
    {
        const auto results = on(deviceId, DeviceTopic::Channel::JobResult, jobId);
        return results.isEmpty() ? QJsonObject() : results.constFirst().json;
    }
    QString firmware(const QString &deviceId) const
    {
        const auto inventories = on(deviceId, DeviceTopic::Channel::Inventory);
        if (inventories.isEmpty())
            return {};
        const QJsonObject fw =
            inventories.constLast().json.value(QStringLiteral("firmware")).toObject();
        return fw.value(QStringLiteral("version")).toString() + QLatin1Char('/') +
               fw.value(QStringLiteral("slot")).toString();
    }

    // tamper edits the built payload, for jobs Fleetdesk itself would never build.
    bool send(JobMessage job, const std::function<QByteArray(QByteArray)> &tamper = {})
    {
        job.seq = ++jobSeq;
        job.timestamp = QDateTime::currentDateTimeUtc();
        const auto payload = job.build();
        if (!payload) {
            problems << payload.message();
            return false;
        }
        return client->publish(job.topic()->toString(), tamper ? tamper(*payload) : *payload, 1)
            .ok();
    }
    // The same job again with a chosen seq: a QoS 1 redelivery or a replay.
    bool resend(const JobMessage &job, qint64 seq)
    {
        JobMessage copy = job;
        copy.seq = seq;
        if (!copy.timestamp.isValid())
            copy.timestamp = QDateTime::currentDateTimeUtc();
        const auto payload = copy.build();
        if (!payload) {
            problems << payload.message();
            return false;
        }
        return client->publish(copy.topic()->toString(), *payload, 1).ok();
    }

    std::unique_ptr<MqttClient> client;
    SequenceGuard guard;
    QList<Seen> messages;
    QStringList problems;
    qint64 jobSeq = 100;
};

} // namespace

class TestFleetSim : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void fleetPublishesValidReports();
    void updateSucceeds();
    void updateFailsAndKeepsTheOldVersion_data();
    void updateFailsAndKeepsTheOldVersion();
    void badBootRollsBack();
    void slowLinkStillCompletes();
    void rollbackAndConfigJobs();
    void jobsAreRejected_data();
    void jobsAreRejected();
    void duplicateJobRunsOnce();
    void jobSentWhileRebootingArrivesAfterwards();
    void willWhenGoingOffline();
    void killedDeviceLeavesItsWill();
    void stateDirContinuesTheCounter();
    void executableStopsCleanlyOnSigterm();
    void fileLimitWarningCountsOneDescriptorPerDevice();

private:
    SimulatorOptions options(int count);
    bool startFleet(const SimulatorOptions &options);
    JobMessage updateJob(const QString &deviceId, const QString &jobId);

    std::unique_ptr<MosquittoBroker> m_broker;
    std::unique_ptr<TestHttpsServer> m_https;
    std::unique_ptr<FleetdeskSide> m_fleetdesk;
    std::unique_ptr<FleetSimulator> m_fleet;
    std::unique_ptr<QTemporaryDir> m_dir;
    Ed25519PrivateKey m_releaseKey;
    QByteArray m_image;
};

void TestFleetSim::init()
{
    m_broker = std::make_unique<MosquittoBroker>();
    QVERIFY2(m_broker->start(), qPrintable(m_broker->errorString()));
    m_https = std::make_unique<TestHttpsServer>();
    QVERIFY2(m_https->start(), qPrintable(m_https->errorString()));
    m_dir = std::make_unique<QTemporaryDir>();
    m_releaseKey = Ed25519PrivateKey::generate().value();
    QFile key(m_dir->filePath(QStringLiteral("release.pub.pem")));
    QVERIFY(key.open(QIODevice::WriteOnly));
    key.write(m_releaseKey.publicKey().toPem().value());
    key.close();
    m_image = QByteArray(300 * 1024, '\0');
    QRandomGenerator random(42);
    for (char &c : m_image)
        c = static_cast<char>(random.bounded(256));
    m_https->serve(QStringLiteral("/fw/2.0.0.swu"), m_image);
    m_fleetdesk = std::make_unique<FleetdeskSide>(*m_broker);
    QVERIFY(m_fleetdesk->start());
    QTRY_VERIFY_WITH_TIMEOUT(m_fleetdesk->subscribed(), ConnectWaitMs);
}

void TestFleetSim::cleanup()
{
    if (m_fleetdesk && !m_fleetdesk->problems.isEmpty())
        qWarning() << "reports Fleetdesk refused:" << m_fleetdesk->problems.mid(0, 10);
    m_fleet.reset();
    m_fleetdesk.reset();
    m_https.reset();
    m_broker.reset();
    m_dir.reset();
}

SimulatorOptions TestFleetSim::options(int count)
{
    SimulatorOptions o;
    o.broker.host = QStringLiteral("127.0.0.1");
    o.broker.port = m_broker->port();
    o.count = count;
    o.prefix = QStringLiteral("t");
    o.caFile = m_https->caFile();
    o.trustKeyFile = m_dir->filePath(QStringLiteral("release.pub.pem"));
    o.heartbeatIntervalMs = 60000;
    o.connectsPerSecond = 2000;
    o.rebootDelayMs = 100;
    o.installStepMs = 20;
    o.summaryIntervalMs = 0;
    o.quiet = true;
    return o;
}

bool TestFleetSim::startFleet(const SimulatorOptions &o)
{
    m_fleet = std::make_unique<FleetSimulator>(o);
    const Status started = m_fleet->start();
    if (!started)
        qWarning() << started.message();
    return started.ok();
}

JobMessage TestFleetSim::updateJob(const QString &deviceId, const QString &jobId)
{
    JobMessage job;
    job.deviceId = deviceId;
    job.jobId = jobId;
    job.kind = JobMessage::Kind::Update;
    job.targetVersion = QStringLiteral("2.0.0");
    const QString sha =
        QString::fromLatin1(QCryptographicHash::hash(m_image, QCryptographicHash::Sha256).toHex());
    job.artifact = JobArtifact{m_https->url(QStringLiteral("/fw/2.0.0.swu")), m_image.size(), sha,
                               ArtifactSignature::sign(m_releaseKey, sha, m_image.size()).value()};
    return job;
}

void TestFleetSim::fleetPublishesValidReports()
{
    SimulatorOptions o = options(200);
    o.heartbeatIntervalMs = 1000;
    QVERIFY(startFleet(o));
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Presence), 200,
                              ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 200,
                              ConnectWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Heartbeat), 200,
                              ConnectWaitMs);
    QCOMPARE(m_fleet->stats().online, 200);
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.mid(0, 5).join(QLatin1Char('\n'))));
    // Birth n, will n+1 (taken at connect), inventory from n+2 on; boot 1 is the upper word.
    const auto births = m_fleetdesk->on(QStringLiteral("t-000001"), DeviceTopic::Channel::Presence);
    QCOMPARE(births.size(), 1);
    QCOMPARE(births[0].json.value(QStringLiteral("state")).toString(), QStringLiteral("online"));
    QCOMPARE(births[0].json.value(QStringLiteral("seq")).toInteger(), qint64(1) << 32);
    const auto inventory =
        m_fleetdesk->on(QStringLiteral("t-000001"), DeviceTopic::Channel::Inventory);
    QCOMPARE(inventory.constFirst().json.value(QStringLiteral("seq")).toInteger(),
             (qint64(1) << 32) + 2);
    QCOMPARE(m_fleetdesk->firmware(QStringLiteral("t-000200")), QStringLiteral("1.0.0/a"));
}

void TestFleetSim::updateSucceeds()
{
    QVERIFY(startFleet(options(1)));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    QVERIFY(m_fleetdesk->send(updateJob(id, QStringLiteral("j-1"))));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-1")).isEmpty(), JobWaitMs);
    QCOMPARE(
        m_fleetdesk->result(id, QStringLiteral("j-1")).value(QStringLiteral("state")).toString(),
        QStringLiteral("succeeded"));
    QStringList states = m_fleetdesk->jobStates(id, QStringLiteral("j-1"));
    states.removeDuplicates();
    QCOMPARE(states, (QStringList{QStringLiteral("queued"), QStringLiteral("downloading"),
                                  QStringLiteral("installing"), QStringLiteral("rebooting"),
                                  QStringLiteral("verifying"), QStringLiteral("succeeded")}));
    const auto downloading =
        m_fleetdesk->on(id, DeviceTopic::Channel::JobProgress, QStringLiteral("j-1"));
    QVERIFY(std::any_of(downloading.cbegin(), downloading.cend(), [](const Seen &m) {
        return m.json.value(QStringLiteral("state")) == QLatin1String("downloading") &&
               m.json.value(QStringLiteral("percent")).toInt() == 100;
    }));
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("2.0.0/b"));
    // The reboot went offline cleanly and came back with a birth from boot 2.
    const auto presence = m_fleetdesk->on(id, DeviceTopic::Channel::Presence);
    QCOMPARE(presence.size(), 3);
    QCOMPARE(presence[1].json.value(QStringLiteral("state")).toString(), QStringLiteral("offline"));
    QCOMPARE(presence[2].json.value(QStringLiteral("seq")).toInteger(), qint64(2) << 32);
    QCOMPARE(m_https->requests(QStringLiteral("/fw/2.0.0.swu")), 1);
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

void TestFleetSim::updateFailsAndKeepsTheOldVersion_data()
{
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("reason");
    QTest::newRow("wrong sha256") << "sha"
                                  << "failed"
                                  << "SHA-256 mismatch";
    QTest::newRow("announced size too small") << "size-small"
                                              << "failed"
                                              << "size mismatch";
    QTest::newRow("announced size too large") << "size-large"
                                              << "failed"
                                              << "size mismatch";
    QTest::newRow("signature by another key") << "signature"
                                              << "rejected"
                                              << "signature does not verify";
    QTest::newRow("signature not base64") << "garbage"
                                          << "rejected"
                                          << "base64";
    QTest::newRow("untrusted TLS certificate") << "tls"
                                               << "failed"
                                               << "TLS handshake";
    QTest::newRow("missing file") << "404"
                                  << "failed"
                                  << "download failed";
    QTest::newRow("link breaks off (injected)") << "break"
                                                << "failed"
                                                << "broke off";
}

void TestFleetSim::updateFailsAndKeepsTheOldVersion()
{
    QFETCH(QString, fault);
    QFETCH(QString, state);
    QFETCH(QString, reason);
    SimulatorOptions o = options(1);
    if (fault == QLatin1String("tls"))
        o.caFile = m_https->unrelatedCaFile();
    if (fault == QLatin1String("break"))
        o.failDownloadPercent = 100;
    QVERIFY(startFleet(o));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);

    JobMessage job = updateJob(id, QStringLiteral("j-bad"));
    const QString sha = job.artifact->sha256;
    const auto resign = [&](qint64 size, const QString &hash) {
        job.artifact->size = size;
        job.artifact->sha256 = hash;
        job.artifact->signature = ArtifactSignature::sign(m_releaseKey, hash, size).value();
    };
    if (fault == QLatin1String("sha")) {
        QString other = sha;
        other[0] = other[0] == QLatin1Char('0') ? QLatin1Char('1') : QLatin1Char('0');
        resign(m_image.size(), other);
    } else if (fault == QLatin1String("size-small")) {
        resign(m_image.size() - 1, sha);
    } else if (fault == QLatin1String("size-large")) {
        resign(m_image.size() + 1, sha);
    } else if (fault == QLatin1String("signature")) {
        job.artifact->signature =
            ArtifactSignature::sign(Ed25519PrivateKey::generate().value(), sha, m_image.size())
                .value();
    } else if (fault == QLatin1String("404")) {
        job.artifact->url = m_https->url(QStringLiteral("/fw/missing.swu"));
    }
    const QByteArray signature = job.artifact->signature.toLatin1();
    QVERIFY(m_fleetdesk->send(job, [&](QByteArray payload) {
        // Fleetdesk never builds such a job; a broken or hostile sender might.
        return fault == QLatin1String("garbage") ? payload.replace(signature, "@@not*base64@@")
                                                 : payload;
    }));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-bad")).isEmpty(),
                             JobWaitMs);
    const QJsonObject result = m_fleetdesk->result(id, QStringLiteral("j-bad"));
    QCOMPARE(result.value(QStringLiteral("state")).toString(), state);
    QVERIFY2(result.value(QStringLiteral("reason")).toString().contains(reason),
             qPrintable(result.value(QStringLiteral("reason")).toString()));
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("1.0.0/a"));
    QCOMPARE(m_fleet->device(0)->state().activeVersion(), QStringLiteral("1.0.0"));
    QCOMPARE(m_fleet->device(0)->state().slotVersions[1], QString());
    // No reboot: still the first birth only.
    QCOMPARE(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(), 1);
}

void TestFleetSim::badBootRollsBack()
{
    SimulatorOptions o = options(1);
    o.badBootPercent = 100;
    QVERIFY(startFleet(o));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    QVERIFY(m_fleetdesk->send(updateJob(id, QStringLiteral("j-2"))));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-2")).isEmpty(), JobWaitMs);
    const QJsonObject result = m_fleetdesk->result(id, QStringLiteral("j-2"));
    QCOMPARE(result.value(QStringLiteral("state")).toString(), QStringLiteral("rolled_back"));
    QVERIFY2(result.value(QStringLiteral("reason"))
                 .toString()
                 .contains(QStringLiteral("health check failed")),
             qPrintable(result.value(QStringLiteral("reason")).toString()));
    QStringList states = m_fleetdesk->jobStates(id, QStringLiteral("j-2"));
    QVERIFY(states.contains(QStringLiteral("verifying")));
    // It booted 2.0.0 on b once, then went back to a.
    const auto inventories = m_fleetdesk->on(id, DeviceTopic::Channel::Inventory);
    QVERIFY(std::any_of(inventories.cbegin(), inventories.cend(), [](const Seen &m) {
        return m.json.value(QStringLiteral("firmware"))
                   .toObject()
                   .value(QStringLiteral("version")) == QLatin1String("2.0.0");
    }));
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("1.0.0/a"));
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

// --slow-link throttles the download (no timing is asserted: the outcome and the progress
// reports are what must not change).
void TestFleetSim::slowLinkStillCompletes()
{
    SimulatorOptions o = options(1);
    o.slowLinkKbps = 8000; // 1 MB/s: the 300 KiB image takes about a third of a second
    QVERIFY(startFleet(o));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    QVERIFY(m_fleetdesk->send(updateJob(id, QStringLiteral("j-slow"))));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-slow")).isEmpty(),
                             JobWaitMs);
    QCOMPARE(
        m_fleetdesk->result(id, QStringLiteral("j-slow")).value(QStringLiteral("state")).toString(),
        QStringLiteral("succeeded"));
    QList<int> percents;
    for (const Seen &m :
         m_fleetdesk->on(id, DeviceTopic::Channel::JobProgress, QStringLiteral("j-slow")))
        if (m.json.value(QStringLiteral("state")) == QLatin1String("downloading"))
            percents << m.json.value(QStringLiteral("percent")).toInt();
    QVERIFY2(percents.size() >= 4,
             qPrintable(QStringLiteral("%1 progress reports").arg(percents.size())));
    QVERIFY(std::is_sorted(percents.cbegin(), percents.cend()));
    QCOMPARE(percents.constLast(), 100);
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("2.0.0/b"));
}

void TestFleetSim::rollbackAndConfigJobs()
{
    QVERIFY(startFleet(options(1)));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    // Nothing in slot b yet: a rollback has nowhere to go.
    JobMessage rollback;
    rollback.deviceId = id;
    rollback.jobId = QStringLiteral("j-rb0");
    rollback.kind = JobMessage::Kind::Rollback;
    QVERIFY(m_fleetdesk->send(rollback));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-rb0")).isEmpty(),
                             JobWaitMs);
    QCOMPARE(
        m_fleetdesk->result(id, QStringLiteral("j-rb0")).value(QStringLiteral("state")).toString(),
        QStringLiteral("failed"));

    QVERIFY(m_fleetdesk->send(updateJob(id, QStringLiteral("j-up"))));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-up")).isEmpty(), JobWaitMs);
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("2.0.0/b"));
    rollback.jobId = QStringLiteral("j-rb1");
    QVERIFY(m_fleetdesk->send(rollback));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-rb1")).isEmpty(),
                             JobWaitMs);
    QCOMPARE(
        m_fleetdesk->result(id, QStringLiteral("j-rb1")).value(QStringLiteral("state")).toString(),
        QStringLiteral("succeeded"));
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("1.0.0/a"));

    const QString hashBefore = m_fleetdesk->on(id, DeviceTopic::Channel::Inventory)
                                   .constLast()
                                   .json.value(QStringLiteral("config_hash"))
                                   .toString();
    JobMessage config;
    config.deviceId = id;
    config.jobId = QStringLiteral("j-cfg");
    config.kind = JobMessage::Kind::Config;
    config.settings.insert(QStringLiteral("log.level"), QStringLiteral("debug"));
    QVERIFY(m_fleetdesk->send(config));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-cfg")).isEmpty(),
                             JobWaitMs);
    QCOMPARE(
        m_fleetdesk->result(id, QStringLiteral("j-cfg")).value(QStringLiteral("state")).toString(),
        QStringLiteral("succeeded"));
    const QString hashAfter = m_fleetdesk->on(id, DeviceTopic::Channel::Inventory)
                                  .constLast()
                                  .json.value(QStringLiteral("config_hash"))
                                  .toString();
    QVERIFY(hashAfter.startsWith(QStringLiteral("sha256:")));
    QVERIFY(hashAfter != hashBefore);

    JobMessage decommission;
    decommission.deviceId = id;
    decommission.jobId = QStringLiteral("j-end");
    decommission.kind = JobMessage::Kind::Decommission;
    QVERIFY(m_fleetdesk->send(decommission));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-end")).isEmpty(),
                             JobWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_fleet->device(0)->isStopped(), JobWaitMs);
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

void TestFleetSim::jobsAreRejected_data()
{
    QTest::addColumn<QString>("cause");
    QTest::addColumn<QString>("reason");
    QTest::newRow("--reject 100") << "flag"
                                  << "--reject";
    QTest::newRow("deadline passed") << "deadline"
                                     << "deadline passed";
    QTest::newRow("replayed seq") << "replay"
                                  << "replayed job";
}

void TestFleetSim::jobsAreRejected()
{
    QFETCH(QString, cause);
    QFETCH(QString, reason);
    SimulatorOptions o = options(1);
    if (cause == QLatin1String("flag"))
        o.rejectPercent = 100;
    QVERIFY(startFleet(o));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    JobMessage job;
    job.deviceId = id;
    job.jobId = QStringLiteral("j-r");
    job.kind = JobMessage::Kind::Reboot;
    if (cause == QLatin1String("deadline")) {
        job.seq = 500;
        job.timestamp = QDateTime::currentDateTimeUtc().addSecs(-60);
        job.deadline = QDateTime::currentDateTimeUtc().addSecs(-30);
        QVERIFY(m_fleetdesk->client->publish(job.topic()->toString(), job.build().value(), 1).ok());
    } else if (cause == QLatin1String("replay")) {
        JobMessage first = job;
        first.jobId = QStringLiteral("j-first");
        first.kind = JobMessage::Kind::Config;
        first.settings.insert(QStringLiteral("a"), QStringLiteral("b"));
        QVERIFY(m_fleetdesk->send(first));
        QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-first")).isEmpty(),
                                 JobWaitMs);
        job.timestamp = QDateTime::currentDateTimeUtc();
        QVERIFY(m_fleetdesk->resend(job, m_fleetdesk->jobSeq - 1)); // an old number, a new id
    } else {
        QVERIFY(m_fleetdesk->send(job));
    }
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-r")).isEmpty(), JobWaitMs);
    const QJsonObject result = m_fleetdesk->result(id, QStringLiteral("j-r"));
    QCOMPARE(result.value(QStringLiteral("state")).toString(), QStringLiteral("rejected"));
    QVERIFY2(result.value(QStringLiteral("reason")).toString().contains(reason),
             qPrintable(result.value(QStringLiteral("reason")).toString()));
    QCOMPARE(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(), 1); // no reboot happened
}

void TestFleetSim::duplicateJobRunsOnce()
{
    QVERIFY(startFleet(options(1)));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    JobMessage job;
    job.deviceId = id;
    job.jobId = QStringLiteral("j-dup");
    job.kind = JobMessage::Kind::Reboot;
    QVERIFY(m_fleetdesk->send(job));
    const qint64 seq = m_fleetdesk->jobSeq;
    QTRY_COMPARE_WITH_TIMEOUT(
        m_fleetdesk->on(id, DeviceTopic::Channel::JobResult, QStringLiteral("j-dup")).size(), 1,
        JobWaitMs);
    QVERIFY(m_fleetdesk->resend(job, seq)); // what a QoS 1 redelivery looks like
    QTRY_COMPARE_WITH_TIMEOUT(
        m_fleetdesk->on(id, DeviceTopic::Channel::JobResult, QStringLiteral("j-dup")).size(), 2,
        JobWaitMs);
    const QStringList states = m_fleetdesk->jobStates(id, QStringLiteral("j-dup"));
    QCOMPARE(states.count(QStringLiteral("rebooting")), 1);
    QCOMPARE(states.count(QStringLiteral("queued")), 1);
    QCOMPARE(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(),
             3); // birth, offline, birth
    QCOMPARE(m_fleet->stats().duplicateJobs, 1);
    // The repeated result has a higher seq, so Fleetdesk sees it as fresh, not as a replay.
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

// The device's persistent session keeps a job sent while it is away (here: rebooting) until
// it is back.
void TestFleetSim::jobSentWhileRebootingArrivesAfterwards()
{
    SimulatorOptions o = options(1);
    o.rebootDelayMs = 1500;
    QVERIFY(startFleet(o));
    const QString id = QStringLiteral("t-000001");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 1,
                              ConnectWaitMs);
    JobMessage reboot;
    reboot.deviceId = id;
    reboot.jobId = QStringLiteral("j-boot");
    reboot.kind = JobMessage::Kind::Reboot;
    QVERIFY(m_fleetdesk->send(reboot));
    // The offline presence is the device's goodbye before the reboot.
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(), 2,
                              JobWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleet->device(0)->isOnline(), JobWaitMs);
    JobMessage config;
    config.deviceId = id;
    config.jobId = QStringLiteral("j-while-away");
    config.kind = JobMessage::Kind::Config;
    config.settings.insert(QStringLiteral("log.level"), QStringLiteral("warn"));
    QVERIFY(m_fleetdesk->send(config));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-while-away")).isEmpty(),
                             JobWaitMs);
    QCOMPARE(
        m_fleetdesk->result(id, QStringLiteral("j-boot")).value(QStringLiteral("state")).toString(),
        QStringLiteral("succeeded"));
    QCOMPARE(m_fleetdesk->result(id, QStringLiteral("j-while-away"))
                 .value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("succeeded"));
    QCOMPARE(m_fleet->device(0)->state().settings.value(QStringLiteral("log.level")),
             QStringLiteral("warn"));
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

void TestFleetSim::willWhenGoingOffline()
{
    SimulatorOptions o = options(3);
    o.heartbeatIntervalMs = 300;
    o.offlinePercent = 100;
    o.offlineDurationMs = 60000; // stays away for the rest of the test
    QVERIFY(startFleet(o));
    for (int i = 1; i <= 3; ++i) {
        const QString id = QStringLiteral("t-%1").arg(i, 6, 10, QLatin1Char('0'));
        QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(), 2,
                                  ConnectWaitMs);
        const auto presence = m_fleetdesk->on(id, DeviceTopic::Channel::Presence);
        QCOMPARE(presence[1].json.value(QStringLiteral("state")).toString(),
                 QStringLiteral("offline"));
        // The will was registered with the connect: birth n, will n+1.
        QCOMPARE(presence[1].json.value(QStringLiteral("seq")).toInteger(),
                 presence[0].json.value(QStringLiteral("seq")).toInteger() + 1);
    }
    QCOMPARE(m_fleet->stats().online, 0);
}

void TestFleetSim::killedDeviceLeavesItsWill()
{
    QVERIFY(startFleet(options(2)));
    const QString id = QStringLiteral("t-000002");
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 2,
                              ConnectWaitMs);
    m_fleet->device(1)->kill(); // power cut: no goodbye, no DISCONNECT
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(), 2,
                              ConnectWaitMs);
    const auto presence = m_fleetdesk->on(id, DeviceTopic::Channel::Presence);
    QCOMPARE(presence[1].json.value(QStringLiteral("state")).toString(), QStringLiteral("offline"));
    QCOMPARE(presence[1].json.value(QStringLiteral("seq")).toInteger(),
             presence[0].json.value(QStringLiteral("seq")).toInteger() + 1);
    // The other device is untouched.
    QCOMPARE(m_fleetdesk->on(QStringLiteral("t-000001"), DeviceTopic::Channel::Presence).size(), 1);
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

void TestFleetSim::stateDirContinuesTheCounter()
{
    SimulatorOptions o = options(2);
    o.stateDir = m_dir->filePath(QStringLiteral("state"));
    const QString id = QStringLiteral("t-000002");
    QVERIFY(startFleet(o));
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 2,
                              ConnectWaitMs);
    QVERIFY(m_fleetdesk->send(updateJob(id, QStringLiteral("j-s"))));
    QTRY_VERIFY_WITH_TIMEOUT(!m_fleetdesk->result(id, QStringLiteral("j-s")).isEmpty(), JobWaitMs);
    QSignalSpy stopped(m_fleet.get(), &FleetSimulator::allStopped);
    m_fleet->shutDown();
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, JobWaitMs);
    // A clean shutdown said offline itself.
    QCOMPARE(m_fleetdesk->on(id, DeviceTopic::Channel::Presence)
                 .constLast()
                 .json.value(QStringLiteral("state"))
                 .toString(),
             QStringLiteral("offline"));
    const int before =
        static_cast<int>(m_fleetdesk->on(id, DeviceTopic::Channel::Inventory).size());

    QVERIFY(startFleet(o)); // "restarted" fleetsim
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->on(id, DeviceTopic::Channel::Inventory).size(),
                              before + 1, ConnectWaitMs);
    QCOMPARE(m_fleetdesk->firmware(id), QStringLiteral("2.0.0/b"));
    // Boot 3 (first run, the update's reboot, the restart): everything is fresh to Fleetdesk.
    QCOMPARE(m_fleetdesk->on(id, DeviceTopic::Channel::Presence)
                 .constLast()
                 .json.value(QStringLiteral("seq"))
                 .toInteger(),
             qint64(3) << 32);
    // The same job delivered again is answered, not run.
    QVERIFY(m_fleetdesk->resend(updateJob(id, QStringLiteral("j-s")), 101));
    QTRY_COMPARE_WITH_TIMEOUT(
        m_fleetdesk->on(id, DeviceTopic::Channel::JobResult, QStringLiteral("j-s")).size(), 2,
        JobWaitMs);
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

void TestFleetSim::executableStopsCleanlyOnSigterm()
{
    const QString program = qEnvironmentVariable("FLEETDESK_TEST_BINARY_DIR") +
                            QStringLiteral("/tools/fleetsim/fleetsim");
    if (!QFileInfo::exists(program))
        QSKIP("the fleetsim executable is not built");
    QProcess help;
    help.start(program, {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(10000));
    QCOMPARE(help.exitCode(), 0);
    QVERIFY(help.readAllStandardOutput().contains("--fail-download"));
    QProcess bad;
    bad.start(program, {QStringLiteral("--broker"), QStringLiteral("mqtt://127.0.0.1:1"),
                        QStringLiteral("--bad-boot"), QStringLiteral("150")});
    QVERIFY(bad.waitForFinished(10000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY2(bad.readAllStandardError().contains("--bad-boot must be a whole number from 0 to 100"),
             "");

    QProcess fleetsim;
    auto killer = qScopeGuard([&] {
        if (fleetsim.state() != QProcess::NotRunning) {
            fleetsim.kill();
            fleetsim.waitForFinished();
        }
    });
    fleetsim.start(program,
                   {QStringLiteral("--broker"),
                    QStringLiteral("mqtt://127.0.0.1:%1").arg(m_broker->port()),
                    QStringLiteral("--count"), QStringLiteral("5"), QStringLiteral("--prefix"),
                    QStringLiteral("cli"), QStringLiteral("--quiet")});
    QVERIFY(fleetsim.waitForStarted(10000));
    QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->devicesWith(DeviceTopic::Channel::Inventory), 5,
                              ConnectWaitMs);
    fleetsim.terminate(); // SIGTERM
    QVERIFY(fleetsim.waitForFinished(20000));
    QCOMPARE(fleetsim.exitStatus(), QProcess::NormalExit);
    QCOMPARE(fleetsim.exitCode(), 0);
    for (int i = 1; i <= 5; ++i) {
        const QString id = QStringLiteral("cli-%1").arg(i, 6, 10, QLatin1Char('0'));
        QTRY_COMPARE_WITH_TIMEOUT(m_fleetdesk->on(id, DeviceTopic::Channel::Presence).size(), 2,
                                  5000);
        QCOMPARE(m_fleetdesk->on(id, DeviceTopic::Channel::Presence)
                     .constLast()
                     .json.value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("offline"));
    }
    QVERIFY2(m_fleetdesk->problems.isEmpty(),
             qPrintable(m_fleetdesk->problems.join(QLatin1Char('\n'))));
}

void TestFleetSim::fileLimitWarningCountsOneDescriptorPerDevice()
{
    // A handful of devices fits any limit; 1.5 billion exceed what Linux lets any process have
    // (fs.nr_open cannot be set above about 1.07 billion), even root, so the warning must name
    // the need: one descriptor per device plus fleetsim's own.
    QCOMPARE(FleetSimulator::raiseFileLimit(10), QString());
    const QString warning = FleetSimulator::raiseFileLimit(1500000000);
    QVERIFY2(warning.contains(QStringLiteral("1500000000 devices need about 1500000100")),
             qPrintable(warning));
    QVERIFY2(warning.contains(QStringLiteral("one per MQTT connection")), qPrintable(warning));
}

QTEST_GUILESS_MAIN(TestFleetSim)
#include "tst_fleetsim.moc"
