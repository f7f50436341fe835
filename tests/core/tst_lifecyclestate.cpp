#include "TestWorkspace.h"
#include "inventory/LifecycleState.h"

#include <QTest>

using namespace fleet;
using namespace fleet::test;

Q_DECLARE_METATYPE(fleet::LifecycleState)

class TestLifecycleState : public QObject
{
    Q_OBJECT

private slots:
    void names_data();
    void names();
    void parsing_data();
    void parsing();
    void allNamesInOrder();
    void namesMatchTheSchema();
};

void TestLifecycleState::names_data()
{
    QTest::addColumn<LifecycleState>("state");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("risky");
    QTest::newRow("registered") << LifecycleState::Registered << QStringLiteral("registered")
                                << false;
    QTest::newRow("active") << LifecycleState::Active << QStringLiteral("active") << false;
    QTest::newRow("maintenance") << LifecycleState::Maintenance << QStringLiteral("maintenance")
                                 << false;
    QTest::newRow("quarantined") << LifecycleState::Quarantined << QStringLiteral("quarantined")
                                 << true;
    QTest::newRow("decommissioning")
        << LifecycleState::Decommissioning << QStringLiteral("decommissioning") << true;
    QTest::newRow("retired") << LifecycleState::Retired << QStringLiteral("retired") << true;
}

void TestLifecycleState::names()
{
    QFETCH(LifecycleState, state);
    QFETCH(QString, name);
    QFETCH(bool, risky);
    QCOMPARE(lifecycleStateName(state), name);
    QCOMPARE(lifecycleStateFromName(name), std::optional<LifecycleState>(state));
    QCOMPARE(isRiskyTarget(state), risky);
}

void TestLifecycleState::parsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("known");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("upper case") << QStringLiteral("ACTIVE") << true << QStringLiteral("active");
    QTest::newRow("mixed case") << QStringLiteral("Retired") << true << QStringLiteral("retired");
    QTest::newRow("padded") << QStringLiteral("  maintenance\t") << true
                            << QStringLiteral("maintenance");
    QTest::newRow("empty") << QString() << false << QString();
    QTest::newRow("unknown") << QStringLiteral("lost") << false << QString();
    QTest::newRow("prefix") << QStringLiteral("activ") << false << QString();
    QTest::newRow("inner space") << QStringLiteral("de commissioning") << false << QString();
}

void TestLifecycleState::parsing()
{
    QFETCH(QString, text);
    QFETCH(bool, known);
    QFETCH(QString, canonical);
    const auto state = lifecycleStateFromName(text);
    QCOMPARE(state.has_value(), known);
    if (known)
        QCOMPARE(lifecycleStateName(*state), canonical);
}

void TestLifecycleState::allNamesInOrder()
{
    QCOMPARE(lifecycleStateNames(),
             QStringList({QStringLiteral("registered"), QStringLiteral("active"),
                          QStringLiteral("maintenance"), QStringLiteral("quarantined"),
                          QStringLiteral("decommissioning"), QStringLiteral("retired")}));
}

void TestLifecycleState::namesMatchTheSchema()
{
    // Every state name can be stored, and the schema refuses anything else.
    TestWorkspace ws;
    for (const QString &name : lifecycleStateNames()) {
        Status s = ws.db().execute(QStringLiteral("INSERT INTO devices (uid, name, state) VALUES "
                                                  "(?, ?, ?)"),
                                   {name, name, name});
        QVERIFY2(s.ok(), qUtf8Printable(s.message()));
    }
    QVERIFY(!ws.db()
                 .execute(QStringLiteral("INSERT INTO devices (uid, name, state) VALUES (?, ?, ?)"),
                          {QStringLiteral("x"), QStringLiteral("x"), QStringLiteral("Active")})
                 .ok());
    QCOMPARE(column(ws.db(), QStringLiteral("SELECT DISTINCT state FROM devices ORDER BY id")),
             lifecycleStateNames());
}

QTEST_GUILESS_MAIN(TestLifecycleState)
#include "tst_lifecyclestate.moc"
