// The Rollouts page against a real workspace: a rollout created through RolloutService, its
// progress written with SQL as the engine would, and the operator's actions going through
// RolloutControl. Checks the list, the waves' counts, the chart's last values, the timeline's
// marks and windows, the device table's filters and log, that Pause and Retry reach the
// workspace, live refresh, and the export.

#include "RolloutDeviceModel.h"
#include "RolloutListModel.h"
#include "RolloutProgressFixture.h"
#include "charts/RolloutStatusChart.h"
#include "rollouts/RolloutActionBar.h"
#include "rollouts/RolloutDevicesPanel.h"
#include "rollouts/RolloutHeaderPane.h"
#include "rollouts/RolloutWizard.h"
#include "rollouts/RolloutsPage.h"
#include "rollouts/WaveSummaryTable.h"
#include "rollouts/WaveTimelineWidget.h"

#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace fleet;
using fleet::test::RolloutProgressFixture;
using fleet::test::scalarOf;

namespace {
constexpr int kWait = 10000;
constexpr qint64 kStart = 1'790'035'200'000; // Tue 2026-09-22 00:00:00 UTC (02:00 in Berlin)
constexpr qint64 kMinute = 60'000;
} // namespace

class TestRolloutsPage : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_f = std::make_unique<RolloutProgressFixture>();
        m_f->ws.clock().setNow(QDateTime::fromMSecsSinceEpoch(kStart - 30 * kMinute, Qt::UTC));
        // 12 pumps: pilot of 2, then waves of 5; windows 01:00-05:00 in Berlin on weekdays.
        m_f->createRollout(12, 2, 5, {QStringLiteral("Mon-Fri 01:00-05:00")},
                           QByteArrayLiteral("Europe/Berlin"));
        simulateProgress();
        m_f->ws.clock().setNow(QDateTime::fromMSecsSinceEpoch(kStart + 200 * kMinute, Qt::UTC));
        m_page = std::make_unique<RolloutsPage>(m_f->ws.session());
        m_page->resize(1400, 900);
        QSignalSpy applied(m_page.get(), &RolloutsPage::snapshotApplied);
        m_page->show();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->selectedRolloutId() == m_f->rolloutId &&
                m_page->actionBar()->button(RolloutActionBar::Action::Pause)->isEnabled(),
            kWait);
    }
    void cleanup()
    {
        m_page.reset();
        m_f.reset();
    }

    void listsTheRolloutWithItsProgress()
    {
        RolloutListModel *list = m_page->listModel();
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(cell(list, 0, RolloutListModel::Name), QStringLiteral("line 1"));
        QCOMPARE(cell(list, 0, RolloutListModel::Release), QStringLiteral("gw-2.5.0-P 2.5.0"));
        QCOMPARE(cell(list, 0, RolloutListModel::State), QStringLiteral("running"));
        QCOMPARE(cell(list, 0, RolloutListModel::Progress), QStringLiteral("4/12 succeeded"));
        QCOMPARE(cell(list, 0, RolloutListModel::Failures), QStringLiteral("2"));
        QCOMPARE(cell(list, 0, RolloutListModel::Started), QStringLiteral("2026-09-22 00:00"));
        QVERIFY(m_page->header()->titleLabel()->text().contains(QStringLiteral("running")));
        QVERIFY(m_page->header()->windowsLabel()->text().contains(
            QStringLiteral("Mon-Fri 01:00-05:00 (Europe/Berlin time)")));
        QVERIFY(m_page->header()->gateLabel()->text().startsWith(QStringLiteral("not passed")));
        // Only what a running rollout allows.
        auto enabled = [this](RolloutActionBar::Action a) {
            return m_page->actionBar()->button(a)->isEnabled();
        };
        QVERIFY(enabled(RolloutActionBar::Action::Pause));
        QVERIFY(enabled(RolloutActionBar::Action::Cancel));
        QVERIFY(enabled(RolloutActionBar::Action::ForceNextWave));
        QVERIFY(!enabled(RolloutActionBar::Action::Resume));
        QVERIFY(!enabled(RolloutActionBar::Action::Start));
        QVERIFY(!enabled(RolloutActionBar::Action::Submit));
    }

    void summarisesEachWave()
    {
        WaveSummaryTable *waves = m_page->waveSummary();
        QCOMPARE(waves->rowCount(), 3);
        QCOMPARE(waves->item(0, WaveSummaryTable::Wave)->text(), QStringLiteral("pilot"));
        QCOMPARE(waves->item(0, WaveSummaryTable::Succeeded)->text(), QStringLiteral("2"));
        QCOMPARE(waves->progressOf(0), 100);
        QCOMPARE(waves->item(1, WaveSummaryTable::Wave)->text(), QStringLiteral("wave 1 (now)"));
        QCOMPARE(waves->item(1, WaveSummaryTable::Devices)->text(), QStringLiteral("5"));
        QCOMPARE(waves->item(1, WaveSummaryTable::Succeeded)->text(), QStringLiteral("2"));
        QCOMPARE(waves->item(1, WaveSummaryTable::Failed)->text(), QStringLiteral("1"));
        QCOMPARE(waves->item(1, WaveSummaryTable::RolledBack)->text(), QStringLiteral("1"));
        QCOMPARE(waves->item(1, WaveSummaryTable::InProgress)->text(), QStringLiteral("1"));
        QCOMPARE(waves->progressOf(1), 80); // 4 of 5 finished
        QCOMPARE(waves->item(2, WaveSummaryTable::Pending)->text(), QStringLiteral("5"));
        QCOMPARE(waves->progressOf(2), 0);
    }

    void chartEndsWithTheCurrentCounts()
    {
        RolloutStatusChart *chart = m_page->chart();
        QCOMPARE(chart->seriesNames(),
                 (QStringList{QStringLiteral("succeeded"), QStringLiteral("failed"),
                              QStringLiteral("rolled back"), QStringLiteral("in progress"),
                              QStringLiteral("queued")}));
        QCOMPARE(chart->lastValue(QStringLiteral("succeeded")), 4);
        QCOMPARE(chart->lastValue(QStringLiteral("failed")), 1);
        QCOMPARE(chart->lastValue(QStringLiteral("rolled back")), 1);
        QCOMPARE(chart->lastValue(QStringLiteral("in progress")), 1);
        QCOMPARE(chart->lastValue(QStringLiteral("queued")), 5);
        QCOMPARE(chart->lastValue(QStringLiteral("no such series")), -1);
    }

    void timelineShowsWavesWindowsAndMarks()
    {
        WaveTimelineWidget *timeline = m_page->timeline();
        QCOMPARE(timeline->waves().size(), 3);
        QVERIFY(timeline->waves().at(0).startMs.has_value());
        QCOMPARE(*timeline->waves().at(0).startMs, kStart + kMinute);
        QVERIFY(timeline->waves().at(0).endMs.has_value());
        QVERIFY(!timeline->waves().at(1).endMs.has_value()); // still running
        QVERIFY(!timeline->waves().at(2).startMs.has_value());
        // The gate's decision and the start are marked; device moves are not.
        QCOMPARE(timeline->markers().size(), 2);
        QCOMPARE(timeline->markers().at(1).kind, WaveTimelineWidget::Marker::Kind::Decision);
        QVERIFY(timeline->markers().at(1).text.contains(QStringLiteral("wave 1 may start")));
        // 01:00-05:00 Berlin summer time is 23:00-03:00 UTC: the rollout started inside the
        // window that opened Monday 23:00 UTC and closed at 03:00; now (03:20) it is shut.
        QVERIFY(!timeline->windows().isEmpty());
        const WaveTimelineWidget::Window open = timeline->windows().first();
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(open.startMs, Qt::UTC),
                 QDateTime(QDate(2026, 9, 21), QTime(23, 0), Qt::UTC));
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(open.endMs, Qt::UTC),
                 QDateTime(QDate(2026, 9, 22), QTime(3, 0), Qt::UTC));
        QCOMPARE(timeline->windows().size(), 1);
    }

    void pauseGoesThroughRolloutControl()
    {
        QSignalSpy finished(m_page.get(), &RolloutsPage::actionFinished);
        QTest::mouseClick(m_page->actionBar()->button(RolloutActionBar::Action::Pause),
                          Qt::LeftButton);
        auto *prompt = m_page->findChild<QInputDialog *>(QStringLiteral("rolloutReasonPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(QStringLiteral("night shift asked to hold"));
        prompt->accept();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(scalarOf(m_f->ws.db(), QStringLiteral("SELECT state FROM rollouts WHERE id = ?"),
                          {m_f->rolloutId})
                     .toString(),
                 QStringLiteral("paused"));
        QCOMPARE(
            scalarOf(m_f->ws.db(), QStringLiteral("SELECT reason FROM audit_log WHERE action = "
                                                  "'rollout.pause' ORDER BY seq DESC LIMIT 1"))
                .toString(),
            QStringLiteral("night shift asked to hold"));
        // The page reads the change back: list, header, buttons and the timeline's marks.
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_page->listModel(), 0, RolloutListModel::State),
                                  QStringLiteral("paused"), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->actionBar()->button(RolloutActionBar::Action::Resume)->isEnabled(), kWait);
        QVERIFY(!m_page->actionBar()->button(RolloutActionBar::Action::Pause)->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(m_page->timeline()->markers().size(), 3, kWait);
        QCOMPARE(m_page->timeline()->markers().last().kind,
                 WaveTimelineWidget::Marker::Kind::Operator);
        QVERIFY(m_page->messageLabel()->text().contains(QStringLiteral("paused")));
    }

    void resumeAfterThePilotSignsTheTestPass()
    {
        // Back to the moment the pilot finished: the engine paused for a person's decision.
        m_f->exec(QStringLiteral("UPDATE rollouts SET state = 'paused', current_wave = 0 WHERE "
                                 "id = ?"),
                  {m_f->rolloutId});
        QSignalSpy applied(m_page.get(), &RolloutsPage::snapshotApplied);
        m_page->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->actionBar()->button(RolloutActionBar::Action::Resume)->isEnabled(), kWait);
        QSignalSpy finished(m_page.get(), &RolloutsPage::actionFinished);
        QTest::mouseClick(m_page->actionBar()->button(RolloutActionBar::Action::Resume),
                          Qt::LeftButton);
        auto *prompt = m_page->findChild<QInputDialog *>(QStringLiteral("rolloutReasonPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(QStringLiteral("pilot looks healthy"));
        prompt->accept();
        auto *passphrase = m_page->findChild<QDialog *>(QStringLiteral("pilotPassphraseDialog"));
        QVERIFY(passphrase);
        auto *edit = passphrase->findChild<QLineEdit *>();
        QVERIFY(edit);
        edit->setText(QString::fromLatin1(RolloutProgressFixture::passphrase));
        passphrase->accept();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(scalarOf(m_f->ws.db(), QStringLiteral("SELECT state FROM rollouts WHERE id = ?"),
                          {m_f->rolloutId})
                     .toString(),
                 QStringLiteral("running"));
        QCOMPARE(scalarOf(m_f->ws.db(), QStringLiteral("SELECT count(*) FROM release_test_passes "
                                                       "WHERE source = 'pilot'"))
                     .toInt(),
                 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->header()->gateLabel()->text().startsWith(QStringLiteral("passed")), kWait);
    }

    void sendBackForFourEyes()
    {
        m_f->exec(QStringLiteral("UPDATE rollouts SET state = 'waiting_for_approval' WHERE id = ?"),
                  {m_f->rolloutId});
        m_page->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->actionBar()->button(RolloutActionBar::Action::Deny)->isEnabled(), kWait);
        QVERIFY(m_page->actionBar()->button(RolloutActionBar::Action::Approve)->isEnabled());
        QVERIFY(!m_page->actionBar()->button(RolloutActionBar::Action::Pause)->isEnabled());
        QSignalSpy finished(m_page.get(), &RolloutsPage::actionFinished);
        QTest::mouseClick(m_page->actionBar()->button(RolloutActionBar::Action::Deny),
                          Qt::LeftButton);
        auto *prompt = m_page->findChild<QInputDialog *>(QStringLiteral("rolloutReasonPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(QStringLiteral("wave 2 includes the cold store"));
        prompt->accept();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(scalarOf(m_f->ws.db(), QStringLiteral("SELECT state FROM rollouts WHERE id = ?"),
                          {m_f->rolloutId})
                     .toString(),
                 QStringLiteral("draft"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->actionBar()->button(RolloutActionBar::Action::Submit)->isEnabled(), kWait);
    }

    void refusalsAreShownInPlainWords()
    {
        // Approving a running rollout is refused by the state machine: the page says why.
        QSignalSpy finished(m_page.get(), &RolloutsPage::actionFinished);
        m_page->runAction(RolloutActionBar::Action::Approve, QStringLiteral("looks good"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY(m_page->messageLabel()->isVisible());
        QVERIFY2(m_page->messageLabel()->text().startsWith(
                     QStringLiteral("Rollout 'line 1': Cannot approve the rollout: it is running")),
                 qPrintable(m_page->messageLabel()->text()));
        QCOMPARE(scalarOf(m_f->ws.db(), QStringLiteral("SELECT state FROM rollouts WHERE id = ?"),
                          {m_f->rolloutId})
                     .toString(),
                 QStringLiteral("running"));
    }

    void deviceTableFiltersByStateAndText()
    {
        RolloutDevicesPanel *devices = m_page->devices();
        RolloutDeviceModel *model = devices->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 12, kWait);
        QSignalSpy finished(model, &RolloutDeviceModel::queryFinished);
        const auto groups = RolloutDevicesPanel::stateGroups();
        int failedGroup = -1;
        for (int i = 0; i < groups.size(); ++i)
            if (groups[i].second.contains(RolloutDeviceState::Failed))
                failedGroup = i;
        devices->stateFilter()->setCurrentIndex(failedGroup);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->uidAt(0), m_f->uid(5));
        devices->stateFilter()->setCurrentIndex(0);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        QTest::keyClicks(devices->textFilter(), QStringLiteral("pump-1"));
        QTRY_VERIFY_WITH_TIMEOUT(model->hasQueryFinished() && model->rowCount() == 3, kWait);
        QCOMPARE(model->uidAt(0), m_f->uid(10));
    }

    void retryFromTheDeviceTableAndTheDevicesLog()
    {
        m_page->tabs()->setCurrentWidget(m_page->devices());
        RolloutDevicesPanel *devices = m_page->devices();
        RolloutDeviceModel *model = devices->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 12, kWait);
        int row = -1;
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->uidAt(r) == m_f->uid(5))
                row = r;
        QVERIFY(row >= 0);
        QSignalSpy logged(devices, &RolloutDevicesPanel::logLoaded);
        devices->table()->selectRow(row);
        QTRY_VERIFY_WITH_TIMEOUT(logged.count() >= 1, kWait);
        const QString log = devices->log()->toPlainText();
        QVERIFY2(log.contains(QStringLiteral("downloading → failed  by engine: flash write error")),
                 qPrintable(log));
        QVERIFY(!log.contains(m_f->uid(4))); // only its own lines

        QSignalSpy finished(m_page.get(), &RolloutsPage::actionFinished);
        auto *retry = devices->findChild<QPushButton *>(QStringLiteral("retryDevicesButton"));
        QVERIFY(retry->isEnabled());
        QTest::mouseClick(retry, Qt::LeftButton);
        auto *prompt = m_page->findChild<QInputDialog *>(QStringLiteral("rolloutReasonPrompt"));
        QVERIFY(prompt);
        prompt->setTextValue(QStringLiteral("flash replaced"));
        prompt->accept();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(scalarOf(m_f->ws.db(),
                          QStringLiteral("SELECT state FROM rollout_devices WHERE rollout_id = ? "
                                         "AND device_id = ?"),
                          {m_f->rolloutId, m_f->deviceId(m_f->uid(5))})
                     .toString(),
                 QStringLiteral("queued"));
        // The table follows live, the selection stays on the device.
        QTRY_COMPARE_WITH_TIMEOUT(model->index(row, RolloutDeviceModel::State).data().toString(),
                                  QStringLiteral("queued"), kWait);
    }

    void refreshesLiveWhileVisibleOnly()
    {
        QSignalSpy applied(m_page.get(), &RolloutsPage::snapshotApplied);
        m_f->move(m_f->uid(6), RolloutDeviceState::Succeeded, kStart + 96 * kMinute);
        // The poll timer notices the commit (PRAGMA data_version) and reads again.
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_page->listModel(), 0, RolloutListModel::Progress),
                                  QStringLiteral("5/12 succeeded"), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->chart()->lastValue(QStringLiteral("succeeded")), 5,
                                  kWait);
        // Nothing changed: polls say so without a new snapshot.
        const int before = int(applied.count());
        QTest::qWait(3 * RolloutsPage::kPollIntervalMs);
        QCOMPARE(int(applied.count()), before);
        // Hidden: nothing is read, even after a change.
        m_page->hide();
        m_f->move(m_f->uid(7), RolloutDeviceState::Succeeded, kStart + 97 * kMinute);
        QTest::qWait(2 * RolloutsPage::kPollIntervalMs + 500);
        QCOMPARE(cell(m_page->listModel(), 0, RolloutListModel::Progress),
                 QStringLiteral("5/12 succeeded"));
        m_page->show();
        QTRY_COMPARE_WITH_TIMEOUT(cell(m_page->listModel(), 0, RolloutListModel::Progress),
                                  QStringLiteral("6/12 succeeded"), kWait);
    }

    void exportsTheHistory()
    {
        QTemporaryDir dir;
        QSignalSpy finished(m_page.get(), &RolloutsPage::exportFinished);
        const QString path = dir.filePath(QStringLiteral("line-1.json"));
        m_page->exportHistory(path);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("devices")).toArray().size(), 12);
        m_page->exportHistory(dir.filePath(QStringLiteral("line-1.txt")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        QCOMPARE(finished.last().at(0).toBool(), false);
        QVERIFY(m_page->messageLabel()->text().contains(QStringLiteral(".csv or .json")));
    }

    void newRolloutOpensTheWizard()
    {
        QVERIFY(m_page->newRolloutButton()->isEnabled());
        QTest::mouseClick(m_page->newRolloutButton(), Qt::LeftButton);
        auto *wizard = m_page->findChild<RolloutWizard *>(QStringLiteral("rolloutWizard"));
        QVERIFY(wizard);
        QVERIFY(wizard->isVisible());
        wizard->reject();
    }

    void fitsTheWindowsMinimumWidth()
    {
        // The window adds about 160 px (navigation, margins) and must fit 1111 px.
        QVERIFY2(m_page->minimumSizeHint().width() <= 900,
                 qPrintable(QString::number(m_page->minimumSizeHint().width())));
    }

    // FLEETDESK_SCREENSHOT_DIR set: the page with a rollout in progress, for the docs.
    void screenshot()
    {
        const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("FLEETDESK_SCREENSHOT_DIR not set");
        m_page->resize(1440, 900);
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QVERIFY(m_page->grab().save(QDir(dir).filePath(QStringLiteral("rollouts.png"))));
        m_page->tabs()->setCurrentWidget(m_page->devices());
        QTRY_COMPARE_WITH_TIMEOUT(m_page->devices()->model()->rowCount(), 12, kWait);
        m_page->devices()->table()->selectRow(4);
        QTest::qWait(300);
        QVERIFY(m_page->grab().save(QDir(dir).filePath(QStringLiteral("rollout-devices.png"))));
    }

private:
    // Two hours of a rollout: the pilot (2) passes, the gate lets wave 1 start, wave 1 (5) has
    // two successes, a failure, a rollback and one device installing; wave 2 (5) waits.
    void simulateProgress()
    {
        RolloutProgressFixture &f = *m_f;
        f.exec(QStringLiteral("UPDATE rollouts SET state = 'ready' WHERE id = ?"), {f.rolloutId});
        f.setRolloutState(RolloutState::Ready, RolloutState::Running, kStart, 0);
        using S = RolloutDeviceState;
        for (int i = 1; i <= 2; ++i) {
            f.move(f.uid(i), S::Notified, kStart + kMinute);
            f.move(f.uid(i), S::Downloading, kStart + (3 + i) * kMinute);
            f.move(f.uid(i), S::Installing, kStart + (10 + i) * kMinute);
            f.move(f.uid(i), S::Succeeded, kStart + (20 + 2 * i) * kMinute);
        }
        f.exec(QStringLiteral("UPDATE rollouts SET current_wave = 1 WHERE id = ?"), {f.rolloutId});
        f.event(QStringLiteral("decision"), QStringLiteral("pilot"), QStringLiteral("passed"),
                kStart + 30 * kMinute, QStringLiteral("engine"),
                QStringLiteral("pilot: 2 of 2 succeeded; wave 1 may start"), 0);
        const QList<QPair<int, S>> outcomes = {{3, S::Succeeded},
                                               {4, S::Succeeded},
                                               {5, S::Failed},
                                               {6, S::Installing},
                                               {7, S::RolledBack}};
        int n = 0;
        for (const auto &[i, outcome] : outcomes) {
            const qint64 t = kStart + (32 + 4 * n++) * kMinute;
            f.move(f.uid(i), S::Notified, t);
            f.move(f.uid(i), S::Downloading, t + 2 * kMinute);
            if (outcome == S::Failed) {
                f.move(f.uid(i), S::Failed, t + 25 * kMinute, QStringLiteral("flash write error"));
                continue;
            }
            f.move(f.uid(i), S::Installing, t + 12 * kMinute);
            if (outcome == S::Installing) {
                f.setPercent(f.uid(i), 60, t + 12 * kMinute);
                continue;
            }
            if (outcome == S::RolledBack) {
                f.move(f.uid(i), S::Validating, t + 20 * kMinute);
                f.move(f.uid(i), S::RolledBack, t + 40 * kMinute,
                       QStringLiteral("health check failed: pressure sensor"));
                continue;
            }
            f.move(f.uid(i), S::Succeeded, t + 30 * kMinute);
        }
    }

    static QString cell(QAbstractItemModel *model, int row, int column)
    {
        return model->index(row, column).data().toString();
    }

    std::unique_ptr<RolloutProgressFixture> m_f;
    std::unique_ptr<RolloutsPage> m_page;
};

QTEST_MAIN(TestRolloutsPage)
#include "tst_rolloutspage.moc"
