#include "protocol/DeviceTopic.h"

#include <QTest>

using namespace fleet;
using Channel = DeviceTopic::Channel;

Q_DECLARE_METATYPE(fleet::DeviceTopic::Channel)

class TestDeviceTopic : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryChannel_data();
    void parsesEveryChannel();
    void rejectsTopic_data();
    void rejectsTopic();
    void idRules_data();
    void idRules();
    void makeChecksIds_data();
    void makeChecksIds();
    void prefixAndFilterFollowTheVersion();
};

void TestDeviceTopic::parsesEveryChannel_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QString>("deviceId");
    QTest::addColumn<Channel>("channel");
    QTest::addColumn<QString>("jobId");
    QTest::addColumn<bool>("fromDevice");
    QTest::newRow("presence") << QStringLiteral("fleet/v1/devices/gw-1/presence")
                              << QStringLiteral("gw-1") << Channel::Presence << QString() << true;
    QTest::newRow("inventory") << QStringLiteral("fleet/v1/devices/gw-1/inventory")
                               << QStringLiteral("gw-1") << Channel::Inventory << QString() << true;
    QTest::newRow("heartbeat") << QStringLiteral("fleet/v1/devices/gw-1/heartbeat")
                               << QStringLiteral("gw-1") << Channel::Heartbeat << QString() << true;
    QTest::newRow("jobs") << QStringLiteral("fleet/v1/devices/gw-1/jobs") << QStringLiteral("gw-1")
                          << Channel::Jobs << QString() << false;
    QTest::newRow("progress") << QStringLiteral("fleet/v1/devices/gw-1/jobs/j-7/progress")
                              << QStringLiteral("gw-1") << Channel::JobProgress
                              << QStringLiteral("j-7") << true;
    QTest::newRow("result") << QStringLiteral("fleet/v1/devices/gw-1/jobs/j-7/result")
                            << QStringLiteral("gw-1") << Channel::JobResult << QStringLiteral("j-7")
                            << true;
    QTest::newRow("every id character")
        << QStringLiteral("fleet/v1/devices/AZaz09._:-/heartbeat") << QStringLiteral("AZaz09._:-")
        << Channel::Heartbeat << QString() << true;
    QTest::newRow("id of 128")
        << QStringLiteral("fleet/v1/devices/%1/presence").arg(QString(128, QLatin1Char('x')))
        << QString(128, QLatin1Char('x')) << Channel::Presence << QString() << true;
    QTest::newRow("device named jobs")
        << QStringLiteral("fleet/v1/devices/jobs/jobs") << QStringLiteral("jobs") << Channel::Jobs
        << QString() << false;
}

void TestDeviceTopic::parsesEveryChannel()
{
    QFETCH(QString, topic);
    QFETCH(QString, deviceId);
    QFETCH(Channel, channel);
    QFETCH(QString, jobId);
    QFETCH(bool, fromDevice);
    const auto parsed = DeviceTopic::parse(topic);
    QVERIFY2(parsed, qPrintable(parsed.message()));
    QCOMPARE(parsed->deviceId(), deviceId);
    QCOMPARE(parsed->channel(), channel);
    QCOMPARE(parsed->jobId(), jobId);
    QCOMPARE(parsed->isFromDevice(), fromDevice);
    QCOMPARE(parsed->toString(), topic);
    const auto made = DeviceTopic::make(deviceId, channel, jobId);
    QVERIFY2(made, qPrintable(made.message()));
    QCOMPARE(made.value(), parsed.value());
}

void TestDeviceTopic::rejectsTopic_data()
{
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("empty") << QString() << QStringLiteral("empty topic");
    QTest::newRow("plus wildcard")
        << QStringLiteral("fleet/v1/devices/+/presence") << QStringLiteral("wildcard");
    QTest::newRow("hash wildcard")
        << QStringLiteral("fleet/v1/devices/gw-1/#") << QStringLiteral("wildcard");
    QTest::newRow("plus inside id")
        << QStringLiteral("fleet/v1/devices/gw+1/presence") << QStringLiteral("wildcard");
    QTest::newRow("leading slash")
        << QStringLiteral("/fleet/v1/devices/gw-1/presence") << QStringLiteral("empty level");
    QTest::newRow("trailing slash")
        << QStringLiteral("fleet/v1/devices/gw-1/presence/") << QStringLiteral("empty level");
    QTest::newRow("double slash") << QStringLiteral("fleet/v1/devices//presence")
                                  << QStringLiteral("empty level");
    QTest::newRow("version 2") << QStringLiteral("fleet/v2/devices/gw-1/presence")
                               << QStringLiteral("protocol version \"v2\"");
    QTest::newRow("version 0") << QStringLiteral("fleet/v0/devices/gw-1/presence")
                               << QStringLiteral("this Fleetdesk speaks v1");
    QTest::newRow("other root") << QStringLiteral("factory/v1/devices/gw-1/presence")
                                << QStringLiteral("not a device topic");
    QTest::newRow("system topic") << QStringLiteral("$SYS/broker/uptime")
                                  << QStringLiteral("not a device topic");
    QTest::newRow("no channel") << QStringLiteral("fleet/v1/devices/gw-1")
                                << QStringLiteral("unexpected shape");
    QTest::newRow("unknown channel") << QStringLiteral("fleet/v1/devices/gw-1/status")
                                     << QStringLiteral("unknown channel \"status\"");
    QTest::newRow("upper-case channel")
        << QStringLiteral("fleet/v1/devices/gw-1/Presence") << QStringLiteral("unknown channel");
    QTest::newRow("unknown job channel") << QStringLiteral("fleet/v1/devices/gw-1/jobs/j-1/done")
                                         << QStringLiteral("unknown job channel");
    QTest::newRow("job without channel")
        << QStringLiteral("fleet/v1/devices/gw-1/jobs/j-1") << QStringLiteral("unexpected shape");
    QTest::newRow("too deep") << QStringLiteral("fleet/v1/devices/gw-1/jobs/j-1/result/x")
                              << QStringLiteral("unexpected shape");
    QTest::newRow("heartbeat with job") << QStringLiteral("fleet/v1/devices/gw-1/heartbeat/j/x")
                                        << QStringLiteral("unexpected shape");
    QTest::newRow("space in id") << QStringLiteral("fleet/v1/devices/gw 1/presence")
                                 << QStringLiteral("invalid device id");
    QTest::newRow("dollar id") << QStringLiteral("fleet/v1/devices/$gw/presence")
                               << QStringLiteral("invalid device id");
    QTest::newRow("non-ASCII id") << QStringLiteral("fleet/v1/devices/gw-ü/presence")
                                  << QStringLiteral("invalid device id");
    QTest::newRow("id of 129")
        << QStringLiteral("fleet/v1/devices/%1/presence").arg(QString(129, QLatin1Char('x')))
        << QStringLiteral("invalid device id");
    QTest::newRow("bad job id") << QStringLiteral("fleet/v1/devices/gw-1/jobs/j@1/progress")
                                << QStringLiteral("invalid job id");
    QTest::newRow("NUL in id") << QStringLiteral("fleet/v1/devices/gw%11/presence").arg(QChar(0))
                               << QStringLiteral("invalid device id");
    QTest::newRow("huge") << QString(100000, QLatin1Char('a')) << QStringLiteral("too long");
}

void TestDeviceTopic::rejectsTopic()
{
    QFETCH(QString, topic);
    QFETCH(QString, messagePart);
    const auto parsed = DeviceTopic::parse(topic);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().kind, Error::Kind::Invalid);
    QVERIFY2(parsed.message().contains(messagePart), qPrintable(parsed.message()));
}

void TestDeviceTopic::idRules_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << QStringLiteral("gw-1") << true;
    QTest::newRow("serial with colons") << QStringLiteral("02:4E:10:00:00:01") << true;
    QTest::newRow("dotted") << QStringLiteral("kar.line-1.plc_3") << true;
    QTest::newRow("one character") << QStringLiteral("x") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("slash") << QStringLiteral("a/b") << false;
    QTest::newRow("plus") << QStringLiteral("a+b") << false;
    QTest::newRow("hash") << QStringLiteral("a#") << false;
    QTest::newRow("at") << QStringLiteral("fleetdesk@console") << false;
    QTest::newRow("space") << QStringLiteral(" gw") << false;
    QTest::newRow("tab") << QStringLiteral("gw\t1") << false;
}

void TestDeviceTopic::idRules()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(DeviceTopic::isValidId(id), valid);
}

void TestDeviceTopic::makeChecksIds_data()
{
    QTest::addColumn<QString>("deviceId");
    QTest::addColumn<Channel>("channel");
    QTest::addColumn<QString>("jobId");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("bad device") << QStringLiteral("a/b") << Channel::Presence << QString()
                                << QStringLiteral("invalid device id");
    QTest::newRow("progress without job") << QStringLiteral("gw-1") << Channel::JobProgress
                                          << QString() << QStringLiteral("invalid job id");
    QTest::newRow("result with wildcard job")
        << QStringLiteral("gw-1") << Channel::JobResult << QStringLiteral("#")
        << QStringLiteral("invalid job id");
    QTest::newRow("heartbeat with job") << QStringLiteral("gw-1") << Channel::Heartbeat
                                        << QStringLiteral("j-1") << QStringLiteral("has no job id");
}

void TestDeviceTopic::makeChecksIds()
{
    QFETCH(QString, deviceId);
    QFETCH(Channel, channel);
    QFETCH(QString, jobId);
    QFETCH(QString, messagePart);
    const auto made = DeviceTopic::make(deviceId, channel, jobId);
    QVERIFY(!made);
    QVERIFY2(made.message().contains(messagePart), qPrintable(made.message()));
}

void TestDeviceTopic::prefixAndFilterFollowTheVersion()
{
    QCOMPARE(DeviceTopic::prefix(), QStringLiteral("fleet/v1/devices"));
    QCOMPARE(DeviceTopic::deviceReportsFilter(), QStringLiteral("fleet/v1/devices/+/#"));
}

QTEST_GUILESS_MAIN(TestDeviceTopic)
#include "tst_devicetopic.moc"
