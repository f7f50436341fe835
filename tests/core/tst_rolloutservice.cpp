// RolloutService and RolloutStore: a created rollout is stored as a draft with the waves the
// planner cuts (device for device), the exclusions with their reasons, and one audit entry, all
// in one transaction; refusals (taken name, invalid plan, no reason) write nothing. Also the
// plan's JSON form (RolloutPlanSpec), which is what the workspace keeps.

#include "DdiFixture.h"
#include "rollout/RolloutPlanSpec.h"
#include "rollout/RolloutService.h"
#include "rollout/WavePlanner.h"

#include <QJsonDocument>
#include <QTest>

using fleet::RolloutDeviceState;
using fleet::RolloutPlanSpec;
using fleet::RolloutService;
using fleet::RolloutState;
using fleet::StoredRollout;
using fleet::TargetingReason;
using fleet::WavePlanner;
using fleet::WaveSplit;
using fleet::test::column;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;

namespace {

RolloutService serviceOf(DdiFixture &f)
{
    return RolloutService(f.ws.db(), f.ws.session().audit(), f.ws.clock());
}

// Adds devices "<prefix>-01".. and returns their ids (uids sort in creation order).
QList<qint64> addDevices(DdiFixture &f, const QString &prefix, int count,
                         const QString &fwVersion = QStringLiteral("2.4.1"))
{
    QList<qint64> ids;
    for (int i = 1; i <= count; ++i) {
        const QString uid = QStringLiteral("%1-%2").arg(prefix).arg(i, 2, 10, QLatin1Char('0'));
        f.addDevice(uid, fwVersion);
        ids << f.deviceId(uid);
    }
    return ids;
}

QStringList uidsOf(DdiFixture &f, const QList<qint64> &ids)
{
    QStringList uids;
    for (qint64 id : ids)
        uids << scalarOf(f.ws.db(), QStringLiteral("SELECT uid FROM devices WHERE id = ?"), {id})
                    .toString();
    return uids;
}

qint64 rowsIn(DdiFixture &f, const QString &table)
{
    return scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM %1").arg(table)).toLongLong();
}

} // namespace

class TestRolloutService : public QObject
{
    Q_OBJECT

private slots:
    void wavesMatchThePlanner_data()
    {
        QTest::addColumn<QString>("split"); // "one", "count:N" or "percent:a,b,..."
        QTest::addColumn<int>("targets");
        QTest::addColumn<int>("pilots");
        QTest::addColumn<QList<int>>("waveSizes"); // by stored wave number, from 0

        QTest::newRow("one wave, no pilot") << QStringLiteral("one") << 5 << 0 << QList<int>{0, 5};
        QTest::newRow("pilot then one wave") << QStringLiteral("one") << 4 << 2 << QList<int>{2, 4};
        QTest::newRow("waves of 3 with pilot")
            << QStringLiteral("count:3") << 7 << 1 << QList<int>{1, 3, 3, 1};
        QTest::newRow("cumulative percent")
            << QStringLiteral("percent:10,50,100") << 10 << 0 << QList<int>{0, 1, 4, 5};
    }
    void wavesMatchThePlanner()
    {
        QFETCH(QString, split);
        QFETCH(int, targets);
        QFETCH(int, pilots);
        QFETCH(QList<int>, waveSizes);

        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> targetIds = addDevices(f, QStringLiteral("t"), targets);
        const QList<qint64> pilotIds = addDevices(f, QStringLiteral("lab"), pilots);

        RolloutPlanSpec spec;
        if (split.startsWith(QLatin1String("count:"))) {
            spec.split = WaveSplit::byCount(split.mid(6).toLongLong()).value();
        } else if (split.startsWith(QLatin1String("percent:"))) {
            QList<int> steps;
            for (const QString &p : split.mid(8).split(QLatin1Char(',')))
                steps << p.toInt();
            spec.split = WaveSplit::byCumulativePercent(steps).value();
        }
        RolloutService service = serviceOf(f);
        auto created = service.create(QStringLiteral("r1"), release, targetIds, pilotIds, spec,
                                      QStringLiteral("test"));
        QVERIFY2(created.ok(), qPrintable(created.message()));
        QCOMPARE(created->state, RolloutState::Draft);

        auto loaded = service.load(QStringLiteral("r1"));
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QList<int> sizes(waveSizes.size(), 0);
        QHash<QString, int> storedWave;
        for (const StoredRollout::Device &d : loaded->devices) {
            QVERIFY(d.wave >= 0 && d.wave < sizes.size());
            ++sizes[d.wave];
            storedWave.insert(d.uid, d.wave);
            QCOMPARE(d.state, RolloutDeviceState::Queued);
            QCOMPARE(d.attempts, 0);
        }
        QCOMPARE(sizes, waveSizes);

        // Device for device what the planner makes of the same (uid-ordered) lists.
        auto expected =
            WavePlanner::plan(uidsOf(f, targetIds), uidsOf(f, pilotIds), {}, spec.split);
        QVERIFY(expected.ok());
        const int first = expected->hasPilot() ? 0 : 1;
        QStringList expectedOrder;
        for (int i = 0; i < expected->waves().size(); ++i)
            for (const QString &uid : expected->waves().at(i).deviceUids) {
                QCOMPARE(storedWave.value(uid, -1), first + i);
                expectedOrder << uid;
            }
        QStringList storedOrder;
        for (const StoredRollout::Device &d : loaded->devices)
            storedOrder << d.uid;
        QCOMPARE(storedOrder, expectedOrder);
        QVERIFY(loaded->excluded.isEmpty());
    }

    void exclusionsAreStoredWithTheirReasons()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        QList<qint64> ids = addDevices(f, QStringLiteral("ok"), 2);
        ids << addDevices(f, QStringLiteral("same"), 1, QStringLiteral("2.5.0"));
        ids << addDevices(f, QStringLiteral("newer"), 1, QStringLiteral("3.0.0"));

        RolloutService service = serviceOf(f);
        auto created = service.create(QStringLiteral("with exclusions"), release, ids, {}, {},
                                      QStringLiteral("test"));
        QVERIFY2(created.ok(), qPrintable(created.message()));
        auto loaded = service.load(QString::number(created->id));
        QVERIFY2(loaded.ok(), qPrintable(loaded.message()));
        QCOMPARE(loaded->devices.size(), 2);
        QCOMPARE(loaded->excluded.size(), 2);
        QCOMPARE(loaded->excluded.at(0).deviceUid, QStringLiteral("newer-01"));
        QCOMPARE(loaded->excluded.at(0).reasons.front().kind, TargetingReason::Kind::Downgrade);
        QCOMPARE(loaded->excluded.at(1).deviceUid, QStringLiteral("same-01"));
        QCOMPARE(loaded->excluded.at(1).reasons.front().kind,
                 TargetingReason::Kind::AlreadyOnTarget);
        QVERIFY(!loaded->excluded.at(1).reasons.front().text.isEmpty());
        QCOMPARE(rowsIn(f, QStringLiteral("rollout_exclusions")), 2);
    }

    void createIsAuditedWithItsFigures()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> ids = addDevices(f, QStringLiteral("t"), 3);
        const qint64 before = f.ws.auditCount();
        RolloutService service = serviceOf(f);
        auto created = service.create(QStringLiteral("audited"), release, ids, {}, {},
                                      QStringLiteral("quarterly update"));
        QVERIFY2(created.ok(), qPrintable(created.message()));
        QCOMPARE(f.ws.auditCount(), before + 1);
        QCOMPARE(column(f.ws.db(), QStringLiteral("SELECT action || ':' || object_type || ':' || "
                                                  "object_id || ':' || reason FROM audit_log "
                                                  "ORDER BY seq DESC LIMIT 1")),
                 QStringList{QStringLiteral("rollout.create:rollout:audited:quarterly update")});
        const QJsonObject after =
            QJsonDocument::fromJson(scalarOf(f.ws.db(), QStringLiteral("SELECT after_json FROM "
                                                                       "audit_log ORDER BY seq "
                                                                       "DESC LIMIT 1"))
                                        .toString()
                                        .toUtf8())
                .object();
        QCOMPARE(after.value(QStringLiteral("devices")).toInt(), 3);
        QCOMPARE(after.value(QStringLiteral("state")).toString(), QStringLiteral("draft"));
        QCOMPARE(created->createdMs, f.ws.clock().nowMs());
    }

    void aTakenNameIsRefused()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> ids = addDevices(f, QStringLiteral("t"), 2);
        RolloutService service = serviceOf(f);
        QVERIFY(
            service.create(QStringLiteral("same"), release, ids, {}, {}, QStringLiteral("a")).ok());
        const qint64 audits = f.ws.auditCount();
        auto again =
            service.create(QStringLiteral(" same "), release, ids, {}, {}, QStringLiteral("b"));
        QVERIFY(!again.ok());
        QVERIFY2(again.message().contains(QLatin1String("already exists")),
                 qPrintable(again.message()));
        QCOMPARE(rowsIn(f, QStringLiteral("rollouts")), 1);
        QCOMPARE(rowsIn(f, QStringLiteral("rollout_devices")), 2);
        QCOMPARE(f.ws.auditCount(), audits);
    }

    void refusalsWriteNothing_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("planJson"); // merged over the default plan
        QTest::addColumn<QString>("message");

        QTest::newRow("rate 0") << QStringLiteral("r") << QStringLiteral("x")
                                << QStringLiteral(R"({"devicesPerMinute":0})")
                                << QStringLiteral("rate");
        QTest::newRow("success over 100")
            << QStringLiteral("r") << QStringLiteral("x")
            << QStringLiteral(R"({"thresholds":{"successPercent":101}})")
            << QStringLiteral("The plan is not valid");
        QTest::newRow("no download timeout") << QStringLiteral("r") << QStringLiteral("x")
                                             << QStringLiteral(R"({"timeouts":{"downloadMs":0}})")
                                             << QStringLiteral("The plan is not valid");
        QTest::newRow("too many retries") << QStringLiteral("r") << QStringLiteral("x")
                                          << QStringLiteral(R"({"retries":{"download":11}})")
                                          << QStringLiteral("The plan is not valid");
        QTest::newRow("no name") << QStringLiteral("  ") << QStringLiteral("x")
                                 << QStringLiteral("{}") << QStringLiteral("name");
        QTest::newRow("no reason")
            << QStringLiteral("r") << QString() << QStringLiteral("{}") << QStringLiteral("reason");
    }
    void refusalsWriteNothing()
    {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        QFETCH(QString, planJson);
        QFETCH(QString, message);

        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> ids = addDevices(f, QStringLiteral("t"), 2);
        // Built field by field rather than through fromJson, which validates too: the service
        // must refuse an invalid plan however it was made.
        RolloutPlanSpec spec;
        const QJsonObject o = QJsonDocument::fromJson(planJson.toUtf8()).object();
        spec.devicesPerMinute = o.value(QStringLiteral("devicesPerMinute")).toInt(10);
        const QJsonObject t = o.value(QStringLiteral("thresholds")).toObject();
        spec.thresholds.successPercent = t.value(QStringLiteral("successPercent")).toInt(100);
        const QJsonObject to = o.value(QStringLiteral("timeouts")).toObject();
        spec.timeouts.downloadMs =
            to.value(QStringLiteral("downloadMs")).toInteger(spec.timeouts.downloadMs);
        const QJsonObject r = o.value(QStringLiteral("retries")).toObject();
        spec.retries.download = r.value(QStringLiteral("download")).toInt(3);
        QVERIFY(spec.validate().ok() == (planJson == QLatin1String("{}")));
        // fromJson refuses the same plan.
        QCOMPARE(RolloutPlanSpec::fromJson(o).ok(), planJson == QLatin1String("{}"));

        const qint64 audits = f.ws.auditCount();
        auto created = serviceOf(f).create(name, release, ids, {}, spec, reason);
        QVERIFY(!created.ok());
        QVERIFY2(created.message().contains(message), qPrintable(created.message()));
        QCOMPARE(rowsIn(f, QStringLiteral("rollouts")), 0);
        QCOMPARE(rowsIn(f, QStringLiteral("rollout_devices")), 0);
        QCOMPARE(rowsIn(f, QStringLiteral("rollout_exclusions")), 0);
        QCOMPARE(f.ws.auditCount(), audits);
    }

    void noEligibleDeviceIsRefused()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> ids = addDevices(f, QStringLiteral("same"), 2, QStringLiteral("2.5.0"));
        auto created =
            serviceOf(f).create(QStringLiteral("empty"), release, ids, {}, {}, QStringLiteral("x"));
        QVERIFY(!created.ok());
        QCOMPARE(rowsIn(f, QStringLiteral("rollouts")), 0);
    }

    void planJsonRoundTrips()
    {
        RolloutPlanSpec spec;
        spec.split = WaveSplit::byCumulativePercent({1, 10, 50, 100}).value();
        spec.pilotGroup = QStringLiteral("lab");
        spec.windows
            << fleet::MaintenanceWindow::parse(QStringLiteral("Mon-Fri 01:00-05:00")).value();
        spec.devicesPerMinute = 20;
        spec.maxConcurrent = 50;
        spec.thresholds.successPercent = 95;
        spec.thresholds.pauseFailurePercent = 5;
        spec.thresholds.abortAfterFailures = 10;
        spec.timeouts.inProgressMs = 7'200'000;
        spec.retries.download = 5;
        const QJsonObject json = spec.toJson();
        auto back = RolloutPlanSpec::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.message()));
        QCOMPARE(back->toJson(), json);
        QCOMPARE(back->windows, spec.windows);
        QCOMPARE(back->thresholds.pauseFailurePercent, std::optional<int>(5));
        QVERIFY(!back->thresholds.abortFailurePercent.has_value());

        // Absent keys take the defaults; a key of the wrong type is an error.
        auto empty = RolloutPlanSpec::fromJson({});
        QVERIFY(empty.ok());
        QCOMPARE(empty->toJson(), RolloutPlanSpec().toJson());
        auto wrong = RolloutPlanSpec::fromJson(
            QJsonObject{{QStringLiteral("maxConcurrent"), QStringLiteral("many")}});
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.message().contains(QLatin1String("maxConcurrent")),
                 qPrintable(wrong.message()));
    }

    void listAndLoad()
    {
        DdiFixture f;
        const qint64 release = f.addRelease(2, 5, 0);
        const QList<qint64> ids = addDevices(f, QStringLiteral("t"), 2);
        RolloutService service = serviceOf(f);
        QVERIFY(service.create(QStringLiteral("first"), release, ids, {}, {}, QStringLiteral("x"))
                    .ok());
        f.ws.clock().advanceMs(1000);
        QVERIFY(service.create(QStringLiteral("second"), release, ids, {}, {}, QStringLiteral("x"))
                    .ok());
        auto all = service.list();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->at(0).name, QStringLiteral("second")); // newest first
        QCOMPARE(all->at(1).name, QStringLiteral("first"));
        QVERIFY(all->at(0).devices.isEmpty()); // headers only

        auto unknown = service.load(QStringLiteral("nope"));
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().kind == fleet::Error::Kind::NotFound);
        QVERIFY(!service.load(QStringLiteral("999")).ok());
    }
};

QTEST_GUILESS_MAIN(TestRolloutService)
#include "tst_rolloutservice.moc"
