// DeviceDriftPanel: a device with a drift finding shows it with its assigned and reported
// versions; "Accept the reported version" asks for a reason, settles the finding on a worker
// (audited) and the panel hides; "Re-target" without a release of the assigned version says
// why in plain words. A device without findings shows no panel.

#include "DdiFixture.h"
#include "devices/DeviceDriftPanel.h"
#include "inventory/DeviceRepository.h"

#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace fleet;
using fleet::test::DdiFixture;
using fleet::test::scalarOf;

class TestDeviceDriftPanel : public QObject
{
    Q_OBJECT

private:
    static void fellBack(DdiFixture &f, qint64 id)
    {
        QVERIFY(f.ws.db()
                    .execute(QStringLiteral("UPDATE devices SET fw_assigned = '2.5.0', fw_version "
                                            "= '2.4.1' WHERE id = ?"),
                             {id})
                    .ok());
        QVERIFY(f.ws.db()
                    .execute(QStringLiteral("INSERT INTO device_drift (device_id, kind, subject, "
                                            "sentence, detected_ms) VALUES (?, 'fell_back', "
                                            "'2.5.0', 'back on 2.4.1 after 2.5.0 installed', 1)"),
                             {id})
                    .ok());
    }
    static void answer(QWidget *panel, const QString &reason)
    {
        auto *prompt = panel->findChild<QInputDialog *>(QStringLiteral("driftReasonPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(reason);
        prompt->accept();
    }

private slots:
    void noFindingNoPanel()
    {
        DdiFixture f;
        DeviceDriftPanel panel(f.ws.session());
        panel.setDevice(
            DeviceRepository(f.ws.db()).load(f.deviceId(QStringLiteral("gw-7"))).value());
        QVERIFY(panel.isHidden());
    }

    void acceptSettlesTheFinding()
    {
        DdiFixture f;
        const qint64 id = f.deviceId(QStringLiteral("gw-7"));
        fellBack(f, id);
        DeviceDriftPanel panel(f.ws.session());
        panel.setDevice(DeviceRepository(f.ws.db()).load(id).value());
        QVERIFY(!panel.isHidden());
        const QString text = panel.findChild<QLabel *>()->text();
        QVERIFY2(text.contains(QLatin1String("assigned 2.5.0, reports 2.4.1")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("back on 2.4.1")));
        QSignalSpy settled(&panel, &DeviceDriftPanel::settled);
        QTest::mouseClick(panel.acceptButton(), Qt::LeftButton);
        answer(&panel, QStringLiteral("lab build"));
        QTRY_COMPARE_WITH_TIMEOUT(settled.size(), 1, 10'000);
        QVERIFY(settled.first().at(0).toString().contains(QLatin1String("2.4.1")));
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT fw_assigned FROM devices WHERE id = ?"),
                          {id})
                     .toString(),
                 QStringLiteral("2.4.1"));
        QCOMPARE(scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM audit_log WHERE action "
                                                    "= 'device.accept-version'"))
                     .toInt(),
                 1);
        QVERIFY(panel.isHidden());
    }

    void retargetWithoutAReleaseSaysWhy()
    {
        DdiFixture f;
        const qint64 id = f.deviceId(QStringLiteral("gw-7"));
        fellBack(f, id);
        DeviceDriftPanel panel(f.ws.session());
        panel.setDevice(DeviceRepository(f.ws.db()).load(id).value());
        QSignalSpy failed(&panel, &DeviceDriftPanel::failed);
        QTest::mouseClick(panel.retargetButton(), Qt::LeftButton);
        answer(&panel, QStringLiteral("fell back"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10'000);
        QVERIFY2(failed.first().at(0).toString().contains(QLatin1String("no approved release")),
                 qPrintable(failed.first().at(0).toString()));
        QVERIFY(!panel.isHidden()); // nothing was settled
    }
};

QTEST_MAIN(TestDeviceDriftPanel)
#include "tst_devicedriftpanel.moc"
