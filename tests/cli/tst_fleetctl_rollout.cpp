// fleetctl rollout plan: the read-only preview of a staged rollout, run as a script would run it
// against a demo workspace with releases imported and approved through the CLI: help, usage
// errors (exit 2), unknown release, group or filter (3), the JSON document, every kind of
// exclusion, waves by percentage and count with a pilot, a maintenance window that moves the
// start to Monday in the site's own time zone, and that nothing is written.

#include "FirmwareFixtures.h"
#include "FleetctlRunner.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

namespace {

QStringList strings(const QJsonValue &array)
{
    QStringList out;
    for (const QJsonValue &v : array.toArray())
        out << v.toString();
    return out;
}

// Every reason kind of one device in the "excluded" array.
QStringList kindsOf(const QJsonObject &plan, const QString &uid)
{
    QStringList kinds;
    for (const QJsonValue &e : plan.value(QStringLiteral("excluded")).toArray())
        if (e.toObject().value(QStringLiteral("device")).toString() == uid)
            for (const QJsonValue &r : e.toObject().value(QStringLiteral("reasons")).toArray())
                kinds << r.toObject().value(QStringLiteral("kind")).toString();
    return kinds;
}

} // namespace

class TestFleetctlRollout : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    QString m_workspace;
    QString m_newer; // 9.0.0 for NW-EG4100, approved
    QString m_same;  // 4.4.2 for NW-EG4100, approved: what some devices run
    QString m_older; // 1.0.0 for NW-EG4100, approved: a downgrade for every one of them
    QString m_draft; // 9.1.0, not approved
    QString m_pilot; // the device of group "pilot"
    int m_auditAfterSetup = -1;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    CliResult json(QStringList args)
    {
        args.prepend(QStringLiteral("--json"));
        return m_cli.run(args);
    }
    CliResult plan(const QStringList &args, bool asJson = true)
    {
        const QStringList all =
            QStringList{QStringLiteral("rollout"), QStringLiteral("plan")} + args;
        return asJson ? json(all) : m_cli.run(all);
    }
    QString importRelease(quint8 major, quint8 minor, quint16 revision, bool approve)
    {
        fleet::test::McubootImageBuilder b;
        b.major = major;
        b.minor = minor;
        b.revision = revision;
        b.tlvs = {{0x24, QByteArray(64, 'E')}};
        const QString file =
            path(QStringLiteral("eg-%1.%2.%3.bin").arg(major).arg(minor).arg(revision));
        if (!FleetctlRunner::writeFile(file, b.bytes()))
            qFatal("cannot write %s", qPrintable(file));
        const CliResult r = json({QStringLiteral("firmware"), QStringLiteral("import"), file,
                                  QStringLiteral("--model"), QStringLiteral("NW-EG4100")});
        const QString id = QString::number(r.json().value(QStringLiteral("id")).toInteger(-1));
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        if (approve) {
            const CliResult a =
                m_cli.run({QStringLiteral("firmware"), QStringLiteral("approve"), id,
                           QStringLiteral("--passphrase-file"), path(QStringLiteral("pass"))});
            if (a.exitCode != 0)
                qWarning("%s", a.describe().constData());
        }
        return id;
    }
    // One column of a query against the workspace file, one value a line.
    QStringList query(const QString &sql)
    {
        QByteArray out;
        FleetctlRunner::sqlite(m_workspace, sql, &out);
        QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        return lines;
    }
    int auditCount()
    {
        return query(QStringLiteral("SELECT count(*) FROM audit_log;")).value(0).toInt();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_workspace = path(QStringLiteral("rollout.fleetdesk"));
        m_cli.setWorkspace(m_workspace);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                                        QStringLiteral("--demo"), QStringLiteral("--devices"),
                                        QStringLiteral("30")}),
                             0);
        QVERIFY(FleetctlRunner::writeFile(path(QStringLiteral("pass")), "a long passphrase\n"));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("keygen"),
                       QStringLiteral("--passphrase-file"), path(QStringLiteral("pass"))}),
            0);
        m_newer = importRelease(9, 0, 0, true);
        m_same = importRelease(4, 4, 2, true);
        m_older = importRelease(1, 0, 0, true);
        m_draft = importRelease(9, 1, 0, false);
        for (const QString &id : {m_newer, m_same, m_older, m_draft})
            QVERIFY(id.toLongLong() > 0);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("filter"), QStringLiteral("save"), QStringLiteral("eg4100"),
                       QStringLiteral("--model"), QStringLiteral("NW-EG4100")}),
            0);
        // The pilot: one device of the filter that may take 9.0.0.
        m_pilot = query(QStringLiteral("SELECT uid FROM devices WHERE model = 'NW-EG4100' AND "
                                       "state = 'active' ORDER BY uid DESC LIMIT 1;"))
                      .value(0);
        QVERIFY(!m_pilot.isEmpty());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("group"), m_pilot,
                                        QStringLiteral("--add"), QStringLiteral("pilot")}),
                             0);
        // No unfinished install stands in the way in the demo fleet.
        QCOMPARE(query(QStringLiteral("SELECT count(*) FROM jobs;")).value(0), QStringLiteral("0"));
        m_auditAfterSetup = auditCount();
        QVERIFY(m_auditAfterSetup > 0);
    }

    void help()
    {
        const CliResult group = m_cli.run({QStringLiteral("rollout"), QStringLiteral("--help")});
        FLEETCTL_EXPECT_EXIT(group, 0);
        QVERIFY2(group.outText().contains(QLatin1String("plan")), group.describe().constData());
        const CliResult r = plan({QStringLiteral("--help")}, false);
        FLEETCTL_EXPECT_EXIT(r, 0);
        for (const char *mention :
             {"RELEASE_ID", "--device UID", "--filter NAME", "--group NAME", "--pilot-group NAME",
              "--waves", "--wave-size N", "--window WINDOW", "--rate N/min", "--concurrency N",
              "--minutes-per-device N", "--start TIME", "Changes nothing"})
            QVERIFY2(r.outText().contains(QLatin1String(mention)), mention);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        const QString id = QStringLiteral("1");
        QTest::newRow("no release") << QStringList{};
        QTest::newRow("no targets") << QStringList{id};
        QTest::newRow("not a release id") << QStringList{"abc", "--filter", "eg4100"};
        QTest::newRow("group and filter")
            << QStringList{id, "--filter", "eg4100", "--group", "line-1"};
        QTest::newRow("waves not ending at 100")
            << QStringList{id, "--filter", "eg4100", "--waves", "10,50"};
        QTest::newRow("waves not numbers")
            << QStringList{id, "--filter", "eg4100", "--waves", "a,b"};
        QTest::newRow("waves and wave size")
            << QStringList{id, "--filter", "eg4100", "--waves", "50,100", "--wave-size", "2"};
        QTest::newRow("wave size 0") << QStringList{id, "--filter", "eg4100", "--wave-size", "0"};
        QTest::newRow("bad window")
            << QStringList{id, "--filter", "eg4100", "--window", "Someday 01:00-05:00"};
        QTest::newRow("empty window")
            << QStringList{id, "--filter", "eg4100", "--window", "Mon 01:00-01:00"};
        QTest::newRow("bad rate") << QStringList{id, "--filter", "eg4100", "--rate", "fast"};
        QTest::newRow("zero rate") << QStringList{id, "--filter", "eg4100", "--rate", "0/min"};
        QTest::newRow("zero concurrency")
            << QStringList{id, "--filter", "eg4100", "--concurrency", "0"};
        QTest::newRow("bad start") << QStringList{id, "--filter", "eg4100", "--start", "tomorrow"};
        QTest::newRow("start without zone")
            << QStringList{id, "--filter", "eg4100", "--start", "2026-11-28T12:00:00"};
        QTest::newRow("unknown option") << QStringList{id, "--filter", "eg4100", "--bogus"};
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        const CliResult r = plan(args, false);
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY2(!r.errText().isEmpty(), r.describe().constData());
        const CliResult j = plan(args);
        FLEETCTL_EXPECT_EXIT(j, 2);
    }

    void notFound_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("release") << QStringList{"999", "--filter", "eg4100"};
        QTest::newRow("group") << QStringList{"1", "--group", "no-such-group"};
        QTest::newRow("filter") << QStringList{"1", "--filter", "no-such-filter"};
        QTest::newRow("device") << QStringList{"1", "--device", "no-such-device"};
        QTest::newRow("pilot group")
            << QStringList{"1", "--filter", "eg4100", "--pilot-group", "no-such-group"};
    }

    void notFound()
    {
        QFETCH(QStringList, args);
        const CliResult r = plan(args);
        FLEETCTL_EXPECT_EXIT(r, 3);
        QCOMPARE(r.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("kind"))
                     .toString(),
                 QStringLiteral("not-found"));
    }

    void draftReleaseIsRefused()
    {
        const CliResult r =
            plan({m_draft, QStringLiteral("--filter"), QStringLiteral("eg4100")}, false);
        FLEETCTL_EXPECT_EXIT(r, 6);
        QVERIFY2(r.errText().contains(QLatin1String("draft")), r.describe().constData());
    }

    void jsonShape()
    {
        const QString start = QStringLiteral("2026-11-25T10:00:00Z");
        const CliResult r = plan({m_newer, QStringLiteral("--filter"), QStringLiteral("eg4100"),
                                  QStringLiteral("--start"), start});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QJsonObject doc = r.json();
        for (const char *key : {"release", "eligible", "excluded", "settings", "waves", "devices",
                                "not_scheduled", "end"})
            QVERIFY2(doc.contains(QLatin1String(key)), key);
        const QJsonObject release = doc.value(QStringLiteral("release")).toObject();
        QCOMPARE(release.value(QStringLiteral("id")).toInteger(), m_newer.toLongLong());
        QCOMPARE(release.value(QStringLiteral("version")).toString(), QStringLiteral("9.0.0"));
        QCOMPARE(doc.value(QStringLiteral("settings"))
                     .toObject()
                     .value(QStringLiteral("start"))
                     .toString(),
                 start);

        const QStringList eligible = query(QStringLiteral(
            "SELECT uid FROM devices WHERE model = 'NW-EG4100' AND state NOT IN ('retired', "
            "'decommissioning', 'quarantined') ORDER BY uid;"));
        const QStringList outOfService = query(QStringLiteral(
            "SELECT uid FROM devices WHERE model = 'NW-EG4100' AND state IN ('retired', "
            "'decommissioning', 'quarantined') ORDER BY uid;"));
        QVERIFY(!eligible.isEmpty());
        QVERIFY2(!outOfService.isEmpty(), "the demo fleet has an out-of-service NW-EG4100");
        QCOMPARE(doc.value(QStringLiteral("eligible")).toInt(), eligible.size());
        for (const QString &uid : outOfService)
            QCOMPARE(kindsOf(doc, uid), QStringList{QStringLiteral("lifecycle")});
        QCOMPARE(doc.value(QStringLiteral("excluded")).toArray().size(), outOfService.size());

        const QJsonArray waves = doc.value(QStringLiteral("waves")).toArray();
        QCOMPARE(waves.size(), 1);
        const QJsonObject wave = waves.at(0).toObject();
        QCOMPARE(strings(wave.value(QStringLiteral("devices"))), eligible);
        QCOMPARE(wave.value(QStringLiteral("pilot")).toBool(), false);
        QCOMPARE(wave.value(QStringLiteral("first_start")).toString(), start);
        QVERIFY(wave.value(QStringLiteral("last_finish")).toString() > start);
        QVERIFY(wave.value(QStringLiteral("not_scheduled")).toArray().isEmpty());
        QVERIFY(!wave.contains(QStringLiteral("time_zone"))); // sites in several zones

        const QJsonArray devices = doc.value(QStringLiteral("devices")).toArray();
        QCOMPARE(devices.size(), eligible.size());
        for (const QJsonValue &v : devices) {
            const QJsonObject d = v.toObject();
            QVERIFY(eligible.contains(d.value(QStringLiteral("device")).toString()));
            QCOMPARE(d.value(QStringLiteral("wave")).toInt(), 0);
            QVERIFY(!d.value(QStringLiteral("time_zone")).toString().isEmpty());
            QVERIFY(d.value(QStringLiteral("start")).toString() >= start);
        }
        QCOMPARE(doc.value(QStringLiteral("end")).toString(),
                 wave.value(QStringLiteral("last_finish")).toString());

        // The text form says the same.
        const CliResult text = plan({m_newer, QStringLiteral("--filter"), QStringLiteral("eg4100"),
                                     QStringLiteral("--start"), start},
                                    false);
        FLEETCTL_EXPECT_EXIT(text, 0);
        for (const QString &uid : outOfService)
            QVERIFY2(text.outText().contains(uid + QStringLiteral(": device ")),
                     text.describe().constData());
        QVERIFY2(text.outText().contains(QLatin1String("Expected end: ")),
                 text.describe().constData());
        QVERIFY2(text.outText().contains(QLatin1String("first start: Wed 2026-11-25 10:00 UTC")),
                 text.describe().constData());
    }

    void exclusions()
    {
        // Devices already on 4.4.2 are left out; those on older versions are not.
        const CliResult same = plan({m_same, QStringLiteral("--filter"), QStringLiteral("eg4100")});
        FLEETCTL_EXPECT_EXIT(same, 0);
        const QStringList onIt = query(QStringLiteral(
            "SELECT uid FROM devices WHERE model = 'NW-EG4100' AND fw_version = '4.4.2' AND state "
            "NOT IN ('retired', 'decommissioning', 'quarantined');"));
        QVERIFY(!onIt.isEmpty());
        for (const QString &uid : onIt)
            QCOMPARE(kindsOf(same.json(), uid), QStringList{QStringLiteral("already-on-target")});

        // A group of mixed models: the others are excluded for their model.
        const CliResult line = plan({m_newer, QStringLiteral("--group"), QStringLiteral("line-1")});
        FLEETCTL_EXPECT_EXIT(line, 0);
        const QStringList others = query(QStringLiteral(
            "SELECT d.uid FROM devices d JOIN group_members gm ON gm.device_id = d.id JOIN "
            "device_groups g ON g.id = gm.group_id WHERE g.name = 'line-1' AND d.model <> "
            "'NW-EG4100';"));
        QVERIFY(!others.isEmpty());
        for (const QString &uid : others)
            QVERIFY2(kindsOf(line.json(), uid).contains(QStringLiteral("model")), qPrintable(uid));

        // An older release is a downgrade for every device: no plan, exit 6, reasons listed.
        const CliResult older =
            plan({m_older, QStringLiteral("--filter"), QStringLiteral("eg4100")});
        FLEETCTL_EXPECT_EXIT(older, 6);
        const QJsonObject doc = older.json();
        QCOMPARE(doc.value(QStringLiteral("eligible")).toInt(), 0);
        const QStringList all = query(
            QStringLiteral("SELECT uid FROM devices WHERE model = 'NW-EG4100' ORDER BY uid;"));
        QCOMPARE(doc.value(QStringLiteral("excluded")).toArray().size(), all.size());
        for (const QString &uid : all)
            QVERIFY2(kindsOf(doc, uid).contains(QStringLiteral("downgrade")), qPrintable(uid));
        QCOMPARE(doc.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("exit_code"))
                     .toInt(-1),
                 6);
        const CliResult olderText =
            plan({m_older, QStringLiteral("--filter"), QStringLiteral("eg4100")}, false);
        FLEETCTL_EXPECT_EXIT(olderText, 6);
        QVERIFY2(olderText.outText().contains(QLatin1String("[downgrade]")),
                 olderText.describe().constData());
        QVERIFY2(olderText.errText().contains(QLatin1String("No device")),
                 olderText.describe().constData());
        QVERIFY(doc.value(QStringLiteral("waves")).toArray().isEmpty());
        QVERIFY(doc.value(QStringLiteral("end")).isNull());
    }

    void wavesByPercentageWithPilot()
    {
        const CliResult r = plan({m_newer, QStringLiteral("--filter"), QStringLiteral("eg4100"),
                                  QStringLiteral("--pilot-group"), QStringLiteral("pilot"),
                                  QStringLiteral("--waves"), QStringLiteral("50,100")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QJsonObject doc = r.json();
        const QJsonArray waves = doc.value(QStringLiteral("waves")).toArray();
        QCOMPARE(waves.size(), 3);
        const QJsonObject pilot = waves.at(0).toObject();
        QVERIFY(pilot.value(QStringLiteral("pilot")).toBool());
        QCOMPARE(strings(pilot.value(QStringLiteral("devices"))), QStringList{m_pilot});
        const int eligible = doc.value(QStringLiteral("eligible")).toInt();
        const int rest = eligible - 1;
        const QStringList first = strings(waves.at(1).toObject().value(QStringLiteral("devices")));
        const QStringList second = strings(waves.at(2).toObject().value(QStringLiteral("devices")));
        QCOMPARE(first.size(), (rest + 1) / 2); // ceil(50 % of the rest)
        QCOMPARE(second.size(), rest - first.size());
        QSet<QString> seen{m_pilot};
        for (const QString &uid : first + second) {
            QVERIFY2(!seen.contains(uid), qPrintable(uid));
            seen.insert(uid);
        }
        QCOMPARE(seen.size(), eligible);
        // Waves run one after another.
        QVERIFY(waves.at(1).toObject().value(QStringLiteral("first_start")).toString() >=
                pilot.value(QStringLiteral("last_finish")).toString());
        QVERIFY(waves.at(2).toObject().value(QStringLiteral("first_start")).toString() >=
                waves.at(1).toObject().value(QStringLiteral("last_finish")).toString());

        const CliResult bySize =
            plan({m_newer, QStringLiteral("--filter"), QStringLiteral("eg4100"),
                  QStringLiteral("--wave-size"), QStringLiteral("2")});
        FLEETCTL_EXPECT_EXIT(bySize, 0);
        const QJsonArray sized = bySize.json().value(QStringLiteral("waves")).toArray();
        QCOMPARE(sized.size(), (eligible + 1) / 2);
        for (qsizetype i = 0; i + 1 < sized.size(); ++i)
            QCOMPARE(sized.at(i).toObject().value(QStringLiteral("devices")).toArray().size(), 2);
    }

    void windowDelaysStartToMondayLocalTime()
    {
        const QStringList berlin = query(QStringLiteral(
            "SELECT d.uid FROM devices d JOIN sites s ON s.id = d.site_id WHERE d.model = "
            "'NW-EG4100' AND s.time_zone = 'Europe/Berlin' AND d.state NOT IN ('retired', "
            "'decommissioning', 'quarantined') ORDER BY d.uid;"));
        QVERIFY2(!berlin.isEmpty(), "the demo fleet has NW-EG4100 devices in Berlin");
        QStringList args{m_newer, QStringLiteral("--start"),
                         QStringLiteral("2026-11-28T12:00:00Z"), // a Saturday
                         QStringLiteral("--window"), QStringLiteral("Mon-Fri 01:00-05:00")};
        for (const QString &uid : berlin)
            args << QStringLiteral("--device") << uid;

        const CliResult r = plan(args);
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QJsonObject wave = r.json().value(QStringLiteral("waves")).toArray().at(0).toObject();
        // Monday 01:00 in Berlin (UTC+1 in November) is 00:00 UTC.
        QCOMPARE(wave.value(QStringLiteral("first_start")).toString(),
                 QStringLiteral("2026-11-30T00:00:00Z"));
        QCOMPARE(wave.value(QStringLiteral("time_zone")).toString(),
                 QStringLiteral("Europe/Berlin"));
        QCOMPARE(wave.value(QStringLiteral("first_start_local")).toString(),
                 QStringLiteral("2026-11-30T01:00:00+01:00"));
        QCOMPARE(strings(r.json()
                             .value(QStringLiteral("settings"))
                             .toObject()
                             .value(QStringLiteral("windows"))),
                 QStringList{QStringLiteral("Mon-Fri 01:00-05:00")});

        const CliResult text = plan(args, false);
        FLEETCTL_EXPECT_EXIT(text, 0);
        QVERIFY2(text.outText().contains(QLatin1String(
                     "first start: Mon 2026-11-30 00:00 UTC (Mon 2026-11-30 01:00 Europe/Berlin)")),
                 text.describe().constData());

        // Without the window the same devices start at once.
        const QStringList anyTime = args.mid(0, 3) + args.mid(5);
        const CliResult open = plan(anyTime);
        FLEETCTL_EXPECT_EXIT(open, 0);
        QCOMPARE(open.json()
                     .value(QStringLiteral("waves"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("first_start"))
                     .toString(),
                 QStringLiteral("2026-11-28T12:00:00Z"));

        // A device update longer than the window can never start: listed, with why.
        const CliResult tooLong =
            plan(args + QStringList{QStringLiteral("--minutes-per-device"), QStringLiteral("300")});
        FLEETCTL_EXPECT_EXIT(tooLong, 0);
        const QJsonObject doc = tooLong.json();
        QCOMPARE(doc.value(QStringLiteral("not_scheduled")).toInt(), berlin.size());
        const QJsonArray notScheduled = doc.value(QStringLiteral("waves"))
                                            .toArray()
                                            .at(0)
                                            .toObject()
                                            .value(QStringLiteral("not_scheduled"))
                                            .toArray();
        QCOMPARE(notScheduled.size(), berlin.size());
        QVERIFY(
            !notScheduled.at(0).toObject().value(QStringLiteral("reason")).toString().isEmpty());
        QVERIFY(doc.value(QStringLiteral("end")).isNull());
    }

    void deviceWithoutSiteHasNoWindow()
    {
        // The plans so far wrote nothing (checked again, after this import, in changesNothing).
        QCOMPARE(auditCount(), m_auditAfterSetup);
        // Imported without a site: no time zone, so no window; it may start at any hour.
        const QString csv = path(QStringLiteral("floating.csv"));
        QVERIFY(FleetctlRunner::writeFile(csv, "uid,name,model,hw_revision,fw_version,state\n"
                                               "float-1,Floating,NW-EG4100,C1,4.4.0,active\n"));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("inventory"), QStringLiteral("import"), csv}), 0);
        m_auditAfterSetup = auditCount();
        const QStringList args{m_newer,
                               QStringLiteral("--device"),
                               QStringLiteral("float-1"),
                               QStringLiteral("--start"),
                               QStringLiteral("2026-11-28T12:00:00Z"),
                               QStringLiteral("--window"),
                               QStringLiteral("Mon-Fri 01:00-05:00")};
        const CliResult r = plan(args);
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QJsonObject wave = r.json().value(QStringLiteral("waves")).toArray().at(0).toObject();
        QCOMPARE(wave.value(QStringLiteral("first_start")).toString(),
                 QStringLiteral("2026-11-28T12:00:00Z"));
        QCOMPARE(strings(wave.value(QStringLiteral("without_window"))),
                 QStringList{QStringLiteral("float-1")});
        QVERIFY(!wave.contains(QStringLiteral("time_zone")));
        const QJsonObject device =
            r.json().value(QStringLiteral("devices")).toArray().at(0).toObject();
        QVERIFY(device.value(QStringLiteral("without_window")).toBool());
        QCOMPARE(device.value(QStringLiteral("site")).toString(), QString());
        const CliResult text = plan(args, false);
        FLEETCTL_EXPECT_EXIT(text, 0);
        QVERIFY2(text.outText().contains(QLatin1String("no maintenance window (no site)")),
                 text.describe().constData());
    }

    void changesNothing()
    {
        // Every plan above ran read-only: not one audit entry was written.
        QCOMPARE(auditCount(), m_auditAfterSetup);
        const QByteArray before = QCryptographicHash::hash(FleetctlRunner::readFile(m_workspace),
                                                           QCryptographicHash::Sha256);
        FLEETCTL_EXPECT_EXIT(plan({m_newer, QStringLiteral("--filter"), QStringLiteral("eg4100")}),
                             0);
        QCOMPARE(auditCount(), m_auditAfterSetup);
        QCOMPARE(QCryptographicHash::hash(FleetctlRunner::readFile(m_workspace),
                                          QCryptographicHash::Sha256),
                 before);
    }

    // After changesNothing: from here on, rollouts are stored.
    void createStoresTheDraftThatPlanPreviews()
    {
        const QStringList selection{QStringLiteral("--filter"),      QStringLiteral("eg4100"),
                                    QStringLiteral("--pilot-group"), QStringLiteral("pilot"),
                                    QStringLiteral("--waves"),       QStringLiteral("50,100")};
        const CliResult preview = plan(QStringList{m_newer} + selection);
        FLEETCTL_EXPECT_EXIT(preview, 0);
        const QJsonArray planned = preview.json().value(QStringLiteral("waves")).toArray();
        QCOMPARE(planned.size(), 3);

        const int audits = auditCount();
        const CliResult r =
            json(QStringList{QStringLiteral("rollout"), QStringLiteral("create"),
                             QStringLiteral("eg 9.0"), m_newer} +
                 selection +
                 QStringList{QStringLiteral("--rate"), QStringLiteral("20/min"),
                             QStringLiteral("--reason"), QStringLiteral("CVE fix")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(auditCount(), audits + 1);
        const QJsonObject doc = r.json();
        QCOMPARE(doc.value(QStringLiteral("name")).toString(), QStringLiteral("eg 9.0"));
        QCOMPARE(doc.value(QStringLiteral("state")).toString(), QStringLiteral("draft"));
        QCOMPARE(QString::number(doc.value(QStringLiteral("release_id")).toInteger()), m_newer);
        QCOMPARE(doc.value(QStringLiteral("reason")).toString(), QStringLiteral("CVE fix"));
        QCOMPARE(doc.value(QStringLiteral("plan"))
                     .toObject()
                     .value(QStringLiteral("devicesPerMinute"))
                     .toInt(),
                 20);
        // The stored waves are the previewed waves: same sizes, pilot first as wave 0.
        const QJsonArray waves = doc.value(QStringLiteral("waves")).toArray();
        QCOMPARE(waves.size(), planned.size());
        for (qsizetype i = 0; i < waves.size(); ++i) {
            const QJsonObject w = waves.at(i).toObject();
            QCOMPARE(w.value(QStringLiteral("wave")).toInt(), int(i));
            QCOMPARE(w.value(QStringLiteral("pilot")).toBool(), i == 0);
            const qsizetype expected =
                planned.at(i).toObject().value(QStringLiteral("devices")).toArray().size();
            QCOMPARE(w.value(QStringLiteral("devices")).toInt(), int(expected));
            const QJsonObject queuedOnly{{QStringLiteral("queued"), int(expected)}};
            QCOMPARE(w.value(QStringLiteral("states")).toObject(), queuedOnly);
        }
        QCOMPARE(doc.value(QStringLiteral("excluded")).toArray(),
                 preview.json().value(QStringLiteral("excluded")).toArray());
        // The pilot device is stored in wave 0.
        QCOMPARE(query(QStringLiteral("SELECT rd.wave FROM rollout_devices rd JOIN devices d ON "
                                      "d.id = rd.device_id WHERE d.uid = '%1';")
                           .arg(m_pilot)),
                 QStringList{QStringLiteral("0")});
    }

    void createRefusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("no reason") << QStringList{"other", "1", "--filter", "eg4100"} << 2;
        QTest::newRow("no release id")
            << QStringList{"other", "x", "--filter", "eg4100", "--reason", "r"} << 2;
        QTest::newRow("bad waves")
            << QStringList{"other", "1", "--filter", "eg4100", "--waves", "10,50", "--reason", "r"}
            << 2;
        QTest::newRow("unknown release")
            << QStringList{"other", "999", "--filter", "eg4100", "--reason", "r"} << 3;
        QTest::newRow("name taken")
            << QStringList{"eg 9.0", "RELEASE", "--filter", "eg4100", "--reason", "r"} << 6;
    }
    void createRefusals()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        args.replaceInStrings(QStringLiteral("RELEASE"), m_newer);
        const int audits = auditCount();
        const QString rollouts = query(QStringLiteral("SELECT count(*) FROM rollouts;")).value(0);
        const CliResult r =
            json(QStringList{QStringLiteral("rollout"), QStringLiteral("create")} + args);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QCOMPARE(auditCount(), audits);
        QCOMPARE(query(QStringLiteral("SELECT count(*) FROM rollouts;")).value(0), rollouts);
    }

    void listAndShow()
    {
        const CliResult list = json({QStringLiteral("rollout"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        const QJsonArray rollouts = list.json().value(QStringLiteral("rollouts")).toArray();
        QCOMPARE(rollouts.size(), 1);
        const QJsonObject first = rollouts.at(0).toObject();
        for (const char *key :
             {"id", "name", "release_id", "state", "created_by", "created", "reason"})
            QVERIFY2(first.contains(QLatin1String(key)), key);
        QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("eg 9.0"));
        const CliResult text = m_cli.run({QStringLiteral("rollout"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(text, 0);
        QVERIFY2(text.outText().contains(QLatin1String("eg 9.0")), text.describe().constData());

        const CliResult show =
            json({QStringLiteral("rollout"), QStringLiteral("show"), QStringLiteral("eg 9.0")});
        FLEETCTL_EXPECT_EXIT(show, 0);
        QCOMPARE(show.json().value(QStringLiteral("waves")).toArray().size(), 3);
        const CliResult byId =
            json({QStringLiteral("rollout"), QStringLiteral("show"),
                  QString::number(first.value(QStringLiteral("id")).toInteger())});
        FLEETCTL_EXPECT_EXIT(byId, 0);
        QCOMPARE(byId.json(), show.json());
        const CliResult shown = m_cli.run(
            {QStringLiteral("rollout"), QStringLiteral("show"), QStringLiteral("eg 9.0")});
        FLEETCTL_EXPECT_EXIT(shown, 0);
        QVERIFY2(shown.outText().contains(QLatin1String("pilot")), shown.describe().constData());
        QVERIFY2(shown.outText().contains(QLatin1String("queued")), shown.describe().constData());

        const CliResult missing =
            json({QStringLiteral("rollout"), QStringLiteral("show"), QStringLiteral("nope")});
        FLEETCTL_EXPECT_EXIT(missing, 3);
    }

    // The operator actions commit decisions the engine acts on; status reports them. (The
    // engine itself runs in `serve` and the window; tst_rolloutengine covers what it does.)
    void actionsDriveTheRolloutAndStatusReportsIt()
    {
        const QString name = QStringLiteral("eg 9.0");
        const auto action = [&](const QStringList &args) {
            return json(QStringList{QStringLiteral("rollout")} + args);
        };
        const CliResult noReason = action({QStringLiteral("start"), name});
        QVERIFY(noReason.exitCode != 0);
        QVERIFY2(noReason.errText().contains(QLatin1String("--reason")),
                 noReason.describe().constData());
        const CliResult early = action(
            {QStringLiteral("start"), name, QStringLiteral("--reason"), QStringLiteral("go")});
        QVERIFY(early.exitCode != 0);
        QVERIFY2(early.errText().contains(QLatin1String("draft")), early.describe().constData());

        FLEETCTL_EXPECT_EXIT(action({QStringLiteral("submit"), name}), 0);
        // A pilot stands in for the test pass: the rollout may start.
        const CliResult started = action(
            {QStringLiteral("start"), name, QStringLiteral("--reason"), QStringLiteral("go")});
        FLEETCTL_EXPECT_EXIT(started, 0);
        QCOMPARE(started.json().value(QStringLiteral("state")).toString(),
                 QStringLiteral("running"));
        QCOMPARE(started.json().value(QStringLiteral("current_wave")).toInt(), 0);

        const CliResult paused = action({QStringLiteral("pause"), name, QStringLiteral("--reason"),
                                         QStringLiteral("shift end")});
        FLEETCTL_EXPECT_EXIT(paused, 0);
        QCOMPARE(paused.json().value(QStringLiteral("state")).toString(), QStringLiteral("paused"));
        FLEETCTL_EXPECT_EXIT(action({QStringLiteral("resume"), name, QStringLiteral("--reason"),
                                     QStringLiteral("next shift")}),
                             0);

        // A bench pass signed with the workspace key opens the gate.
        const CliResult pass =
            action({QStringLiteral("test-pass"), m_newer, QStringLiteral("--summary"),
                    QStringLiteral("bench run 3"), QStringLiteral("--passphrase-file"),
                    path(QStringLiteral("pass"))});
        FLEETCTL_EXPECT_EXIT(pass, 0);

        // Skip one queued device of the last wave.
        const QString skipped =
            query(QStringLiteral("SELECT d.uid FROM rollout_devices rd JOIN devices d ON d.id = "
                                 "rd.device_id ORDER BY rd.wave DESC, rd.rowid LIMIT 1;"))
                .value(0);
        const CliResult skip =
            action({QStringLiteral("skip"), name, QStringLiteral("--device"), skipped,
                    QStringLiteral("--reason"), QStringLiteral("line 2 down")});
        FLEETCTL_EXPECT_EXIT(skip, 0);
        QCOMPARE(skip.json().value(QStringLiteral("changed")).toArray().size(), 1);
        const CliResult retryNone = action(
            {QStringLiteral("retry"), name, QStringLiteral("--reason"), QStringLiteral("again")});
        QVERIFY(retryNone.exitCode != 0); // nothing has failed

        const CliResult status = json({QStringLiteral("rollout"), QStringLiteral("status"), name,
                                       QStringLiteral("--events")});
        FLEETCTL_EXPECT_EXIT(status, 0);
        const QJsonObject doc = status.json();
        QCOMPARE(doc.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QVERIFY(doc.value(QStringLiteral("test_gate"))
                    .toObject()
                    .value(QStringLiteral("passed"))
                    .toBool());
        QCOMPARE(doc.value(QStringLiteral("waves")).toArray().size(), 3);
        QCOMPARE(doc.value(QStringLiteral("total"))
                     .toObject()
                     .value(QStringLiteral("cancelled"))
                     .toInt(),
                 1);
        bool sawSkip = false;
        for (const QJsonValue &d : doc.value(QStringLiteral("devices")).toArray())
            if (d.toObject().value(QStringLiteral("device")).toString() == skipped)
                sawSkip = d.toObject().value(QStringLiteral("state")).toString() ==
                          QLatin1String("cancelled");
        QVERIFY(sawSkip);
        QStringList reasons;
        for (const QJsonValue &e : doc.value(QStringLiteral("events")).toArray())
            reasons << e.toObject().value(QStringLiteral("reason")).toString();
        QVERIFY2(reasons.contains(QStringLiteral("pause: shift end")),
                 qPrintable(reasons.join(QLatin1Char('|'))));

        // The history, as a file.
        const QString csv = path(QStringLiteral("history.csv"));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("rollout"), QStringLiteral("export"), name, csv}), 0);
        const QByteArray history = FleetctlRunner::readFile(csv);
        QVERIFY2(history.contains(skipped.toUtf8()), history.left(400).constData());
        QVERIFY(history.contains("pause: shift end"));
        const CliResult badFormat = m_cli.run({QStringLiteral("rollout"), QStringLiteral("export"),
                                               name, path(QStringLiteral("h.txt"))});
        QCOMPARE(badFormat.exitCode, 2);

        const CliResult cancelled = action({QStringLiteral("cancel"), name,
                                            QStringLiteral("--reason"), QStringLiteral("abandon")});
        FLEETCTL_EXPECT_EXIT(cancelled, 0);
        QCOMPARE(cancelled.json().value(QStringLiteral("state")).toString(),
                 QStringLiteral("stopping"));
        QCOMPARE(query(QStringLiteral("SELECT count(*) FROM rollout_devices WHERE state = "
                                      "'queued';")),
                 QStringList{QStringLiteral("0")});
        QCOMPARE(query(QStringLiteral("SELECT count(*) FROM audit_log WHERE action IN "
                                      "('rollout.submit', 'rollout.start', 'rollout.pause', "
                                      "'rollout.resume', 'rollout.skip', 'rollout.cancel', "
                                      "'release.test-pass');")),
                 QStringList{QStringLiteral("7")});
    }
};

QTEST_GUILESS_MAIN(TestFleetctlRollout)
#include "tst_fleetctl_rollout.moc"
