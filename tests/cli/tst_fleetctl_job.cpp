// `fleetctl job send|list|show|cancel`, run as the real binary against a demo workspace, and a
// job written by fleetctl (another process) delivered by a dispatcher connected to a real
// broker.

#include "FleetctlRunner.h"
#include "MosquittoBroker.h"
#include "audit/AuditHeadAnchor.h"
#include "jobs/JobDispatcher.h"
#include "mqtt/MqttClient.h"
#include "storage/Workspace.h"
#include "util/Clock.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;
using fleet::test::MosquittoBroker;

class TestFleetctlJob : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    QStringList m_uids;

    CliResult job(const QStringList &arguments)
    {
        return m_cli.run(QStringList{QStringLiteral("job")} + arguments);
    }
    QJsonObject jsonJob(const QStringList &arguments)
    {
        const CliResult r =
            m_cli.run(QStringList{QStringLiteral("--json"), QStringLiteral("job")} + arguments);
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return r.json();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli.setWorkspace(m_dir.filePath(QStringLiteral("jobs.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                       QStringLiteral("--demo"), QStringLiteral("--devices"), QStringLiteral("6")}),
            0);
        const CliResult list =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("list"), QStringLiteral("--columns"), QStringLiteral("uid")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        for (const QJsonValue &d : list.json().value(QStringLiteral("devices")).toArray())
            m_uids << d.toObject().value(QStringLiteral("uid")).toString();
        QCOMPARE(m_uids.size(), 6);
    }

    void helpSaysWhoDelivers()
    {
        const CliResult r = job({QStringLiteral("send"), QStringLiteral("--help")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY(r.outText().contains(QStringLiteral("fleetctl serve")));
        QVERIFY(r.outText().contains(QStringLiteral("--deadline-in")));
        FLEETCTL_EXPECT_EXIT(job({QStringLiteral("--help")}), 0);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("--help")}), 0);
        QVERIFY(m_cli.run({QStringLiteral("--help")}).outText().contains(QStringLiteral("job")));
    }

    void sendListShow()
    {
        const QJsonObject sent = jsonJob(
            {QStringLiteral("send"), QStringLiteral("--device"), m_uids[0],
             QStringLiteral("--device"), m_uids[1], QStringLiteral("--kind"),
             QStringLiteral("update"), QStringLiteral("--target-version"), QStringLiteral("4.5.0"),
             QStringLiteral("--url"), QStringLiteral("https://updates.example/4.5.0.swu"),
             QStringLiteral("--size"), QStringLiteral("1000"), QStringLiteral("--sha256"),
             QString(64, QLatin1Char('a')), QStringLiteral("--signature"), QStringLiteral("c2ln"),
             QStringLiteral("--deadline"), QStringLiteral("2099-01-01T00:00:00Z")});
        const QJsonArray created = sent.value(QStringLiteral("created")).toArray();
        QCOMPARE(created.size(), 2);
        const QJsonObject first = created.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("device")).toString(), m_uids[0]);
        QCOMPARE(first.value(QStringLiteral("state")).toString(), QStringLiteral("created"));
        QCOMPARE(first.value(QStringLiteral("deadline")).toString(),
                 QStringLiteral("2099-01-01T00:00:00.000Z"));
        const QString jobId = first.value(QStringLiteral("job_id")).toString();
        QVERIFY2(
            QRegularExpression(QStringLiteral("^j-[0-9]{8}-[a-z2-7]{10}$")).match(jobId).hasMatch(),
            qUtf8Printable(jobId));

        const QJsonObject list =
            jsonJob({QStringLiteral("list"), QStringLiteral("--device"), m_uids[0]});
        QVERIFY(list.value(QStringLiteral("total")).toInteger() >= 1);
        bool found = false;
        for (const QJsonValue &j : list.value(QStringLiteral("jobs")).toArray()) {
            QCOMPARE(j.toObject().value(QStringLiteral("device")).toString(), m_uids[0]);
            found = found || j.toObject().value(QStringLiteral("job_id")).toString() == jobId;
        }
        QVERIFY(found);

        const QJsonObject shown = jsonJob({QStringLiteral("show"), jobId});
        QCOMPARE(shown.value(QStringLiteral("job_id")).toString(), jobId);
        const QJsonObject payload = shown.value(QStringLiteral("payload")).toObject();
        QCOMPARE(payload.value(QStringLiteral("target_version")).toString(),
                 QStringLiteral("4.5.0"));
        QCOMPARE(payload.value(QStringLiteral("device_id")).toString(), m_uids[0]);
        const QJsonArray events = shown.value(QStringLiteral("events")).toArray();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("created"));

        const CliResult text = job({QStringLiteral("show"), jobId});
        FLEETCTL_EXPECT_EXIT(text, 0);
        QVERIFY(text.outText().contains(QStringLiteral("Events:")));
        const CliResult table = job({QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(table, 0);
        QVERIFY(table.outText().contains(jobId));
    }

    void cancel()
    {
        const QJsonObject sent =
            jsonJob({QStringLiteral("send"), QStringLiteral("--device"), m_uids[2],
                     QStringLiteral("--kind"), QStringLiteral("reboot")});
        const QString jobId = sent.value(QStringLiteral("created"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("job_id"))
                                  .toString();
        QVERIFY(!jobId.isEmpty());
        FLEETCTL_EXPECT_EXIT(job({QStringLiteral("cancel"), jobId}), 2); // --reason missing
        const QJsonObject cancelled = jsonJob(
            {QStringLiteral("cancel"), jobId, QStringLiteral("--reason"), QStringLiteral("typo")});
        QCOMPARE(cancelled.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        FLEETCTL_EXPECT_EXIT(
            job({QStringLiteral("cancel"), jobId, QStringLiteral("--reason"), QStringLiteral("x")}),
            6);
        FLEETCTL_EXPECT_EXIT(job({QStringLiteral("cancel"), QStringLiteral("j-nope"),
                                  QStringLiteral("--reason"), QStringLiteral("x")}),
                             3);
        const QJsonObject list = jsonJob(
            {QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("cancelled")});
        QCOMPARE(list.value(QStringLiteral("total")).toInteger(), 1);

        const CliResult audit =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("list"),
                       QStringLiteral("--action"), QStringLiteral("job.cancel")});
        FLEETCTL_EXPECT_EXIT(audit, 0);
        QVERIFY2(audit.outText().contains(jobId), audit.describe().constData());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")}), 0);
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        const QString d = QStringLiteral("--device");
        const QString k = QStringLiteral("--kind");
        QTest::newRow("no kind") << QStringList{d, QStringLiteral("x")} << 2;
        QTest::newRow("unknown kind")
            << QStringList{d, QStringLiteral("x"), k, QStringLiteral("format-disk")} << 2;
        QTest::newRow("no devices") << QStringList{k, QStringLiteral("reboot")} << 2;
        QTest::newRow("unknown device")
            << QStringList{d, QStringLiteral("no-such-device"), k, QStringLiteral("reboot")} << 3;
        QTest::newRow("decommission without reason")
            << QStringList{d, QStringLiteral("@0"), k, QStringLiteral("decommission")} << 6;
        QTest::newRow("update without artifact") << QStringList{d,
                                                                QStringLiteral("@0"),
                                                                k,
                                                                QStringLiteral("update"),
                                                                QStringLiteral("--target-version"),
                                                                QStringLiteral("1.0")}
                                                 << 6;
        QTest::newRow("partial artifact") << QStringList{d,
                                                         QStringLiteral("@0"),
                                                         k,
                                                         QStringLiteral("update"),
                                                         QStringLiteral("--url"),
                                                         QStringLiteral("https://x.example/a")}
                                          << 2;
        QTest::newRow("deadline without zone") << QStringList{d,
                                                              QStringLiteral("@0"),
                                                              k,
                                                              QStringLiteral("reboot"),
                                                              QStringLiteral("--deadline"),
                                                              QStringLiteral("2099-01-01T00:00:00")}
                                               << 2;
        QTest::newRow("bad duration") << QStringList{d,
                                                     QStringLiteral("@0"),
                                                     k,
                                                     QStringLiteral("reboot"),
                                                     QStringLiteral("--deadline-in"),
                                                     QStringLiteral("soon")}
                                      << 2;
        QTest::newRow("bad setting") << QStringList{d,
                                                    QStringLiteral("@0"),
                                                    k,
                                                    QStringLiteral("config"),
                                                    QStringLiteral("--set"),
                                                    QStringLiteral("novalue")}
                                     << 2;
        QTest::newRow("unknown filter")
            << QStringList{QStringLiteral("--filter"), QStringLiteral("nope"), k,
                           QStringLiteral("reboot")}
            << 3;
    }

    void refusals()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        arguments.replaceInStrings(QStringLiteral("@0"), m_uids[3]);
        const qint64 before =
            jsonJob({QStringLiteral("list")}).value(QStringLiteral("total")).toInteger();
        const CliResult r = job(QStringList{QStringLiteral("send")} + arguments);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY(!r.errText().isEmpty());
        QCOMPARE(jsonJob({QStringLiteral("list")}).value(QStringLiteral("total")).toInteger(),
                 before);
    }

    void sendToSavedFilter()
    {
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("filter"), QStringLiteral("save"),
                       QStringLiteral("one-device"), QStringLiteral("--search"), m_uids[4]}),
            0);
        const QJsonObject sent = jsonJob({QStringLiteral("send"), QStringLiteral("--filter"),
                                          QStringLiteral("one-device"), QStringLiteral("--kind"),
                                          QStringLiteral("config"), QStringLiteral("--set"),
                                          QStringLiteral("log.level=debug")});
        const QJsonArray created = sent.value(QStringLiteral("created")).toArray();
        QCOMPARE(created.size(), 1);
        QCOMPARE(created.at(0).toObject().value(QStringLiteral("device")).toString(), m_uids[4]);
    }

    // fleetctl writes the job; a dispatcher in this process, connected to a real broker,
    // notices it and publishes it; a device client receives the stored payload.
    void jobFromAnotherProcessIsDelivered()
    {
        MosquittoBroker broker;
        QVERIFY2(broker.start(), qPrintable(broker.errorString()));
        auto workspace = fleet::Workspace::open(m_cli.workspace());
        QVERIFY2(workspace.ok(), qUtf8Printable(workspace.message()));
        auto connection = workspace.value()->openConnection();
        QVERIFY(connection.ok());
        fleet::JobDispatcher dispatcher(
            *connection.value(), fleet::SystemClock::instance(),
            fleet::AuditHeadAnchor::pathForWorkspace(m_cli.workspace()));
        dispatcher.setPollInterval(100);

        fleet::MqttBrokerProfile profile;
        profile.host = QStringLiteral("127.0.0.1");
        profile.port = broker.port();
        fleet::MqttClient device(profile);
        QList<QByteArray> received;
        connect(
            &device, &fleet::MqttClient::messageReceived, this,
            [&](const QString &, const QByteArray &payload, int, bool) { received << payload; });
        QSignalSpy subscribed(&device, &fleet::MqttClient::subscribed);
        QVERIFY(
            device.subscribe(QStringLiteral("fleet/v1/devices/%1/jobs").arg(m_uids[5]), 1).ok());
        QVERIFY(device.connectToBroker().ok());
        QTRY_COMPARE_WITH_TIMEOUT(subscribed.size(), 1, 10000);
        fleet::MqttClient fleetdesk(profile);
        dispatcher.attach(fleetdesk);
        QVERIFY(fleetdesk.connectToBroker().ok());
        // Everything already in the workspace goes out first; none of it is for this device.
        QTRY_COMPARE_WITH_TIMEOUT(fleetdesk.state(), fleet::MqttClient::State::Connected, 10000);

        const QJsonObject sent =
            jsonJob({QStringLiteral("send"), QStringLiteral("--device"), m_uids[5],
                     QStringLiteral("--kind"), QStringLiteral("reboot")});
        const QString jobId = sent.value(QStringLiteral("created"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("job_id"))
                                  .toString();
        QVERIFY(!jobId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 15000);
        QCOMPARE(QJsonDocument::fromJson(received.first())
                     .object()
                     .value(QStringLiteral("job_id"))
                     .toString(),
                 jobId);
        QTRY_COMPARE_WITH_TIMEOUT(
            jsonJob({QStringLiteral("show"), jobId}).value(QStringLiteral("state")).toString(),
            QStringLiteral("sent"), 15000);
        const QJsonObject shown = jsonJob({QStringLiteral("show"), jobId});
        QCOMPARE(QJsonDocument::fromJson(received.first()).object(),
                 shown.value(QStringLiteral("payload")).toObject());
    }
};

QTEST_GUILESS_MAIN(TestFleetctlJob)
#include "tst_fleetctl_job.moc"
