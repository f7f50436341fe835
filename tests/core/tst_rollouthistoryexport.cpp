// RolloutHistoryExport: a rollout's record (header, waves, every device, the timeline) as JSON
// and as sectioned CSV, the format chosen by the file's suffix, written whole or not at all; and
// read() against a workspace where a rollout made progress.

#include "RolloutProgressFixture.h"
#include "rollout/RolloutHistoryExport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;
using fleet::test::RolloutProgressFixture;

namespace {

constexpr qint64 kStart = 1'790'000'000'000; // 2026-09-21 14:13:20 UTC

RolloutHistory sampleHistory()
{
    RolloutHistory h;
    h.exportedMs = kStart + 3'600'000;
    StoredRollout &r = h.status.rollout;
    r.id = 7;
    r.name = QStringLiteral("line 1");
    r.state = RolloutState::Paused;
    r.createdBy = QStringLiteral("alice");
    r.createdMs = kStart - 60'000;
    r.startedMs = kStart;
    r.approvedBy = QStringLiteral("bob");
    r.currentWave = 1;
    r.plan.windows << MaintenanceWindow::parse(QStringLiteral("Mon-Fri 01:00-05:00")).value();
    r.windowsOverridden = true;
    h.status.releaseName = QStringLiteral("gateway-fw");
    h.status.releaseVersion = QStringLiteral("2.5.0");
    h.status.releaseSha256 = QString(64, QLatin1Char('a'));
    h.status.testGatePassed = true;
    TestPassRecord pass;
    pass.source = TestPassRecord::Source::Pilot;
    pass.summary = QStringLiteral("pilot: 2 of 2 succeeded");
    pass.recordedBy = QStringLiteral("carol");
    pass.recordedMs = kStart + 120'000;
    pass.keyFingerprint = QStringLiteral("ab12cd34");
    pass.verified = true;
    h.status.testPasses << pass;
    RolloutWaveStatus pilot;
    pilot.wave = 0;
    pilot.name = QStringLiteral("pilot");
    pilot.counts.succeeded = 2;
    RolloutWaveStatus wave1;
    wave1.wave = 1;
    wave1.name = QStringLiteral("wave 1");
    wave1.current = true;
    wave1.counts.succeeded = 1;
    wave1.counts.failed = 1;
    wave1.counts.pending = 1;
    h.status.waves = {pilot, wave1};
    h.status.total.succeeded = 3;
    h.status.total.failed = 1;
    h.status.total.pending = 1;
    h.status.excludedCount = 2;

    RolloutDeviceStatus ok;
    ok.uid = QStringLiteral("pump-01");
    ok.name = QStringLiteral("Pump 1");
    ok.wave = 0;
    ok.state = RolloutDeviceState::Succeeded;
    ok.attempts = 1;
    ok.knownGood = QStringLiteral("2.4.1");
    ok.reportedVersion = QStringLiteral("2.5.0");
    ok.startedMs = kStart;
    ok.finishedMs = kStart + 60'000;
    RolloutDeviceStatus bad;
    bad.uid = QStringLiteral("pump-04");
    bad.wave = 1;
    bad.state = RolloutDeviceState::Failed;
    bad.attempts = 2;
    bad.failureKind = QStringLiteral("install");
    bad.reason = QStringLiteral("=checksum, \"mismatch\"");
    bad.percent = 80;
    h.devices = {ok, bad};

    RolloutEvent paused;
    paused.atMs = kStart + 600'000;
    paused.kind = QStringLiteral("decision");
    paused.wave = 1;
    paused.fromState = QStringLiteral("running");
    paused.toState = QStringLiteral("paused");
    paused.actor = QStringLiteral("engine");
    paused.reason = QStringLiteral("1 of 3 failed (33 %) > 20 %");
    h.events = {paused};
    return h;
}

// The CSV's rows whose first cell is `section`, header row excluded.
QList<QStringList> rowsOf(const QList<QStringList> &rows, const QString &section)
{
    QList<QStringList> out;
    for (const QStringList &row : rows)
        if (!row.isEmpty() && row.first() == section)
            out << row;
    return out;
}

QList<QStringList> parseCsv(const QByteArray &bytes)
{
    QList<QStringList> rows;
    for (const QByteArray &line : bytes.split('\n')) {
        const QByteArray trimmed = line.endsWith('\r') ? line.chopped(1) : line;
        if (trimmed.isEmpty())
            continue;
        // Good enough for these rows: quoted cells with commas are checked separately.
        rows << QString::fromUtf8(trimmed).split(QLatin1Char(','));
    }
    return rows;
}

} // namespace

class TestRolloutHistoryExport : public QObject
{
    Q_OBJECT

private slots:
    void jsonHoldsEveryPart()
    {
        const QJsonObject json = RolloutHistoryExport::toJson(sampleHistory());
        QCOMPARE(json.value(QStringLiteral("format")).toString(),
                 QStringLiteral("fleetdesk-rollout-history-1"));
        QCOMPARE(json.value(QStringLiteral("exported_at")).toString(),
                 QStringLiteral("2026-09-21T15:13:20.000Z"));
        const QJsonObject header = json.value(QStringLiteral("rollout")).toObject();
        QCOMPARE(header.value(QStringLiteral("name")).toString(), QStringLiteral("line 1"));
        QCOMPARE(header.value(QStringLiteral("state")).toString(), QStringLiteral("paused"));
        QCOMPARE(header.value(QStringLiteral("approved_by")).toString(), QStringLiteral("bob"));
        QCOMPARE(header.value(QStringLiteral("windows_overridden")).toBool(), true);
        QCOMPARE(header.value(QStringLiteral("windows")).toArray().first().toString(),
                 QStringLiteral("Mon-Fri 01:00-05:00"));
        QCOMPARE(header.value(QStringLiteral("finished_at")).type(), QJsonValue::Null);
        const QJsonObject release = header.value(QStringLiteral("release")).toObject();
        QCOMPARE(release.value(QStringLiteral("version")).toString(), QStringLiteral("2.5.0"));
        QCOMPARE(release.value(QStringLiteral("sha256")).toString(), QString(64, QLatin1Char('a')));
        const QJsonObject pass =
            header.value(QStringLiteral("test_passes")).toArray().first().toObject();
        QCOMPARE(pass.value(QStringLiteral("recorded_by")).toString(), QStringLiteral("carol"));
        QCOMPARE(pass.value(QStringLiteral("source")).toString(), QStringLiteral("pilot"));
        QCOMPARE(header.value(QStringLiteral("totals"))
                     .toObject()
                     .value(QStringLiteral("total"))
                     .toInt(),
                 5);

        const QJsonArray waves = json.value(QStringLiteral("waves")).toArray();
        QCOMPARE(waves.size(), 2);
        const QJsonObject wave1 = waves.at(1).toObject();
        QCOMPARE(wave1.value(QStringLiteral("name")).toString(), QStringLiteral("wave 1"));
        QCOMPARE(wave1.value(QStringLiteral("failed")).toInt(), 1);
        QCOMPARE(wave1.value(QStringLiteral("total")).toInt(), 3);
        QCOMPARE(wave1.value(QStringLiteral("current")).toBool(), true);

        const QJsonArray devices = json.value(QStringLiteral("devices")).toArray();
        QCOMPARE(devices.size(), 2);
        const QJsonObject bad = devices.at(1).toObject();
        QCOMPARE(bad.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(bad.value(QStringLiteral("percent")).toInt(), 80);
        QCOMPARE(bad.value(QStringLiteral("started_at")).type(), QJsonValue::Null);
        QCOMPARE(devices.at(0).toObject().value(QStringLiteral("finished_at")).toString(),
                 QStringLiteral("2026-09-21T14:14:20.000Z"));

        const QJsonArray timeline = json.value(QStringLiteral("timeline")).toArray();
        QCOMPARE(timeline.size(), 1);
        QCOMPARE(timeline.first().toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("1 of 3 failed (33 %) > 20 %"));
    }

    void csvHasOneSectionPerPart()
    {
        const QByteArray csv = RolloutHistoryExport::toCsv(sampleHistory());
        const QList<QStringList> rows = parseCsv(csv);
        // Four header rows, each starting with "section".
        QCOMPARE(rowsOf(rows, QStringLiteral("section")).size(), 4);
        const auto rollout = rowsOf(rows, QStringLiteral("rollout"));
        QCOMPARE(rollout.size(), 1);
        QCOMPARE(rollout.first().at(2), QStringLiteral("line 1"));
        QCOMPARE(rollout.first().at(3), QStringLiteral("paused"));
        const auto waves = rowsOf(rows, QStringLiteral("wave"));
        QCOMPARE(waves.size(), 3); // pilot, wave 1 and the total
        QCOMPARE(waves.at(1).at(2), QStringLiteral("wave 1"));
        QCOMPARE(waves.at(1).at(4), QStringLiteral("3")); // total
        QCOMPARE(waves.at(2).at(2), QStringLiteral("all"));
        QCOMPARE(waves.at(2).at(4), QStringLiteral("5"));
        QCOMPARE(rowsOf(rows, QStringLiteral("device")).size(), 2);
        QCOMPARE(rowsOf(rows, QStringLiteral("event")).size(), 1);
        // A reason that a spreadsheet would run as a formula, with a comma and quotes, stays
        // one quoted, defused cell.
        QVERIFY2(csv.contains("\"'=checksum, \"\"mismatch\"\"\""), csv.constData());
    }

    void formatFollowsTheSuffix_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("format"); // -1: refused
        QTest::newRow("csv") << QStringLiteral("/tmp/a.csv")
                             << int(RolloutHistoryExport::Format::Csv);
        QTest::newRow("JSON upper case")
            << QStringLiteral("/tmp/a.JSON") << int(RolloutHistoryExport::Format::Json);
        QTest::newRow("none") << QStringLiteral("/tmp/history") << -1;
        QTest::newRow("txt") << QStringLiteral("/tmp/history.txt") << -1;
    }
    void formatFollowsTheSuffix()
    {
        QFETCH(QString, path);
        QFETCH(int, format);
        auto f = RolloutHistoryExport::formatFor(path);
        QCOMPARE(f.ok(), format >= 0);
        if (format >= 0)
            QCOMPARE(int(f.value()), format);
        else
            QVERIFY(f.message().contains(QStringLiteral(".csv or .json")));
    }

    void writesTheFileOrSaysWhyNot()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("history.json"));
        QVERIFY(
            RolloutHistoryExport::write(sampleHistory(), path, RolloutHistoryExport::Format::Json)
                .ok());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
        QCOMPARE(doc.object()
                     .value(QStringLiteral("rollout"))
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("line 1"));
        const Status s = RolloutHistoryExport::write(
            sampleHistory(), dir.filePath(QStringLiteral("missing/dir/history.csv")),
            RolloutHistoryExport::Format::Csv);
        QVERIFY(!s.ok());
        QVERIFY(s.message().contains(QStringLiteral("Cannot write")));
    }

    void readsARolloutFromTheWorkspace()
    {
        RolloutProgressFixture f;
        f.ws.clock().setNow(QDateTime::fromMSecsSinceEpoch(kStart - 600'000, Qt::UTC));
        f.createRollout(5, 1, 2);
        f.setRolloutState(RolloutState::Ready, RolloutState::Running, kStart);
        f.move(f.uid(1), RolloutDeviceState::Notified, kStart + 1000);
        f.move(f.uid(1), RolloutDeviceState::Succeeded, kStart + 60'000);
        f.move(f.uid(2), RolloutDeviceState::Notified, kStart + 70'000);
        f.move(f.uid(2), RolloutDeviceState::Failed, kStart + 80'000, QStringLiteral("no space"));
        auto history = RolloutHistoryExport::read(f.ws.db(), f.rolloutId, kStart + 90'000);
        QVERIFY2(history.ok(), qPrintable(history.message()));
        QCOMPARE(history->status.rollout.name, QStringLiteral("line 1"));
        QCOMPARE(history->devices.size(), 5);
        QCOMPARE(history->events.size(), 5); // the rollout's start and four device moves
        const QJsonObject json = RolloutHistoryExport::toJson(history.value());
        const QJsonArray devices = json.value(QStringLiteral("devices")).toArray();
        QCOMPARE(devices.at(0).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        QCOMPARE(devices.at(1).toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("no space"));
        const QJsonObject totals = json.value(QStringLiteral("rollout"))
                                       .toObject()
                                       .value(QStringLiteral("totals"))
                                       .toObject();
        QCOMPARE(totals.value(QStringLiteral("succeeded")).toInt(), 1);
        QCOMPARE(totals.value(QStringLiteral("failed")).toInt(), 1);
        QCOMPARE(totals.value(QStringLiteral("pending")).toInt(), 3);

        auto missing = RolloutHistoryExport::read(f.ws.db(), f.rolloutId + 100, kStart);
        QVERIFY(!missing.ok());
    }
};

QTEST_GUILESS_MAIN(TestRolloutHistoryExport)
#include "tst_rollouthistoryexport.moc"
