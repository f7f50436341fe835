// fleetctl device show / set-state / tag / group / notes / attach-sbom and group
// list / create / delete, run as the real binary against a demo workspace.

#include "FleetctlRunner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

class TestFleetctlDevice : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    QStringList m_uids; // every demo device, in uid order

    QJsonObject show(const QString &uid)
    {
        const CliResult r = m_cli.run(
            {QStringLiteral("--json"), QStringLiteral("device"), QStringLiteral("show"), uid});
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return r.json();
    }
    QJsonArray latestAudit(const QString &uid, int count)
    {
        const CliResult r = m_cli.run({QStringLiteral("--json"), QStringLiteral("audit"),
                                       QStringLiteral("list"), QStringLiteral("--object"), uid,
                                       QStringLiteral("--limit"), QString::number(count)});
        return r.json().value(QStringLiteral("entries")).toArray();
    }
    qint64 total(const QStringList &filter)
    {
        const CliResult r =
            m_cli.run(QStringList{QStringLiteral("--json"), QStringLiteral("inventory"),
                                  QStringLiteral("list")} +
                      filter);
        return r.json().value(QStringLiteral("total")).toInteger(-1);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli.setWorkspace(m_dir.filePath(QStringLiteral("devices.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                                        QStringLiteral("--demo"), QStringLiteral("--devices"),
                                        QStringLiteral("30")}),
                             0);
        const CliResult list =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("0"),
                       QStringLiteral("--columns"), QStringLiteral("uid")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        for (const QJsonValue &d : list.json().value(QStringLiteral("devices")).toArray())
            m_uids << d.toObject().value(QStringLiteral("uid")).toString();
        QCOMPARE(m_uids.size(), 30);
    }

    void showPrintsEverySection()
    {
        const CliResult r =
            m_cli.run({QStringLiteral("device"), QStringLiteral("show"), m_uids.first()});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QString text = r.outText();
        QVERIFY2(text.startsWith(QStringLiteral("Device %1\n").arg(m_uids.first())),
                 r.describe().constData());
        for (const QString &section :
             {QStringLiteral("Device ID:"), QStringLiteral("Firmware:"),
              QStringLiteral("Last seen (UTC):"), QStringLiteral("Components"),
              QStringLiteral("Configuration"), QStringLiteral("Firmware history"),
              QStringLiteral("Audit trail")})
            QVERIFY2(text.contains(section), qPrintable(section + QLatin1Char('\n') + text));
    }

    void showJsonHasTheWholeDevice()
    {
        const QJsonObject d = show(m_uids.at(2));
        QCOMPARE(d.value(QStringLiteral("uid")).toString(), m_uids.at(2));
        QVERIFY(d.value(QStringLiteral("tags")).isArray());
        QVERIFY(d.value(QStringLiteral("groups")).isArray());
        QVERIFY(d.value(QStringLiteral("components")).isArray());
        QVERIFY(d.value(QStringLiteral("config")).isObject());
        QVERIFY(d.value(QStringLiteral("firmware_history")).isArray());
        QVERIFY(d.value(QStringLiteral("audit")).isArray());
        QVERIFY(d.value(QStringLiteral("online")).isBool());
    }

    void showUnknownDevice()
    {
        const CliResult r = m_cli.run(
            {QStringLiteral("device"), QStringLiteral("show"), QStringLiteral("no-such-device")});
        FLEETCTL_EXPECT_EXIT(r, 3);
        QVERIFY2(r.errText().contains(QStringLiteral("No device with id 'no-such-device'")),
                 r.describe().constData());
    }

    void setState_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expectedState"); // after the run
        QTest::addColumn<QString>("message");       // in stdout on success, stderr on failure
        QTest::newRow("maintenance needs no reason")
            << QStringList{QStringLiteral("--state"), QStringLiteral("maintenance")} << 0
            << QStringLiteral("maintenance") << QStringLiteral("State set to maintenance: 1 of 1");
        QTest::newRow("quarantine without a reason is refused")
            << QStringList{QStringLiteral("--state"), QStringLiteral("quarantined")} << 6
            << QStringLiteral("active") << QStringLiteral("give a reason");
        QTest::newRow("quarantine with a blank reason is refused")
            << QStringList{QStringLiteral("--state"), QStringLiteral("quarantined"),
                           QStringLiteral("--reason"), QStringLiteral("  ")}
            << 6 << QStringLiteral("active") << QStringLiteral("give a reason");
        QTest::newRow("quarantine with a reason")
            << QStringList{QStringLiteral("--state"), QStringLiteral("quarantined"),
                           QStringLiteral("--reason"), QStringLiteral("CVE-2024-0001")}
            << 0 << QStringLiteral("quarantined") << QStringLiteral("1 of 1 device changed");
        QTest::newRow("state names are case-insensitive")
            << QStringList{QStringLiteral("--state"), QStringLiteral("Retired"),
                           QStringLiteral("--reason"), QStringLiteral("scrapped")}
            << 0 << QStringLiteral("retired") << QStringLiteral("State set to retired");
        QTest::newRow("unknown state")
            << QStringList{QStringLiteral("--state"), QStringLiteral("asleep")} << 6
            << QStringLiteral("active") << QStringLiteral("Unknown state 'asleep'");
        QTest::newRow("no state given") << QStringList() << 2 << QStringLiteral("active")
                                        << QStringLiteral("--state is required");
    }

    void setState()
    {
        QFETCH(QStringList, options);
        QFETCH(int, exitCode);
        QFETCH(QString, expectedState);
        QFETCH(QString, message);
        const QString uid = m_uids.at(4);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("set-state"), uid,
                                        QStringLiteral("--state"), QStringLiteral("active")}),
                             0);
        const CliResult r = m_cli.run(
            QStringList{QStringLiteral("device"), QStringLiteral("set-state"), uid} + options);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY2((exitCode == 0 ? r.outText() : r.errText()).contains(message),
                 r.describe().constData());
        QCOMPARE(show(uid).value(QStringLiteral("state")).toString(), expectedState);
    }

    void setStateRecordsWhoAndWhy()
    {
        const QStringList uids{m_uids.at(5), m_uids.at(6), m_uids.at(5)};
        const CliResult r =
            m_cli.run(QStringList{QStringLiteral("--operator"), QStringLiteral("Ana Field"),
                                  QStringLiteral("--json"), QStringLiteral("device"),
                                  QStringLiteral("set-state")} +
                      uids +
                      QStringList{QStringLiteral("--state"), QStringLiteral("decommissioning"),
                                  QStringLiteral("--reason"), QStringLiteral("hall closes")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        // Named twice, counted once.
        QCOMPARE(r.json().value(QStringLiteral("changed")).toInt(), 2);
        const QJsonObject entry = latestAudit(m_uids.at(6), 1).first().toObject();
        QCOMPARE(entry.value(QStringLiteral("action")).toString(),
                 QStringLiteral("device.set-state"));
        QCOMPARE(entry.value(QStringLiteral("operator")).toString(), QStringLiteral("Ana Field"));
        QCOMPARE(entry.value(QStringLiteral("os_user")).toString(), QStringLiteral("cli-tester"));
        QCOMPARE(entry.value(QStringLiteral("reason")).toString(), QStringLiteral("hall closes"));
        QCOMPARE(entry.value(QStringLiteral("after")).toObject().value(QStringLiteral("state")),
                 QJsonValue(QStringLiteral("decommissioning")));
    }

    void setStateOnAnUnknownDeviceChangesNothing()
    {
        const QString known = m_uids.at(7);
        const QString before = show(known).value(QStringLiteral("state")).toString();
        const CliResult r = m_cli.run({QStringLiteral("device"), QStringLiteral("set-state"), known,
                                       QStringLiteral("ghost-1"), QStringLiteral("--state"),
                                       QStringLiteral("maintenance")});
        FLEETCTL_EXPECT_EXIT(r, 3);
        QVERIFY(r.errText().contains(QStringLiteral("No device with id 'ghost-1'")));
        QCOMPARE(show(known).value(QStringLiteral("state")).toString(), before);
    }

    void tagAddAndRemove()
    {
        const QStringList two{m_uids.at(8), m_uids.at(9)};
        const QStringList byTag{QStringLiteral("--tag"), QStringLiteral("cli-test-tag")};
        FLEETCTL_EXPECT_EXIT(
            m_cli.run(QStringList{QStringLiteral("device"), QStringLiteral("tag")} + two +
                      QStringList{QStringLiteral("--add"), QStringLiteral("cli-test-tag")}),
            0);
        QCOMPARE(total(byTag), 2);
        QVERIFY(show(m_uids.at(8))
                    .value(QStringLiteral("tags"))
                    .toArray()
                    .contains(QJsonValue(QStringLiteral("cli-test-tag"))));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("device"), QStringLiteral("tag"), m_uids.at(8),
                       QStringLiteral("--remove"), QStringLiteral("cli-test-tag")}),
            0);
        QCOMPARE(total(byTag), 1);
    }

    void tagAndGroupNeedExactlyOneOfAddOrRemove_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("options");
        QTest::newRow("tag: neither") << QStringLiteral("tag") << QStringList();
        QTest::newRow("tag: both") << QStringLiteral("tag")
                                   << QStringList{QStringLiteral("--add"), QStringLiteral("a"),
                                                  QStringLiteral("--remove"), QStringLiteral("b")};
        QTest::newRow("group: neither") << QStringLiteral("group") << QStringList();
        QTest::newRow("group: both")
            << QStringLiteral("group")
            << QStringList{QStringLiteral("--add"), QStringLiteral("a"), QStringLiteral("--remove"),
                           QStringLiteral("b")};
    }

    void tagAndGroupNeedExactlyOneOfAddOrRemove()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, options);
        const CliResult r =
            m_cli.run(QStringList{QStringLiteral("device"), command, m_uids.first()} + options);
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("exactly one of --add")),
                 r.describe().constData());
        QVERIFY(r.errText().contains(QStringLiteral("fleetctl device %1 --help").arg(command)));
    }

    void groupMembershipAndLifecycle()
    {
        const QString group = QStringLiteral("line-7");
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("group"), QStringLiteral("create"), group,
                       QStringLiteral("--description"), QStringLiteral("Press line 7")}),
            0);
        const CliResult duplicate =
            m_cli.run({QStringLiteral("group"), QStringLiteral("create"), group});
        FLEETCTL_EXPECT_EXIT(duplicate, 6);
        QVERIFY(duplicate.errText().contains(QStringLiteral("already exists")));

        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("device"), QStringLiteral("group"), m_uids.at(10),
                       m_uids.at(11), m_uids.at(12), QStringLiteral("--add"), group}),
            0);
        QCOMPARE(total({QStringLiteral("--group"), group}), 3);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("group"),
                                        m_uids.at(12), QStringLiteral("--remove"), group}),
                             0);
        QCOMPARE(total({QStringLiteral("--group"), group}), 2);

        const CliResult list =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("group"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        bool listed = false;
        for (const QJsonValue &g : list.json().value(QStringLiteral("groups")).toArray()) {
            if (g.toObject().value(QStringLiteral("name")).toString() != group)
                continue;
            listed = true;
            QCOMPARE(g.toObject().value(QStringLiteral("devices")).toInteger(), 2);
            QCOMPARE(g.toObject().value(QStringLiteral("description")).toString(),
                     QStringLiteral("Press line 7"));
        }
        QVERIFY(listed);

        const CliResult noReason =
            m_cli.run({QStringLiteral("group"), QStringLiteral("delete"), group});
        FLEETCTL_EXPECT_EXIT(noReason, 6);
        QCOMPARE(total({QStringLiteral("--group"), group}), 2);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("group"), QStringLiteral("delete"), group,
                                        QStringLiteral("--reason"), QStringLiteral("line gone")}),
                             0);
        QCOMPARE(total({QStringLiteral("--group"), group}), 0);
        QCOMPARE(total({}), m_uids.size()); // the devices stay
        const CliResult again = m_cli.run({QStringLiteral("group"), QStringLiteral("delete"), group,
                                           QStringLiteral("--reason"), QStringLiteral("twice")});
        FLEETCTL_EXPECT_EXIT(again, 3);
    }

    void notes()
    {
        const QString uid = m_uids.at(13);
        const QString text = QStringLiteral("Behind press 4\nkey at the gate");
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("notes"), uid,
                                        QStringLiteral("--set"), text}),
                             0);
        QCOMPARE(show(uid).value(QStringLiteral("notes")).toString(), text);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("notes"), uid,
                                        QStringLiteral("--set"), QString()}),
                             0);
        QCOMPARE(show(uid).value(QStringLiteral("notes")).toString(), QString());
        const CliResult missing =
            m_cli.run({QStringLiteral("device"), QStringLiteral("notes"), uid});
        FLEETCTL_EXPECT_EXIT(missing, 2);
    }

    void attachSbom()
    {
        const QString uid = m_uids.at(14);
        const QString file = m_dir.filePath(QStringLiteral("gw-fw.cdx.json"));
        QVERIFY(FleetctlRunner::writeFile(file, R"({
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "version": 1,
  "components": [
    {"type": "library", "name": "openssl", "version": "3.0.11",
     "purl": "pkg:generic/openssl@3.0.11",
     "cpe": "cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"},
    {"type": "application", "name": "busybox", "version": "1.36.1",
     "purl": "pkg:generic/busybox@1.36.1",
     "components": [{"type": "library", "name": "musl", "version": "1.2.4"}]}
  ]
})"));
        const CliResult r =
            m_cli.run({QStringLiteral("device"), QStringLiteral("attach-sbom"), uid, file});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY2(r.outText().contains(QStringLiteral("Attached 3 components from gw-fw.cdx.json")),
                 r.describe().constData());

        const QJsonArray components = show(uid).value(QStringLiteral("components")).toArray();
        QCOMPARE(components.size(), 3);
        QStringList names;
        for (const QJsonValue &c : components) {
            names << c.toObject().value(QStringLiteral("name")).toString();
            if (names.last() == QLatin1String("openssl")) {
                QCOMPARE(c.toObject().value(QStringLiteral("version")).toString(),
                         QStringLiteral("3.0.11"));
                QCOMPARE(c.toObject().value(QStringLiteral("purl")).toString(),
                         QStringLiteral("pkg:generic/openssl@3.0.11"));
            }
        }
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("busybox"), QStringLiteral("musl"),
                                     QStringLiteral("openssl")}));
        const QJsonObject entry = latestAudit(uid, 1).first().toObject();
        QCOMPARE(entry.value(QStringLiteral("action")).toString(),
                 QStringLiteral("device.attach-sbom"));
    }

    void attachSbomRejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("content"); // empty: no file at all
        QTest::addColumn<int>("exitCode");
        QTest::newRow("missing file") << QByteArray() << 3;
        QTest::newRow("not JSON") << QByteArray("<bom/>") << 6;
        QTest::newRow("JSON but not CycloneDX")
            << QByteArray(R"({"spdxVersion": "SPDX-2.3"})") << 6;
    }

    void attachSbomRejectsBadFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, exitCode);
        const QString uid = m_uids.at(15);
        const QJsonValue before = show(uid).value(QStringLiteral("components"));
        const QString file =
            m_dir.filePath(QStringLiteral("bad-%1.cdx.json")
                               .arg(QString::fromLatin1(QTest::currentDataTag())
                                        .replace(QLatin1Char(' '), QLatin1Char('-'))));
        if (!content.isEmpty())
            QVERIFY(FleetctlRunner::writeFile(file, content));
        const CliResult r =
            m_cli.run({QStringLiteral("device"), QStringLiteral("attach-sbom"), uid, file});
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY2(r.errText().startsWith(QStringLiteral("error: ")), r.describe().constData());
        QCOMPARE(show(uid).value(QStringLiteral("components")), before);
    }
};

QTEST_GUILESS_MAIN(TestFleetctlDevice)
#include "tst_fleetctl_device.moc"
