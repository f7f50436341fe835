// RolloutTargeting: which devices of a target set a rollout of a release may update, every
// reason a device is left out (install policy, already on the version, an unfinished install,
// out of service), the order of the result, and where each device stands (site, time zone), as
// TargetingSchedules turns it into per-site maintenance schedules.

#include "DdiFixture.h"
#include "inventory/InventoryService.h"
#include "rollout/RolloutTargeting.h"
#include "rollout/TargetingSchedules.h"

#include <QTest>

using fleet::Device;
using fleet::InventoryService;
using fleet::MaintenanceWindow;
using fleet::RolloutTargeting;
using fleet::RolloutTargets;
using fleet::TargetingReason;
using fleet::TargetingSchedules;
using fleet::test::DdiFixture;
using fleet::test::TestWorkspace;

namespace {

QStringList uidsOf(const RolloutTargets &t)
{
    QStringList uids;
    for (const auto &d : t.eligible)
        uids << d.uid;
    return uids;
}

QStringList kindsOf(const RolloutTargets &t, const QString &uid)
{
    QStringList kinds;
    for (const auto &e : t.excluded)
        if (e.deviceUid == uid)
            for (const TargetingReason &r : e.reasons)
                kinds << TargetingReason::kindName(r.kind);
    return kinds;
}

void saveDevice(DdiFixture &f, const Device &d)
{
    InventoryService inventory(f.ws.db(), f.ws.session().audit());
    auto saved = inventory.saveDevice(d, QStringLiteral("test setup"));
    QVERIFY2(saved.ok(), qPrintable(saved.message()));
}

} // namespace

class TestRolloutTargeting : public QObject
{
    Q_OBJECT

private slots:
    void exclusionReasons_data()
    {
        QTest::addColumn<QString>("fwVersion");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("hwRevisions"); // JSON list stored on the release
        QTest::addColumn<QString>("minVersion");
        QTest::addColumn<bool>("openJob");
        QTest::addColumn<QStringList>("expected"); // empty: eligible

        const QString none;
        QTest::newRow("eligible") << "2.4.1"
                                  << "GW-4000"
                                  << "active"
                                  << "[]" << none << false << QStringList();
        QTest::newRow("maintenance is eligible") << "2.4.1"
                                                 << "GW-4000"
                                                 << "maintenance"
                                                 << "[]" << none << false << QStringList();
        QTest::newRow("model") << "2.4.1"
                               << "GW-9000"
                               << "active"
                               << "[]" << none << false << QStringList{"model"};
        QTest::newRow("hardware revision")
            << "2.4.1"
            << "GW-4000"
            << "active"
            << "[\"C\"]" << none << false << QStringList{"hardware-revision"};
        QTest::newRow("minimum version") << "2.4.1"
                                         << "GW-4000"
                                         << "active"
                                         << "[]"
                                         << "2.4.5" << false << QStringList{"minimum-version"};
        QTest::newRow("downgrade") << "2.6.0"
                                   << "GW-4000"
                                   << "active"
                                   << "[]" << none << false << QStringList{"downgrade"};
        QTest::newRow("not semver") << "banana"
                                    << "GW-4000"
                                    << "active"
                                    << "[]" << none << false << QStringList{"unknown-version"};
        QTest::newRow("already on target")
            << "2.5.0"
            << "GW-4000"
            << "active"
            << "[]" << none << false << QStringList{"already-on-target"};
        QTest::newRow("open install") << "2.4.1"
                                      << "GW-4000"
                                      << "active"
                                      << "[]" << none << true << QStringList{"open-install"};
        QTest::newRow("retired") << "2.4.1"
                                 << "GW-4000"
                                 << "retired"
                                 << "[]" << none << false << QStringList{"lifecycle"};
        QTest::newRow("decommissioning") << "2.4.1"
                                         << "GW-4000"
                                         << "decommissioning"
                                         << "[]" << none << false << QStringList{"lifecycle"};
        QTest::newRow("quarantined") << "2.4.1"
                                     << "GW-4000"
                                     << "quarantined"
                                     << "[]" << none << false << QStringList{"lifecycle"};
        QTest::newRow("every reason at once")
            << "2.6.0"
            << "GW-9000"
            << "retired"
            << "[\"C\"]" << none << true
            << QStringList{"lifecycle", "model", "hardware-revision", "downgrade", "open-install"};
    }

    void exclusionReasons()
    {
        QFETCH(QString, fwVersion);
        QFETCH(QString, model);
        QFETCH(QString, state);
        QFETCH(QString, hwRevisions);
        QFETCH(QString, minVersion);
        QFETCH(bool, openJob);
        QFETCH(QStringList, expected);

        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        if (openJob) {
            auto assigned = f.assign(release, {QStringLiteral("gw-7")});
            QVERIFY2(assigned && assigned->assigned.size() == 1,
                     qPrintable(assigned ? QStringLiteral("refused") : assigned.message()));
        }
        Device d = TestWorkspace::makeDevice(QStringLiteral("gw-7"));
        d.connection = QStringLiteral("ddi");
        d.fwVersion = fwVersion;
        d.model = model;
        d.state = state;
        saveDevice(f, d);
        QVERIFY(f.ws.db()
                    .execute(QStringLiteral("UPDATE releases SET hw_revisions_json = ?, "
                                            "min_version = ? WHERE id = ?"),
                             {hwRevisions, minVersion, release})
                    .ok());

        RolloutTargeting targeting(f.ws.db());
        auto t = targeting.evaluate(release, {f.deviceId(QStringLiteral("gw-7"))});
        QVERIFY2(t, qPrintable(t.message()));
        QCOMPARE(t->release.id, release);
        QCOMPARE(kindsOf(*t, QStringLiteral("gw-7")), expected);
        QCOMPARE(uidsOf(*t),
                 expected.isEmpty() ? QStringList{QStringLiteral("gw-7")} : QStringList());
        for (const auto &e : t->excluded)
            for (const TargetingReason &r : e.reasons)
                QVERIFY2(r.text.contains(QLatin1String("gw-7")), qPrintable(r.text));
        QCOMPARE(t->excludedForPlanner().size(), expected.size());
    }

    void orderIsByUidWhateverTheInputOrder()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        for (const char *uid : {"zeta", "alpha", "mid-2", "mid-10"})
            f.addDevice(QString::fromLatin1(uid));
        f.addDevice(QStringLiteral("old"), QStringLiteral("2.6.0"));
        f.addDevice(QStringLiteral("done"), QStringLiteral("2.5.0"));
        const QList<qint64> forward{
            f.deviceId(QStringLiteral("zeta")),  f.deviceId(QStringLiteral("old")),
            f.deviceId(QStringLiteral("alpha")), f.deviceId(QStringLiteral("gw-7")),
            f.deviceId(QStringLiteral("done")),  f.deviceId(QStringLiteral("mid-2")),
            f.deviceId(QStringLiteral("mid-10"))};
        QList<qint64> backward(forward.crbegin(), forward.crend());
        backward << forward.first(); // a duplicate is evaluated once

        RolloutTargeting targeting(f.ws.db());
        auto a = targeting.evaluate(release, forward);
        auto b = targeting.evaluate(release, backward);
        QVERIFY(a && b);
        const QStringList expected{"alpha", "gw-7", "mid-10", "mid-2", "zeta"};
        QCOMPARE(uidsOf(*a), expected);
        QCOMPARE(uidsOf(*b), expected);
        QCOMPARE(a->excluded.size(), 2);
        QCOMPARE(a->excluded.at(0).deviceUid, QStringLiteral("done"));
        QCOMPARE(a->excluded.at(1).deviceUid, QStringLiteral("old"));
        QCOMPARE(b->excluded.size(), 2);
        QCOMPARE(b->excluded.at(0).deviceUid, QStringLiteral("done"));
    }

    void sitesAndTimeZones()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        Device chicago = TestWorkspace::makeDevice(QStringLiteral("us-1"));
        chicago.site = QStringLiteral("Joliet");
        chicago.siteTimeZone = QStringLiteral("America/Chicago");
        saveDevice(f, chicago);
        Device nowhere = TestWorkspace::makeDevice(QStringLiteral("floating"));
        nowhere.site.clear();
        nowhere.siteTimeZone.clear();
        saveDevice(f, nowhere);
        Device mars = TestWorkspace::makeDevice(QStringLiteral("rover"));
        mars.site = QStringLiteral("Olympus");
        mars.siteTimeZone = QStringLiteral("Mars/Olympus_Mons");
        saveDevice(f, mars);

        RolloutTargeting targeting(f.ws.db());
        auto t = targeting.evaluate(
            release, {f.deviceId(QStringLiteral("us-1")), f.deviceId(QStringLiteral("floating")),
                      f.deviceId(QStringLiteral("rover")), f.deviceId(QStringLiteral("gw-7"))});
        QVERIFY2(t, qPrintable(t.message()));
        QCOMPARE(uidsOf(*t), (QStringList{"floating", "gw-7", "rover", "us-1"}));
        QHash<QString, QPair<QString, QString>> where;
        for (const auto &d : t->eligible)
            where.insert(d.uid, {d.site, d.timeZone});
        QCOMPARE(where.value(QStringLiteral("gw-7")),
                 qMakePair(QStringLiteral("Plant A"), QStringLiteral("Europe/Berlin")));
        QCOMPARE(where.value(QStringLiteral("us-1")),
                 qMakePair(QStringLiteral("Joliet"), QStringLiteral("America/Chicago")));
        QCOMPARE(where.value(QStringLiteral("floating")), qMakePair(QString(), QString()));

        // Without windows: sites are known, no schedules, no exclusions.
        const TargetingSchedules open = TargetingSchedules::build(t->eligible, {});
        QVERIFY(open.scheduleOfSite.isEmpty());
        QVERIFY(open.excluded.isEmpty());
        QCOMPARE(open.siteOfDevice.value(QStringLiteral("us-1")), QStringLiteral("Joliet"));
        QVERIFY(!open.siteOfDevice.contains(QStringLiteral("floating")));

        // With windows: each site's schedule in its own zone; the unknown zone is excluded.
        const MaintenanceWindow window =
            MaintenanceWindow::parse(QStringLiteral("Mon-Fri 01:00-05:00")).value();
        const TargetingSchedules s = TargetingSchedules::build(t->eligible, {window});
        QCOMPARE(s.scheduleOfSite.size(), 2);
        QCOMPARE(s.scheduleOfSite.value(QStringLiteral("Plant A")).timeZone().id(),
                 QByteArray("Europe/Berlin"));
        QCOMPARE(s.scheduleOfSite.value(QStringLiteral("Joliet")).timeZone().id(),
                 QByteArray("America/Chicago"));
        QCOMPARE(s.scheduleOfSite.value(QStringLiteral("Joliet")).windows(),
                 QList<MaintenanceWindow>{window});
        QVERIFY(!s.siteOfDevice.contains(QStringLiteral("floating")));
        QVERIFY(!s.siteOfDevice.contains(QStringLiteral("rover")));
        QCOMPARE(s.excluded.size(), 1);
        QCOMPARE(s.excluded.first().deviceUid, QStringLiteral("rover"));
        QCOMPARE(s.excluded.first().reasons.first().kind, TargetingReason::Kind::TimeZone);

        RolloutTargets moved = t.value();
        moved.exclude(s.excluded.first());
        QCOMPARE(uidsOf(moved), (QStringList{"floating", "gw-7", "us-1"}));
        QCOMPARE(kindsOf(moved, QStringLiteral("rover")), QStringList{"time-zone"});
    }

    void releaseAndGroupErrors()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        RolloutTargeting targeting(f.ws.db());
        const QList<qint64> ids{f.deviceId(QStringLiteral("gw-7"))};

        auto unknown = targeting.evaluate(release + 100, ids);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().kind, fleet::Error::Kind::NotFound);
        auto noDevice = targeting.evaluate(release, {987654});
        QVERIFY(!noDevice);
        QCOMPARE(noDevice.error().kind, fleet::Error::Kind::NotFound);

        QVERIFY(f.ws.db()
                    .execute(QStringLiteral("UPDATE releases SET state = 'draft' WHERE id = ?"),
                             {release})
                    .ok());
        auto draft = targeting.evaluate(release, ids);
        QVERIFY(!draft);
        QCOMPARE(draft.error().kind, fleet::Error::Kind::Invalid);
        QVERIFY2(draft.message().contains(QLatin1String("draft")), qPrintable(draft.message()));

        auto noGroup = targeting.groupMembers(QStringLiteral("nope"));
        QVERIFY(!noGroup);
        QCOMPARE(noGroup.error().kind, fleet::Error::Kind::NotFound);
        InventoryService inventory(f.ws.db(), f.ws.session().audit());
        f.addDevice(QStringLiteral("lab-1"));
        QVERIFY(inventory.addToGroup({f.deviceId(QStringLiteral("lab-1"))}, QStringLiteral("lab"))
                    .ok());
        auto lab = targeting.groupMembers(QStringLiteral("lab"));
        QVERIFY2(lab, qPrintable(lab.message()));
        QCOMPARE(lab.value(), QList<qint64>{f.deviceId(QStringLiteral("lab-1"))});
    }
};

QTEST_GUILESS_MAIN(TestRolloutTargeting)
#include "tst_rollouttargeting.moc"
