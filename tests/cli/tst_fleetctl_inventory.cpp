// fleetctl inventory list / import / export and filter save / list / delete, run as the real
// binary against a demo workspace.

#include "FleetctlRunner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

namespace {
constexpr int kDemoDevices = 60;
}

class TestFleetctlInventory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    // Every device of the demo workspace, as `inventory list --json --limit 0` reports it.
    QJsonArray m_all;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QJsonArray allDevices(const FleetctlRunner &cli, const QStringList &extra = {})
    {
        const CliResult r =
            cli.run(QStringList{QStringLiteral("--json"), QStringLiteral("inventory"),
                                QStringLiteral("list"), QStringLiteral("--limit"),
                                QStringLiteral("0"), QStringLiteral("--columns"),
                                QStringLiteral("uid,name,model,fw_version,site,"
                                               "state,online,tags")} +
                    extra);
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return r.json().value(QStringLiteral("devices")).toArray();
    }
    static QStringList uids(const QJsonArray &devices)
    {
        QStringList out;
        for (const QJsonValue &d : devices)
            out << d.toObject().value(QStringLiteral("uid")).toString();
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cli.setWorkspace(path(QStringLiteral("demo.fleetdesk")));
        const CliResult init = m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                                          QStringLiteral("--demo"), QStringLiteral("--devices"),
                                          QString::number(kDemoDevices)});
        FLEETCTL_EXPECT_EXIT(init, 0);
        QVERIFY2(init.outText().contains(QStringLiteral("%1 demo devices").arg(kDemoDevices)),
                 init.describe().constData());
        m_all = allDevices(m_cli);
        QCOMPARE(m_all.size(), kDemoDevices);
    }

    void initRefusesAnExistingFile()
    {
        const QByteArray before = FleetctlRunner::readFile(m_cli.workspace());
        const CliResult r = m_cli.run({QStringLiteral("workspace"), QStringLiteral("init")});
        FLEETCTL_EXPECT_EXIT(r, 1);
        QVERIFY2(r.errText().contains(QStringLiteral("already exists")), r.describe().constData());
        QCOMPARE(FleetctlRunner::readFile(m_cli.workspace()), before);
    }

    void listJsonReportsTotalAndOnePage()
    {
        const CliResult r =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("list"), QStringLiteral("--limit"), QStringLiteral("10")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY2(r.isJson(), r.describe().constData());
        const QJsonObject doc = r.json();
        QCOMPARE(doc.value(QStringLiteral("total")).toInteger(), kDemoDevices);
        QCOMPARE(doc.value(QStringLiteral("count")).toInteger(), 10);
        const QJsonArray devices = doc.value(QStringLiteral("devices")).toArray();
        QCOMPARE(devices.size(), 10);
        const QJsonObject first = devices.first().toObject();
        QVERIFY(first.value(QStringLiteral("online")).isBool());
        QVERIFY(!first.value(QStringLiteral("uid")).toString().isEmpty());
        QVERIFY(first.contains(QStringLiteral("fw_version")));
        // Sorted by uid by default: the first ten of all devices in uid order.
        QStringList sorted = uids(m_all);
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(uids(devices), sorted.mid(0, 10));
    }

    void listTextShowsTableAndTotal()
    {
        const CliResult r = m_cli.run(
            {QStringLiteral("inventory"), QStringLiteral("list"), QStringLiteral("--limit"),
             QStringLiteral("5"), QStringLiteral("--columns"), QStringLiteral("uid,model,state")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QStringList lines = r.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        // Header, rule, five devices, the summary.
        QCOMPARE(lines.size(), 8);
        QVERIFY(lines[0].startsWith(QStringLiteral("Device ID")));
        QVERIFY(lines[0].contains(QStringLiteral("Model")));
        QVERIFY(lines[1].startsWith(QStringLiteral("---")));
        QCOMPARE(lines[7],
                 QStringLiteral("Showing 1-5 of %1 devices, sorted by uid.").arg(kDemoDevices));
    }

    void listFiltersByFacets()
    {
        // Expectations come from the full listing, so they hold for whatever the demo holds.
        const QJsonObject sample = m_all.at(kDemoDevices / 2).toObject();
        const QString model = sample.value(QStringLiteral("model")).toString();
        const QString site = sample.value(QStringLiteral("site")).toString();
        int sameModel = 0;
        int sameModelOnlineAtSite = 0;
        for (const QJsonValue &v : m_all) {
            const QJsonObject d = v.toObject();
            if (d.value(QStringLiteral("model")).toString() != model)
                continue;
            ++sameModel;
            if (d.value(QStringLiteral("online")).toBool() &&
                d.value(QStringLiteral("site")).toString() == site)
                ++sameModelOnlineAtSite;
        }
        const QJsonArray byModel = allDevices(m_cli, {QStringLiteral("--model"), model});
        QCOMPARE(byModel.size(), sameModel);
        for (const QJsonValue &v : byModel)
            QCOMPARE(v.toObject().value(QStringLiteral("model")).toString(), model);

        const QJsonArray combined =
            allDevices(m_cli, {QStringLiteral("--model"), model, QStringLiteral("--site"), site,
                               QStringLiteral("--online")});
        QCOMPARE(combined.size(), sameModelOnlineAtSite);
    }

    void listSortsDescendingWithOffset()
    {
        QStringList sorted = uids(m_all);
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        const CliResult r =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("list"), QStringLiteral("--sort"), QStringLiteral("uid"),
                       QStringLiteral("--desc"), QStringLiteral("--limit"), QStringLiteral("3"),
                       QStringLiteral("--offset"), QStringLiteral("2")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(uids(r.json().value(QStringLiteral("devices")).toArray()), sorted.mid(2, 3));
    }

    void listSearchFindsADeviceById()
    {
        const QString uid = m_all.at(7).toObject().value(QStringLiteral("uid")).toString();
        const QJsonArray found = allDevices(m_cli, {QStringLiteral("--search"), uid});
        QVERIFY2(uids(found).contains(uid), qPrintable(uids(found).join(QLatin1Char(' '))));
        QVERIFY(found.size() < kDemoDevices);
    }

    void listRejectsBadOptions_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown sort column")
            << QStringList{QStringLiteral("--sort"), QStringLiteral("nosuch")} << 2
            << QStringLiteral("Unknown column 'nosuch' for --sort");
        QTest::newRow("limit not a number")
            << QStringList{QStringLiteral("--limit"), QStringLiteral("many")} << 2
            << QStringLiteral("--limit expects a whole number");
        QTest::newRow("negative offset")
            << QStringList{QStringLiteral("--offset"), QStringLiteral("-4")} << 2
            << QStringLiteral("--offset expects a whole number");
        QTest::newRow("online and offline")
            << QStringList{QStringLiteral("--online"), QStringLiteral("--offline")} << 2
            << QStringLiteral("--online and --offline exclude each other");
        QTest::newRow("unknown state")
            << QStringList{QStringLiteral("--state"), QStringLiteral("sleeping")} << 2
            << QStringLiteral("Unknown state 'sleeping'");
        QTest::newRow("unknown column")
            << QStringList{QStringLiteral("--columns"), QStringLiteral("uid,colour")} << 2
            << QStringLiteral("Unknown column 'colour'");
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--colour")} << 2
                                        << QStringLiteral("Unknown option 'colour'");
        QTest::newRow("missing option value") << QStringList{QStringLiteral("--model")} << 2
                                              << QStringLiteral("Missing value after '--model'");
        QTest::newRow("stray argument") << QStringList{QStringLiteral("extra")} << 2
                                        << QStringLiteral("Unexpected argument 'extra'");
        QTest::newRow("unknown saved filter")
            << QStringList{QStringLiteral("--filter"), QStringLiteral("nosuch")} << 3
            << QStringLiteral("No saved filter named 'nosuch'");
    }

    void listRejectsBadOptions()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CliResult r =
            m_cli.run(QStringList{QStringLiteral("inventory"), QStringLiteral("list")} + arguments);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY2(r.errText().contains(message), r.describe().constData());
        QVERIFY2(r.out.isEmpty(), r.describe().constData());

        // With --json the same error is also one JSON document on stdout.
        const CliResult json =
            m_cli.run(QStringList{QStringLiteral("--json"), QStringLiteral("inventory"),
                                  QStringLiteral("list")} +
                      arguments);
        FLEETCTL_EXPECT_EXIT(json, exitCode);
        const QJsonObject error = json.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("exit_code")).toInt(), exitCode);
        QVERIFY(error.value(QStringLiteral("message")).toString().contains(message));
    }

    void importGoodCsvAfterADryRun()
    {
        const QString csv = path(QStringLiteral("new-devices.csv"));
        QVERIFY(FleetctlRunner::writeFile(
            csv, "Device ID,Name,Model,Firmware,Site,State,Tags\n"
                 "imp-0001,Import one,GW-9000,1.0.0,Import Hall,active,imported;batch-1\n"
                 "imp-0002,\"Import, two\",GW-9000,1.0.0,Import Hall,registered,imported\n"
                 "imp-0003,Import three,GW-9000,1.0.1,Import Hall,maintenance,\n"));

        const CliResult dry = m_cli.run({QStringLiteral("inventory"), QStringLiteral("import"), csv,
                                         QStringLiteral("--dry-run")});
        FLEETCTL_EXPECT_EXIT(dry, 0);
        QVERIFY2(dry.outText().contains(QStringLiteral("Dry run")), dry.describe().constData());
        QCOMPARE(allDevices(m_cli).size(), kDemoDevices);

        const CliResult r = m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                                       QStringLiteral("import"), csv, QStringLiteral("--reason"),
                                       QStringLiteral("site survey")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(r.json().value(QStringLiteral("created")).toInteger(), 3);
        QCOMPARE(r.json().value(QStringLiteral("committed")).toBool(), true);

        const QJsonArray imported =
            allDevices(m_cli, {QStringLiteral("--model"), QStringLiteral("GW-9000")});
        QCOMPARE(uids(imported),
                 (QStringList{QStringLiteral("imp-0001"), QStringLiteral("imp-0002"),
                              QStringLiteral("imp-0003")}));
        QCOMPARE(imported.at(1).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Import, two"));
        QCOMPARE(allDevices(m_cli, {QStringLiteral("--tag"), QStringLiteral("batch-1")}).size(), 1);

        // One audit entry for the whole import, with its reason.
        const CliResult audit =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("list"),
                       QStringLiteral("--action"), QStringLiteral("inventory.import")});
        FLEETCTL_EXPECT_EXIT(audit, 0);
        const QJsonArray entries = audit.json().value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("site survey"));
    }

    void importBadCsvImportsNothing()
    {
        const QString csv = path(QStringLiteral("bad-devices.csv"));
        QVERIFY(FleetctlRunner::writeFile(csv, "uid,name,state,last_seen\n"
                                               "bad-0001,Fine device,active,2026-03-01T10:00:00Z\n"
                                               "bad-0002,Wrong state,sleeping,\n"
                                               "bad-0003,Wrong time,active,yesterday\n"
                                               "bad-0001,Duplicate id,active,\n"
                                               "bad-0005,Too,many,fields,here\n"));
        const CliResult before = m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(before, 0);

        const CliResult r = m_cli.run({QStringLiteral("inventory"), QStringLiteral("import"), csv});
        FLEETCTL_EXPECT_EXIT(r, 6);
        const QString err = r.errText();
        QVERIFY2(err.contains(QStringLiteral("line 3: Column 'state': 'sleeping' is not a "
                                             "lifecycle state")),
                 r.describe().constData());
        QVERIFY2(err.contains(QStringLiteral("line 4: Column 'last_seen'")),
                 r.describe().constData());
        QVERIFY2(err.contains(QStringLiteral("line 5: ")), r.describe().constData());
        QVERIFY2(err.contains(QStringLiteral("line 6: Expected 4 fields")),
                 r.describe().constData());
        QVERIFY2(!err.contains(QStringLiteral("line 2:")), r.describe().constData());
        QVERIFY2(err.contains(QStringLiteral("has 4 errors; nothing was imported")),
                 r.describe().constData());

        // Not even the good line went in, and the audit trail did not move.
        const CliResult show = m_cli.run(
            {QStringLiteral("device"), QStringLiteral("show"), QStringLiteral("bad-0001")});
        FLEETCTL_EXPECT_EXIT(show, 3);
        const CliResult after = m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(after, 0);
        QCOMPARE(after.out, before.out);

        const CliResult json = m_cli.run(
            {QStringLiteral("--json"), QStringLiteral("inventory"), QStringLiteral("import"), csv});
        FLEETCTL_EXPECT_EXIT(json, 6);
        const QJsonObject report = json.json();
        QCOMPARE(report.value(QStringLiteral("committed")).toBool(), false);
        QCOMPARE(report.value(QStringLiteral("errors")).toArray().size(), 4);
        QCOMPARE(report.value(QStringLiteral("errors"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("line"))
                     .toInteger(),
                 3);
        QCOMPARE(report.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("exit_code"))
                     .toInt(),
                 6);
    }

    void importRejectsBadArguments_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QByteArray csv = "uid,name\nx-1,X\n";
        QTest::newRow("missing file")
            << QString() << QByteArray() << QStringList() << 3 << QStringLiteral("No file at");
        QTest::newRow("unknown extension") << QStringLiteral("devices.txt") << csv << QStringList()
                                           << 2 << QStringLiteral("--format csv or --format json");
        QTest::newRow("unknown format")
            << QStringLiteral("devices.csv") << csv
            << QStringList{QStringLiteral("--format"), QStringLiteral("xml")} << 2
            << QStringLiteral("Unknown format 'xml'");
        QTest::newRow("map names a missing column")
            << QStringLiteral("devices.csv") << csv
            << QStringList{QStringLiteral("--map"), QStringLiteral("Asset=uid")} << 2
            << QStringLiteral("--map names column 'Asset'");
        QTest::newRow("map names a missing field")
            << QStringLiteral("devices.csv") << csv
            << QStringList{QStringLiteral("--map"), QStringLiteral("name=colour")} << 2
            << QStringLiteral("Unknown field 'colour'");
        QTest::newRow("map without equals")
            << QStringLiteral("devices.csv") << csv
            << QStringList{QStringLiteral("--map"), QStringLiteral("name")} << 2
            << QStringLiteral("--map expects COLUMN=FIELD");
        QTest::newRow("map on json")
            << QStringLiteral("devices.json") << QByteArray("[]")
            << QStringList{QStringLiteral("--map"), QStringLiteral("a=uid")} << 2
            << QStringLiteral("--map applies to CSV files only");
        QTest::newRow("json that is not an array")
            << QStringLiteral("devices.json") << QByteArray("{\"uid\": 1") << QStringList() << 6
            << QStringLiteral("Nothing was imported.");
    }

    void importRejectsBadArguments()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, content);
        QFETCH(QStringList, options);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QString file = path(QStringLiteral("no-such-file.csv"));
        if (!fileName.isEmpty()) {
            file = path(QStringLiteral("args-") + fileName);
            QVERIFY(FleetctlRunner::writeFile(file, content));
        }
        const CliResult r = m_cli.run(
            QStringList{QStringLiteral("inventory"), QStringLiteral("import"), file} + options);
        FLEETCTL_EXPECT_EXIT(r, exitCode);
        QVERIFY2(r.errText().contains(message), r.describe().constData());
    }

    void importMapsColumns()
    {
        const QString csv = path(QStringLiteral("mapped.csv"));
        QVERIFY(FleetctlRunner::writeFile(csv, "Asset Tag,Label,Comment\n"
                                               "map-0001,Mapped device,ignore me\n"));
        const CliResult r = m_cli.run({QStringLiteral("inventory"), QStringLiteral("import"), csv,
                                       QStringLiteral("--map"), QStringLiteral("Asset Tag=uid"),
                                       QStringLiteral("--map"), QStringLiteral("2=name"),
                                       QStringLiteral("--map"), QStringLiteral("comment=ignore")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const CliResult show = m_cli.run({QStringLiteral("--json"), QStringLiteral("device"),
                                          QStringLiteral("show"), QStringLiteral("map-0001")});
        FLEETCTL_EXPECT_EXIT(show, 0);
        QCOMPARE(show.json().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Mapped device"));
        QCOMPARE(show.json().value(QStringLiteral("notes")).toString(), QString());
    }

    void exportCsvRoundTrip()
    {
        const QString csv = path(QStringLiteral("export.csv"));
        const CliResult exported =
            m_cli.run({QStringLiteral("inventory"), QStringLiteral("export"), csv});
        FLEETCTL_EXPECT_EXIT(exported, 0);
        const QJsonArray source = allDevices(m_cli);
        QVERIFY2(
            exported.outText().contains(QStringLiteral("Exported %1 devices").arg(source.size())),
            exported.describe().constData());
        const QByteArray bytes = FleetctlRunner::readFile(csv);
        QVERIFY(bytes.startsWith("uid,"));

        FleetctlRunner copy(path(QStringLiteral("csv-copy.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(copy.run({QStringLiteral("workspace"), QStringLiteral("init")}), 0);
        const CliResult imported = copy.run(
            {QStringLiteral("--json"), QStringLiteral("inventory"), QStringLiteral("import"), csv});
        FLEETCTL_EXPECT_EXIT(imported, 0);
        QCOMPARE(imported.json().value(QStringLiteral("created")).toInteger(), source.size());
        QCOMPARE(allDevices(copy), source);
    }

    void exportJsonRoundTrip()
    {
        const QString json = path(QStringLiteral("export.json"));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("inventory"), QStringLiteral("export"), json}), 0);
        QVERIFY(QJsonDocument::fromJson(FleetctlRunner::readFile(json)).isArray());

        FleetctlRunner copy(path(QStringLiteral("json-copy.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(copy.run({QStringLiteral("workspace"), QStringLiteral("init")}), 0);
        FLEETCTL_EXPECT_EXIT(
            copy.run({QStringLiteral("inventory"), QStringLiteral("import"), json}), 0);
        QCOMPARE(allDevices(copy), allDevices(m_cli));

        // The JSON carries what CSV cannot: components and configuration.
        const QString uid = m_all.at(3).toObject().value(QStringLiteral("uid")).toString();
        const QStringList show{QStringLiteral("--json"), QStringLiteral("device"),
                               QStringLiteral("show"), uid};
        const QJsonObject original = m_cli.run(show).json();
        const QJsonObject copied = copy.run(show).json();
        QVERIFY(!original.isEmpty());
        QCOMPARE(copied.value(QStringLiteral("components")),
                 original.value(QStringLiteral("components")));
        QCOMPARE(copied.value(QStringLiteral("config")), original.value(QStringLiteral("config")));
        QCOMPARE(copied.value(QStringLiteral("fw_version")),
                 original.value(QStringLiteral("fw_version")));
    }

    void exportToStdout()
    {
        const QString model = m_all.at(0).toObject().value(QStringLiteral("model")).toString();
        const int matching = allDevices(m_cli, {QStringLiteral("--model"), model}).size();

        const CliResult csv = m_cli.run({QStringLiteral("inventory"), QStringLiteral("export"),
                                         QStringLiteral("-"), QStringLiteral("--model"), model,
                                         QStringLiteral("--columns"), QStringLiteral("uid,model")});
        FLEETCTL_EXPECT_EXIT(csv, 0);
        const QList<QByteArray> lines = csv.out.trimmed().split('\n');
        QCOMPARE(lines.size(), matching + 1);
        QCOMPARE(lines.first().trimmed(), QByteArray("uid,model"));

        const CliResult json =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("export"), QStringLiteral("--model"), model});
        FLEETCTL_EXPECT_EXIT(json, 0);
        QCOMPARE(json.jsonArray().size(), matching);

        const CliResult conflict = m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                                              QStringLiteral("export"), QStringLiteral("-"),
                                              QStringLiteral("--format"), QStringLiteral("csv")});
        FLEETCTL_EXPECT_EXIT(conflict, 2);
    }

    void savedFiltersAreDynamicGroups()
    {
        const QString model = m_all.at(1).toObject().value(QStringLiteral("model")).toString();
        const QJsonArray expected =
            allDevices(m_cli, {QStringLiteral("--model"), model, QStringLiteral("--offline")});

        const CliResult saved = m_cli.run(
            {QStringLiteral("filter"), QStringLiteral("save"), QStringLiteral("offline-model"),
             QStringLiteral("--model"), model, QStringLiteral("--offline")});
        FLEETCTL_EXPECT_EXIT(saved, 0);
        QCOMPARE(allDevices(m_cli, {QStringLiteral("--filter"), QStringLiteral("offline-model")}),
                 expected);

        const CliResult list =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("filter"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        const QJsonArray filters = list.json().value(QStringLiteral("filters")).toArray();
        QCOMPARE(filters.size(), 1);
        QCOMPARE(filters.first().toObject().value(QStringLiteral("devices")).toInteger(),
                 expected.size());

        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("filter"), QStringLiteral("delete"),
                                        QStringLiteral("offline-model")}),
                             0);
        const CliResult again = m_cli.run(
            {QStringLiteral("filter"), QStringLiteral("delete"), QStringLiteral("offline-model")});
        FLEETCTL_EXPECT_EXIT(again, 3);
        QVERIFY(again.errText().contains(QStringLiteral("No saved filter named 'offline-model'")));
    }
};

QTEST_GUILESS_MAIN(TestFleetctlInventory)
#include "tst_fleetctl_inventory.moc"
