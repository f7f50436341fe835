// HeartbeatFastPath against the general heartbeat parser: whatever the fast path accepts, the
// general parser must accept and read the same way (the fast path never rejects, so then the
// verdicts are the same). Run over the fuzz corpus, the protocol's examples, hand-made edge
// cases and every truncation and many one-byte changes of the documented heartbeat.

#include "protocol/DevicePayloadParser.h"
#include "protocol/DeviceTopic.h"
#include "protocol/HeartbeatFastPath.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace fleet;

namespace {

const QString kDevice = QStringLiteral("kar-eg4100-0001");

QString sourceDir()
{
    // ctest sets FLEETDESK_SOURCE_DIR; QtTest's own define lets the binary run on its own too.
    const QString fromEnv = qEnvironmentVariable("FLEETDESK_SOURCE_DIR");
    return fromEnv.isEmpty() ? QStringLiteral(QT_TESTCASE_SOURCEDIR "/../..") : fromEnv;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

QByteArray documentedHeartbeat()
{
    return readFile(sourceDir() + QStringLiteral("/docs/protocol/examples/heartbeat.json"));
}

// Why the fast path's reading of `payload` differs from the general parser's; empty when it
// does not (or when the fast path left the payload to the general parser).
QString difference(const QString &deviceId, const QByteArray &payload, bool *accepted)
{
    const auto fast = HeartbeatFastPath::parse(deviceId, payload);
    *accepted = fast.has_value();
    const auto topic =
        DeviceTopic::parse(QStringLiteral("fleet/v1/devices/%1/heartbeat").arg(deviceId));
    if (!topic)
        return fast ? QStringLiteral("accepted for a device id the topic refuses") : QString();
    const auto general = DevicePayloadParser::parseHeartbeatInGeneral(topic.value(), payload);
    // parse() must give exactly what the general parser gives for what the fast path leaves.
    const auto combined = DevicePayloadParser::parseHeartbeat(topic.value(), payload);
    if (combined.ok() != general.ok())
        return QStringLiteral("parseHeartbeat and the general parser disagree");
    if (!combined.ok() && combined.message() != general.message())
        return QStringLiteral("different messages: %1 / %2")
            .arg(combined.message(), general.message());
    if (!fast)
        return {};
    if (!general)
        return QStringLiteral("fast path accepted, general parser refused: ") + general.message();
    const HeartbeatReport &a = *fast;
    const HeartbeatReport &b = general.value();
    if (a.header.deviceId != b.header.deviceId)
        return QStringLiteral("device id");
    if (a.header.seq != b.header.seq)
        return QStringLiteral("seq %1 / %2").arg(a.header.seq).arg(b.header.seq);
    if (a.header.timestamp != b.header.timestamp ||
        a.header.timestamp.timeSpec() != b.header.timestamp.timeSpec())
        return QStringLiteral("ts");
    if (a.header.extra != b.header.extra)
        return QStringLiteral("extra fields");
    if (a.uptimeSeconds != b.uptimeSeconds)
        return QStringLiteral("uptime");
    if (a.freeMemoryBytes != b.freeMemoryBytes)
        return QStringLiteral("free memory");
    if (a.signalDbm != b.signalDbm)
        return QStringLiteral("signal");
    if (a.checks != b.checks)
        return QStringLiteral("checks");
    if (a.overallHealth() != b.overallHealth())
        return QStringLiteral("health");
    return {};
}

} // namespace

class TestHeartbeatFastPath : public QObject
{
    Q_OBJECT

private slots:
    void documentedHeartbeatTakesTheFastPath();
    void sameAsGeneralParser_data();
    void sameAsGeneralParser();
    void fuzzCorpus();
    void protocolExamples();
    void mutationsOfTheDocumentedHeartbeat();
};

void TestHeartbeatFastPath::documentedHeartbeatTakesTheFastPath()
{
    const QByteArray payload = documentedHeartbeat();
    QVERIFY(!payload.isEmpty());
    bool accepted = false;
    const QString diff = difference(kDevice, payload, &accepted);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QVERIFY(accepted);
}

void TestHeartbeatFastPath::sameAsGeneralParser_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("fast"); // whether the fast path is expected to take it

    const QByteArray base = R"("v":1,"seq":7,"ts":"2026-03-02T08:00:01.250Z","uptime_s":901)";
    const auto obj = [&base](const QByteArray &more) {
        return '{' + base + more + '}';
    };
    QTest::newRow("minimal") << obj("") << true;
    QTest::newRow("all fields")
        << obj(R"(,"device_id":"kar-eg4100-0001","free_memory_bytes":1024,"signal_dbm":-71,)"
               R"("checks":[{"name":"disk","status":"warn","detail":"91 % full"},)"
               R"({"status":"fail","name":"fan"}]})")
               .chopped(1)
        << true;
    QTest::newRow("spaces and newlines")
        << QByteArray(
               " {\n \"v\" : 1 ,\r\n\t\"seq\":7,\"ts\":\"2026-03-02T08:00:01Z\",\"uptime_s\":0 "
               "}\n")
        << true;
    QTest::newRow("offset zone") << obj("").replace("Z\"", "+02:00\"") << true;
    QTest::newRow("empty checks") << obj(R"(,"checks":[])") << true;
    QTest::newRow("signal 0") << obj(R"(,"signal_dbm":0)") << true;
    QTest::newRow("signal -150") << obj(R"(,"signal_dbm":-150)") << true;
    QTest::newRow("max seq") << obj("").replace("\"seq\":7", "\"seq\":9007199254740991") << true;

    // Left to the general parser, which accepts or refuses them with its own message.
    QTest::newRow("seq beyond 2^53")
        << obj("").replace("\"seq\":7", "\"seq\":9007199254740992") << false;
    QTest::newRow("seq 1.0") << obj("").replace("\"seq\":7", "\"seq\":7.0") << false;
    QTest::newRow("seq 7e0") << obj("").replace("\"seq\":7", "\"seq\":7e0") << false;
    QTest::newRow("seq -0") << obj("").replace("\"seq\":7", "\"seq\":-0") << false;
    QTest::newRow("seq 07") << obj("").replace("\"seq\":7", "\"seq\":07") << false;
    QTest::newRow("seq negative") << obj("").replace("\"seq\":7", "\"seq\":-7") << false;
    QTest::newRow("seq string") << obj("").replace("\"seq\":7", "\"seq\":\"7\"") << false;
    QTest::newRow("v 2") << obj("").replace("\"v\":1", "\"v\":2") << false;
    QTest::newRow("no uptime") << obj("").replace(",\"uptime_s\":901", "") << false;
    QTest::newRow("no ts") << obj("").replace("\"ts\":\"2026-03-02T08:00:01.250Z\",", "") << false;
    QTest::newRow("ts without zone") << obj("").replace(".250Z", ".250") << false;
    QTest::newRow("ts bad day") << obj("").replace("03-02T", "02-30T") << false;
    QTest::newRow("ts four fraction digits") << obj("").replace(".250Z", ".2500Z") << false;
    QTest::newRow("duplicate seq") << obj(R"(,"seq":8)") << false;
    QTest::newRow("unknown field") << obj(R"(,"battery":3)") << false;
    QTest::newRow("escaped key") << obj(R"(,"sign\u0061l_dbm":-3)") << false;
    QTest::newRow("escape in name")
        << obj(R"(,"checks":[{"name":"d\"isk","status":"ok"}])") << false;
    QTest::newRow("utf-8 in detail")
        << obj(",\"checks\":[{\"name\":\"disk\",\"status\":\"ok\",\"detail\":\"\xc3\xa9\"}]")
        << false;
    QTest::newRow("other device") << obj(R"(,"device_id":"kar-eg4100-0002")") << false;
    QTest::newRow("signal -151") << obj(R"(,"signal_dbm":-151)") << false;
    QTest::newRow("signal 1") << obj(R"(,"signal_dbm":1)") << false;
    QTest::newRow("blank check name") << obj(R"(,"checks":[{"name":"  ","status":"ok"}])") << false;
    QTest::newRow("check name 65")
        << obj(R"(,"checks":[{"name":")" + QByteArray(65, 'n') + R"(","status":"ok"}])") << false;
    QTest::newRow("check name 64")
        << obj(R"(,"checks":[{"name":")" + QByteArray(64, 'n') + R"(","status":"ok"}])") << true;
    QTest::newRow("status bad") << obj(R"(,"checks":[{"name":"disk","status":"OK"}])") << false;
    QTest::newRow("check without status") << obj(R"(,"checks":[{"name":"disk"}])") << false;
    QTest::newRow("check extra key")
        << obj(R"(,"checks":[{"name":"disk","status":"ok","x":"y"}])") << false;
    QByteArray many = ",\"checks\":[";
    for (int i = 0; i < 65; ++i)
        many += QByteArray(i ? "," : "") + R"({"name":"c","status":"ok"})";
    QTest::newRow("65 checks") << obj(many + ']') << false;
    QTest::newRow("trailing garbage") << obj("") + "x" << false;
    QTest::newRow("trailing comma") << obj(",") << false;
    QTest::newRow("two objects") << obj("") + obj("") << false;
    QTest::newRow("array") << QByteArray("[1]") << false;
    QTest::newRow("empty object") << QByteArray("{}") << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("NUL in string")
        << obj(QByteArray(",\"checks\":[{\"name\":\"d\0k\",\"status\":\"ok\"}]", 40)) << false;
}

void TestHeartbeatFastPath::sameAsGeneralParser()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, fast);
    bool accepted = false;
    const QString diff = difference(kDevice, payload, &accepted);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    QCOMPARE(accepted, fast);
}

void TestHeartbeatFastPath::fuzzCorpus()
{
    // Each corpus input is "<topic>\n<payload>"; every payload is tried as a heartbeat, whatever
    // its topic said, for the topic's device when it names one.
    const QDir corpus(sourceDir() + QStringLiteral("/tests/fuzz/corpus/devicepayload"));
    const QStringList files = corpus.entryList(QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 100, qPrintable(corpus.path()));
    int fast = 0;
    for (const QString &file : files) {
        const QByteArray input = readFile(corpus.filePath(file));
        const qsizetype newline = input.indexOf('\n');
        QByteArray payload = newline < 0 ? input : input.mid(newline + 1);
        QString device = kDevice;
        if (newline >= 0) {
            const auto topic = DeviceTopic::parse(QString::fromUtf8(input.left(newline)));
            if (topic)
                device = topic->deviceId();
        }
        bool accepted = false;
        const QString diff = difference(device, payload, &accepted);
        QVERIFY2(diff.isEmpty(), qPrintable(file + QStringLiteral(": ") + diff));
        fast += accepted ? 1 : 0;
    }
    qInfo("%d of %lld corpus inputs took the fast path", fast,
          static_cast<long long>(files.size()));
}

void TestHeartbeatFastPath::protocolExamples()
{
    const QDir examples(sourceDir() + QStringLiteral("/docs/protocol/examples"));
    const QStringList files = examples.entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.size() >= 5);
    for (const QString &file : files) {
        bool accepted = false;
        const QString diff = difference(kDevice, readFile(examples.filePath(file)), &accepted);
        QVERIFY2(diff.isEmpty(), qPrintable(file + QStringLiteral(": ") + diff));
        // Only a heartbeat is one.
        QCOMPARE(accepted, file.startsWith(QLatin1String("heartbeat")));
    }
}

void TestHeartbeatFastPath::mutationsOfTheDocumentedHeartbeat()
{
    const QByteArray payload = documentedHeartbeat();
    QVERIFY(!payload.isEmpty());
    const QByteArray replacements = QByteArray(" \"\\{}[],:-.0179eEZTtfn+\t\n", 26) + '\0';
    int fast = 0, total = 0;
    const auto check = [&](const QByteArray &mutated, const QString &what) {
        bool accepted = false;
        const QString diff = difference(kDevice, mutated, &accepted);
        fast += accepted ? 1 : 0;
        ++total;
        if (!diff.isEmpty())
            QTest::qFail(qPrintable(what + QStringLiteral(": ") + diff + QStringLiteral("\n") +
                                    QString::fromLatin1(mutated)),
                         __FILE__, __LINE__);
        return diff.isEmpty();
    };
    for (qsizetype n = 0; n <= payload.size(); ++n)
        if (!check(payload.left(n), QStringLiteral("first %1 bytes").arg(n)))
            return;
    for (qsizetype i = 0; i < payload.size(); ++i) {
        for (const char c : replacements) {
            QByteArray mutated = payload;
            mutated[i] = c;
            if (!check(mutated, QStringLiteral("byte %1 -> %2").arg(i).arg(int(c))))
                return;
        }
        QByteArray removed = payload;
        removed.remove(i, 1);
        if (!check(removed, QStringLiteral("byte %1 removed").arg(i)))
            return;
    }
    qInfo("%d of %d mutations took the fast path", fast, total);
    QVERIFY(fast > 0);
}

QTEST_GUILESS_MAIN(TestHeartbeatFastPath)
#include "tst_heartbeatfastpath.moc"
