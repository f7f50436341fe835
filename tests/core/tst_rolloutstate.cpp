// RolloutStates (names, parse) and RolloutStateMachine: every (state, action) pair against a
// table written out here, then the guards a table cannot hold: four-eyes approval, the test
// gate, scheduled starts, who may act (a person or the engine) and the reasons the audit trail
// needs.

#include "rollout/RolloutStateMachine.h"

#include <QSet>
#include <QTest>

using fleet::RolloutAction;
using fleet::RolloutActionContext;
using fleet::RolloutState;
using fleet::RolloutStateMachine;
using fleet::RolloutStates;

Q_DECLARE_METATYPE(RolloutState)
Q_DECLARE_METATYPE(RolloutAction)

namespace {

using S = RolloutState;
using A = RolloutAction;

// "from/action" -> "to", written independently of RolloutStateMachine::table(). Actions the
// engine takes on its own are tried as the engine, the others as an operator.
const QMap<QString, QString> &expected()
{
    static const QMap<QString, QString> rows = {
        {QStringLiteral("draft/submit"), QStringLiteral("waiting_for_approval")},
        {QStringLiteral("draft/cancel"), QStringLiteral("stopped")},
        {QStringLiteral("waiting_for_approval/approve"), QStringLiteral("ready")},
        {QStringLiteral("waiting_for_approval/deny"), QStringLiteral("draft")},
        {QStringLiteral("waiting_for_approval/cancel"), QStringLiteral("stopped")},
        {QStringLiteral("ready/start"), QStringLiteral("running")},
        {QStringLiteral("ready/cancel"), QStringLiteral("stopped")},
        {QStringLiteral("scheduled/begin_scheduled"), QStringLiteral("running")},
        {QStringLiteral("scheduled/start"), QStringLiteral("running")},
        {QStringLiteral("scheduled/cancel"), QStringLiteral("stopped")},
        {QStringLiteral("running/pause"), QStringLiteral("paused")},
        {QStringLiteral("running/cancel"), QStringLiteral("stopping")},
        {QStringLiteral("running/force_next_wave"), QStringLiteral("running")},
        {QStringLiteral("running/finish"), QStringLiteral("finished")},
        {QStringLiteral("paused/resume"), QStringLiteral("running")},
        {QStringLiteral("paused/cancel"), QStringLiteral("stopping")},
        {QStringLiteral("stopping/stop_completed"), QStringLiteral("stopped")},
    };
    return rows;
}

bool engineAction(A action)
{
    return action == A::BeginScheduled || action == A::Finish || action == A::StopCompleted;
}

// A context that passes every guard, so only the table decides.
RolloutActionContext passing(A action)
{
    RolloutActionContext c;
    c.automatic = engineAction(action);
    c.actor = c.automatic ? QString() : QStringLiteral("bea");
    c.creator = QStringLiteral("anna");
    c.reason = QStringLiteral("night shift, line 3 idle");
    c.approvalRequired = true;
    c.testGatePassed = true;
    c.nowMs = 1'000'000;
    return c;
}

} // namespace

class TestRolloutState : public QObject
{
    Q_OBJECT

private slots:
    void names_data()
    {
        QTest::addColumn<RolloutState>("state");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("terminal");
        QTest::newRow("draft") << S::Draft << "draft" << false;
        QTest::newRow("waiting") << S::WaitingForApproval << "waiting_for_approval" << false;
        QTest::newRow("ready") << S::Ready << "ready" << false;
        QTest::newRow("scheduled") << S::Scheduled << "scheduled" << false;
        QTest::newRow("running") << S::Running << "running" << false;
        QTest::newRow("paused") << S::Paused << "paused" << false;
        QTest::newRow("stopping") << S::Stopping << "stopping" << false;
        QTest::newRow("stopped") << S::Stopped << "stopped" << true;
        QTest::newRow("finished") << S::Finished << "finished" << true;
    }
    void names()
    {
        QFETCH(RolloutState, state);
        QFETCH(QString, name);
        QFETCH(bool, terminal);
        QCOMPARE(RolloutStates::name(state), name);
        QCOMPARE(RolloutStates::isTerminal(state), terminal);
        const auto parsed = RolloutStates::parse(name.toUpper());
        QVERIFY(parsed.ok());
        QVERIFY(*parsed == state);
    }

    void parseRefusesUnknown()
    {
        const auto state = RolloutStates::parse(QStringLiteral("aborted"));
        QVERIFY(!state.ok());
        QVERIFY2(state.message().contains(QLatin1String("not a rollout state")),
                 qUtf8Printable(state.message()));
        const auto action = RolloutStates::parseAction(QStringLiteral("rewind"));
        QVERIFY(!action.ok());
        QVERIFY(action.message().contains(QLatin1String("force_next_wave")));
        const auto dashed = RolloutStates::parseAction(QStringLiteral("force-next-wave"));
        QVERIFY(dashed.ok() && *dashed == A::ForceNextWave);
    }

    // All 9 × 11 (state, action) pairs.
    void table_data()
    {
        QTest::addColumn<RolloutState>("from");
        QTest::addColumn<RolloutAction>("action");
        QTest::addColumn<QString>("to"); // "" = refused
        QCOMPARE(RolloutStates::all().size(), 9);
        QCOMPARE(RolloutStates::allActions().size(), 11);
        for (S from : RolloutStates::all()) {
            for (A action : RolloutStates::allActions()) {
                const QString key = RolloutStates::name(from) + QLatin1Char('/') +
                                    RolloutStates::actionName(action);
                QTest::newRow(qPrintable(key)) << from << action << expected().value(key);
            }
        }
    }
    void table()
    {
        QFETCH(RolloutState, from);
        QFETCH(RolloutAction, action);
        QFETCH(QString, to);
        const auto change = RolloutStateMachine::apply(from, action, passing(action));
        if (to.isEmpty()) {
            QVERIFY(!change.ok());
            QVERIFY2(change.message().startsWith(QLatin1String("Cannot ")),
                     qUtf8Printable(change.message()));
            QVERIFY2(change.message().size() > 40, qUtf8Printable(change.message()));
            return;
        }
        QVERIFY2(change.ok(), qUtf8Printable(change.message()));
        QCOMPARE(RolloutStates::name(change->to), to);
        QVERIFY(change->from == from);
        QVERIFY(change->action == action);
        QCOMPARE(change->atMs, qint64(1'000'000));
        QCOMPARE(change->actor,
                 engineAction(action) ? QStringLiteral("engine") : QStringLiteral("bea"));
    }

    void tableHasNoDuplicates()
    {
        QSet<QString> keys;
        for (const auto &row : RolloutStateMachine::table())
            keys << RolloutStates::name(row.from) + QLatin1Char('/') +
                        RolloutStates::actionName(row.action);
        QCOMPARE(keys.size(), RolloutStateMachine::table().size());
        QCOMPARE(keys.size(), expected().size());
    }

    // Guards: each row changes one thing in a passing context.
    void guards_data()
    {
        QTest::addColumn<RolloutState>("from");
        QTest::addColumn<RolloutAction>("action");
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("to");    // when accepted
        QTest::addColumn<QString>("error"); // when refused

        QTest::newRow("submit without approval goes to ready")
            << S::Draft << A::Submit << "no-approval"
            << "ready"
            << "";
        QTest::newRow("creator approves own rollout")
            << S::WaitingForApproval << A::Approve << "actor=anna"
            << ""
            << "second operator";
        QTest::newRow("creator approves, other case and blanks")
            << S::WaitingForApproval << A::Approve << "padded-creator-name"
            << ""
            << "second operator";
        QTest::newRow("approval with no creator recorded")
            << S::WaitingForApproval << A::Approve << "creator="
            << ""
            << "creator is not recorded";
        QTest::newRow("engine cannot approve") << S::WaitingForApproval << A::Approve << "automatic"
                                               << ""
                                               << "only a person";
        QTest::newRow("approve without a name") << S::WaitingForApproval << A::Approve << "actor="
                                                << ""
                                                << "name is missing";
        QTest::newRow("approve needs no reason") << S::WaitingForApproval << A::Approve << "reason="
                                                 << "ready"
                                                 << "";
        QTest::newRow("deny needs a reason") << S::WaitingForApproval << A::Deny << "reason="
                                             << ""
                                             << "give a reason";
        QTest::newRow("start without test gate") << S::Ready << A::Start << "no-gate"
                                                 << ""
                                                 << "no signed pass record";
        QTest::newRow("start with a future start time schedules")
            << S::Ready << A::Start << "start-later"
            << "scheduled"
            << "";
        QTest::newRow("start with a past start time runs")
            << S::Ready << A::Start << "start-earlier"
            << "running"
            << "";
        QTest::newRow("begin before the start time")
            << S::Scheduled << A::BeginScheduled << "start-later"
            << ""
            << "has not come yet";
        QTest::newRow("begin at the start time") << S::Scheduled << A::BeginScheduled << "start-now"
                                                 << "running"
                                                 << "";
        QTest::newRow("operator cannot mark finished") << S::Running << A::Finish << "operator"
                                                       << ""
                                                       << "the engine does that itself";
        QTest::newRow("gate pauses with its figures") << S::Running << A::Pause << "automatic"
                                                      << "paused"
                                                      << "";
        QTest::newRow("gate pause without figures") << S::Running << A::Pause << "automatic reason="
                                                    << ""
                                                    << "figures";
        QTest::newRow("gate aborts") << S::Running << A::Cancel << "automatic"
                                     << "stopping"
                                     << "";
        QTest::newRow("engine cannot resume") << S::Paused << A::Resume << "automatic"
                                              << ""
                                              << "only a person";
        QTest::newRow("resume needs a reason") << S::Paused << A::Resume << "reason="
                                               << ""
                                               << "give a reason";
        QTest::newRow("force next wave while paused") << S::Paused << A::ForceNextWave << ""
                                                      << ""
                                                      << "resume it before";
        QTest::newRow("start while paused") << S::Paused << A::Start << ""
                                            << ""
                                            << "resume it instead";
        QTest::newRow("anything after the end") << S::Finished << A::Resume << ""
                                                << ""
                                                << "create a new rollout";
        QTest::newRow("pause a draft") << S::Draft << A::Pause << ""
                                       << ""
                                       << "only possible when it is running";
    }
    void guards()
    {
        QFETCH(RolloutState, from);
        QFETCH(RolloutAction, action);
        QFETCH(QString, change);
        QFETCH(QString, to);
        QFETCH(QString, error);
        RolloutActionContext c = passing(action);
        for (const QString &word : change.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const QString value = word.section(QLatin1Char('='), 1);
            if (word == QLatin1String("padded-creator-name"))
                c.actor = QStringLiteral(" ANNA ");
            else if (word == QLatin1String("no-approval"))
                c.approvalRequired = false;
            else if (word == QLatin1String("no-gate"))
                c.testGatePassed = false;
            else if (word == QLatin1String("automatic")) {
                c.automatic = true;
                c.actor.clear();
            } else if (word == QLatin1String("operator")) {
                c.automatic = false;
                c.actor = QStringLiteral("bea");
            } else if (word == QLatin1String("start-later"))
                c.startAtMs = c.nowMs + 1;
            else if (word == QLatin1String("start-earlier"))
                c.startAtMs = c.nowMs - 1;
            else if (word == QLatin1String("start-now"))
                c.startAtMs = c.nowMs;
            else if (word.startsWith(QLatin1String("actor=")))
                c.actor = value;
            else if (word.startsWith(QLatin1String("creator=")))
                c.creator = value;
            else if (word.startsWith(QLatin1String("reason=")))
                c.reason = value;
            else
                QFAIL(qPrintable(QStringLiteral("bad change: ") + word));
        }
        const auto result = RolloutStateMachine::apply(from, action, c);
        if (error.isEmpty()) {
            QVERIFY2(result.ok(), qUtf8Printable(result.message()));
            QCOMPARE(RolloutStates::name(result->to), to);
        } else {
            QVERIFY(!result.ok());
            QVERIFY2(result.message().contains(error), qUtf8Printable(result.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestRolloutState)
#include "tst_rolloutstate.moc"
