// fleetctl audit list / verify / export, and what verify says after someone altered the trail
// behind Fleetdesk's back with the sqlite3 tool.

#include "FleetctlRunner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

class TestFleetctlAudit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    qint64 m_entries = 0; // audit entries after initTestCase
    int m_copies = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    qint64 total(const QStringList &filter)
    {
        const CliResult r = m_cli.run(
            QStringList{QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("list")} +
            filter);
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return r.json().value(QStringLiteral("total")).toInteger(-1);
    }
    // A copy of the test workspace (with its audit head) made by `fleetctl backup`, for a test
    // to damage without disturbing the others.
    QString copyOfWorkspace(const QString &name)
    {
        const QString copy = path(name);
        const CliResult r = m_cli.run({QStringLiteral("backup"), copy});
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return copy;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/sqlite3")),
                 "these tests tamper with workspaces through the sqlite3 command-line tool");
        m_cli.setWorkspace(path(QStringLiteral("audit.fleetdesk")));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                                        QStringLiteral("--demo"), QStringLiteral("--devices"),
                                        QStringLiteral("12")}),
                             0);
        const CliResult list =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("inventory"),
                       QStringLiteral("list"), QStringLiteral("--columns"), QStringLiteral("uid"),
                       QStringLiteral("--limit"), QStringLiteral("3")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        QStringList uids;
        for (const QJsonValue &d : list.json().value(QStringLiteral("devices")).toArray())
            uids << d.toObject().value(QStringLiteral("uid")).toString();
        QCOMPARE(uids.size(), 3);

        // A few changes by two operators, so there is something to filter.
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("--operator"), QStringLiteral("Ana"),
                       QStringLiteral("device"), QStringLiteral("set-state"), uids[0],
                       QStringLiteral("--state"), QStringLiteral("quarantined"),
                       QStringLiteral("--reason"), QStringLiteral("suspicious traffic")}),
            0);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("--operator"), QStringLiteral("Ben"),
                       QStringLiteral("device"), QStringLiteral("tag"), uids[1], uids[2],
                       QStringLiteral("--add"), QStringLiteral("audited")}),
            0);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("--operator"), QStringLiteral("Ben"), QStringLiteral("group"),
                       QStringLiteral("create"), QStringLiteral("audit-group")}),
            0);
        m_entries = total({});
        // The demo seed, one state change, two tags, one group.
        QVERIFY2(m_entries >= 5, qPrintable(QString::number(m_entries)));
    }

    void listNewestFirstWithTotal()
    {
        const CliResult r =
            m_cli.run({QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("list"),
                       QStringLiteral("--limit"), QStringLiteral("2")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        const QJsonObject doc = r.json();
        QCOMPARE(doc.value(QStringLiteral("total")).toInteger(), m_entries);
        const QJsonArray entries = doc.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries[0].toObject().value(QStringLiteral("seq")).toInteger(), m_entries);
        QCOMPARE(entries[1].toObject().value(QStringLiteral("seq")).toInteger(), m_entries - 1);
        QCOMPARE(entries[0].toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("group.create"));
        QCOMPARE(entries[0].toObject().value(QStringLiteral("hash")).toString().size(), 64);

        const CliResult text = m_cli.run({QStringLiteral("audit"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(text, 0);
        QVERIFY2(text.outText().contains(QStringLiteral("quarantined")),
                 text.describe().constData());
        QVERIFY2(text.outText().contains(QStringLiteral("suspicious traffic")),
                 text.describe().constData());
        QVERIFY2(text.outText().contains(QStringLiteral("Showing the latest %1 of %1 matching "
                                                        "entries.")
                                             .arg(m_entries)),
                 text.describe().constData());
    }

    void listFilters_data()
    {
        QTest::addColumn<QStringList>("filter");
        QTest::addColumn<int>("expected"); // -1: every entry
        QTest::newRow("action prefix")
            << QStringList{QStringLiteral("--action"), QStringLiteral("device.")} << 3;
        QTest::newRow("exact action")
            << QStringList{QStringLiteral("--action"), QStringLiteral("device.add-tag")} << 2;
        QTest::newRow("actor, case-insensitive")
            << QStringList{QStringLiteral("--actor"), QStringLiteral("ben")} << 3;
        QTest::newRow("object type")
            << QStringList{QStringLiteral("--object-type"), QStringLiteral("group")} << 1;
        QTest::newRow("object") << QStringList{QStringLiteral("--object"),
                                               QStringLiteral("audit-group")}
                                << 1;
        QTest::newRow("since long ago")
            << QStringList{QStringLiteral("--since"), QStringLiteral("2000-01-01")} << -1;
        QTest::newRow("until long ago")
            << QStringList{QStringLiteral("--until"), QStringLiteral("2000-01-01T00:00:00Z")} << 0;
        QTest::newRow("window in the future")
            << QStringList{QStringLiteral("--since"), QStringLiteral("2999-01-01 00:00"),
                           QStringLiteral("--until"), QStringLiteral("2999-02-01")}
            << 0;
    }

    void listFilters()
    {
        QFETCH(QStringList, filter);
        QFETCH(int, expected);
        QCOMPARE(total(filter), expected < 0 ? m_entries : qint64(expected));
    }

    void listRejectsBadTimes_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::newRow("words") << QStringList{QStringLiteral("--since"),
                                              QStringLiteral("yesterday")};
        QTest::newRow("impossible date")
            << QStringList{QStringLiteral("--until"), QStringLiteral("2026-02-30")};
        QTest::newRow("bad limit") << QStringList{QStringLiteral("--limit"), QStringLiteral("-1")};
    }

    void listRejectsBadTimes()
    {
        QFETCH(QStringList, options);
        const CliResult r =
            m_cli.run(QStringList{QStringLiteral("audit"), QStringLiteral("list")} + options);
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("expects")), r.describe().constData());
    }

    void verifyIntact()
    {
        const CliResult r = m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY2(r.outText().startsWith(QStringLiteral("intact: %1 entries").arg(m_entries)),
                 r.describe().constData());

        const CliResult json = m_cli.run(
            {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(json, 0);
        QCOMPARE(json.json().value(QStringLiteral("intact")).toBool(), true);
        QCOMPARE(json.json().value(QStringLiteral("entries")).toInteger(), m_entries);
        QCOMPARE(json.json().value(QStringLiteral("anchored")).toBool(), true);
    }

    void verifyNamesTheBrokenEntry_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<int>("brokenEntry"); // 0: the last entry + 1 (a cut-off tail)
        QTest::addColumn<QString>("problem");
        QTest::newRow("a byte of a reason changed")
            << QStringLiteral("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET reason = "
                              "'suspicious traffiC' WHERE reason = 'suspicious traffic';")
            << 2 << QStringLiteral("does not match its hash");
        QTest::newRow("an entry rewritten with a fresh hash")
            << QStringLiteral("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET operator = "
                              "'Mallory', hash = lower(hex(randomblob(32))) WHERE seq = 3;")
            << 3 << QStringLiteral("does not match its hash");
        QTest::newRow("an entry deleted")
            << QStringLiteral("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq "
                              "= 2;")
            << 2 << QStringLiteral("entry 2 is missing");
        QTest::newRow("the tail cut off")
            << QStringLiteral("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq "
                              "= (SELECT max(seq) FROM audit_log);")
            << 0 << QStringLiteral("cut off the end");
    }

    void verifyNamesTheBrokenEntry()
    {
        QFETCH(QString, sql);
        QFETCH(int, brokenEntry);
        QFETCH(QString, problem);
        const qint64 expectedEntry = brokenEntry > 0 ? brokenEntry : m_entries;
        const QString copy =
            copyOfWorkspace(QStringLiteral("tampered-%1.fleetdesk").arg(++m_copies));
        FleetctlRunner tampered(copy);
        FLEETCTL_EXPECT_EXIT(tampered.run({QStringLiteral("audit"), QStringLiteral("verify")}), 0);
        QByteArray sqliteOutput;
        QCOMPARE(FleetctlRunner::sqlite(copy, sql, &sqliteOutput), 0);

        const CliResult r = tampered.run({QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(r, 5);
        QVERIFY2(r.outText().startsWith(QStringLiteral("broken at entry %1: ").arg(expectedEntry)),
                 r.describe().constData());
        QVERIFY2(r.outText().contains(problem), r.describe().constData());

        const CliResult json = tampered.run(
            {QStringLiteral("--json"), QStringLiteral("audit"), QStringLiteral("verify")});
        FLEETCTL_EXPECT_EXIT(json, 5);
        QCOMPARE(json.json().value(QStringLiteral("intact")).toBool(), false);
        QCOMPARE(json.json().value(QStringLiteral("first_broken_entry")).toInteger(),
                 expectedEntry);
        QCOMPARE(json.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("exit_code"))
                     .toInt(),
                 5);

        // db check reports it the same way.
        const CliResult check = tampered.run({QStringLiteral("db"), QStringLiteral("check")});
        FLEETCTL_EXPECT_EXIT(check, 5);
        QVERIFY2(check.outText().contains(QStringLiteral("broken at entry %1").arg(expectedEntry)),
                 check.describe().constData());
    }

    void exportCsvAndJson()
    {
        const QString csv = path(QStringLiteral("audit.csv"));
        const CliResult r = m_cli.run({QStringLiteral("audit"), QStringLiteral("export"), csv});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QVERIFY2(r.outText().contains(QStringLiteral("Exported %1 audit entries").arg(m_entries)),
                 r.describe().constData());
        const QByteArray bytes = FleetctlRunner::readFile(csv);
        QVERIFY(bytes.startsWith("seq,time_utc,"));
        // One header line plus one line per entry (no value in this trail spans lines).
        QCOMPARE(bytes.trimmed().split('\n').size(), m_entries + 1);

        const QString json = path(QStringLiteral("audit.json"));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("audit"), QStringLiteral("export"), json,
                                        QStringLiteral("--action"), QStringLiteral("device.")}),
                             0);
        const QJsonArray entries = QJsonDocument::fromJson(FleetctlRunner::readFile(json)).array();
        QCOMPARE(entries.size(), 3);
        for (const QJsonValue &e : entries)
            QVERIFY(e.toObject()
                        .value(QStringLiteral("action"))
                        .toString()
                        .startsWith(QStringLiteral("device.")));
        // Oldest first, with the chain's hashes: each links to the one before it.
        QCOMPARE(entries[0].toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("device.set-state"));

        const CliResult stdoutJson = m_cli.run({QStringLiteral("--json"), QStringLiteral("audit"),
                                                QStringLiteral("export"), QStringLiteral("-")});
        FLEETCTL_EXPECT_EXIT(stdoutJson, 0);
        const QJsonArray all = stdoutJson.jsonArray();
        QCOMPARE(all.size(), m_entries);
        for (qsizetype i = 1; i < all.size(); ++i)
            QCOMPARE(all[i].toObject().value(QStringLiteral("prev_hash")),
                     all[i - 1].toObject().value(QStringLiteral("hash")));
    }

    void exportRefusesAnUnknownFormat()
    {
        const CliResult r = m_cli.run({QStringLiteral("audit"), QStringLiteral("export"),
                                       path(QStringLiteral("audit.xml")),
                                       QStringLiteral("--format"), QStringLiteral("xml")});
        FLEETCTL_EXPECT_EXIT(r, 2);
        QVERIFY(!QFile::exists(path(QStringLiteral("audit.xml"))));
    }
};

QTEST_GUILESS_MAIN(TestFleetctlAudit)
#include "tst_fleetctl_audit.moc"
