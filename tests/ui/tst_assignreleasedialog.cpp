// Firmware › Assign to devices…: a saved filter's devices or typed ids get the release through
// ReleaseAssigner on a worker; refusals are listed with their reasons, "skip" assigns to the
// others, a rollback needs a reason, unknown ids are named. The Firmware page offers it for an
// approved release only.
#include "DdiFixture.h"
#include "firmware/AssignReleaseDialog.h"
#include "firmware/FirmwarePage.h"
#include "firmware/ReleaseRepository.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace fleet;
using fleet::test::DdiFixture;

namespace {

constexpr int kWait = 20000;

// gw-7 (2.4.1) may take 2.5.0; gw-9 runs 2.6.0, so 2.5.0 would be a downgrade.
struct Fleet
{
    DdiFixture f;
    qint64 release = 0;
    Fleet()
    {
        f.addDevice(QStringLiteral("gw-9"), QStringLiteral("2.6.0"));
        release = f.addRelease(2, 5, 0);
        DeviceFilter gateways;
        gateways.models = {QStringLiteral("GW-4000")};
        if (!f.ws.session().savedFilters().save(QStringLiteral("Gateways"), gateways).ok())
            qFatal("cannot save the filter");
    }
    Release loadRelease()
    {
        auto r = ReleaseRepository(f.ws.db()).load(release);
        if (!r)
            qFatal("cannot load the release: %s", qPrintable(r.message()));
        return r.value();
    }
    int jobs()
    {
        return fleet::test::scalarOf(f.ws.db(), QStringLiteral("SELECT count(*) FROM jobs"))
            .toInt();
    }
};

// Clicks Assign and waits for the outcome; returns (ok, assigned count, summary).
QList<QVariant> runAssign(AssignReleaseDialog &dialog)
{
    QSignalSpy finished(&dialog, &AssignReleaseDialog::finishedAssignment);
    QTest::mouseClick(dialog.assignButton(), Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return !finished.isEmpty(); }, kWait))
        return {};
    return finished.first();
}

} // namespace

class TestAssignReleaseDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void savedFilterWithARefusalAssignsNothing()
    {
        Fleet fleet;
        AssignReleaseDialog dialog(fleet.f.ws.session(), fleet.loadRelease());
        QVERIFY(!dialog.assignButton()->isEnabled()); // no devices named yet
        const int index = dialog.filterCombo()->findText(QStringLiteral("Gateways"));
        QVERIFY(index > 0);
        dialog.filterCombo()->setCurrentIndex(index);
        QVERIFY(dialog.assignButton()->isEnabled());

        const QList<QVariant> result = runAssign(dialog);
        QCOMPARE(result.size(), 3);
        QCOMPARE(result.at(0).toBool(), false);
        QCOMPARE(result.at(1).toInt(), 0);
        QVERIFY2(dialog.summaryLabel()->text().startsWith(QLatin1String("Nothing was assigned: 1 "
                                                                        "device may not take")),
                 qPrintable(dialog.summaryLabel()->text()));
        const QString details = dialog.outcomeView()->toPlainText();
        QVERIFY2(details.startsWith(QLatin1String("gw-9: ")), qPrintable(details));
        QVERIFY(details.contains(QLatin1String("runs 2.6.0, newer than")));
        QVERIFY(!details.contains(QLatin1String("gw-7")));
        QCOMPARE(fleet.jobs(), 0);
    }

    void skipAssignsToTheOthersAndListsTheRefused()
    {
        Fleet fleet;
        AssignReleaseDialog dialog(fleet.f.ws.session(), fleet.loadRelease());
        dialog.filterCombo()->setCurrentIndex(
            dialog.filterCombo()->findText(QStringLiteral("Gateways")));
        dialog.skipRefusedCheck()->setChecked(true);
        const qint64 entries = fleet.f.ws.auditCount();

        const QList<QVariant> result = runAssign(dialog);
        QCOMPARE(result.size(), 3);
        QCOMPARE(result.at(0).toBool(), true);
        QCOMPARE(result.at(1).toInt(), 1);
        QCOMPARE(dialog.summaryLabel()->text(),
                 QStringLiteral("Assigned to 1 device: it fetches the update on its next poll. "
                                "1 device was skipped."));
        const QStringList lines = dialog.outcomeView()->toPlainText().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.at(0).startsWith(QLatin1String("gw-7: assigned (job ")),
                 qPrintable(lines.at(0)));
        QVERIFY(lines.at(0).endsWith(QLatin1String("update to 2.5.0)")));
        QVERIFY2(lines.at(1).startsWith(
                     QLatin1String("gw-9: skipped because device gw-9 runs 2.6.0, newer than")),
                 qPrintable(lines.at(1)));
        QCOMPARE(fleet.jobs(), 1);
        // FLEETDESK_SCREENSHOT_DIR set: a picture of the outcome, for the docs.
        if (const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR"); !dir.isEmpty())
            QVERIFY(dialog.grab().save(QDir(dir).filePath(QStringLiteral("assign-release.png"))));
        QCOMPARE(fleet::test::scalarOf(fleet.f.ws.db(), QStringLiteral("SELECT origin FROM jobs"))
                     .toString(),
                 QStringLiteral("fleetdesk"));
        QVERIFY(fleet.f.ws.auditCount() > entries); // firmware.assign

        // Again: gw-7 has an unfinished update now, so both are refused and nothing changes.
        const QList<QVariant> again = runAssign(dialog);
        QCOMPARE(again.at(1).toInt(), 0);
        QCOMPARE(dialog.summaryLabel()->text(),
                 QStringLiteral("Nothing was assigned. 2 devices were skipped."));
        QVERIFY(dialog.outcomeView()->toPlainText().contains(QLatin1String("unfinished update")));
        QCOMPARE(fleet.jobs(), 1);
    }

    void typedIdsAndRollback()
    {
        Fleet fleet;
        AssignReleaseDialog dialog(fleet.f.ws.session(), fleet.loadRelease());
        dialog.uidsEdit()->setPlainText(QStringLiteral("gw-9\n  nope-1 \n"));
        QVERIFY(dialog.assignButton()->isEnabled());
        QList<QVariant> result = runAssign(dialog);
        QCOMPARE(result.at(0).toBool(), false);
        QCOMPARE(dialog.summaryLabel()->text(),
                 QStringLiteral("Nothing was assigned: No device with id 'nope-1'"));

        // gw-9 may take 2.5.0 as a rollback, with a reason.
        dialog.uidsEdit()->setPlainText(QStringLiteral("gw-9"));
        dialog.rollbackCheck()->setChecked(true);
        QVERIFY(!dialog.assignButton()->isEnabled());
        QVERIFY(dialog.reasonEdit()->isEnabled());
        auto *hint = dialog.findChild<QLabel *>(QStringLiteral("assignHint"));
        QVERIFY(hint && hint->text().contains(QLatin1String("reason")));
        QTest::keyClicks(dialog.reasonEdit(), QStringLiteral("2.6.0 loses the fieldbus"));
        QVERIFY(dialog.assignButton()->isEnabled());
        result = runAssign(dialog);
        QCOMPARE(result.at(0).toBool(), true);
        QCOMPARE(result.at(1).toInt(), 1);
        QVERIFY(dialog.outcomeView()->toPlainText().startsWith(QLatin1String("gw-9: assigned")));
        QVERIFY(dialog.outcomeView()->toPlainText().contains(QLatin1String("rollback to 2.5.0")));
        QCOMPARE(fleet::test::scalarOf(fleet.f.ws.db(),
                                       QStringLiteral("SELECT reason FROM audit_log WHERE "
                                                      "action = 'firmware.assign'"))
                     .toString(),
                 QStringLiteral("2.6.0 loses the fieldbus"));
    }

    void firmwarePageOffersItForApprovedReleases()
    {
        Fleet fleet;
        FirmwarePage page(fleet.f.ws.session());
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        auto *assign = page.findChild<QPushButton *>(QStringLiteral("assignReleaseButton"));
        QVERIFY(assign);
        QTRY_VERIFY_WITH_TIMEOUT(page.table()->model()->rowCount() > 0, kWait);
        QVERIFY(!assign->isEnabled());
        QVERIFY(!page.openAssignDialog());
        page.selectRelease(fleet.release);
        QVERIFY(assign->isEnabled());
        AssignReleaseDialog *dialog = page.openAssignDialog();
        QVERIFY(dialog);
        dialog->uidsEdit()->setPlainText(QStringLiteral("gw-7"));
        const QList<QVariant> result = runAssign(*dialog);
        QCOMPARE(result.at(0).toBool(), true);
        QVERIFY(page.messageLabel()->text().startsWith(QLatin1String("Assigned to 1 device")));
        dialog->close();
    }
};

QTEST_MAIN(TestAssignReleaseDialog)
#include "tst_assignreleasedialog.moc"
