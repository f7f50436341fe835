#include "TestWorkspace.h"
#include "audit/AuditQuery.h"
#include "audit/AuditVerifier.h"
#include "inventory/InventoryService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace fleet;
using namespace fleet::test;

namespace {

QList<AuditEntry> entriesAfter(SqliteDatabase &db, qint64 seq)
{
    auto all = AuditQuery::list(db, {}, 0, 100000, false);
    QList<AuditEntry> out;
    for (const AuditEntry &e : all.value())
        if (e.seq > seq)
            out << e;
    return out;
}

QJsonObject json(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QJsonObject one(const char *key, const QString &value)
{
    return QJsonObject{{QLatin1String(key), value}};
}

QStringList states(SqliteDatabase &db)
{
    return column(db, QStringLiteral("SELECT state FROM devices ORDER BY id"));
}

} // namespace

class TestInventoryService : public QObject
{
    Q_OBJECT

private:
    InventoryService &inv(TestWorkspace &ws) { return ws.session().inventory(); }

private slots:
    void setStateSkipsUnchanged();
    void setStateValidation_data();
    void setStateValidation();
    void emptySelection();
    void unknownDeviceAbandonsTheWholeChange();
    void duplicateIdsChangeOnce();
    void tags();
    void groupMembership();
    void saveDeviceCreateAndUpdate();
    void saveDeviceIntoRiskyStateNeedsReason_data();
    void saveDeviceIntoRiskyStateNeedsReason();
    void createAndDeleteGroups();
    void notes();
    void sbom();
    void idsForUids();
    void trailVerifiesAfterEverything();
};

void TestInventoryService::setStateSkipsUnchanged()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(5);
    QCOMPARE(inv(ws).setState({ids[1], ids[3]}, QStringLiteral("maintenance"), {}).value(), 2);
    const qint64 seq = ws.auditCount();
    auto changed =
        inv(ws).setState(ids, QStringLiteral("maintenance"), QStringLiteral("audit week"));
    QVERIFY2(changed.ok(), qUtf8Printable(changed.message()));
    QCOMPARE(changed.value(), 3);
    QCOMPARE(states(ws.db()), QStringList(5, QStringLiteral("maintenance")));
    const auto entries = entriesAfter(ws.db(), seq);
    QCOMPARE(entries.size(), 3);
    QStringList objects;
    for (const AuditEntry &e : entries) {
        objects << e.objectId;
        QCOMPARE(e.action, QStringLiteral("device.set-state"));
        QCOMPARE(e.objectType, QStringLiteral("device"));
        QCOMPARE(json(e.beforeJson), one("state", QStringLiteral("active")));
        QCOMPARE(json(e.afterJson), one("state", QStringLiteral("maintenance")));
        QCOMPARE(e.reason, QStringLiteral("audit week"));
    }
    QCOMPARE(objects, QStringList({QStringLiteral("dev-0001"), QStringLiteral("dev-0003"),
                                   QStringLiteral("dev-0005")}));
    // Nothing left to change: no entries at all.
    QCOMPARE(inv(ws).setState(ids, QStringLiteral("maintenance"), {}).value(), 0);
    QCOMPARE(ws.auditCount(), seq + 3);
}

void TestInventoryService::setStateValidation_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown") << QStringLiteral("lost") << QStringLiteral("r") << false << QString()
                             << QStringLiteral("expected one of: registered, active");
    QTest::newRow("empty") << QString() << QString() << false << QString()
                           << QStringLiteral("Unknown state");
    QTest::newRow("quarantined, no reason") << QStringLiteral("quarantined") << QString() << false
                                            << QString() << QStringLiteral("give a reason");
    QTest::newRow("quarantined, blank reason")
        << QStringLiteral("quarantined") << QStringLiteral("   ") << false << QString()
        << QStringLiteral("give a reason");
    QTest::newRow("decommissioning, no reason")
        << QStringLiteral("decommissioning") << QString() << false << QString()
        << QStringLiteral("give a reason");
    QTest::newRow("retired, no reason") << QStringLiteral("retired") << QString() << false
                                        << QString() << QStringLiteral("give a reason");
    QTest::newRow("quarantined, reason")
        << QStringLiteral("quarantined") << QStringLiteral("malware suspected") << true
        << QStringLiteral("quarantined") << QString();
    QTest::newRow("retired, reason") << QStringLiteral("Retired") << QStringLiteral("end of life")
                                     << true << QStringLiteral("retired") << QString();
    QTest::newRow("maintenance, no reason") << QStringLiteral("MAINTENANCE") << QString() << true
                                            << QStringLiteral("maintenance") << QString();
    QTest::newRow("registered, no reason") << QStringLiteral(" registered ") << QString() << true
                                           << QStringLiteral("registered") << QString();
}

void TestInventoryService::setStateValidation()
{
    QFETCH(QString, state);
    QFETCH(QString, reason);
    QFETCH(bool, ok);
    QFETCH(QString, stored);
    QFETCH(QString, message);
    TestWorkspace ws;
    const auto ids = ws.addDevices(3);
    const qint64 before = ws.auditCount();
    auto changed = inv(ws).setState(ids, state, reason);
    QCOMPARE(changed.ok(), ok);
    if (!ok) {
        QCOMPARE(changed.error().kind, Error::Kind::Invalid);
        QVERIFY2(changed.message().contains(message), qUtf8Printable(changed.message()));
        QCOMPARE(states(ws.db()), QStringList(3, QStringLiteral("active")));
        QCOMPARE(ws.auditCount(), before);
        return;
    }
    QCOMPARE(changed.value(), 3);
    QCOMPARE(states(ws.db()), QStringList(3, stored));
    const auto entries = entriesAfter(ws.db(), before);
    QCOMPARE(entries.size(), 3);
    for (const AuditEntry &e : entries) {
        QCOMPARE(json(e.afterJson), one("state", stored));
        QCOMPARE(e.reason, reason.trimmed());
    }
}

void TestInventoryService::emptySelection()
{
    TestWorkspace ws;
    ws.addDevices(2);
    const qint64 before = ws.auditCount();
    QCOMPARE(inv(ws).setState({}, QStringLiteral("maintenance"), {}).value(), 0);
    QCOMPARE(inv(ws).addTag({}, QStringLiteral("x")).value(), 0);
    QCOMPARE(ws.auditCount(), before);
    // An invalid request is refused even with nothing selected.
    QVERIFY(!inv(ws).setState({}, QStringLiteral("lost"), {}).ok());
    QVERIFY(!inv(ws).addTag({}, QStringLiteral(" ")).ok());
}

void TestInventoryService::unknownDeviceAbandonsTheWholeChange()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    const qint64 before = ws.auditCount();
    auto changed = inv(ws).setState({ids[0], 999, ids[1]}, QStringLiteral("maintenance"), {});
    QVERIFY(!changed.ok());
    QCOMPARE(changed.error().kind, Error::Kind::NotFound);
    QCOMPARE(states(ws.db()), QStringList(2, QStringLiteral("active")));
    QCOMPARE(ws.auditCount(), before);
    QVERIFY(!inv(ws).addTag({ids[0], 999}, QStringLiteral("x")).ok());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_tags")).toInt(), 0);
}

void TestInventoryService::duplicateIdsChangeOnce()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    const qint64 before = ws.auditCount();
    QCOMPARE(inv(ws)
                 .setState({ids[0], ids[0], ids[1], ids[0]}, QStringLiteral("maintenance"), {})
                 .value(),
             2);
    QCOMPARE(inv(ws).addTag({ids[1], ids[1]}, QStringLiteral("t")).value(), 1);
    QCOMPARE(ws.auditCount(), before + 3);
}

void TestInventoryService::tags()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(3);
    QCOMPARE(inv(ws).addTag({ids[0]}, QStringLiteral("line-1")).value(), 1);
    qint64 seq = ws.auditCount();
    auto added = inv(ws).addTag(ids, QStringLiteral("  line-1 "), QStringLiteral("new layout"));
    QVERIFY(added.ok());
    QCOMPARE(added.value(), 2);
    auto entries = entriesAfter(ws.db(), seq);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).objectId, QStringLiteral("dev-0002"));
    QCOMPARE(entries.at(0).action, QStringLiteral("device.add-tag"));
    QCOMPARE(entries.at(0).beforeJson, QString());
    QCOMPARE(json(entries.at(0).afterJson), one("tag", QStringLiteral("line-1")));
    QCOMPARE(entries.at(0).reason, QStringLiteral("new layout"));
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT DISTINCT tag FROM device_tags")),
             QStringList{QStringLiteral("line-1")});

    auto empty = inv(ws).addTag(ids, QStringLiteral("   "));
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().kind, Error::Kind::Invalid);

    seq = ws.auditCount();
    QVERIFY(inv(ws).removeTag({ids[2]}, QStringLiteral("line-1")).ok());
    auto removed = inv(ws).removeTag(ids, QStringLiteral("line-1"));
    QCOMPARE(removed.value(), 2);
    entries = entriesAfter(ws.db(), seq);
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.at(0).action, QStringLiteral("device.remove-tag"));
    QCOMPARE(json(entries.at(0).beforeJson), one("tag", QStringLiteral("line-1")));
    QCOMPARE(entries.at(0).afterJson, QString());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_tags")).toInt(), 0);
    QCOMPARE(inv(ws).removeTag(ids, QStringLiteral("never-there")).value(), 0);
}

void TestInventoryService::groupMembership()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(3);
    QVERIFY(inv(ws).addToGroup({ids[1]}, QStringLiteral("Pilot")).ok());
    QVERIFY(ws.session()
                .workspace()
                .db()
                .scalar(QStringLiteral("SELECT count(*) FROM "
                                       "device_groups"))
                .value()
                .toInt() == 1);
    qint64 seq = ws.auditCount();
    QCOMPARE(inv(ws).addToGroup(ids, QStringLiteral(" Pilot ")).value(), 2);
    auto entries = entriesAfter(ws.db(), seq);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(1).objectId, QStringLiteral("dev-0003"));
    QCOMPARE(entries.at(1).action, QStringLiteral("device.add-to-group"));
    QCOMPARE(json(entries.at(1).afterJson), one("group", QStringLiteral("Pilot")));
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM group_members")).toInt(), 3);

    QVERIFY(!inv(ws).addToGroup(ids, QStringLiteral(" ")).ok());
    auto unknown = inv(ws).removeFromGroup(ids, QStringLiteral("Nope"));
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().kind, Error::Kind::NotFound);

    seq = ws.auditCount();
    QCOMPARE(inv(ws).removeFromGroup({ids[0], ids[2]}, QStringLiteral("Pilot")).value(), 2);
    QCOMPARE(inv(ws).removeFromGroup({ids[0]}, QStringLiteral("Pilot")).value(), 0);
    entries = entriesAfter(ws.db(), seq);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).action, QStringLiteral("device.remove-from-group"));
    QCOMPARE(json(entries.at(0).beforeJson), one("group", QStringLiteral("Pilot")));
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT device_id FROM group_members")),
             QStringList{QString::number(ids[1])});
}

void TestInventoryService::saveDeviceCreateAndUpdate()
{
    TestWorkspace ws;
    Device d = TestWorkspace::makeDevice(QStringLiteral("gw-1"));
    d.tags = {QStringLiteral("b"), QStringLiteral("a")};
    auto created = inv(ws).saveDevice(d, QStringLiteral("commissioning"));
    QVERIFY2(created.ok(), qUtf8Printable(created.message()));
    QVERIFY(created->created);
    auto entries = entriesAfter(ws.db(), 0);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).action, QStringLiteral("device.create"));
    QCOMPARE(entries.at(0).objectId, QStringLiteral("gw-1"));
    QCOMPARE(entries.at(0).beforeJson, QString());
    QCOMPARE(entries.at(0).reason, QStringLiteral("commissioning"));
    const QJsonObject after = json(entries.at(0).afterJson);
    QCOMPARE(after.value(QStringLiteral("name")).toString(), d.name);
    QCOMPARE(after.value(QStringLiteral("model")).toString(), d.model);
    QCOMPARE(after.value(QStringLiteral("site")).toString(), d.site);
    QCOMPARE(after.value(QStringLiteral("state")).toString(), QStringLiteral("active"));
    QCOMPARE(after.value(QStringLiteral("tags")).toArray(),
             QJsonArray({QStringLiteral("a"), QStringLiteral("b")}));

    d.name = QStringLiteral("Renamed gateway");
    d.fwVersion = QStringLiteral("3.0.0");
    auto updated = inv(ws).saveDevice(d);
    QVERIFY(updated.ok());
    QVERIFY(!updated->created);
    QCOMPARE(updated->id, created->id);
    entries = entriesAfter(ws.db(), 1);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).action, QStringLiteral("device.update"));
    const QJsonObject before = json(entries.at(0).beforeJson);
    QCOMPARE(before.value(QStringLiteral("name")).toString(), QStringLiteral("Gateway gw-1"));
    QCOMPARE(before.value(QStringLiteral("fw_version")).toString(), QStringLiteral("2.4.1"));
    QCOMPARE(json(entries.at(0).afterJson).value(QStringLiteral("name")).toString(),
             QStringLiteral("Renamed gateway"));
    QCOMPARE(json(entries.at(0).afterJson).value(QStringLiteral("fw_version")).toString(),
             QStringLiteral("3.0.0"));

    Device invalid;
    auto refused = inv(ws).saveDevice(invalid);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind, Error::Kind::Invalid);
    QCOMPARE(ws.auditCount(), 2);
}

void TestInventoryService::saveDeviceIntoRiskyStateNeedsReason_data()
{
    QTest::addColumn<bool>("existing");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("ok");
    QTest::newRow("update to retired, no reason")
        << true << QStringLiteral("retired") << QString() << false;
    QTest::newRow("update to quarantined, blank reason")
        << true << QStringLiteral("quarantined") << QStringLiteral("  ") << false;
    QTest::newRow("update to decommissioning, reason")
        << true << QStringLiteral("decommissioning") << QStringLiteral("plant closes") << true;
    QTest::newRow("update to maintenance, no reason")
        << true << QStringLiteral("maintenance") << QString() << true;
    QTest::newRow("update in the same risky state, no reason")
        << true << QStringLiteral("same") << QString() << true;
    // Recording a device that is already out of service takes nothing out of service.
    QTest::newRow("create as retired, no reason")
        << false << QStringLiteral("retired") << QString() << true;
}

void TestInventoryService::saveDeviceIntoRiskyStateNeedsReason()
{
    QFETCH(bool, existing);
    QFETCH(QString, state);
    QFETCH(QString, reason);
    QFETCH(bool, ok);
    TestWorkspace ws;
    Device d = TestWorkspace::makeDevice(QStringLiteral("gw-1"));
    if (existing) {
        if (state == QLatin1String("same"))
            d.state = QStringLiteral("quarantined");
        QVERIFY(inv(ws).saveDevice(d, QStringLiteral("initial")).ok());
    }
    const qint64 before = ws.auditCount();
    const QStringList statesBefore = states(ws.db());
    if (state != QLatin1String("same"))
        d.state = state;
    d.notes = QStringLiteral("edited");
    auto saved = inv(ws).saveDevice(d, reason);
    QCOMPARE(saved.ok(), ok);
    if (!ok) {
        QCOMPARE(saved.error().kind, Error::Kind::Invalid);
        QVERIFY2(saved.message().contains(QLatin1String("reason")),
                 qUtf8Printable(saved.message()));
        QCOMPARE(states(ws.db()), statesBefore);
        QCOMPARE(ws.auditCount(), before);
        QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT notes FROM devices")).toString(),
                 QString());
        return;
    }
    QCOMPARE(ws.auditCount(), before + 1);
    QCOMPARE(states(ws.db()), QStringList{d.state});
}

void TestInventoryService::createAndDeleteGroups()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(2);
    QVERIFY(inv(ws).createGroup(QStringLiteral(" Wave 1 "), QStringLiteral("first")).ok());
    auto entries = entriesAfter(ws.db(), 2);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).action, QStringLiteral("group.create"));
    QCOMPARE(entries.at(0).objectType, QStringLiteral("group"));
    QCOMPARE(entries.at(0).objectId, QStringLiteral("Wave 1"));
    QCOMPARE(json(entries.at(0).afterJson), one("description", QStringLiteral("first")));
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT description FROM device_groups WHERE name = "
                                              "'Wave 1'"))
                 .toString(),
             QStringLiteral("first"));

    Status dup = inv(ws).createGroup(QStringLiteral("Wave 1"));
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().kind, Error::Kind::Invalid);
    QVERIFY(!inv(ws).createGroup(QStringLiteral("  ")).ok());
    QCOMPARE(ws.auditCount(), 3);

    QVERIFY(inv(ws).addToGroup(ids, QStringLiteral("Wave 1")).ok());
    Status noReason = inv(ws).deleteGroup(QStringLiteral("Wave 1"), {});
    QVERIFY(!noReason.ok());
    QCOMPARE(noReason.error().kind, Error::Kind::Invalid);
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM group_members")).toInt(), 2);
    Status unknown = inv(ws).deleteGroup(QStringLiteral("Nope"), QStringLiteral("r"));
    QCOMPARE(unknown.error().kind, Error::Kind::NotFound);

    const qint64 seq = ws.auditCount();
    QVERIFY(inv(ws).deleteGroup(QStringLiteral("Wave 1"), QStringLiteral("wave done")).ok());
    entries = entriesAfter(ws.db(), seq);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).action, QStringLiteral("group.delete"));
    QCOMPARE(json(entries.at(0).beforeJson).value(QStringLiteral("members")).toInteger(), 2);
    QCOMPARE(entries.at(0).reason, QStringLiteral("wave done"));
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM group_members")).toInt(), 0);
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_groups")).toInt(), 0);
}

void TestInventoryService::notes()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    QVERIFY(inv(ws).setNotes(ids[0], QStringLiteral("behind panel 3")).ok());
    QVERIFY(inv(ws).setNotes(ids[0], QStringLiteral("behind panel 3")).ok()); // unchanged
    auto entries = entriesAfter(ws.db(), 1);
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).action, QStringLiteral("device.set-notes"));
    QCOMPARE(json(entries.at(0).beforeJson), one("notes", QString()));
    QCOMPARE(json(entries.at(0).afterJson), one("notes", QStringLiteral("behind panel 3")));
    QVERIFY(!inv(ws).setNotes(999, QStringLiteral("x")).ok());
}

void TestInventoryService::sbom()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(1);
    const QList<Component> components{{QStringLiteral("openssl"),
                                       QStringLiteral("3.0.11"),
                                       QStringLiteral("pkg:generic/openssl@3.0.11"),
                                       {}},
                                      {QStringLiteral("zlib"), QStringLiteral("1.3"), {}, {}}};
    QVERIFY(inv(ws).attachSbom(ids[0], components, QStringLiteral("gw.cdx.json")).ok());
    QVERIFY(inv(ws).attachSbom(ids[0], {components.at(1)}, QStringLiteral("second.json")).ok());
    auto entries = entriesAfter(ws.db(), 1);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).action, QStringLiteral("device.attach-sbom"));
    QCOMPARE(json(entries.at(0).beforeJson).value(QStringLiteral("components")).toInt(), 0);
    QCOMPARE(json(entries.at(0).afterJson).value(QStringLiteral("components")).toInt(), 2);
    QCOMPARE(json(entries.at(0).afterJson).value(QStringLiteral("source")).toString(),
             QStringLiteral("gw.cdx.json"));
    QCOMPARE(json(entries.at(1).beforeJson).value(QStringLiteral("components")).toInt(), 2);
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_components")).toInt(),
             1);
    Status bad = inv(ws).attachSbom(ids[0], {{QString(), QStringLiteral("1"), {}, {}}},
                                    QStringLiteral("broken.json"));
    QVERIFY(!bad.ok());
    QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM device_components")).toInt(),
             1);
    QCOMPARE(ws.auditCount(), 3);
}

void TestInventoryService::idsForUids()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(3);
    auto found = inv(ws).idsForUids({QStringLiteral("dev-0003"), QStringLiteral("dev-0001")});
    QVERIFY(found.ok());
    QCOMPARE(found.value(), QList<qint64>({ids[2], ids[0]}));
    auto missing = inv(ws).idsForUids({QStringLiteral("dev-0001"), QStringLiteral("ghost")});
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
    QVERIFY(missing.message().contains(QLatin1String("ghost")));
    QVERIFY(inv(ws).idsForUids({}).value().isEmpty());
}

void TestInventoryService::trailVerifiesAfterEverything()
{
    TestWorkspace ws;
    const auto ids = ws.addDevices(4);
    QVERIFY(
        inv(ws).setState(ids, QStringLiteral("quarantined"), QStringLiteral("incident 7")).ok());
    QVERIFY(inv(ws).addTag(ids, QStringLiteral("incident-7")).ok());
    QVERIFY(inv(ws).addToGroup(ids.mid(2), QStringLiteral("Forensics")).ok());
    QVERIFY(inv(ws).removeFromGroup(ids.mid(3), QStringLiteral("Forensics")).ok());
    QVERIFY(inv(ws).removeTag(ids.mid(1), QStringLiteral("incident-7")).ok());
    QVERIFY(inv(ws).deleteGroup(QStringLiteral("Forensics"), QStringLiteral("closed")).ok());
    auto v = AuditVerifier::verify(ws.db(), ws.session().workspace().auditHeadPath());
    QVERIFY(v.ok());
    QVERIFY2(v->intact, qUtf8Printable(v->summary()));
    QCOMPARE(v->entries, qint64(4 + 4 + 4 + 2 + 1 + 3 + 1));
}

QTEST_GUILESS_MAIN(TestInventoryService)
#include "tst_inventoryservice.moc"
