// DriftDetector: each kind of finding, thresholds at the boundary (exactly N and N-1), windows
// (one second outside does not count), several findings at once in a fixed order, and nothing
// for a healthy device.

#include "rollout/DriftDetector.h"

#include <QTest>
#include <algorithm>

using fleet::DeviceVersionState;
using fleet::DriftAction;
using fleet::DriftDetector;
using fleet::DriftFinding;
using fleet::DriftKind;
using fleet::DriftSettings;
using fleet::InstallAttempt;
using fleet::InstallOutcome;
using fleet::VersionChange;

Q_DECLARE_METATYPE(DeviceVersionState)
Q_DECLARE_METATYPE(DriftSettings)

namespace {

const QDateTime kNow(QDate(2026, 11, 24), QTime(12, 0), Qt::UTC);
constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;

QDateTime ago(qint64 secs)
{
    return kNow.addSecs(-secs);
}

InstallAttempt attempt(qint64 secsAgo, InstallOutcome outcome, const QString &target)
{
    return InstallAttempt{ago(secsAgo), outcome, target};
}

VersionChange change(qint64 secsAgo, const QString &from, const QString &to)
{
    return VersionChange{ago(secsAgo), from, to};
}

// A device on 1.2.0, assigned 1.3.0, reporting a minute ago; rows change what they test.
DeviceVersionState device(const QString &reported,
                          const QString &assigned = QStringLiteral("1.3.0"))
{
    DeviceVersionState d;
    d.deviceId = QStringLiteral("pump-07");
    d.assigned = assigned;
    d.reported = reported;
    d.reportedAt = ago(60);
    return d;
}

QStringList describe(const QList<DriftFinding> &findings)
{
    QStringList out;
    for (const DriftFinding &f : findings)
        out << fleet::driftKindName(f.kind) + QLatin1Char(':') + f.subject;
    return out;
}

const QString v120 = QStringLiteral("1.2.0");
const QString v130 = QStringLiteral("1.3.0");

} // namespace

class TestDriftDetector : public QObject
{
    Q_OBJECT

private slots:
    void inspect_data()
    {
        QTest::addColumn<DeviceVersionState>("state");
        QTest::addColumn<DriftSettings>("settings");
        QTest::addColumn<QStringList>("expected"); // "kind:subject", in order

        const DriftSettings defaults;
        const QStringList none;

        {
            DeviceVersionState d = device(v130);
            d.history = {change(2 * kHour, v120, v130)};
            d.attempts = {attempt(2 * kHour, InstallOutcome::Succeeded, v130)};
            QTest::newRow("healthy: on its assignment") << d << defaults << none;
        }
        {
            DeviceVersionState d = device(QStringLiteral("1.3.0+7"));
            QTest::newRow("healthy: build metadata ignored") << d << defaults << none;
        }
        QTest::newRow("unknown: empty")
            << device(QString()) << defaults << QStringList{QStringLiteral("unknown_version:")};
        QTest::newRow("unknown: not semver")
            << device(QStringLiteral("build-42")) << defaults
            << QStringList{QStringLiteral("unknown_version:build-42")};
        {
            DeviceVersionState d = device(v120);
            d.history = {change(10 * kDay, QStringLiteral("1.1.0"), v120)};
            d.attempts = {attempt(2 * kHour, InstallOutcome::Succeeded, v130)};
            QTest::newRow("fell back: on known-good after success (drift not repeated)")
                << d << defaults << QStringList{QStringLiteral("fell_back:1.3.0")};
        }
        {
            DeviceVersionState d = device(v120);
            d.history = {change(2 * kHour, v120, v130), change(110 * 60, v130, v120)};
            d.attempts = {attempt(130 * 60, InstallOutcome::Succeeded, v130)};
            QTest::newRow("fell back: came up on target, went back after reboot")
                << d << defaults << QStringList{QStringLiteral("fell_back:1.3.0")};
        }
        {
            DeviceVersionState d = device(v120);
            d.history = {change(10 * kDay, QStringLiteral("1.1.0"), v120)};
            d.attempts = {attempt(2 * kHour, InstallOutcome::Failed, v130)};
            QTest::newRow("failed install is drift, not fell back")
                << d << defaults << QStringList{QStringLiteral("drift:1.3.0")};
        }
        {
            DeviceVersionState d = device(v120);
            d.expected = v130;
            d.attempts = {attempt(1 * kHour, InstallOutcome::Failed, v130),
                          attempt(5 * kHour, InstallOutcome::RolledBack, v130),
                          attempt(23 * kHour, InstallOutcome::TimedOut, v130)};
            QTest::newRow("loop: exactly N attempts")
                << d << defaults << QStringList{QStringLiteral("update_loop:1.3.0")};
            d.attempts.removeLast();
            QTest::newRow("loop: N-1 attempts") << d << defaults << none;
            d.attempts << attempt(kDay + 1, InstallOutcome::Failed, v130);
            QTest::newRow("loop: third attempt one second outside the window")
                << d << defaults << none;
            d.attempts.last().at = ago(kDay);
            QTest::newRow("loop: third attempt exactly at the window's start")
                << d << defaults << QStringList{QStringLiteral("update_loop:1.3.0")};
            DriftSettings five;
            five.loopAttempts = 5;
            d.attempts << attempt(2 * kHour, InstallOutcome::Failed, v130);
            QTest::newRow("loop: 4 attempts below a configured N of 5") << d << five << none;
            d.attempts << attempt(3 * kHour, InstallOutcome::Failed, v130);
            QTest::newRow("loop: 5 attempts reach a configured N of 5")
                << d << five << QStringList{QStringLiteral("update_loop:1.3.0")};
        }
        {
            DeviceVersionState d = device(v130);
            d.attempts = {attempt(1 * kHour, InstallOutcome::Succeeded, v130),
                          attempt(5 * kHour, InstallOutcome::Failed, v130),
                          attempt(6 * kHour, InstallOutcome::Failed, v130)};
            QTest::newRow("loop: third attempt stuck, device stays on target")
                << d << defaults << none;
        }
        {
            DeviceVersionState d = device(v130);
            d.history = {change(3 * kHour, v120, v130), change(2 * kHour, v130, v120),
                         change(1 * kHour, v120, v130)};
            QTest::newRow("flapping: exactly K changes")
                << d << defaults << QStringList{QStringLiteral("flapping:1.2.0 <-> 1.3.0")};
            d.history.removeFirst();
            QTest::newRow("flapping: K-1 changes") << d << defaults << none;
            d.history.prepend(change(kDay + 1, v120, v130));
            QTest::newRow("flapping: one change one second outside the window")
                << d << defaults << none;
        }
        {
            DeviceVersionState d = device(v130);
            d.history = {change(3 * kHour, v120, v130), change(2 * kHour, v120, v130),
                         change(1 * kHour, v120, v130)};
            QTest::newRow("flapping: one direction only is not flapping") << d << defaults << none;
        }
        {
            DeviceVersionState d = device(v120);
            d.reportedAt = ago(kHour + 1);
            QTest::newRow("drift: one second past the grace")
                << d << defaults << QStringList{QStringLiteral("drift:1.3.0")};
            d.reportedAt = ago(kHour);
            QTest::newRow("drift: exactly the grace") << d << defaults << none;
            d.reportedAt = ago(10 * kHour);
            d.history = {change(30 * 60, QStringLiteral("1.1.0"), v120)};
            QTest::newRow("drift: measured from the change to the reported version")
                << d << defaults << none;
            d.history.clear();
            d.expected = v130;
            QTest::newRow("drift: none while an install is in progress") << d << defaults << none;
            d.expected.clear();
            d.assigned.clear();
            QTest::newRow("drift: none without an assignment") << d << defaults << none;
        }
        {
            DeviceVersionState d = device(v120);
            d.history = {change(19 * kHour, v120, v130), change(18 * kHour, v130, v120),
                         change(9 * kHour, v120, v130), change(8 * kHour, v130, v120)};
            d.attempts = {attempt(20 * kHour, InstallOutcome::Succeeded, v130),
                          attempt(10 * kHour, InstallOutcome::Succeeded, v130),
                          attempt(2 * kHour, InstallOutcome::Succeeded, v130)};
            d.history << change(110 * 60, v120, v130) << change(100 * 60, v130, v120);
            QTest::newRow("several: fell back, loop and flapping, ordered by kind")
                << d << defaults
                << QStringList{QStringLiteral("fell_back:1.3.0"),
                               QStringLiteral("update_loop:1.3.0"),
                               QStringLiteral("flapping:1.2.0 <-> 1.3.0")};
        }
        {
            DeviceVersionState d = device(QString());
            d.attempts = {attempt(1 * kHour, InstallOutcome::Failed, v130),
                          attempt(2 * kHour, InstallOutcome::Failed, v130),
                          attempt(3 * kHour, InstallOutcome::Failed, v130),
                          attempt(4 * kHour, InstallOutcome::Failed, QStringLiteral("1.2.1")),
                          attempt(5 * kHour, InstallOutcome::Failed, QStringLiteral("1.2.1")),
                          attempt(6 * kHour, InstallOutcome::Failed, QStringLiteral("1.2.1"))};
            QTest::newRow("several: unknown version and two loops, targets in order")
                << d << defaults
                << QStringList{QStringLiteral("unknown_version:"),
                               QStringLiteral("update_loop:1.2.1"),
                               QStringLiteral("update_loop:1.3.0")};
        }
    }
    void inspect()
    {
        QFETCH(DeviceVersionState, state);
        QFETCH(DriftSettings, settings);
        QFETCH(QStringList, expected);
        QVERIFY(settings.validate().ok());
        const DriftDetector detector(settings);
        const QList<DriftFinding> findings = detector.inspect(state, kNow);
        QCOMPARE(describe(findings), expected);

        for (const DriftFinding &f : findings) {
            QVERIFY2(f.sentence.contains(state.deviceId), qPrintable(f.sentence));
            // An unreadable version cannot be accepted; everything else offers both ways out.
            const QList<DriftAction> actions =
                f.kind == DriftKind::UnknownVersion
                    ? QList<DriftAction>{DriftAction::Retarget}
                    : QList<DriftAction>{DriftAction::AcceptReported, DriftAction::Retarget};
            QCOMPARE(f.actions, actions);
        }

        // Deterministic: the order of the input lists does not change the findings.
        DeviceVersionState reversed = state;
        std::reverse(reversed.history.begin(), reversed.history.end());
        std::reverse(reversed.attempts.begin(), reversed.attempts.end());
        QCOMPARE(detector.inspect(reversed, kNow), findings);
    }

    void sentences()
    {
        DeviceVersionState d = device(v120);
        d.history = {change(10 * kDay, QStringLiteral("1.1.0"), v120)};
        d.attempts = {attempt(2 * kHour, InstallOutcome::Succeeded, v130)};
        const QList<DriftFinding> findings = DriftDetector().inspect(d, kNow);
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings.first().sentence,
                 QStringLiteral("Device pump-07 runs 1.2.0 again although the install of 1.3.0 "
                                "reported success at 2026-11-24T10:00:00Z: it fell back to its "
                                "previous version (boot-slot fallback or rollback)."));
        QCOMPARE(fleet::driftActionDisplayName(DriftAction::AcceptReported),
                 QStringLiteral("accept the reported version"));
        QCOMPARE(fleet::driftActionDisplayName(DriftAction::Retarget), QStringLiteral("re-target"));
    }

    void validateSettings_data()
    {
        QTest::addColumn<DriftSettings>("settings");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("defaults") << DriftSettings{} << QString();
        DriftSettings s;
        s.loopAttempts = 1;
        QTest::newRow("loop of 1") << s << QStringLiteral("at least 2 attempts");
        s = {};
        s.flapChanges = 1;
        QTest::newRow("flap of 1") << s << QStringLiteral("at least 2 version changes");
        s = {};
        s.flapWindowSecs = 0;
        QTest::newRow("empty window") << s << QStringLiteral("longer than zero");
        s = {};
        s.driftGraceSecs = -1;
        QTest::newRow("negative grace") << s << QStringLiteral("cannot be negative");
        s = {};
        s.driftGraceSecs = 0;
        QTest::newRow("zero grace") << s << QString();
    }
    void validateSettings()
    {
        QFETCH(DriftSettings, settings);
        QFETCH(QString, error);
        const fleet::Status status = settings.validate();
        QCOMPARE(status.ok(), error.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(status.message().contains(error), qPrintable(status.message()));
    }
};

QTEST_GUILESS_MAIN(TestDriftDetector)
#include "tst_driftdetector.moc"
