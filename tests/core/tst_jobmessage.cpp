#include "protocol/JobMessage.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace fleet;

Q_DECLARE_METATYPE(fleet::JobMessage)

namespace {

const QString kSha =
    QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

DeviceTopic jobsTopic(const QString &device = QStringLiteral("gw-1"))
{
    return DeviceTopic::make(device, DeviceTopic::Channel::Jobs).value();
}

JobMessage updateJob()
{
    JobMessage job;
    job.deviceId = QStringLiteral("gw-1");
    job.jobId = QStringLiteral("j-20260302-0007");
    job.kind = JobMessage::Kind::Update;
    job.seq = 118;
    job.timestamp = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
    job.targetVersion = QStringLiteral("4.5.0");
    job.artifact = JobArtifact{QStringLiteral("https://updates.example/nw/4.5.0/image.swu"),
                               48234496, kSha, QStringLiteral("MEUCIQDd+/w=")};
    job.deadline = job.timestamp.addSecs(12 * 3600);
    return job;
}

JobMessage simpleJob(JobMessage::Kind kind)
{
    JobMessage job = updateJob();
    job.kind = kind;
    job.artifact.reset();
    job.targetVersion.clear();
    return job;
}

QByteArray edited(const QByteArray &payload, const QString &key, const QJsonValue &value)
{
    QJsonObject o = QJsonDocument::fromJson(payload).object();
    if (value.isUndefined())
        o.remove(key);
    else
        o.insert(key, value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString sourceDir()
{
    // ctest sets FLEETDESK_SOURCE_DIR; QtTest's own define lets the binary run on its own too.
    const QString fromEnv = qEnvironmentVariable("FLEETDESK_SOURCE_DIR");
    return fromEnv.isEmpty() ? QStringLiteral(QT_TESTCASE_SOURCEDIR "/../..") : fromEnv;
}

} // namespace

class TestJobMessage : public QObject
{
    Q_OBJECT

private slots:
    void roundTrips_data();
    void roundTrips();
    void writesTheDocumentedFields();
    void buildRefuses_data();
    void buildRefuses();
    void parseRefuses_data();
    void parseRefuses();
    void kindNames();
    void documentedExamplesParse();
};

void TestJobMessage::roundTrips_data()
{
    QTest::addColumn<JobMessage>("job");
    QTest::newRow("update") << updateJob();
    JobMessage noDeadline = updateJob();
    noDeadline.deadline = {};
    QTest::newRow("update without deadline") << noDeadline;
    QTest::newRow("rollback to known good") << simpleJob(JobMessage::Kind::Rollback);
    JobMessage rollbackTo = updateJob();
    rollbackTo.kind = JobMessage::Kind::Rollback;
    rollbackTo.targetVersion = QStringLiteral("4.4.0");
    QTest::newRow("rollback with artifact") << rollbackTo;
    QTest::newRow("reboot") << simpleJob(JobMessage::Kind::Reboot);
    QTest::newRow("decommission") << simpleJob(JobMessage::Kind::Decommission);
    JobMessage config = simpleJob(JobMessage::Kind::Config);
    config.settings = {{QStringLiteral("log.level"), QStringLiteral("debug")},
                       {QStringLiteral("note"), QStringLiteral("Grüße \"quoted\" \\ / \n")}};
    QTest::newRow("config") << config;
    JobMessage big = updateJob();
    big.seq = 9007199254740991LL;
    big.artifact->size = 9007199254740991LL;
    big.jobId = QString(128, QLatin1Char('j'));
    QTest::newRow("largest numbers and ids") << big;
    JobMessage offsetTime = updateJob();
    offsetTime.timestamp = QDateTime(QDate(2026, 3, 2), QTime(10, 0, 0, 250), QTimeZone(3600));
    offsetTime.deadline = offsetTime.timestamp.addDays(1);
    QTest::newRow("time with offset and milliseconds") << offsetTime;
}

void TestJobMessage::roundTrips()
{
    QFETCH(JobMessage, job);
    const auto payload = job.build();
    QVERIFY2(payload, qPrintable(payload.message()));
    const auto parsed = JobMessage::parse(job.topic().value(), payload.value());
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->deviceId, job.deviceId);
    QCOMPARE(parsed->jobId, job.jobId);
    QCOMPARE(parsed->kind, job.kind);
    QCOMPARE(parsed->seq, job.seq);
    QCOMPARE(parsed->timestamp, job.timestamp);
    QCOMPARE(parsed->deadline, job.deadline);
    QCOMPARE(parsed->targetVersion, job.targetVersion);
    QCOMPARE(parsed->artifact.has_value(), job.artifact.has_value());
    if (job.artifact)
        QVERIFY(*parsed->artifact == *job.artifact);
    QCOMPARE(parsed->settings, job.settings);
    QVERIFY(parsed.value() == job);
    QCOMPARE(parsed->build().value(), payload.value());
}

void TestJobMessage::writesTheDocumentedFields()
{
    const auto payload = updateJob().build();
    QVERIFY2(payload, qPrintable(payload.message()));
    const QJsonObject o = QJsonDocument::fromJson(payload.value()).object();
    QCOMPARE(o.value(QStringLiteral("v")).toInt(), 1);
    QCOMPARE(o.value(QStringLiteral("seq")).toInteger(), 118);
    QCOMPARE(o.value(QStringLiteral("ts")).toString(), QStringLiteral("2026-03-02T09:00:00.000Z"));
    QCOMPARE(o.value(QStringLiteral("device_id")).toString(), QStringLiteral("gw-1"));
    QCOMPARE(o.value(QStringLiteral("job_id")).toString(), QStringLiteral("j-20260302-0007"));
    QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("update"));
    QCOMPARE(o.value(QStringLiteral("target_version")).toString(), QStringLiteral("4.5.0"));
    QCOMPARE(o.value(QStringLiteral("deadline")).toString(),
             QStringLiteral("2026-03-02T21:00:00.000Z"));
    const QJsonObject artifact = o.value(QStringLiteral("artifact")).toObject();
    QCOMPARE(artifact.value(QStringLiteral("size")).toInteger(), 48234496);
    QCOMPARE(artifact.value(QStringLiteral("sha256")).toString(), kSha);
    QCOMPARE(o.size(), 9);
    QCOMPARE(updateJob().topic()->toString(), QStringLiteral("fleet/v1/devices/gw-1/jobs"));
}

void TestJobMessage::buildRefuses_data()
{
    QTest::addColumn<JobMessage>("job");
    QTest::addColumn<QString>("messagePart");
    JobMessage j = updateJob();
    j.deviceId = QStringLiteral("gw/1");
    QTest::newRow("device id with slash") << j << QStringLiteral("\"device_id\"");
    j = updateJob();
    j.jobId.clear();
    QTest::newRow("no job id") << j << QStringLiteral("field \"job_id\" must be 1 to 128");
    j = updateJob();
    j.jobId = QStringLiteral("j+1");
    QTest::newRow("wildcard in job id") << j << QStringLiteral("field \"job_id\"");
    j = updateJob();
    j.seq = -1;
    QTest::newRow("negative seq") << j << QStringLiteral("field \"seq\"");
    j = updateJob();
    j.seq = 9007199254740992LL;
    QTest::newRow("seq 2^53") << j << QStringLiteral("field \"seq\"");
    j = updateJob();
    j.timestamp = {};
    QTest::newRow("no time") << j << QStringLiteral("field \"ts\"");
    j = updateJob();
    j.deadline = j.timestamp.addSecs(-1);
    QTest::newRow("deadline in the past")
        << j << QStringLiteral("field \"deadline\" must be after \"ts\"");
    j = updateJob();
    j.artifact.reset();
    QTest::newRow("update without artifact")
        << j << QStringLiteral("an update job needs field \"artifact\"");
    j = updateJob();
    j.targetVersion.clear();
    QTest::newRow("update without version")
        << j << QStringLiteral("an update job needs field \"target_version\"");
    j = updateJob();
    j.targetVersion = QStringLiteral("4.5.0; rm -rf /");
    QTest::newRow("version with shell") << j << QStringLiteral("field \"target_version\" must be");
    j = updateJob();
    j.artifact->url = QStringLiteral("file:///etc/shadow");
    QTest::newRow("file URL") << j
                              << QStringLiteral("field \"artifact.url\" must be an http(s) URL");
    j = updateJob();
    j.artifact->url = QStringLiteral("https://");
    QTest::newRow("URL without host") << j << QStringLiteral("field \"artifact.url\"");
    j = updateJob();
    j.artifact->url = QStringLiteral("not a url");
    QTest::newRow("not a URL") << j << QStringLiteral("field \"artifact.url\"");
    j = updateJob();
    j.artifact->size = 0;
    QTest::newRow("empty artifact") << j << QStringLiteral("field \"artifact.size\"");
    j = updateJob();
    j.artifact->sha256 = kSha.toUpper();
    QTest::newRow("upper-case hash") << j << QStringLiteral("field \"artifact.sha256\"");
    j = updateJob();
    j.artifact->sha256 = kSha.left(63);
    QTest::newRow("short hash") << j << QStringLiteral("field \"artifact.sha256\"");
    j = updateJob();
    j.artifact->signature.clear();
    QTest::newRow("unsigned") << j << QStringLiteral("field \"artifact.signature\" must be base64");
    j = updateJob();
    j.artifact->signature = QStringLiteral("not base64!");
    QTest::newRow("signature not base64") << j << QStringLiteral("field \"artifact.signature\"");
    j = simpleJob(JobMessage::Kind::Reboot);
    j.artifact = updateJob().artifact;
    QTest::newRow("reboot with artifact")
        << j << QStringLiteral("a reboot job has no field \"artifact\"");
    j = simpleJob(JobMessage::Kind::Decommission);
    j.targetVersion = QStringLiteral("1.0");
    QTest::newRow("decommission with version")
        << j << QStringLiteral("a decommission job has no field \"target_version\"");
    QTest::newRow("config without settings")
        << simpleJob(JobMessage::Kind::Config)
        << QStringLiteral("a config job needs field \"settings\"");
    j = simpleJob(JobMessage::Kind::Reboot);
    j.settings.insert(QStringLiteral("a"), QStringLiteral("b"));
    QTest::newRow("reboot with settings")
        << j << QStringLiteral("a reboot job has no field \"settings\"");
    j = simpleJob(JobMessage::Kind::Config);
    j.settings.insert(QStringLiteral(" "), QStringLiteral("b"));
    QTest::newRow("blank setting key")
        << j << QStringLiteral("field \"settings\": keys are 1 to 128");
    j = simpleJob(JobMessage::Kind::Config);
    for (int i = 0; i <= JobMessage::maxSettings; ++i)
        j.settings.insert(QStringLiteral("k%1").arg(i), QStringLiteral("v"));
    QTest::newRow("too many settings")
        << j << QStringLiteral("field \"settings\" has too many keys");
}

void TestJobMessage::buildRefuses()
{
    QFETCH(JobMessage, job);
    QFETCH(QString, messagePart);
    const auto payload = job.build();
    QVERIFY(!payload);
    QCOMPARE(payload.error().kind, Error::Kind::Invalid);
    QVERIFY2(payload.message().contains(messagePart), qPrintable(payload.message()));
}

void TestJobMessage::parseRefuses_data()
{
    QTest::addColumn<QString>("device");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("messagePart");
    const QByteArray valid = updateJob().build().value();
    const QString gw1 = QStringLiteral("gw-1");
    const QJsonValue absent(QJsonValue::Undefined);
    QTest::newRow("job for another device")
        << QStringLiteral("gw-2") << valid
        << QStringLiteral("field \"device_id\" (\"gw-1\") is not the topic's device (\"gw-2\")");
    QTest::newRow("no device id") << gw1 << edited(valid, QStringLiteral("device_id"), absent)
                                  << QStringLiteral("field \"device_id\" is missing");
    QTest::newRow("version 2") << gw1 << edited(valid, QStringLiteral("v"), 2)
                               << QStringLiteral(
                                      "field \"v\" is 2; this device speaks protocol version 1");
    QTest::newRow("unknown kind")
        << gw1 << edited(valid, QStringLiteral("kind"), QStringLiteral("format-disk"))
        << QStringLiteral("field \"kind\" is \"format-disk\"; expected one of update, rollback, "
                          "reboot, config, decommission");
    QTest::newRow("kind as number") << gw1 << edited(valid, QStringLiteral("kind"), 1)
                                    << QStringLiteral("field \"kind\" must be one of");
    QTest::newRow("artifact as string")
        << gw1 << edited(valid, QStringLiteral("artifact"), QStringLiteral("https://x"))
        << QStringLiteral("field \"artifact\" must be an object, not a string");
    QJsonObject artifact =
        QJsonDocument::fromJson(valid).object().value(QStringLiteral("artifact")).toObject();
    artifact.insert(QStringLiteral("size"), QStringLiteral("48234496"));
    QTest::newRow("size as string")
        << gw1 << edited(valid, QStringLiteral("artifact"), artifact)
        << QStringLiteral("field \"artifact.size\" must be an integer from 1");
    artifact.insert(QStringLiteral("size"), -4);
    QTest::newRow("negative size")
        << gw1 << edited(valid, QStringLiteral("artifact"), artifact)
        << QStringLiteral("field \"artifact.size\" must be an integer from 1");
    artifact.remove(QStringLiteral("size"));
    QTest::newRow("no size") << gw1 << edited(valid, QStringLiteral("artifact"), artifact)
                             << QStringLiteral("field \"artifact.size\" is missing");
    QTest::newRow("deadline without zone")
        << gw1 << edited(valid, QStringLiteral("deadline"), QStringLiteral("2026-03-02T21:00:00"))
        << QStringLiteral("field \"deadline\" must be an ISO 8601");
    QTest::newRow("deadline before ts")
        << gw1 << edited(valid, QStringLiteral("deadline"), QStringLiteral("2026-03-01T21:00:00Z"))
        << QStringLiteral("field \"deadline\" must be after \"ts\"");
    QTest::newRow("setting as number")
        << gw1
        << edited(edited(edited(edited(valid, QStringLiteral("kind"), QStringLiteral("config")),
                                QStringLiteral("artifact"), absent),
                         QStringLiteral("target_version"), absent),
                  QStringLiteral("settings"), QJsonObject{{QStringLiteral("log.level"), 3}})
        << QStringLiteral("field \"settings.log.level\" must be a string");
    QTest::newRow("array") << gw1 << QByteArray("[") + valid + "]"
                           << QStringLiteral("must be a JSON object");
    QTest::newRow("invalid UTF-8")
        << gw1 << QByteArray(valid).replace("gw-1", "gw-\xFF") << QStringLiteral("not valid UTF-8");
    QTest::newRow("too large") << gw1
                               << edited(valid, QStringLiteral("padding"),
                                         QString(70000, QLatin1Char('x')))
                               << QStringLiteral("payload too large");
    // Spelled as bytes: QJsonArray{QJsonArray{...}} may be a copy, not a nesting, in C++.
    QTest::newRow("nested") << gw1 << valid.chopped(1) + R"(,"x":[[[[]]]]})"
                            << QStringLiteral("nested too deeply");
    QTest::newRow("not JSON") << gw1 << QByteArray("reboot now")
                              << QStringLiteral("not valid JSON");
}

void TestJobMessage::parseRefuses()
{
    QFETCH(QString, device);
    QFETCH(QByteArray, payload);
    QFETCH(QString, messagePart);
    const auto parsed = JobMessage::parse(jobsTopic(device), payload);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().kind, Error::Kind::Invalid);
    QVERIFY2(parsed.message().contains(messagePart), qPrintable(parsed.message()));
}

void TestJobMessage::kindNames()
{
    QCOMPARE(JobMessage::kindNames().size(), 5);
    for (const QString &name : JobMessage::kindNames())
        QCOMPARE(JobMessage::kindName(*JobMessage::kindFromName(name)), name);
    QVERIFY(!JobMessage::kindFromName(QStringLiteral("Update")));
    const auto progress = DeviceTopic::make(
        QStringLiteral("gw-1"), DeviceTopic::Channel::JobProgress, QStringLiteral("j-1"));
    const auto wrongTopic = JobMessage::parse(progress.value(), updateJob().build().value());
    QVERIFY(!wrongTopic);
    QVERIFY2(wrongTopic.message().contains(QStringLiteral("a job cannot be read from topic")),
             qPrintable(wrongTopic.message()));
}

// The job examples the protocol document shows are jobs a device accepts.
void TestJobMessage::documentedExamplesParse()
{
    const QDir examples(sourceDir() + QStringLiteral("/docs/protocol/examples"));
    const QStringList files = examples.entryList({QStringLiteral("jobs-*.json")}, QDir::Files);
    QVERIFY2(files.size() >= 2, qPrintable(examples.path()));
    for (const QString &file : files) {
        QFile f(examples.filePath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray payload = f.readAll();
        const QString device =
            QJsonDocument::fromJson(payload).object().value(QStringLiteral("device_id")).toString();
        const auto parsed = JobMessage::parse(jobsTopic(device), payload);
        QVERIFY2(parsed, qPrintable(file + QStringLiteral(": ") + parsed.message()));
        // What Fleetdesk builds reads the same as the document.
        QCOMPARE(QJsonDocument::fromJson(parsed->build().value()).object(),
                 QJsonDocument::fromJson(payload).object());
    }
}

QTEST_GUILESS_MAIN(TestJobMessage)
#include "tst_jobmessage.moc"
