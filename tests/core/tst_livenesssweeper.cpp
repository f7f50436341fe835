// LivenessSweeper: devices silent for longer than the limit go offline, but only MQTT devices,
// only online ones, and only once Fleetdesk itself has been connected for the whole limit.
#include "TestWorkspace.h"
#include "ingest/LivenessSweeper.h"
#include "storage/SqliteDatabase.h"

#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

constexpr qint64 limitMs = 5 * 60 * 1000;

void setDevice(SqliteDatabase &db, qint64 id, const QString &connection, bool online,
               const QVariant &lastSeenMs)
{
    QVERIFY(db.execute(QStringLiteral("UPDATE devices SET connection = ?, online = ?, last_seen "
                                      "= ? WHERE id = ?"),
                       {connection, online ? 1 : 0, lastSeenMs, id})
                .ok());
}

bool isOnline(SqliteDatabase &db, qint64 id)
{
    return db.scalar(QStringLiteral("SELECT online FROM devices WHERE id = ?"), {id})
               .value()
               .toInt() == 1;
}

} // namespace

class TestLivenessSweeper : public QObject
{
    Q_OBJECT

private slots:
    void marksOnlySilentOnlineMqttDevices_data()
    {
        QTest::addColumn<QString>("connection");
        QTest::addColumn<bool>("online");
        QTest::addColumn<qint64>("silentForMs"); // -1: never seen
        QTest::addColumn<bool>("onlineAfter");

        QTest::newRow("silent past the limit") << "mqtt" << true << limitMs + 1 << false;
        QTest::newRow("exactly at the limit") << "mqtt" << true << limitMs << true;
        QTest::newRow("heard recently") << "mqtt" << true << qint64(1000) << true;
        QTest::newRow("already offline") << "mqtt" << false << limitMs * 10 << false;
        QTest::newRow("DDI device, silent") << "ddi" << true << limitMs * 10 << true;
        QTest::newRow("serial device, silent") << "serial" << true << limitMs * 10 << true;
        QTest::newRow("never seen") << "mqtt" << true << qint64(-1) << true;
    }

    void marksOnlySilentOnlineMqttDevices()
    {
        QFETCH(QString, connection);
        QFETCH(bool, online);
        QFETCH(qint64, silentForMs);
        QFETCH(bool, onlineAfter);

        TestWorkspace ws;
        const qint64 id = ws.addDevices(1).value(0);
        LivenessSweeper sweeper(ws.db(), ws.clock());
        sweeper.connectionUp();
        ws.clock().advanceMs(limitMs * 20);
        const qint64 now = ws.clock().nowMs();
        setDevice(ws.db(), id, connection, online,
                  silentForMs < 0 ? QVariant() : QVariant(now - silentForMs));

        auto stale = sweeper.sweep();
        QVERIFY2(stale.ok(), qUtf8Printable(stale.message()));
        QCOMPARE(isOnline(ws.db(), id), onlineAfter);
        const bool wentStale = online && !onlineAfter;
        QCOMPARE(stale.value(), wentStale ? QList<qint64>{id} : QList<qint64>{});
    }

    void nothingUntilConnectedForTheWholeLimit()
    {
        TestWorkspace ws;
        const qint64 id = ws.addDevices(1).value(0);
        LivenessSweeper sweeper(ws.db(), ws.clock());
        ws.clock().advanceMs(limitMs * 20);
        setDevice(ws.db(), id, QStringLiteral("mqtt"), true, ws.clock().nowMs() - limitMs * 10);

        // Not connected: Fleetdesk could not have heard the device.
        QCOMPARE(sweeper.sweep().value(), QList<qint64>{});
        // Connected, but only for part of the limit: the device may not have spoken yet.
        sweeper.connectionUp();
        ws.clock().advanceMs(limitMs - 1);
        QCOMPARE(sweeper.sweep().value(), QList<qint64>{});
        QVERIFY(isOnline(ws.db(), id));
        ws.clock().advanceMs(1);
        QCOMPARE(sweeper.sweep().value(), QList<qint64>{id});
        QVERIFY(!isOnline(ws.db(), id));

        // A drop restarts the wait.
        setDevice(ws.db(), id, QStringLiteral("mqtt"), true, ws.clock().nowMs() - limitMs * 10);
        sweeper.connectionDown();
        sweeper.connectionUp();
        QCOMPARE(sweeper.sweep().value(), QList<qint64>{});
        QVERIFY(isOnline(ws.db(), id));
    }

    void timerReportsStaleDevices()
    {
        TestWorkspace ws;
        const QList<qint64> ids = ws.addDevices(3);
        LivenessSweeper sweeper(ws.db(), ws.clock());
        sweeper.setSweepIntervalMs(10);
        QSignalSpy stale(&sweeper, &LivenessSweeper::devicesWentStale);
        sweeper.connectionUp();
        ws.clock().advanceMs(limitMs * 2);
        const qint64 now = ws.clock().nowMs();
        setDevice(ws.db(), ids[0], QStringLiteral("mqtt"), true, now - limitMs * 2);
        setDevice(ws.db(), ids[1], QStringLiteral("mqtt"), true, now);
        setDevice(ws.db(), ids[2], QStringLiteral("mqtt"), true, now - limitMs - 5);
        QTRY_COMPARE_WITH_TIMEOUT(stale.count(), 1, 5000);
        QCOMPARE(stale.at(0).at(0).value<QList<qint64>>(), (QList<qint64>{ids[0], ids[2]}));
    }
};

QTEST_GUILESS_MAIN(TestLivenessSweeper)
#include "tst_livenesssweeper.moc"
