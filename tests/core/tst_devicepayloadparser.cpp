#include "inventory/Device.h"
#include "protocol/DevicePayloadParser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace fleet;

namespace {

const QString kDevice = QStringLiteral("gw-1");

DeviceTopic topicFor(const QString &channel, const QString &deviceId = kDevice)
{
    const auto topic =
        DeviceTopic::parse(QStringLiteral("fleet/v1/devices/%1/%2").arg(deviceId, channel));
    if (!topic)
        qFatal("bad test topic: %s", qPrintable(topic.message()));
    return topic.value();
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject envelope(qint64 seq = 7)
{
    return {{QStringLiteral("v"), 1},
            {QStringLiteral("seq"), seq},
            {QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:00Z")}};
}

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return object;
}

QJsonObject validHeartbeat()
{
    return with(envelope(), QStringLiteral("uptime_s"), 3600);
}

QJsonObject validInventory()
{
    QJsonObject o = envelope();
    o.insert(QStringLiteral("model"), QStringLiteral("NW-EG4100"));
    o.insert(QStringLiteral("firmware"),
             QJsonObject{{QStringLiteral("version"), QStringLiteral("4.4.2")}});
    return o;
}

QJsonObject validPresence()
{
    return with(envelope(), QStringLiteral("state"), QStringLiteral("online"));
}

QJsonObject validProgress(const QString &state)
{
    QJsonObject o = envelope();
    o.insert(QStringLiteral("job_id"), QStringLiteral("j-1"));
    o.insert(QStringLiteral("state"), state);
    return o;
}

QByteArray nested(int depth)
{
    return QByteArray(R"({"v":1,"seq":1,"ts":"2026-03-02T08:00:00Z","uptime_s":1,"x":)") +
           QByteArray(depth, '[') + QByteArray(depth, ']') + '}';
}

QString sourceDir()
{
    // ctest sets FLEETDESK_SOURCE_DIR; QtTest's own define lets the binary run on its own too.
    const QString fromEnv = qEnvironmentVariable("FLEETDESK_SOURCE_DIR");
    return fromEnv.isEmpty() ? QStringLiteral(QT_TESTCASE_SOURCEDIR "/../..") : fromEnv;
}

} // namespace

class TestDevicePayloadParser : public QObject
{
    Q_OBJECT

private slots:
    void parsesPresence();
    void parsesFullInventoryAndFillsDevice();
    void parsesHeartbeat();
    void parsesJobProgress_data();
    void parsesJobProgress();
    void keepsUnknownFields();
    void acceptsEnvelopeVariants_data();
    void acceptsEnvelopeVariants();
    void rejectsPayload_data();
    void rejectsPayload();
    void rejectsOversizedPayload();
    void heartbeatHealthSummary_data();
    void heartbeatHealthSummary();
    void refusesTheJobsChannel();
    void documentedExamplesParse();
};

void TestDevicePayloadParser::parsesPresence()
{
    QJsonObject online = validPresence();
    online.insert(QStringLiteral("agent"), QStringLiteral("fleet-agent 1.4.0"));
    online.insert(QStringLiteral("device_id"), kDevice);
    const auto parsed =
        DevicePayloadParser::parsePresence(topicFor(QStringLiteral("presence")), json(online));
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->online, true);
    QCOMPARE(parsed->agent, QStringLiteral("fleet-agent 1.4.0"));
    QCOMPARE(parsed->header.deviceId, kDevice);
    QCOMPARE(parsed->header.seq, 7);
    QCOMPARE(parsed->header.timestamp, QDateTime(QDate(2026, 3, 2), QTime(8, 0), Qt::UTC));
    QVERIFY(parsed->header.extra.isEmpty());

    const auto offline = DevicePayloadParser::parsePresence(
        topicFor(QStringLiteral("presence")),
        json(with(validPresence(), QStringLiteral("state"), QStringLiteral("offline"))));
    QVERIFY2(offline, qPrintable(offline.message()));
    QCOMPARE(offline->online, false);

    // Duplicate keys are not refused; the last one wins, as docs/device-protocol.md says.
    const auto duplicate = DevicePayloadParser::parsePresence(
        topicFor(QStringLiteral("presence")),
        QByteArray(R"({"v":1,"seq":1,"ts":"2026-03-02T08:00:00Z","state":"online",)"
                   R"("state":"offline"})"));
    QVERIFY2(duplicate, qPrintable(duplicate.message()));
    QCOMPARE(duplicate->online, false);
}

void TestDevicePayloadParser::parsesFullInventoryAndFillsDevice()
{
    QJsonObject o = validInventory();
    o.insert(QStringLiteral("hw_revision"), QStringLiteral("C1"));
    o.insert(QStringLiteral("firmware"),
             QJsonObject{{QStringLiteral("version"), QStringLiteral("4.4.2")},
                         {QStringLiteral("slot"), QStringLiteral("b")}});
    o.insert(QStringLiteral("components"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("openssl")},
                             {QStringLiteral("version"), QStringLiteral("3.0.13")},
                             {QStringLiteral("purl"), QStringLiteral("pkg:generic/openssl@3.0.13")},
                             {QStringLiteral("cpe"),
                              QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")}},
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("busybox")},
                             {QStringLiteral("version"), QStringLiteral("1.36.1")}}});
    o.insert(QStringLiteral("config_hash"), QStringLiteral("sha256:abc"));
    o.insert(QStringLiteral("network"),
             QJsonObject{{QStringLiteral("mac"), QStringLiteral("02:4E:10:00:00:01")},
                         {QStringLiteral("ip"), QStringLiteral("fd00::2")},
                         {QStringLiteral("hostname"), QStringLiteral("kar-eg4100-0001")}});
    o.insert(QStringLiteral("site_hint"), QStringLiteral("Karlsruhe"));
    const auto parsed =
        DevicePayloadParser::parseInventory(topicFor(QStringLiteral("inventory")), json(o));
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->fwSlot, QStringLiteral("b"));
    QCOMPARE(parsed->siteHint, QStringLiteral("Karlsruhe"));
    QCOMPARE(parsed->components.size(), 2);
    QCOMPARE(parsed->components.at(1).cpe, QString());

    Device device;
    device.uid = kDevice;
    device.site = QStringLiteral("Stuttgart");
    device.fwVersion = QStringLiteral("4.4.0");
    parsed->applyTo(device);
    QCOMPARE(device.model, QStringLiteral("NW-EG4100"));
    QCOMPARE(device.hwRevision, QStringLiteral("C1"));
    QCOMPARE(device.fwVersion, QStringLiteral("4.4.2"));
    QCOMPARE(device.configHash, QStringLiteral("sha256:abc"));
    QCOMPARE(device.mac, QStringLiteral("02:4E:10:00:00:01"));
    QCOMPARE(device.ip, QStringLiteral("fd00::2"));
    QCOMPARE(device.hostname, QStringLiteral("kar-eg4100-0001"));
    QCOMPARE(device.components.first(),
             (Component{QStringLiteral("openssl"), QStringLiteral("3.0.13"),
                        QStringLiteral("pkg:generic/openssl@3.0.13"),
                        QStringLiteral("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")}));
    // A site hint is only a hint; the inventory's site stays until a person moves the device.
    QCOMPARE(device.site, QStringLiteral("Stuttgart"));
}

void TestDevicePayloadParser::parsesHeartbeat()
{
    QJsonObject o = validHeartbeat();
    o.insert(QStringLiteral("free_memory_bytes"), 183500800);
    o.insert(QStringLiteral("signal_dbm"), -67);
    o.insert(QStringLiteral("checks"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("disk")},
                                    {QStringLiteral("status"), QStringLiteral("warn")},
                                    {QStringLiteral("detail"), QStringLiteral("91% full")}}});
    const auto parsed =
        DevicePayloadParser::parseHeartbeat(topicFor(QStringLiteral("heartbeat")), json(o));
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->uptimeSeconds, 3600);
    QCOMPARE(parsed->freeMemoryBytes, std::optional<qint64>(183500800));
    QCOMPARE(parsed->signalDbm, std::optional<int>(-67));
    QCOMPARE(parsed->checks.size(), 1);
    QCOMPARE(parsed->checks.first(), (HealthCheck{QStringLiteral("disk"), QStringLiteral("warn"),
                                                  QStringLiteral("91% full")}));

    const auto minimal = DevicePayloadParser::parseHeartbeat(topicFor(QStringLiteral("heartbeat")),
                                                             json(validHeartbeat()));
    QVERIFY2(minimal, qPrintable(minimal.message()));
    QVERIFY(!minimal->freeMemoryBytes);
    QVERIFY(!minimal->signalDbm);
    QVERIFY(minimal->checks.isEmpty());
}

void TestDevicePayloadParser::parsesJobProgress_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QJsonObject>("payload");
    QTest::addColumn<bool>("final");
    const QString progress = QStringLiteral("jobs/j-1/progress");
    const QString result = QStringLiteral("jobs/j-1/result");
    for (const QString &state : JobProgressReport::progressStates())
        QTest::addRow("progress %s", qPrintable(state))
            << progress << validProgress(state) << false;
    QTest::newRow("downloading 40%")
        << progress
        << with(validProgress(QStringLiteral("downloading")), QStringLiteral("percent"), 40)
        << false;
    QTest::newRow("installing 100%")
        << progress
        << with(validProgress(QStringLiteral("installing")), QStringLiteral("percent"), 100)
        << false;
    QTest::newRow("succeeded") << result << validProgress(QStringLiteral("succeeded")) << true;
    QTest::newRow("rolled back") << result << validProgress(QStringLiteral("rolled_back")) << true;
    QTest::newRow("failed with reason")
        << result
        << with(validProgress(QStringLiteral("failed")), QStringLiteral("reason"),
                QStringLiteral("disk full"))
        << true;
    QTest::newRow("rejected with reason")
        << result
        << with(validProgress(QStringLiteral("rejected")), QStringLiteral("reason"),
                QStringLiteral("deadline passed"))
        << true;
}

void TestDevicePayloadParser::parsesJobProgress()
{
    QFETCH(QString, channel);
    QFETCH(QJsonObject, payload);
    QFETCH(bool, final);
    const auto parsed = DevicePayloadParser::parseJobProgress(topicFor(channel), json(payload));
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->jobId, QStringLiteral("j-1"));
    QCOMPARE(parsed->state, payload.value(QStringLiteral("state")).toString());
    QCOMPARE(parsed->isFinal(), final);
    if (payload.contains(QStringLiteral("percent")))
        QCOMPARE(parsed->percent,
                 std::optional<int>(payload.value(QStringLiteral("percent")).toInt()));
    else
        QVERIFY(!parsed->percent);
}

void TestDevicePayloadParser::keepsUnknownFields()
{
    QJsonObject o = validHeartbeat();
    o.insert(QStringLiteral("battery_mv"), 3712);
    o.insert(QStringLiteral("vendor"), QJsonObject{{QStringLiteral("fan_rpm"), 2100}});
    const auto parsed = DevicePayloadParser::parse(topicFor(QStringLiteral("heartbeat")), json(o));
    QVERIFY2(parsed, qPrintable(parsed.message()));
    const QJsonObject extra = reportHeader(parsed.value()).extra;
    QCOMPARE(extra.size(), 2);
    QCOMPARE(extra.value(QStringLiteral("battery_mv")).toInt(), 3712);
    QCOMPARE(
        extra.value(QStringLiteral("vendor")).toObject().value(QStringLiteral("fan_rpm")).toInt(),
        2100);
}

void TestDevicePayloadParser::acceptsEnvelopeVariants_data()
{
    QTest::addColumn<QJsonObject>("payload");
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<QDateTime>("timestamp");
    const QDateTime eight(QDate(2026, 3, 2), QTime(8, 0), Qt::UTC);
    QTest::newRow("seq 0") << with(validHeartbeat(), QStringLiteral("seq"), 0) << qint64(0)
                           << eight;
    QTest::newRow("seq 2^53-1") << with(validHeartbeat(), QStringLiteral("seq"), 9007199254740991LL)
                                << qint64(9007199254740991LL) << eight;
    QTest::newRow("seq written 7.0")
        << with(validHeartbeat(), QStringLiteral("seq"), 7.0) << qint64(7) << eight;
    QTest::newRow("offset") << with(validHeartbeat(), QStringLiteral("ts"),
                                    QStringLiteral("2026-03-02T09:00:00+01:00"))
                            << qint64(7) << eight;
    QTest::newRow("milliseconds") << with(validHeartbeat(), QStringLiteral("ts"),
                                          QStringLiteral("2026-03-02T08:00:00.250Z"))
                                  << qint64(7) << eight.addMSecs(250);
    QTest::newRow("own device id")
        << with(validHeartbeat(), QStringLiteral("device_id"), kDevice) << qint64(7) << eight;
}

void TestDevicePayloadParser::acceptsEnvelopeVariants()
{
    QFETCH(QJsonObject, payload);
    QFETCH(qint64, seq);
    QFETCH(QDateTime, timestamp);
    const auto parsed =
        DevicePayloadParser::parseHeartbeat(topicFor(QStringLiteral("heartbeat")), json(payload));
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->header.seq, seq);
    QCOMPARE(parsed->header.timestamp, timestamp);
    QCOMPARE(parsed->header.timestamp.timeSpec(), Qt::UTC);
}

void TestDevicePayloadParser::rejectsPayload_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("messagePart");
    const QString hb = QStringLiteral("heartbeat");
    const QString inv = QStringLiteral("inventory");
    const QString pres = QStringLiteral("presence");
    const QString progress = QStringLiteral("jobs/j-1/progress");
    const QString result = QStringLiteral("jobs/j-1/result");
    const QJsonValue absent(QJsonValue::Undefined);
    const QJsonObject heartbeat = validHeartbeat();
    const QJsonObject inventory = validInventory();

    // The document as a whole.
    QTest::newRow("empty") << hb << QByteArray() << QStringLiteral("empty payload");
    QTest::newRow("not JSON") << hb << QByteArray("uptime=5") << QStringLiteral("not valid JSON");
    QTest::newRow("truncated") << hb << json(heartbeat).chopped(1)
                               << QStringLiteral("not valid JSON");
    QTest::newRow("trailing garbage")
        << hb << json(heartbeat) + "}" << QStringLiteral("not valid JSON");
    QTest::newRow("array") << hb << QByteArray("[") + json(heartbeat) + "]"
                           << QStringLiteral("must be a JSON object, not an array");
    QTest::newRow("scalar") << hb << QByteArray("42") << QStringLiteral("not valid JSON");
    QTest::newRow("null") << hb << QByteArray("null") << QStringLiteral("not valid JSON");
    QTest::newRow("invalid UTF-8")
        << hb
        << QByteArray(R"({"v":1,"seq":1,"ts":"2026-03-02T08:00:00Z","uptime_s":1,"x":")") +
               "\xC3\x28\"}"
        << QStringLiteral("not valid UTF-8");
    QTest::newRow("overlong UTF-8")
        << hb << QByteArray("{\"x\":\"\xC0\xAF\"}") << QStringLiteral("not valid UTF-8");
    QTest::newRow("UTF-16") << hb << QByteArray("\xFF\xFE{\0}\0", 6)
                            << QStringLiteral("not valid UTF-8");
    QTest::newRow("NUL byte") << hb << QByteArray("{\"x\":1}\0", 8)
                              << QStringLiteral("not valid UTF-8");
    QTest::newRow("nested 17 deep") << hb << nested(16) << QStringLiteral("nested too deeply");
    QTest::newRow("nested 100000 deep")
        << hb << nested(100000) << QStringLiteral("nested too deeply");
    QTest::newRow("brackets in strings do not count")
        << hb
        << QByteArray(
               R"({"v":1,"seq":1,"ts":"2026-03-02T08:00:00Z","uptime_s":"[[[[[[[[[[[[[[[[[[[[\"{{{{{{{{{{{{{{{{{{{{"})")
        << QStringLiteral("field \"uptime_s\" must be an integer");

    // The envelope.
    QTest::newRow("no v") << hb << json(with(heartbeat, QStringLiteral("v"), absent))
                          << QStringLiteral("field \"v\" is missing");
    QTest::newRow("v 2") << hb << json(with(heartbeat, QStringLiteral("v"), 2))
                         << QStringLiteral(
                                "field \"v\" is 2; this Fleetdesk speaks protocol version 1");
    QTest::newRow("v as string")
        << hb << json(with(heartbeat, QStringLiteral("v"), QStringLiteral("1")))
        << QStringLiteral(
               "field \"v\" must be an integer from 0 to 9007199254740991, not a string");
    QTest::newRow("v 1.5") << hb << json(with(heartbeat, QStringLiteral("v"), 1.5))
                           << QStringLiteral("field \"v\" must be an integer");
    QTest::newRow("no seq") << hb << json(with(heartbeat, QStringLiteral("seq"), absent))
                            << QStringLiteral("field \"seq\" is missing");
    QTest::newRow("negative seq") << hb << json(with(heartbeat, QStringLiteral("seq"), -1))
                                  << QStringLiteral("field \"seq\" must be an integer from 0");
    QTest::newRow("fractional seq") << hb << json(with(heartbeat, QStringLiteral("seq"), 1.5))
                                    << QStringLiteral("field \"seq\" must be an integer");
    QTest::newRow("seq 2^53") << hb
                              << json(with(heartbeat, QStringLiteral("seq"), 9007199254740992.0))
                              << QStringLiteral("field \"seq\" must be an integer");
    QTest::newRow("seq 1e300")
        << hb << QByteArray(R"({"v":1,"seq":1e300,"ts":"2026-03-02T08:00:00Z","uptime_s":1})")
        << QStringLiteral("field \"seq\" must be an integer");
    QTest::newRow("seq 400 digits") << hb
                                    << QByteArray(R"({"v":1,"seq":)") + QByteArray(400, '9') +
                                           R"(,"ts":"2026-03-02T08:00:00Z","uptime_s":1})"
                                    << QStringLiteral("not valid JSON");
    QTest::newRow("seq as string")
        << hb << json(with(heartbeat, QStringLiteral("seq"), QStringLiteral("7")))
        << QStringLiteral(
               "field \"seq\" must be an integer from 0 to 9007199254740991, not a string");
    QTest::newRow("seq null") << hb
                              << json(with(heartbeat, QStringLiteral("seq"), QJsonValue::Null))
                              << QStringLiteral("not null");
    QTest::newRow("seq boolean") << hb << json(with(heartbeat, QStringLiteral("seq"), true))
                                 << QStringLiteral("not a boolean");
    QTest::newRow("no ts") << hb << json(with(heartbeat, QStringLiteral("ts"), absent))
                           << QStringLiteral("field \"ts\" is missing");
    QTest::newRow("ts without zone")
        << hb << json(with(heartbeat, QStringLiteral("ts"), QStringLiteral("2026-03-02T08:00:00")))
        << QStringLiteral("field \"ts\" must be an ISO 8601 date and time with a zone");
    QTest::newRow("ts date only") << hb
                                  << json(with(heartbeat, QStringLiteral("ts"),
                                               QStringLiteral("2026-03-02")))
                                  << QStringLiteral("field \"ts\"");
    QTest::newRow("ts month 13") << hb
                                 << json(with(heartbeat, QStringLiteral("ts"),
                                              QStringLiteral("2026-13-02T08:00:00Z")))
                                 << QStringLiteral("field \"ts\"");
    QTest::newRow("ts epoch number")
        << hb << json(with(heartbeat, QStringLiteral("ts"), 1772438400))
        << QStringLiteral("field \"ts\" must be an ISO 8601 date and time with a zone, like "
                          "\"2026-03-02T09:00:00Z\", not a number");
    QTest::newRow("device id of another device")
        << hb << json(with(heartbeat, QStringLiteral("device_id"), QStringLiteral("gw-2")))
        << QStringLiteral(
               "field \"device_id\" names another device (\"gw-2\") than the topic (\"gw-1\")");
    QTest::newRow("device id as number")
        << hb << json(with(heartbeat, QStringLiteral("device_id"), 1))
        << QStringLiteral("field \"device_id\" must be a string");
    QTest::newRow("device id differs in case")
        << hb << json(with(heartbeat, QStringLiteral("device_id"), QStringLiteral("GW-1")))
        << QStringLiteral("names another device");

    // Presence.
    QTest::newRow("presence without state")
        << pres << json(envelope()) << QStringLiteral("field \"state\" is missing");
    QTest::newRow("presence state unknown")
        << pres << json(with(validPresence(), QStringLiteral("state"), QStringLiteral("sleeping")))
        << QStringLiteral("field \"state\" is \"sleeping\"; expected one of online, offline");
    QTest::newRow("presence state as bool")
        << pres << json(with(validPresence(), QStringLiteral("state"), true))
        << QStringLiteral("field \"state\" must be one of online, offline, not a boolean");
    QTest::newRow("presence state upper case")
        << pres << json(with(validPresence(), QStringLiteral("state"), QStringLiteral("ONLINE")))
        << QStringLiteral("field \"state\"");
    QTest::newRow("agent as object")
        << pres << json(with(validPresence(), QStringLiteral("agent"), QJsonObject()))
        << QStringLiteral("field \"agent\" must be a string, not an object");

    // Inventory.
    QTest::newRow("no model") << inv << json(with(inventory, QStringLiteral("model"), absent))
                              << QStringLiteral("field \"model\" is missing");
    QTest::newRow("blank model") << inv
                                 << json(with(inventory, QStringLiteral("model"),
                                              QStringLiteral("  ")))
                                 << QStringLiteral("field \"model\" is empty");
    QTest::newRow("model too long")
        << inv << json(with(inventory, QStringLiteral("model"), QString(129, QLatin1Char('m'))))
        << QStringLiteral("field \"model\" is too long (129 characters; limit 128)");
    QTest::newRow("no firmware") << inv << json(with(inventory, QStringLiteral("firmware"), absent))
                                 << QStringLiteral("field \"firmware\" is missing");
    QTest::newRow("firmware as string")
        << inv << json(with(inventory, QStringLiteral("firmware"), QStringLiteral("4.4.2")))
        << QStringLiteral("field \"firmware\" must be an object, not a string");
    QTest::newRow("firmware as array")
        << inv
        << json(with(inventory, QStringLiteral("firmware"), QJsonArray{QStringLiteral("4.4.2")}))
        << QStringLiteral("field \"firmware\" must be an object, not an array");
    QTest::newRow("firmware version number")
        << inv
        << json(with(inventory, QStringLiteral("firmware"),
                     QJsonObject{{QStringLiteral("version"), 4.4}}))
        << QStringLiteral("field \"firmware.version\" must be a string, not a number");
    QTest::newRow("components as object")
        << inv << json(with(inventory, QStringLiteral("components"), QJsonObject()))
        << QStringLiteral("field \"components\" must be an array, not an object");
    QTest::newRow("component as string")
        << inv
        << json(
               with(inventory, QStringLiteral("components"), QJsonArray{QStringLiteral("openssl")}))
        << QStringLiteral("field \"components[0]\" must be an object");
    QTest::newRow("component without version")
        << inv
        << json(with(inventory, QStringLiteral("components"),
                     QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")}}}))
        << QStringLiteral("field \"components[0].version\" is missing");
    QTest::newRow("component purl not a purl")
        << inv
        << json(with(inventory, QStringLiteral("components"),
                     QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                            {QStringLiteral("version"), QStringLiteral("1")}},
                                QJsonObject{{QStringLiteral("name"), QStringLiteral("b")},
                                            {QStringLiteral("version"), QStringLiteral("1")},
                                            {QStringLiteral("purl"), QStringLiteral("http://x")}}}))
        << QStringLiteral("field \"components[1].purl\" must be a package URL");
    QTest::newRow("component cpe 2.2")
        << inv
        << json(with(
               inventory, QStringLiteral("components"),
               QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("a")},
                                      {QStringLiteral("version"), QStringLiteral("1")},
                                      {QStringLiteral("cpe"), QStringLiteral("cpe:/a:x:y:1")}}}))
        << QStringLiteral("field \"components[0].cpe\" must be a CPE 2.3 name");
    QJsonArray tooMany;
    for (int i = 0; i <= DevicePayloadParser::maxComponents; ++i)
        tooMany.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("c%1").arg(i)},
                                   {QStringLiteral("version"), QStringLiteral("1")}});
    QTest::newRow("4097 components")
        << inv << json(with(inventory, QStringLiteral("components"), tooMany))
        << QStringLiteral("field \"components\" has too many entries (4097; limit 4096)");
    QTest::newRow("network as array")
        << inv << json(with(inventory, QStringLiteral("network"), QJsonArray()))
        << QStringLiteral("field \"network\" must be an object, not an array");
    QTest::newRow("bad MAC") << inv
                             << json(with(inventory, QStringLiteral("network"),
                                          QJsonObject{{QStringLiteral("mac"),
                                                       QStringLiteral("02-4E-10-00-00-01")}}))
                             << QStringLiteral("field \"network.mac\" must be a MAC address");
    QTest::newRow("IPv4 out of range")
        << inv
        << json(with(inventory, QStringLiteral("network"),
                     QJsonObject{{QStringLiteral("ip"), QStringLiteral("10.0.0.256")}}))
        << QStringLiteral("field \"network.ip\" must be an IPv4 or IPv6 address");
    QTest::newRow("ip as hostname")
        << inv
        << json(with(inventory, QStringLiteral("network"),
                     QJsonObject{{QStringLiteral("ip"), QStringLiteral("gateway.local")}}))
        << QStringLiteral("field \"network.ip\"");
    QTest::newRow("hostname with space")
        << inv
        << json(with(inventory, QStringLiteral("network"),
                     QJsonObject{{QStringLiteral("hostname"), QStringLiteral("a b")}}))
        << QStringLiteral("field \"network.hostname\" must be a host name");
    QTest::newRow("site hint as number")
        << inv << json(with(inventory, QStringLiteral("site_hint"), 3))
        << QStringLiteral("field \"site_hint\" must be a string");

    // Heartbeat.
    QTest::newRow("no uptime") << hb << json(with(heartbeat, QStringLiteral("uptime_s"), absent))
                               << QStringLiteral("field \"uptime_s\" is missing");
    QTest::newRow("negative uptime")
        << hb << json(with(heartbeat, QStringLiteral("uptime_s"), -5))
        << QStringLiteral("field \"uptime_s\" must be an integer from 0");
    QTest::newRow("free memory negative")
        << hb << json(with(heartbeat, QStringLiteral("free_memory_bytes"), -1))
        << QStringLiteral("field \"free_memory_bytes\" must be an integer from 0");
    QTest::newRow("signal positive")
        << hb << json(with(heartbeat, QStringLiteral("signal_dbm"), 20))
        << QStringLiteral("field \"signal_dbm\" must be an integer from -150 to 0, not 20");
    QTest::newRow("signal -1e9") << hb << json(with(heartbeat, QStringLiteral("signal_dbm"), -1e9))
                                 << QStringLiteral(
                                        "field \"signal_dbm\" must be an integer from -150 to 0");
    QTest::newRow("checks as object")
        << hb << json(with(heartbeat, QStringLiteral("checks"), QJsonObject()))
        << QStringLiteral("field \"checks\" must be an array");
    QTest::newRow("check status unknown")
        << hb
        << json(with(heartbeat, QStringLiteral("checks"),
                     QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("disk")},
                                            {QStringLiteral("status"), QStringLiteral("bad")}}}))
        << QStringLiteral("field \"checks[0].status\" is \"bad\"; expected one of ok, warn, fail");
    QTest::newRow("check without name")
        << hb
        << json(with(heartbeat, QStringLiteral("checks"),
                     QJsonArray{QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}}))
        << QStringLiteral("field \"checks[0].name\" is missing");
    QJsonArray manyChecks;
    for (int i = 0; i <= DevicePayloadParser::maxHealthChecks; ++i)
        manyChecks.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("c%1").arg(i)},
                                      {QStringLiteral("status"), QStringLiteral("ok")}});
    QTest::newRow("65 checks") << hb << json(with(heartbeat, QStringLiteral("checks"), manyChecks))
                               << QStringLiteral("field \"checks\" has too many entries");

    // Job progress and results.
    QTest::newRow("final state on progress")
        << progress << json(validProgress(QStringLiteral("succeeded")))
        << QStringLiteral("field \"state\" is \"succeeded\"; expected one of queued, downloading, "
                          "installing, rebooting, verifying");
    QTest::newRow("progress state on result")
        << result << json(validProgress(QStringLiteral("downloading")))
        << QStringLiteral("field \"state\" is \"downloading\"; expected one of succeeded, failed, "
                          "rejected, rolled_back");
    QTest::newRow("unknown state") << progress << json(validProgress(QStringLiteral("exploding")))
                                   << QStringLiteral("field \"state\" is \"exploding\"");
    QTest::newRow("job id of another job")
        << progress
        << json(with(validProgress(QStringLiteral("queued")), QStringLiteral("job_id"),
                     QStringLiteral("j-2")))
        << QStringLiteral("field \"job_id\" (\"j-2\") is not the topic's job (\"j-1\")");
    QTest::newRow("no job id") << progress
                               << json(with(validProgress(QStringLiteral("queued")),
                                            QStringLiteral("job_id"), absent))
                               << QStringLiteral("field \"job_id\" is missing");
    QTest::newRow("percent 101")
        << progress
        << json(with(validProgress(QStringLiteral("downloading")), QStringLiteral("percent"), 101))
        << QStringLiteral("field \"percent\" must be an integer from 0 to 100, not 101");
    QTest::newRow("percent as string")
        << progress
        << json(with(validProgress(QStringLiteral("downloading")), QStringLiteral("percent"),
                     QStringLiteral("40")))
        << QStringLiteral("field \"percent\" must be an integer from 0 to 100, not a string");
    QTest::newRow("percent with queued")
        << progress
        << json(with(validProgress(QStringLiteral("queued")), QStringLiteral("percent"), 0))
        << QStringLiteral("field \"percent\" is only sent with downloading and installing");
    QTest::newRow("failed without reason")
        << result << json(validProgress(QStringLiteral("failed")))
        << QStringLiteral("field \"reason\" is required when the state is failed");
    QTest::newRow("rejected with blank reason")
        << result
        << json(with(validProgress(QStringLiteral("rejected")), QStringLiteral("reason"),
                     QStringLiteral(" ")))
        << QStringLiteral("field \"reason\" is required when the state is rejected");
    QTest::newRow("reason as array")
        << result
        << json(with(validProgress(QStringLiteral("failed")), QStringLiteral("reason"),
                     QJsonArray()))
        << QStringLiteral("field \"reason\" must be a string, not an array");
}

void TestDevicePayloadParser::rejectsPayload()
{
    QFETCH(QString, channel);
    QFETCH(QByteArray, payload);
    QFETCH(QString, messagePart);
    const auto parsed = DevicePayloadParser::parse(topicFor(channel), payload);
    QVERIFY2(!parsed, "a hostile payload was accepted");
    QCOMPARE(parsed.error().kind, Error::Kind::Invalid);
    QVERIFY2(parsed.message().contains(messagePart), qPrintable(parsed.message()));
}

void TestDevicePayloadParser::rejectsOversizedPayload()
{
    // A 1 MB heartbeat that is otherwise valid: the size check comes before any parsing.
    QJsonObject o = validHeartbeat();
    o.insert(QStringLiteral("padding"), QString(1024 * 1024, QLatin1Char('x')));
    const QByteArray payload = json(o);
    const auto parsed = DevicePayloadParser::parse(topicFor(QStringLiteral("heartbeat")), payload);
    QVERIFY(!parsed);
    QCOMPARE(
        parsed.message(),
        QStringLiteral("payload too large (%1 bytes; limit 262144 bytes)").arg(payload.size()));

    // Exactly at the limit is still read.
    QJsonObject atLimit = validHeartbeat();
    atLimit.insert(QStringLiteral("padding"), QString());
    const qsizetype room = DevicePayloadParser::maxPayloadBytes - json(atLimit).size();
    atLimit.insert(QStringLiteral("padding"), QString(room, QLatin1Char('x')));
    QCOMPARE(json(atLimit).size(), DevicePayloadParser::maxPayloadBytes);
    const auto accepted =
        DevicePayloadParser::parse(topicFor(QStringLiteral("heartbeat")), json(atLimit));
    QVERIFY2(accepted, qPrintable(accepted.message()));
}

void TestDevicePayloadParser::heartbeatHealthSummary_data()
{
    QTest::addColumn<QStringList>("statuses");
    QTest::addColumn<QString>("health");
    QTest::newRow("no checks") << QStringList() << QStringLiteral("ok");
    QTest::newRow("all ok") << QStringList{QStringLiteral("ok"), QStringLiteral("ok")}
                            << QStringLiteral("ok");
    QTest::newRow("one warns") << QStringList{QStringLiteral("ok"), QStringLiteral("warn")}
                               << QStringLiteral("degraded");
    QTest::newRow("one fails") << QStringList{QStringLiteral("fail"), QStringLiteral("warn")}
                               << QStringLiteral("failing");
    QTest::newRow("fails last") << QStringList{QStringLiteral("warn"), QStringLiteral("fail")}
                                << QStringLiteral("failing");
}

void TestDevicePayloadParser::heartbeatHealthSummary()
{
    QFETCH(QStringList, statuses);
    QFETCH(QString, health);
    HeartbeatReport report;
    for (const QString &status : statuses)
        report.checks.append({QStringLiteral("c"), status, {}});
    QCOMPARE(report.overallHealth(), health);
    QVERIFY(healthValues().contains(report.overallHealth()));
}

void TestDevicePayloadParser::refusesTheJobsChannel()
{
    const auto parsed =
        DevicePayloadParser::parse(topicFor(QStringLiteral("jobs")), json(validHeartbeat()));
    QVERIFY(!parsed);
    QVERIFY2(parsed.message().contains(QStringLiteral("carries jobs from Fleetdesk")),
             qPrintable(parsed.message()));
    const auto mismatch = DevicePayloadParser::parseHeartbeat(topicFor(QStringLiteral("presence")),
                                                              json(validHeartbeat()));
    QVERIFY(!mismatch);
    QVERIFY2(mismatch.message().contains(
                 QStringLiteral("a heartbeat payload cannot be read from topic")),
             qPrintable(mismatch.message()));
}

// Every example in docs/protocol/examples/ that a device sends must parse, and every JSON block
// in docs/device-protocol.md must be one of the examples, so the document cannot drift from the
// parser. Files are named after their channel: heartbeat.json, presence-offline.json, ...
void TestDevicePayloadParser::documentedExamplesParse()
{
    const QDir examples(sourceDir() + QStringLiteral("/docs/protocol/examples"));
    const QStringList files =
        examples.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 5, qPrintable(examples.path()));
    QList<QJsonObject> exampleObjects;
    int deviceReports = 0;
    for (const QString &file : files) {
        QFile f(examples.filePath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray payload = f.readAll();
        exampleObjects.append(QJsonDocument::fromJson(payload).object());
        const QString channel =
            file.section(QLatin1Char('-'), 0, 0).section(QLatin1Char('.'), 0, 0);
        if (channel == QLatin1String("jobs"))
            continue; // tst_jobmessage reads these
        QString topic = QStringLiteral("fleet/v1/devices/kar-eg4100-0001/") + channel;
        if (channel == QLatin1String("progress") || channel == QLatin1String("result"))
            topic =
                QStringLiteral("fleet/v1/devices/kar-eg4100-0001/jobs/%1/%2")
                    .arg(exampleObjects.last().value(QStringLiteral("job_id")).toString(), channel);
        const auto parsedTopic = DeviceTopic::parse(topic);
        QVERIFY2(parsedTopic, qPrintable(file + QStringLiteral(": ") + parsedTopic.message()));
        const auto report = DevicePayloadParser::parse(parsedTopic.value(), payload);
        QVERIFY2(report, qPrintable(file + QStringLiteral(": ") + report.message()));
        QVERIFY2(reportHeader(report.value()).extra.isEmpty(),
                 qPrintable(file + QStringLiteral(" uses a field the parser does not know")));
        ++deviceReports;
    }
    QVERIFY(deviceReports >= 5);

    QFile doc(sourceDir() + QStringLiteral("/docs/device-protocol.md"));
    QVERIFY2(doc.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(doc.fileName()));
    const QString text = QString::fromUtf8(doc.readAll());
    static const QRegularExpression jsonBlock(QStringLiteral("```json\\n(.*?)```"),
                                              QRegularExpression::DotMatchesEverythingOption);
    int blocks = 0;
    for (auto it = jsonBlock.globalMatch(text); it.hasNext(); ++blocks) {
        const QString block = it.next().captured(1);
        QJsonParseError error;
        const QJsonDocument parsed = QJsonDocument::fromJson(block.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(block));
        QVERIFY2(exampleObjects.contains(parsed.object()),
                 qPrintable(QStringLiteral("a JSON block in device-protocol.md is not one of "
                                           "docs/protocol/examples:\n") +
                            block));
    }
    QVERIFY(blocks >= 3);
}

QTEST_GUILESS_MAIN(TestDevicePayloadParser)
#include "tst_devicepayloadparser.moc"
