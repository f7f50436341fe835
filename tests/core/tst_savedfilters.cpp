#include "TestWorkspace.h"
#include "audit/AuditQuery.h"
#include "inventory/DeviceColumns.h"
#include "inventory/DeviceQuery.h"
#include "inventory/SavedFilters.h"

#include <QJsonDocument>
#include <QTest>

using namespace fleet;
using namespace fleet::test;

namespace {

DeviceFilter gateways()
{
    DeviceFilter f;
    f.models = {QStringLiteral("GW-4000")};
    f.online = true;
    return f;
}

QJsonObject json(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QList<AuditEntry> entries(SqliteDatabase &db, const QString &action)
{
    AuditFilter f;
    f.action = action;
    return AuditQuery::list(db, f, 0, 1000, false).value();
}

} // namespace

class TestSavedFilters : public QObject
{
    Q_OBJECT

private slots:
    void saveAndGet();
    void listIsSortedByName();
    void saveReplaces();
    void remove();
    void namesAreTrimmed();
    void invalidNames();
    void dynamicGroupFollowsTheInventory();
    void storedAsFilterJson();
};

void TestSavedFilters::saveAndGet()
{
    TestWorkspace ws;
    SavedFilters &filters = ws.session().savedFilters();
    QVERIFY(filters.save(QStringLiteral("Online gateways"), gateways()).ok());
    auto got = filters.get(QStringLiteral("Online gateways"));
    QVERIFY2(got.ok(), qUtf8Printable(got.message()));
    QCOMPARE(got.value(), gateways());
    const auto saved = entries(ws.db(), QStringLiteral("filter.save"));
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().objectType, QStringLiteral("filter"));
    QCOMPARE(saved.first().objectId, QStringLiteral("Online gateways"));
    QCOMPARE(saved.first().beforeJson, QString());
    QCOMPARE(json(saved.first().afterJson), gateways().toJson());
    auto missing = filters.get(QStringLiteral("Nope"));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
    QVERIFY(missing.message().contains(QLatin1String("Nope")));
}

void TestSavedFilters::listIsSortedByName()
{
    TestWorkspace ws;
    SavedFilters &filters = ws.session().savedFilters();
    QVERIFY(filters.list().value().isEmpty());
    DeviceFilter retired;
    retired.states = {QStringLiteral("retired")};
    QVERIFY(filters.save(QStringLiteral("Zone 9"), retired).ok());
    QVERIFY(filters.save(QStringLiteral("Alpha"), gateways()).ok());
    QVERIFY(filters.save(QStringLiteral("Empty"), DeviceFilter()).ok());
    const auto list = filters.list();
    QVERIFY(list.ok());
    QCOMPARE(list->size(), 3);
    QCOMPARE(list->at(0).name, QStringLiteral("Alpha"));
    QCOMPARE(list->at(0).filter, gateways());
    QCOMPARE(list->at(1).name, QStringLiteral("Empty"));
    QVERIFY(list->at(1).filter.isEmpty());
    QCOMPARE(list->at(2).name, QStringLiteral("Zone 9"));
    QCOMPARE(list->at(2).filter, retired);
}

void TestSavedFilters::saveReplaces()
{
    TestWorkspace ws;
    SavedFilters &filters = ws.session().savedFilters();
    QVERIFY(filters.save(QStringLiteral("Watch"), gateways()).ok());
    DeviceFilter next;
    next.tags = {QStringLiteral("critical")};
    next.text = QStringLiteral("press");
    QVERIFY(filters.save(QStringLiteral("Watch"), next).ok());
    QCOMPARE(filters.list()->size(), 1);
    QCOMPARE(filters.get(QStringLiteral("Watch")).value(), next);
    const auto saved = entries(ws.db(), QStringLiteral("filter.save"));
    QCOMPARE(saved.size(), 2);
    QCOMPARE(json(saved.at(1).beforeJson), gateways().toJson());
    QCOMPARE(json(saved.at(1).afterJson), next.toJson());
}

void TestSavedFilters::remove()
{
    TestWorkspace ws;
    SavedFilters &filters = ws.session().savedFilters();
    QVERIFY(filters.save(QStringLiteral("Watch"), gateways()).ok());
    QVERIFY(filters.remove(QStringLiteral("Watch")).ok());
    QVERIFY(filters.list().value().isEmpty());
    QCOMPARE(filters.get(QStringLiteral("Watch")).error().kind, Error::Kind::NotFound);
    const auto removed = entries(ws.db(), QStringLiteral("filter.delete"));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.first().objectId, QStringLiteral("Watch"));
    QCOMPARE(json(removed.first().beforeJson), gateways().toJson());
    QCOMPARE(removed.first().afterJson, QString());
    Status again = filters.remove(QStringLiteral("Watch"));
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind, Error::Kind::NotFound);
    QCOMPARE(ws.auditCount(), 2);
}

void TestSavedFilters::namesAreTrimmed()
{
    TestWorkspace ws;
    SavedFilters &filters = ws.session().savedFilters();
    QVERIFY(filters.save(QStringLiteral("  Line 1 "), gateways()).ok());
    QCOMPARE(filters.list()->first().name, QStringLiteral("Line 1"));
    QVERIFY(filters.get(QStringLiteral("Line 1")).ok());
    // The name as it was typed finds the same filter.
    QVERIFY(filters.get(QStringLiteral("  Line 1 ")).ok());
    QVERIFY(filters.save(QStringLiteral("Line 1"), DeviceFilter()).ok());
    QCOMPARE(filters.list()->size(), 1);
    QVERIFY(filters.remove(QStringLiteral(" Line 1  ")).ok());
    QVERIFY(filters.list()->isEmpty());
}

void TestSavedFilters::invalidNames()
{
    TestWorkspace ws;
    SavedFilters &filters = ws.session().savedFilters();
    for (const QString &name : {QString(), QStringLiteral("   ")}) {
        Status s = filters.save(name, gateways());
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Invalid);
    }
    QCOMPARE(ws.auditCount(), 0);
}

void TestSavedFilters::dynamicGroupFollowsTheInventory()
{
    TestWorkspace ws;
    ws.addDevices(3);
    SavedFilters &filters = ws.session().savedFilters();
    DeviceFilter maintenance;
    maintenance.states = {QStringLiteral("maintenance")};
    QVERIFY(filters.save(QStringLiteral("In maintenance"), maintenance).ok());
    auto members = [&] {
        return DeviceQuery(filters.get(QStringLiteral("In maintenance")).value(),
                           DeviceColumns::Uid, false)
            .ids(ws.db())
            .value();
    };
    QVERIFY(members().isEmpty());
    QVERIFY(ws.session().inventory().setState({2, 3}, QStringLiteral("maintenance"), {}).ok());
    QCOMPARE(members(), QList<qint64>({2, 3}));
    QVERIFY(ws.session().inventory().setState({2}, QStringLiteral("active"), {}).ok());
    QCOMPARE(members(), QList<qint64>({3}));
}

void TestSavedFilters::storedAsFilterJson()
{
    TestWorkspace ws;
    DeviceFilter f = gateways();
    f.text = QStringLiteral("  press \"line\" ");
    QVERIFY(ws.session().savedFilters().save(QStringLiteral("F"), f).ok());
    const QString stored =
        scalarOf(ws.db(), QStringLiteral("SELECT filter_json FROM saved_filters")).toString();
    QCOMPARE(stored, QStringLiteral("{\"models\":[\"GW-4000\"],\"online\":true,\"text\":\"press "
                                    "\\\"line\\\"\"}"));
    // A row written by hand (or an older build) with unknown keys still loads.
    QVERIFY(ws.db()
                .exec(QStringLiteral("INSERT INTO saved_filters (name, filter_json) VALUES "
                                     "('Hand', '{\"tags\":[\"x\"],\"colour\":\"red\"}'), "
                                     "('Broken', 'not json')"))
                .ok());
    QCOMPARE(ws.session().savedFilters().get(QStringLiteral("Hand"))->tags,
             QStringList{QStringLiteral("x")});
    QVERIFY(ws.session().savedFilters().get(QStringLiteral("Broken"))->isEmpty());
    QCOMPARE(ws.session().savedFilters().list()->size(), 3);
}

QTEST_GUILESS_MAIN(TestSavedFilters)
#include "tst_savedfilters.moc"
