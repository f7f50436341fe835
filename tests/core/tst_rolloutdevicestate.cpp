// RolloutDeviceStates (names, parse, classification, WaveCounts mapping) and the per-device
// transition table, checked over every (from, to) pair against a list written out here
// independently of the table in RolloutDeviceTransitionTable.cpp.

#include "rollout/RolloutDeviceState.h"
#include "rollout/RolloutDeviceTransitionTable.h"

#include <QSet>
#include <QTest>

using fleet::RolloutDeviceState;
using fleet::RolloutDeviceStates;
using fleet::RolloutDeviceTransitionTable;
using fleet::WaveCounts;

Q_DECLARE_METATYPE(RolloutDeviceState)

namespace {

using S = RolloutDeviceState;

// The allowed moves, spelled out as "from>to" so a mistake in the table cannot hide in a
// shared helper.
const QSet<QString> &expectedAllowed()
{
    static const QSet<QString> allowed = [] {
        QSet<QString> a;
        const QStringList progress = {QStringLiteral("notified"),   QStringLiteral("downloading"),
                                      QStringLiteral("downloaded"), QStringLiteral("verified"),
                                      QStringLiteral("installing"), QStringLiteral("rebooting"),
                                      QStringLiteral("validating")};
        a << QStringLiteral("queued>notified") << QStringLiteral("queued>cancelled")
          << QStringLiteral("queued>removed");
        for (int i = 0; i < progress.size(); ++i) {
            for (int j = i + 1; j < progress.size(); ++j)
                a << progress[i] + QLatin1Char('>') + progress[j];
            for (const char *end : {"failed", "rejected", "timed_out", "cancelled", "removed"})
                a << progress[i] + QLatin1Char('>') + QLatin1String(end);
        }
        a << QStringLiteral("validating>succeeded");
        for (const char *from :
             {"installing", "rebooting", "validating", "succeeded", "failed", "timed_out"})
            a << QLatin1String(from) + QStringLiteral(">rolled_back");
        a << QStringLiteral("failed>queued") << QStringLiteral("timed_out>queued");
        return a;
    }();
    return allowed;
}

} // namespace

class TestRolloutDeviceState : public QObject
{
    Q_OBJECT

private slots:
    void names_data()
    {
        QTest::addColumn<RolloutDeviceState>("state");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("display");
        QTest::newRow("queued") << S::Queued << "queued"
                                << "queued";
        QTest::newRow("notified") << S::Notified << "notified"
                                  << "notified";
        QTest::newRow("downloading") << S::Downloading << "downloading"
                                     << "downloading";
        QTest::newRow("downloaded") << S::Downloaded << "downloaded"
                                    << "downloaded";
        QTest::newRow("verified") << S::Verified << "verified"
                                  << "verified";
        QTest::newRow("installing") << S::Installing << "installing"
                                    << "installing";
        QTest::newRow("rebooting") << S::Rebooting << "rebooting"
                                   << "rebooting";
        QTest::newRow("validating") << S::Validating << "validating"
                                    << "validating";
        QTest::newRow("succeeded") << S::Succeeded << "succeeded"
                                   << "succeeded";
        QTest::newRow("failed") << S::Failed << "failed"
                                << "failed";
        QTest::newRow("rejected") << S::Rejected << "rejected"
                                  << "rejected";
        QTest::newRow("timed_out") << S::TimedOut << "timed_out"
                                   << "timed out";
        QTest::newRow("cancelled") << S::Cancelled << "cancelled"
                                   << "cancelled";
        QTest::newRow("removed") << S::Removed << "removed"
                                 << "removed";
        QTest::newRow("rolled_back") << S::RolledBack << "rolled_back"
                                     << "rolled back";
    }
    void names()
    {
        QFETCH(RolloutDeviceState, state);
        QFETCH(QString, name);
        QFETCH(QString, display);
        QCOMPARE(RolloutDeviceStates::name(state), name);
        QCOMPARE(RolloutDeviceStates::displayName(state), display);
        const auto parsed = RolloutDeviceStates::parse(QStringLiteral(" %1 ").arg(name.toUpper()));
        QVERIFY2(parsed.ok(), qUtf8Printable(parsed.message()));
        QCOMPARE(*parsed, state);
    }

    void allListsEveryStateOnce()
    {
        const QList<RolloutDeviceState> all = RolloutDeviceStates::all();
        QCOMPARE(all.size(), 15);
        QSet<QString> names;
        for (RolloutDeviceState s : all)
            names << RolloutDeviceStates::name(s);
        QCOMPARE(names.size(), 15);
    }

    void parseRefusesUnknown_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << "";
        QTest::newRow("job state, not a rollout state") << "verifying";
        QTest::newRow("with a space") << "timed out";
    }
    void parseRefusesUnknown()
    {
        QFETCH(QString, name);
        const auto parsed = RolloutDeviceStates::parse(name);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.message().contains(QLatin1String("not a device state")),
                 qUtf8Printable(parsed.message()));
        QVERIFY(parsed.message().contains(QLatin1String("rolled_back")));
    }

    // terminal, in progress, retryable, started installing, and the WaveCounts field it adds to
    void classification_data()
    {
        QTest::addColumn<RolloutDeviceState>("state");
        QTest::addColumn<bool>("terminal");
        QTest::addColumn<bool>("inProgress");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<bool>("installing");
        QTest::addColumn<QString>("counter");
        QTest::newRow("queued") << S::Queued << false << false << false << false << "pending";
        QTest::newRow("notified") << S::Notified << false << true << false << false << "inProgress";
        QTest::newRow("downloading")
            << S::Downloading << false << true << false << false << "inProgress";
        QTest::newRow("downloaded")
            << S::Downloaded << false << true << false << false << "inProgress";
        QTest::newRow("verified") << S::Verified << false << true << false << false << "inProgress";
        QTest::newRow("installing")
            << S::Installing << false << true << false << true << "inProgress";
        QTest::newRow("rebooting")
            << S::Rebooting << false << true << false << true << "inProgress";
        QTest::newRow("validating")
            << S::Validating << false << true << false << true << "inProgress";
        QTest::newRow("succeeded")
            << S::Succeeded << true << false << false << false << "succeeded";
        QTest::newRow("failed") << S::Failed << true << false << true << false << "failed";
        QTest::newRow("rejected") << S::Rejected << true << false << false << false << "rejected";
        QTest::newRow("timed_out") << S::TimedOut << true << false << true << false << "timedOut";
        QTest::newRow("cancelled")
            << S::Cancelled << true << false << false << false << "cancelled";
        QTest::newRow("removed") << S::Removed << true << false << false << false << "removed";
        QTest::newRow("rolled_back")
            << S::RolledBack << true << false << false << false << "rolledBack";
    }
    void classification()
    {
        QFETCH(RolloutDeviceState, state);
        QFETCH(bool, terminal);
        QFETCH(bool, inProgress);
        QFETCH(bool, retryable);
        QFETCH(bool, installing);
        QFETCH(QString, counter);
        QCOMPARE(RolloutDeviceStates::isTerminal(state), terminal);
        QCOMPARE(RolloutDeviceStates::isInProgress(state), inProgress);
        QCOMPARE(RolloutDeviceStates::isRetryable(state), retryable);
        QCOMPARE(RolloutDeviceStates::hasStartedInstalling(state), installing);

        WaveCounts c;
        RolloutDeviceStates::addTo(c, state);
        QCOMPARE(c.total(), qint64(1));
        const QMap<QString, qint64> fields = {{QStringLiteral("pending"), c.pending},
                                              {QStringLiteral("inProgress"), c.inProgress},
                                              {QStringLiteral("succeeded"), c.succeeded},
                                              {QStringLiteral("failed"), c.failed},
                                              {QStringLiteral("rejected"), c.rejected},
                                              {QStringLiteral("timedOut"), c.timedOut},
                                              {QStringLiteral("rolledBack"), c.rolledBack},
                                              {QStringLiteral("cancelled"), c.cancelled},
                                              {QStringLiteral("removed"), c.removed}};
        for (auto it = fields.begin(); it != fields.end(); ++it)
            QCOMPARE(it.value(), qint64(it.key() == counter ? 1 : 0));
    }

    void countAWave()
    {
        const WaveCounts c = RolloutDeviceStates::count({S::Queued, S::Queued, S::Installing,
                                                         S::Succeeded, S::Succeeded, S::Succeeded,
                                                         S::Failed, S::RolledBack, S::Cancelled});
        QCOMPARE(c.total(), qint64(9));
        QCOMPARE(c.pending, qint64(2));
        QCOMPARE(c.inProgress, qint64(1));
        QCOMPARE(c.succeeded, qint64(3));
        QCOMPARE(c.failures(), qint64(2));
        QCOMPARE(c.counted(), qint64(8));
    }

    // Every one of the 15 × 15 pairs: allowed exactly when the list above says so; a refusal
    // is a sentence that names both states.
    void transitionTable_data()
    {
        QTest::addColumn<RolloutDeviceState>("from");
        QTest::addColumn<RolloutDeviceState>("to");
        QTest::addColumn<bool>("allowed");
        for (S from : RolloutDeviceStates::all()) {
            for (S to : RolloutDeviceStates::all()) {
                const QString key = RolloutDeviceStates::name(from) + QLatin1Char('>') +
                                    RolloutDeviceStates::name(to);
                QTest::newRow(qPrintable(key)) << from << to << expectedAllowed().contains(key);
            }
        }
    }
    void transitionTable()
    {
        QFETCH(RolloutDeviceState, from);
        QFETCH(RolloutDeviceState, to);
        QFETCH(bool, allowed);
        QCOMPARE(RolloutDeviceTransitionTable::allows(from, to), allowed);
        const fleet::Status s = RolloutDeviceTransitionTable::check(from, to);
        QCOMPARE(s.ok(), allowed);
        if (!allowed) {
            QVERIFY(s.message().startsWith(QStringLiteral("A device that is %1 cannot become %2: ")
                                               .arg(RolloutDeviceStates::displayName(from),
                                                    RolloutDeviceStates::displayName(to))));
            QVERIFY2(s.message().size() > 60, qUtf8Printable(s.message()));
            QVERIFY(s.message().endsWith(QLatin1Char('.')));
        }
    }

    void allowedListMatchesTable()
    {
        QSet<QString> fromTable;
        for (const auto &[from, to] : RolloutDeviceTransitionTable::allowed())
            fromTable << RolloutDeviceStates::name(from) + QLatin1Char('>') +
                             RolloutDeviceStates::name(to);
        QCOMPARE(fromTable.size(), expectedAllowed().size());
        QVERIFY(fromTable == expectedAllowed());
    }

    // The sentence explains the particular reason, not just "not allowed".
    void refusalReasons_data()
    {
        QTest::addColumn<RolloutDeviceState>("from");
        QTest::addColumn<RolloutDeviceState>("to");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("stale report") << S::Rebooting << S::Downloading << "out of order";
        QTest::newRow("success needs validation")
            << S::Rebooting << S::Succeeded << "post-update validation";
        QTest::newRow("rejected is final") << S::Rejected << S::Queued << "never retried";
        QTest::newRow("rolled back stays out")
            << S::RolledBack << S::Queued << "kept out of the rest of this rollout";
        QTest::newRow("nothing to roll back")
            << S::Downloaded << S::RolledBack << "nothing to roll back";
        QTest::newRow("not sent yet") << S::Queued << S::Installing << "not been sent";
        QTest::newRow("failed needs retry") << S::Failed << S::Installing << "retried";
        QTest::newRow("requeue only after failure") << S::Installing << S::Queued << "retry";
        QTest::newRow("same state") << S::Validating << S::Validating << "already";
    }
    void refusalReasons()
    {
        QFETCH(RolloutDeviceState, from);
        QFETCH(RolloutDeviceState, to);
        QFETCH(QString, mentions);
        const fleet::Status s = RolloutDeviceTransitionTable::check(from, to);
        QVERIFY(!s.ok());
        QVERIFY2(s.message().contains(mentions), qUtf8Printable(s.message()));
    }
};

QTEST_GUILESS_MAIN(TestRolloutDeviceState)
#include "tst_rolloutdevicestate.moc"
