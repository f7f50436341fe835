// DriftScanner and DriftActions over a workspace: what a device's rows say (assigned, reported,
// history, install jobs) becomes findings in device_drift, the device table's Drift column and
// the rollout rows show them, and the two actions settle them: accepting the reported version
// clears the finding, re-targeting hands out the assigned release again.

#include "DdiFixture.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "rollout/DriftActions.h"
#include "rollout/DriftScanner.h"

#include <QTest>

using namespace fleet;
using fleet::test::column;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;

namespace {

void exec(DdiFixture &f, const QString &sql, const QVariantList &binds = {})
{
    if (Status s = f.ws.db().execute(sql, binds); !s)
        qFatal("%s: %s", qPrintable(sql), qPrintable(s.message()));
}

} // namespace

class TestDriftScanner : public QObject
{
    Q_OBJECT

private slots:
    void findingsFollowTheDevice_data()
    {
        QTest::addColumn<QString>("assigned");
        QTest::addColumn<QString>("reported");
        QTest::addColumn<int>("succeededInstallsOfTarget"); // jobs that said succeeded
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("on the assigned version") << "2.5.0"
                                                 << "2.5.0" << 1 << QStringList{};
        QTest::newRow("nothing assigned") << ""
                                          << "2.4.1" << 0 << QStringList{};
        QTest::newRow("fell back after a successful install")
            << "2.5.0"
            << "2.4.1" << 1 << QStringList{QStringLiteral("fell_back")};
        // Three installs that each fell back: a loop, and a version flipping to and fro.
        QTest::newRow("the same target again and again")
            << "2.5.0"
            << "2.4.1" << 3
            << QStringList{QStringLiteral("fell_back"), QStringLiteral("update_loop"),
                           QStringLiteral("flapping")};
        QTest::newRow("reports something else, nothing installing")
            << "2.5.0"
            << "2.3.0" << 0 << QStringList{QStringLiteral("drift")};
    }
    void findingsFollowTheDevice()
    {
        QFETCH(QString, assigned);
        QFETCH(QString, reported);
        QFETCH(int, succeededInstallsOfTarget);
        QFETCH(QStringList, expected);

        DdiFixture f;
        const qint64 id = f.deviceId(QStringLiteral("gw-7"));
        const qint64 now = f.ws.clock().nowMs();
        // Reported two hours ago: older than the grace a report in transit gets.
        exec(f,
             QStringLiteral("UPDATE devices SET fw_assigned = ?, fw_version = ?, last_seen = ? "
                            "WHERE id = ?"),
             {assigned, reported, now - 2 * 3600 * 1000, id});
        for (int i = 0; i < succeededInstallsOfTarget; ++i) {
            const qint64 at = now - 3 * 3600 * 1000 + i * 60'000;
            exec(f,
                 QStringLiteral("INSERT INTO jobs (job_id, device_id, kind, seq, payload, "
                                "target_version, origin, state, created_ms, updated_ms, "
                                "finished_ms) VALUES (?, ?, 'update', ?, '{}', ?, 'test', "
                                "'succeeded', ?, ?, ?)"),
                 {QStringLiteral("j-%1").arg(i), id, i + 1, assigned, at, at, at});
            exec(f,
                 QStringLiteral("INSERT INTO firmware_history (device_id, at_ms, from_version, "
                                "to_version, source) VALUES (?, ?, ?, ?, 'device'), (?, ?, ?, "
                                "?, 'device')"),
                 {id, at + 1000, reported, assigned, id, at + 30'000, assigned, reported});
        }
        DriftScanner scanner(f.ws.db(), f.ws.clock());
        auto scanned = scanner.scanNext(100);
        QVERIFY2(scanned.ok(), qPrintable(scanned.message()));
        QCOMPARE(scanned.value(), 1);
        QStringList kinds = column(f.ws.db(), QStringLiteral("SELECT kind FROM device_drift WHERE "
                                                             "device_id = %1 ORDER BY kind")
                                                  .arg(id));
        QStringList want = expected;
        want.sort();
        QCOMPARE(kinds, want);

        // The device table shows them.
        const DeviceQuery query({}, DeviceColumns::Uid, false);
        auto page = query.page(f.ws.db(), 0, 10);
        QVERIFY(page.ok());
        QCOMPARE(page->front().at(DeviceColumns::Drift).toString().isEmpty(), expected.isEmpty());
    }

    void acceptingTheReportedVersionClearsTheFinding()
    {
        DdiFixture f;
        const qint64 id = f.deviceId(QStringLiteral("gw-7"));
        exec(f,
             QStringLiteral("UPDATE devices SET fw_assigned = '2.5.0', fw_version = '2.3.0', "
                            "last_seen = ? WHERE id = ?"),
             {f.ws.clock().nowMs() - 2 * 3600 * 1000, id});
        DriftScanner scanner(f.ws.db(), f.ws.clock());
        QVERIFY(scanner.scanDevice(id).ok());
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM device_drift")).toInt(),
                 1);
        DriftActions actions(f.ws.db(), f.ws.session().audit(), f.ws.clock());
        QVERIFY(!actions.acceptReported(QStringLiteral("gw-7"), {}).ok());
        auto accepted = actions.acceptReported(QStringLiteral("gw-7"), QStringLiteral("lab build"));
        QVERIFY2(accepted.ok(), qPrintable(accepted.message()));
        QCOMPARE(accepted.value(), QStringLiteral("2.3.0"));
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM device_drift")).toInt(),
                 0);
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE action "
                                                    "= 'device.accept-version' AND reason = "
                                                    "'lab build'"))
                     .toInt(),
                 1);
    }

    void retargetSendsTheAssignedReleaseAgain()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        QVERIFY(release > 0);
        const qint64 id = f.deviceId(QStringLiteral("gw-7"));
        DriftActions actions(f.ws.db(), f.ws.session().audit(), f.ws.clock());
        // Nothing assigned yet: nothing to re-target to.
        QVERIFY(!actions.retarget(QStringLiteral("gw-7"), QStringLiteral("x")).ok());
        // An assignment records the version the server wants.
        QVERIFY(f.assign(release, {QStringLiteral("gw-7")}).ok());
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT fw_assigned FROM devices WHERE id = ?"),
                          {id})
                     .toString(),
                 QStringLiteral("2.5.0"));
        // The device fell back; its job ended.
        exec(f, QStringLiteral("UPDATE jobs SET state = 'succeeded', finished_ms = updated_ms"));
        auto job = actions.retarget(QStringLiteral("gw-7"), QStringLiteral("fell back twice"));
        QVERIFY2(job.ok(), qPrintable(job.message()));
        QCOMPARE(job->targetVersion, QStringLiteral("2.5.0"));
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM jobs WHERE finished_ms "
                                                    "IS NULL"))
                     .toInt(),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestDriftScanner)
#include "tst_driftscanner.moc"
