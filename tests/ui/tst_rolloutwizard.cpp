// Rollouts › New rollout…: the wizard picks an approved release, a group of targets and a pilot,
// a plan typed into its pages, previews the devices left out (with why) and each wave's expected
// run in the sites' windows, and Finish creates the rollout as a draft with exactly the previewed
// waves and the plan's settings. Mistakes (a window that does not parse, percentages that do not
// end at 100, gates that contradict each other) are named on the page and keep Next disabled.
#include "DdiFixture.h"
#include "FirmwareReleaseModel.h"
#include "firmware/FirmwarePage.h"
#include "inventory/InventoryService.h"
#include "rollout/RolloutService.h"
#include "rollouts/RolloutWizard.h"
#include "rollouts/WizardGatesPage.h"
#include "rollouts/WizardPlanPage.h"
#include "rollouts/WizardPreviewPage.h"
#include "rollouts/WizardReleasePage.h"
#include "rollouts/WizardTargetsPage.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

using namespace fleet;
using fleet::test::DdiFixture;

namespace {

constexpr int kWait = 20000;

// Sunday 2026-11-29 12:00 UTC: "Mon-Fri 01:00-05:00" in Berlin (UTC+1) next opens Monday
// 2026-11-30 00:00 UTC.
const QDateTime kSundayNoon(QDate(2026, 11, 29), QTime(12, 0), Qt::UTC);

// gw-7 and t-01..t-05 run 2.4.1 and may take 2.5.0; gw-9 runs 2.6.0 (2.5.0 would be a
// downgrade). "Line 1" holds all seven, "lab" holds lab-01.
struct Fleet
{
    DdiFixture f;
    qint64 release = 0;
    Fleet()
    {
        f.ws.clock().setNow(kSundayNoon);
        release = f.addRelease(2, 5, 0);
        QList<qint64> line{f.deviceId(QStringLiteral("gw-7"))};
        f.addDevice(QStringLiteral("gw-9"), QStringLiteral("2.6.0"));
        line << f.deviceId(QStringLiteral("gw-9"));
        for (int i = 1; i <= 5; ++i) {
            const QString uid = QStringLiteral("t-%1").arg(i, 2, 10, QLatin1Char('0'));
            f.addDevice(uid);
            line << f.deviceId(uid);
        }
        f.addDevice(QStringLiteral("lab-01"));
        InventoryService inventory(f.ws.db(), f.ws.session().audit());
        if (!inventory.addToGroup(line, QStringLiteral("Line 1")) ||
            !inventory.addToGroup({f.deviceId(QStringLiteral("lab-01"))}, QStringLiteral("lab")))
            qFatal("cannot fill the groups");
    }
};

bool clickNext(RolloutWizard &w)
{
    QAbstractButton *next = w.button(QWizard::NextButton);
    if (!next->isEnabled())
        return false;
    const int before = w.currentId();
    next->click();
    return w.currentId() != before;
}

void selectText(QComboBox *combo, const QString &text)
{
    const int i = combo->findText(text);
    QVERIFY2(i >= 0, qPrintable(text));
    combo->setCurrentIndex(i);
}

// Opens the wizard on the plan page with "Line 1" as targets, choices loaded.
void openOnPlanPage(Fleet &fleet, RolloutWizard &w)
{
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.choicesLoaded(), kWait);
    QVERIFY(clickNext(w));
    w.targetsPage()->groupRadio()->setChecked(true);
    selectText(w.targetsPage()->groupCombo(), QStringLiteral("Line 1"));
    QVERIFY(clickNext(w));
    QCOMPARE(w.currentId(), int(RolloutWizard::PlanPage));
    Q_UNUSED(fleet);
}

QStringList column(QTableWidget *table, int col)
{
    QStringList cells;
    for (int row = 0; row < table->rowCount(); ++row)
        cells << (table->item(row, col) ? table->item(row, col)->text() : QString());
    return cells;
}

} // namespace

class TestRolloutWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void previewThenCreateADraft()
    {
        Fleet fleet;
        RolloutWizard w(fleet.f.ws.session());
        QSignalSpy created(&w, &RolloutWizard::rolloutCreated);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.choicesLoaded(), kWait);

        // Release: the only approved one is chosen.
        QVERIFY(w.releasePage()->release().has_value());
        QCOMPARE(w.releasePage()->release()->id, fleet.release);
        QVERIFY(clickNext(w));

        // Targets: no device table selection was handed in, so that choice is off.
        QVERIFY(!w.targetsPage()->selectionRadio()->isEnabled());
        w.targetsPage()->groupRadio()->setChecked(true);
        selectText(w.targetsPage()->groupCombo(), QStringLiteral("Line 1"));
        selectText(w.targetsPage()->pilotCombo(), QStringLiteral("lab"));
        QVERIFY(clickNext(w));

        // Plan: two waves by percentage, weekday nights, 5 a minute.
        WizardPlanPage *plan = w.planPage();
        plan->byPercentRadio()->setChecked(true);
        plan->percentEdit()->setText(QStringLiteral("50, 100"));
        plan->windowsEdit()->setPlainText(QStringLiteral("Mon-Fri 01:00-05:00\n"));
        plan->rateSpin()->setValue(5);
        plan->concurrencySpin()->setValue(40);
        plan->minutesPerDeviceSpin()->setValue(20);
        QVERIFY(plan->errorLabel()->isHidden());
        QVERIFY(clickNext(w));

        // Gates, timeouts, retries, approvals.
        WizardGatesPage *gates = w.gatesPage();
        gates->successSpin()->setValue(90);
        gates->pausePercentSpin()->setValue(10);
        gates->abortPercentSpin()->setValue(30);
        gates->minFinishedSpin()->setValue(3);
        gates->abortCountSpin()->setValue(4);
        gates->downloadTimeoutSpin()->setValue(45);
        gates->installRetriesSpin()->setValue(2);
        gates->autoRollbackCheck()->setChecked(true);
        gates->requireApprovalCheck()->setChecked(true);
        gates->approvePilotCheck()->setChecked(true);
        QVERIFY(gates->errorLabel()->isHidden());
        QVERIFY(clickNext(w));

        // Preview: computed on a worker from the clock's "now".
        WizardPreviewPage *preview = w.previewPage();
        QCOMPARE(w.currentId(), int(RolloutWizard::PreviewPage));
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy() && preview->timelineTable()->rowCount() > 0,
                                 kWait);
        QVERIFY2(preview->statusLabel()->isHidden(), qPrintable(preview->statusLabel()->text()));
        QCOMPARE(preview->startEdit()->dateTime(), kSundayNoon);
        QTableWidget *timeline = preview->timelineTable();
        QCOMPARE(timeline->rowCount(), 3); // the pilot, then 50 % and 100 % of six devices
        QCOMPARE(column(timeline, WizardPreviewPage::Devices),
                 (QStringList{QStringLiteral("1"), QStringLiteral("3"), QStringLiteral("3")}));
        // The pilot opens with the window: 01:00 in Berlin, 00:00 UTC.
        QCOMPARE(timeline->item(0, WizardPreviewPage::StartUtc)->text(),
                 QStringLiteral("Mon 30 Nov 00:00"));
        QCOMPARE(timeline->item(0, WizardPreviewPage::StartLocal)->text(),
                 QStringLiteral("Mon 30 Nov 01:00 CET"));
        QCOMPARE(timeline->item(0, WizardPreviewPage::EndUtc)->text(),
                 QStringLiteral("Mon 30 Nov 00:20"));
        // The first wave starts when the pilot is expected to be done.
        QCOMPARE(timeline->item(1, WizardPreviewPage::StartUtc)->text(),
                 QStringLiteral("Mon 30 Nov 00:20"));
        QTableWidget *excluded = preview->excludedTable();
        QCOMPARE(column(excluded, 0), QStringList{QStringLiteral("gw-9")});
        QVERIFY2(excluded->item(0, 1)->text().contains(QLatin1String("2.6.0")),
                 qPrintable(excluded->item(0, 1)->text()));
        const QString summary = preview->summaryLabel()->text();
        QVERIFY2(summary.contains(QLatin1String("goes to 7 devices in 3 waves; 1 device is left "
                                                "out.")),
                 qPrintable(summary));
        // Done when the last wave's devices are: 01:00 UTC (in whatever zone the test runs).
        QVERIFY2(summary.contains(QLatin1String("01:00 UTC")), qPrintable(summary));
        QVERIFY2(summary.contains(QLatin1String("Mon-Fri 01:00-05:00")), qPrintable(summary));

        // A name is proposed; without a reason Finish stays off.
        QCOMPARE(preview->nameEdit()->text(), QStringLiteral("gw-2.5.0-P 2.5.0")); // name version
        QAbstractButton *finish = w.button(QWizard::FinishButton);
        QVERIFY(!finish->isEnabled());
        preview->nameEdit()->setText(QStringLiteral("Line 1 to 2.5.0"));
        preview->reasonEdit()->setText(QStringLiteral("CVE fix for the gateways"));
        QVERIFY(finish->isEnabled());

        // FLEETDESK_SCREENSHOT_DIR set: a picture of the preview, for the docs.
        if (const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR"); !dir.isEmpty())
            QVERIFY(w.grab().save(QDir(dir).filePath(QStringLiteral("rollout-wizard.png"))));

        const qint64 audits = fleet.f.ws.auditCount();
        finish->click();
        QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!w.isVisible(), kWait);
        QCOMPARE(w.result(), int(QDialog::Accepted));
        QCOMPARE(fleet.f.ws.auditCount(), audits + 1); // rollout.create

        RolloutService service(fleet.f.ws.db(), fleet.f.ws.session().audit(), fleet.f.ws.clock());
        auto stored = service.load(QString::number(created.first().first().toLongLong()));
        QVERIFY2(stored.ok(), qPrintable(stored.message()));
        QCOMPARE(stored->name, QStringLiteral("Line 1 to 2.5.0"));
        QCOMPARE(stored->reason, QStringLiteral("CVE fix for the gateways"));
        QCOMPARE(stored->state, RolloutState::Draft);
        QCOMPARE(stored->releaseId, fleet.release);
        QMap<int, QStringList> waves;
        for (const StoredRollout::Device &d : stored->devices)
            waves[d.wave] << d.uid;
        QCOMPARE(waves.keys(), (QList<int>{0, 1, 2}));
        QCOMPARE(waves.value(0), QStringList{QStringLiteral("lab-01")});
        QCOMPARE(waves.value(1).size(), 3);
        QCOMPARE(waves.value(2).size(), 3);
        QCOMPARE(stored->excluded.size(), 1);
        QCOMPARE(stored->excluded.first().deviceUid, QStringLiteral("gw-9"));

        const RolloutPlanSpec &spec = stored->plan;
        QCOMPARE(spec.split.kind(), WaveSplit::Kind::ByCumulativePercent);
        QCOMPARE(spec.split.percentSteps(), (QList<int>{50, 100}));
        QCOMPARE(spec.pilotGroup, QStringLiteral("lab"));
        QCOMPARE(spec.windows.size(), 1);
        QCOMPARE(spec.windows.first().toString(), QStringLiteral("Mon-Fri 01:00-05:00"));
        QCOMPARE(spec.devicesPerMinute, 5);
        QCOMPARE(spec.maxConcurrent, 40);
        QCOMPARE(spec.minutesPerDevice, 20);
        QCOMPARE(spec.thresholds.successPercent, 90);
        QCOMPARE(spec.thresholds.pauseFailurePercent, std::optional<int>(10));
        QCOMPARE(spec.thresholds.abortFailurePercent, std::optional<int>(30));
        QCOMPARE(spec.thresholds.minFinishedForRate, 3);
        QVERIFY(!spec.thresholds.pauseAfterFailures.has_value());
        QCOMPARE(spec.thresholds.abortAfterFailures, std::optional<qint64>(4));
        QCOMPARE(spec.timeouts.downloadMs, qint64(45) * 60 * 1000);
        QCOMPARE(spec.retries.install, 2);
        QVERIFY(spec.autoRollback);
        QVERIFY(spec.requireApproval);
        QVERIFY(spec.approvePilot);
    }

    void planMistakesBlockNext_data()
    {
        QTest::addColumn<QString>("percent");
        QTest::addColumn<QString>("windows");
        QTest::addColumn<QString>("error"); // empty: Next is enabled

        const QString ok = QStringLiteral("10,50,100");
        QTest::newRow("valid windows")
            << ok << QStringLiteral("Mon-Fri 01:00-05:00\n\n  Sat 22:00-02:00 ") << QString();
        QTest::newRow("no window") << ok << QString() << QString();
        QTest::newRow("hours without minutes")
            << ok << QStringLiteral("Mon-Fri 1-5") << QStringLiteral("line 1, 'Mon-Fri 1-5'");
        QTest::newRow("unknown day on line 2")
            << ok << QStringLiteral("Mon 01:00-05:00\nFunday 01:00-05:00")
            << QStringLiteral("line 2, 'Funday 01:00-05:00'");
        QTest::newRow("empty window")
            << ok << QStringLiteral("Mon 05:00-05:00") << QStringLiteral("line 1");
        QTest::newRow("steps not ending at 100")
            << QStringLiteral("10,50") << QString() << QStringLiteral("Waves:");
        QTest::newRow("not a number")
            << QStringLiteral("10,half,100") << QString() << QStringLiteral("'half'");
    }
    void planMistakesBlockNext()
    {
        QFETCH(QString, percent);
        QFETCH(QString, windows);
        QFETCH(QString, error);

        Fleet fleet;
        RolloutWizard w(fleet.f.ws.session());
        openOnPlanPage(fleet, w);
        WizardPlanPage *plan = w.planPage();
        plan->byPercentRadio()->setChecked(true);
        plan->percentEdit()->setText(percent);
        plan->windowsEdit()->setPlainText(windows);
        QCOMPARE(w.button(QWizard::NextButton)->isEnabled(), error.isEmpty());
        QCOMPARE(plan->errorLabel()->isVisible(), !error.isEmpty());
        QVERIFY2(plan->errorLabel()->text().contains(error, Qt::CaseInsensitive),
                 qPrintable(plan->errorLabel()->text()));
        QCOMPARE(clickNext(w), error.isEmpty());
        QCOMPARE(w.currentId(),
                 int(error.isEmpty() ? RolloutWizard::GatesPage : RolloutWizard::PlanPage));
    }

    void contradictoryGatesBlockNext()
    {
        Fleet fleet;
        RolloutWizard w(fleet.f.ws.session());
        openOnPlanPage(fleet, w);
        QVERIFY(clickNext(w));
        WizardGatesPage *gates = w.gatesPage();
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        // Aborting at a lower rate than pausing: the pause could never be seen.
        gates->pausePercentSpin()->setValue(30);
        gates->abortPercentSpin()->setValue(10);
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        QVERIFY(gates->errorLabel()->isVisible());
        QVERIFY2(gates->errorLabel()->text().startsWith(QLatin1String("Wave gates: ")),
                 qPrintable(gates->errorLabel()->text()));
        gates->abortPercentSpin()->setValue(-1); // off
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        QVERIFY(gates->errorLabel()->isHidden());
    }

    // The device table's selection handed in: every device is left out, so the preview says
    // why and there is nothing to create; nothing is written.
    void selectionWithNothingEligible()
    {
        Fleet fleet;
        RolloutWizard w(fleet.f.ws.session());
        w.setPresetDevices({fleet.f.deviceId(QStringLiteral("gw-9"))});
        w.setPresetRelease(fleet.release);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.choicesLoaded(), kWait);
        QVERIFY(clickNext(w));
        QVERIFY(w.targetsPage()->selectionRadio()->isChecked());
        QVERIFY(clickNext(w));
        w.planPage()->oneWaveRadio()->setChecked(true);
        QVERIFY(clickNext(w));
        QVERIFY(clickNext(w));
        WizardPreviewPage *preview = w.previewPage();
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy() && preview->excludedTable()->rowCount() == 1,
                                 kWait);
        QCOMPARE(preview->timelineTable()->rowCount(), 0);
        QVERIFY(preview->statusLabel()->isVisible());
        QVERIFY2(preview->statusLabel()->text().contains(QLatin1String("nothing to roll out")),
                 qPrintable(preview->statusLabel()->text()));
        preview->reasonEdit()->setText(QStringLiteral("try"));
        QVERIFY(!w.button(QWizard::FinishButton)->isEnabled());
        QCOMPARE(fleet::test::scalarOf(fleet.f.ws.db(), QStringLiteral("SELECT count(*) FROM "
                                                                       "rollouts"))
                     .toInt(),
                 0);
    }

    // A saved filter's current members are the targets.
    void savedFilterTargets()
    {
        Fleet fleet;
        DeviceFilter gateways;
        gateways.models = {QStringLiteral("GW-4000")};
        QVERIFY(
            fleet.f.ws.session().savedFilters().save(QStringLiteral("Gateways"), gateways).ok());
        RolloutWizard w(fleet.f.ws.session());
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.choicesLoaded(), kWait);
        QVERIFY(clickNext(w));
        w.targetsPage()->filterRadio()->setChecked(true);
        selectText(w.targetsPage()->filterCombo(), QStringLiteral("Gateways"));
        QVERIFY(clickNext(w));
        w.planPage()->oneWaveRadio()->setChecked(true);
        QVERIFY(clickNext(w));
        QVERIFY(clickNext(w));
        WizardPreviewPage *preview = w.previewPage();
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy() && preview->timelineTable()->rowCount() > 0,
                                 kWait);
        // Every GW-4000: gw-7, t-01..t-05 and lab-01 in one wave; gw-9 left out.
        QCOMPARE(column(preview->timelineTable(), WizardPreviewPage::Devices),
                 QStringList{QStringLiteral("7")});
        QCOMPARE(column(preview->excludedTable(), 0), QStringList{QStringLiteral("gw-9")});
        QVERIFY2(preview->summaryLabel()->text().contains(QLatin1String("No maintenance window")),
                 qPrintable(preview->summaryLabel()->text()));
    }

    // A refused creation (the name is taken) is shown on the page; the wizard stays open.
    void aRefusedCreationIsShown()
    {
        Fleet fleet;
        RolloutService service(fleet.f.ws.db(), fleet.f.ws.session().audit(), fleet.f.ws.clock());
        QVERIFY(service
                    .create(QStringLiteral("Line 1 to 2.5.0"), fleet.release,
                            {fleet.f.deviceId(QStringLiteral("t-01"))}, {}, {},
                            QStringLiteral("first"))
                    .ok());
        RolloutWizard w(fleet.f.ws.session());
        QSignalSpy created(&w, &RolloutWizard::rolloutCreated);
        openOnPlanPage(fleet, w);
        QVERIFY(clickNext(w));
        QVERIFY(clickNext(w));
        WizardPreviewPage *preview = w.previewPage();
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy() && preview->timelineTable()->rowCount() > 0,
                                 kWait);
        // t-01 is in the first rollout too, but a draft sends nothing: it stays eligible.
        preview->nameEdit()->setText(QStringLiteral("Line 1 to 2.5.0"));
        preview->reasonEdit()->setText(QStringLiteral("second"));
        QVERIFY(w.button(QWizard::FinishButton)->isEnabled());
        w.button(QWizard::FinishButton)->click();
        QTRY_VERIFY_WITH_TIMEOUT(preview->statusLabel()->text().startsWith(
                                     QLatin1String("The rollout was not created: ")),
                                 kWait);
        QVERIFY2(preview->statusLabel()->text().contains(QLatin1String("already exists")),
                 qPrintable(preview->statusLabel()->text()));
        QVERIFY(w.isVisible());
        QVERIFY(created.isEmpty());
        QVERIFY(w.button(QWizard::FinishButton)->isEnabled()); // a new name can be tried
    }

    // Waves by group, in the order typed (a device in two groups goes into the first); an unknown
    // group is named and blocks Next. A later start moves the timeline to the next window.
    void wavesByGroupAndALaterStart()
    {
        Fleet fleet;
        InventoryService inventory(fleet.f.ws.db(), fleet.f.ws.session().audit());
        QVERIFY(inventory
                    .addToGroup({fleet.f.deviceId(QStringLiteral("t-04")),
                                 fleet.f.deviceId(QStringLiteral("t-05"))},
                                QStringLiteral("east"))
                    .ok());
        RolloutWizard w(fleet.f.ws.session());
        openOnPlanPage(fleet, w);
        WizardPlanPage *plan = w.planPage();
        plan->byGroupRadio()->setChecked(true);
        plan->groupsEdit()->setText(QStringLiteral("east, west"));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        QVERIFY2(plan->errorLabel()->text().contains(QLatin1String("no device group 'west'")),
                 qPrintable(plan->errorLabel()->text()));
        plan->groupsEdit()->setText(QStringLiteral("east, Line 1"));
        plan->windowsEdit()->setPlainText(QStringLiteral("Mon-Fri 01:00-05:00"));
        QVERIFY(clickNext(w));
        QVERIFY(clickNext(w));

        WizardPreviewPage *preview = w.previewPage();
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy() && preview->timelineTable()->rowCount() > 0,
                                 kWait);
        QTableWidget *timeline = preview->timelineTable();
        QCOMPARE(column(timeline, WizardPreviewPage::Devices),
                 (QStringList{QStringLiteral("2"), QStringLiteral("4")}));
        QCOMPARE(timeline->item(0, WizardPreviewPage::StartUtc)->text(),
                 QStringLiteral("Mon 30 Nov 00:00"));
        QCOMPARE(column(preview->excludedTable(), 0), QStringList{QStringLiteral("gw-9")});

        // Monday 05:00 UTC is after Berlin's window closed (04:00 UTC): Tuesday's window it is.
        preview->startEdit()->setDateTime(QDateTime(QDate(2026, 11, 30), QTime(5, 0), Qt::UTC));
        QTRY_COMPARE_WITH_TIMEOUT(timeline->item(0, WizardPreviewPage::StartUtc)
                                      ? timeline->item(0, WizardPreviewPage::StartUtc)->text()
                                      : QString(),
                                  QStringLiteral("Tue 1 Dec 00:00"), kWait);
        QCOMPARE(timeline->item(0, WizardPreviewPage::StartLocal)->text(),
                 QStringLiteral("Tue 1 Dec 01:00 CET"));

        preview->reasonEdit()->setText(QStringLiteral("east first"));
        QSignalSpy created(&w, &RolloutWizard::rolloutCreated);
        w.button(QWizard::FinishButton)->click();
        QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, kWait);
        RolloutService service(fleet.f.ws.db(), fleet.f.ws.session().audit(), fleet.f.ws.clock());
        auto stored = service.load(QString::number(created.first().first().toLongLong()));
        QVERIFY2(stored.ok(), qPrintable(stored.message()));
        QCOMPARE(stored->plan.split.kind(), WaveSplit::Kind::ByGroup);
        QCOMPARE(stored->plan.split.groups().size(), 2);
        QCOMPARE(stored->plan.split.groups().first().name, QStringLiteral("east"));
        QStringList firstWave;
        for (const StoredRollout::Device &d : stored->devices)
            if (d.wave == 1)
                firstWave << d.uid;
        QCOMPARE(firstWave, (QStringList{QStringLiteral("t-04"), QStringLiteral("t-05")}));
    }

    // Firmware › Roll out…: offered for an approved release, and opens the wizard on it.
    void firmwarePageOpensTheWizard()
    {
        Fleet fleet;
        FirmwarePage page(fleet.f.ws.session());
        QTRY_VERIFY_WITH_TIMEOUT(page.model()->rowCount() > 0, kWait);
        auto *button = page.findChild<QAbstractButton *>(QStringLiteral("rollOutButton"));
        QVERIFY(button);
        QVERIFY(!page.openRolloutWizard()); // nothing selected
        page.selectRelease(fleet.release);
        QVERIFY(button->isEnabled());
        RolloutWizard *w = page.openRolloutWizard();
        QVERIFY(w);
        QTRY_VERIFY_WITH_TIMEOUT(w->choicesLoaded(), kWait);
        QVERIFY(w->releasePage()->release().has_value());
        QCOMPARE(w->releasePage()->release()->id, fleet.release);
        w->reject();
    }
};

QTEST_MAIN(TestRolloutWizard)
#include "tst_rolloutwizard.moc"
