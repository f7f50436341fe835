// RolloutDeviceModel: a rollout's execution table over rollout_devices, devices and jobs,
// filtered (state group, text) and sorted in SQL, refreshed in place as devices report.

#include "RolloutDeviceModel.h"
#include "RolloutProgressFixture.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::RolloutProgressFixture;

namespace {
constexpr int kWait = 10000;
constexpr qint64 kStart = 1'790'000'000'000; // 2026-09-21 14:13:20 UTC
} // namespace

class TestRolloutDeviceModel : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_f = std::make_unique<RolloutProgressFixture>();
        m_f->ws.clock().setNow(QDateTime::fromMSecsSinceEpoch(kStart - 600'000, Qt::UTC));
        m_f->createRollout(8, 2, 3); // pilot pump-01..02, wave 1 pump-03..05, wave 2 pump-06..08
        m_f->setRolloutState(RolloutState::Ready, RolloutState::Running, kStart);
        m_f->move(m_f->uid(1), RolloutDeviceState::Notified, kStart + 1000);
        m_f->move(m_f->uid(1), RolloutDeviceState::Succeeded, kStart + 60'000);
        m_f->move(m_f->uid(2), RolloutDeviceState::Notified, kStart + 1000);
        m_f->move(m_f->uid(2), RolloutDeviceState::Failed, kStart + 90'000,
                  QStringLiteral("checksum mismatch"));
        m_f->move(m_f->uid(3), RolloutDeviceState::Downloading, kStart + 120'000);
        m_f->setPercent(m_f->uid(3), 42, kStart + 120'000);
        m_model = std::make_unique<RolloutDeviceModel>(m_f->ws.session().workspace());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
        m_f.reset();
    }

    void showsEveryDeviceOfTheRollout()
    {
        showRollout();
        QCOMPARE(m_model->rowCount(), 8);
        QCOMPARE(m_model->columnCount(), int(RolloutDeviceModel::ColumnCount));
        // By wave, then uid: the pilot first.
        QCOMPARE(m_model->uidAt(0), m_f->uid(1));
        QCOMPARE(cell(0, RolloutDeviceModel::Wave), QStringLiteral("pilot"));
        QCOMPARE(cell(0, RolloutDeviceModel::State), QStringLiteral("succeeded"));
        QCOMPARE(cell(0, RolloutDeviceModel::Progress), QStringLiteral("100 %"));
        QCOMPARE(cell(0, RolloutDeviceModel::Attempts), QStringLiteral("1"));
        QCOMPARE(cell(0, RolloutDeviceModel::Started), QStringLiteral("2026-09-21 14:13:21"));
        QCOMPARE(cell(0, RolloutDeviceModel::Finished), QStringLiteral("2026-09-21 14:14:20"));
        QCOMPARE(cell(0, RolloutDeviceModel::KnownGood), QStringLiteral("2.4.1"));
        QCOMPARE(cell(0, RolloutDeviceModel::Reported), QStringLiteral("2.5.0"));
        QCOMPARE(cell(1, RolloutDeviceModel::Reported), QStringLiteral("2.4.1"));
        QCOMPARE(cell(1, RolloutDeviceModel::Failure),
                 QStringLiteral("install: checksum mismatch"));
        QCOMPARE(cell(1, RolloutDeviceModel::Finished), QStringLiteral("2026-09-21 14:14:50"));
        QCOMPARE(cell(2, RolloutDeviceModel::Wave), QStringLiteral("1"));
        QCOMPARE(cell(2, RolloutDeviceModel::State), QStringLiteral("downloading"));
        QCOMPARE(cell(2, RolloutDeviceModel::Step), QStringLiteral("download"));
        QCOMPARE(cell(2, RolloutDeviceModel::Progress), QStringLiteral("42 %"));
        QCOMPARE(cell(2, RolloutDeviceModel::Finished), QString());
        QCOMPARE(cell(7, RolloutDeviceModel::State), QStringLiteral("queued"));
        QCOMPARE(cell(7, RolloutDeviceModel::Step), QString());
        QCOMPARE(cell(7, RolloutDeviceModel::Started), QString());
        QCOMPARE(m_model->data(m_model->index(1, 0), RolloutDeviceModel::StateRole).toString(),
                 QStringLiteral("failed"));
        QCOMPARE(m_model->data(m_model->index(1, 0), RolloutDeviceModel::DeviceIdRole).toLongLong(),
                 m_f->deviceId(m_f->uid(2)));
    }

    void anotherRolloutShowsNothing()
    {
        showRollout();
        QSignalSpy finished(m_model.get(), &RolloutDeviceModel::queryFinished);
        m_model->setRollout(m_f->rolloutId + 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(m_model->rowCount(), 0);
    }

    void filtersByStateInSql_data()
    {
        QTest::addColumn<QList<RolloutDeviceState>>("states");
        QTest::addColumn<QStringList>("uids");
        QTest::newRow("failed") << QList<RolloutDeviceState>{RolloutDeviceState::Failed}
                                << QStringList{QStringLiteral("pump-02")};
        QTest::newRow("in progress") << QList<RolloutDeviceState>{RolloutDeviceState::Notified,
                                                                  RolloutDeviceState::Downloading}
                                     << QStringList{QStringLiteral("pump-03")};
        QTest::newRow("queued") << QList<RolloutDeviceState>{RolloutDeviceState::Queued}
                                << QStringList{QStringLiteral("pump-04"), QStringLiteral("pump-05"),
                                               QStringLiteral("pump-06"), QStringLiteral("pump-07"),
                                               QStringLiteral("pump-08")};
        QTest::newRow("rolled back")
            << QList<RolloutDeviceState>{RolloutDeviceState::RolledBack} << QStringList{};
    }
    void filtersByStateInSql()
    {
        QFETCH(QList<RolloutDeviceState>, states);
        QFETCH(QStringList, uids);
        showRollout();
        QSignalSpy finished(m_model.get(), &RolloutDeviceModel::queryFinished);
        m_model->setStateFilter(states);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(shownUids(), uids);
        QCOMPARE(m_model->count(), qint64(uids.size()));
    }

    void filtersByText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("uids");
        QTest::newRow("uid") << QStringLiteral("PUMP-07") << QStringList{QStringLiteral("pump-07")};
        QTest::newRow("reason") << QStringLiteral("checksum")
                                << QStringList{QStringLiteral("pump-02")};
        QTest::newRow("failure kind")
            << QStringLiteral("install") << QStringList{QStringLiteral("pump-02")};
        QTest::newRow("like wildcards are literal") << QStringLiteral("pump_0") << QStringList{};
        QTest::newRow("nothing") << QStringLiteral("valve") << QStringList{};
    }
    void filtersByText()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, uids);
        showRollout();
        QSignalSpy finished(m_model.get(), &RolloutDeviceModel::queryFinished);
        m_model->setTextFilter(text);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(shownUids(), uids);
    }

    void sortsByStateInLifecycleOrder()
    {
        showRollout();
        QSignalSpy finished(m_model.get(), &RolloutDeviceModel::queryFinished);
        m_model->sort(RolloutDeviceModel::State, Qt::DescendingOrder);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        // failed comes after succeeded, which comes after downloading, then the queued ones.
        QCOMPARE(shownUids().mid(0, 3),
                 (QStringList{QStringLiteral("pump-02"), QStringLiteral("pump-01"),
                              QStringLiteral("pump-03")}));
        m_model->sort(RolloutDeviceModel::Started, Qt::AscendingOrder);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        // Devices that never started sort last either way.
        QCOMPARE(shownUids().mid(0, 3),
                 (QStringList{QStringLiteral("pump-01"), QStringLiteral("pump-02"),
                              QStringLiteral("pump-03")}));
        m_model->sort(RolloutDeviceModel::Started, Qt::DescendingOrder);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, kWait);
        QCOMPARE(shownUids().first(), QStringLiteral("pump-03"));
        QCOMPARE(shownUids().last(), QStringLiteral("pump-08"));
    }

    void refreshesInPlaceAsDevicesReport()
    {
        showRollout();
        QCOMPARE(cell(2, RolloutDeviceModel::State), QStringLiteral("downloading"));
        m_f->move(m_f->uid(3), RolloutDeviceState::Installing, kStart + 200'000);
        QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
        m_model->refreshInPlace();
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() >= 1, kWait);
        QCOMPARE(cell(2, RolloutDeviceModel::State), QStringLiteral("installing"));
        QCOMPARE(cell(2, RolloutDeviceModel::Step), QStringLiteral("install"));
    }

private:
    void showRollout()
    {
        QSignalSpy finished(m_model.get(), &RolloutDeviceModel::queryFinished);
        m_model->setRollout(m_f->rolloutId);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
    }
    QString cell(int row, int column) const
    {
        return m_model->index(row, column).data().toString();
    }
    QStringList shownUids() const
    {
        QStringList uids;
        for (int row = 0; row < m_model->rowCount(); ++row)
            uids << m_model->uidAt(row);
        return uids;
    }

    std::unique_ptr<RolloutProgressFixture> m_f;
    std::unique_ptr<RolloutDeviceModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestRolloutDeviceModel)
#include "tst_rolloutdevicemodel.moc"
