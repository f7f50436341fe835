// RetryBudget: retries counted per kind of failure and in all, rejected never retried, and the
// sentences an operator sees when "retry" is refused.

#include "rollout/RetryBudget.h"

#include <QTest>

using fleet::FailureKind;
using fleet::RetryBudget;
using fleet::RetryLimits;

Q_DECLARE_METATYPE(FailureKind)
Q_DECLARE_METATYPE(RetryLimits)

class TestRetryBudget : public QObject
{
    Q_OBJECT

private slots:
    // Spend retries of `kind` until refused: exactly `allowed` succeed, then the refusal says
    // `mentions`.
    void spendUntilRefused_data()
    {
        QTest::addColumn<FailureKind>("kind");
        QTest::addColumn<int>("allowed");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("download: 3 by default")
            << FailureKind::Download << 3 << "used the 3 retries allowed after a download failure";
        QTest::newRow("install: 1 by default")
            << FailureKind::Install << 1 << "used the 1 retry allowed after an install failure";
        QTest::newRow("validation: none by default")
            << FailureKind::Validation << 0 << "allows no retry after a validation failure";
        QTest::newRow("timeout: 2 by default")
            << FailureKind::Timeout << 2 << "after a timeout failure";
        QTest::newRow("rejected: never") << FailureKind::Rejected << 0 << "never retried";
    }
    void spendUntilRefused()
    {
        QFETCH(FailureKind, kind);
        QFETCH(int, allowed);
        QFETCH(QString, mentions);
        RetryBudget budget;
        for (int i = 0; i < allowed; ++i) {
            QCOMPARE(budget.remaining(kind), allowed - i);
            QVERIFY(budget.allowsRetry(kind).ok());
            QVERIFY(budget.spend(kind).ok());
        }
        QCOMPARE(budget.used(kind), allowed);
        QCOMPARE(budget.remaining(kind), 0);
        const fleet::Status refused = budget.spend(kind);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.message().contains(mentions), qUtf8Printable(refused.message()));
        QCOMPARE(budget.used(kind), allowed); // a refused spend spends nothing
        QCOMPARE(budget.usedTotal(), allowed);
    }

    void kindsAreCountedApart()
    {
        RetryBudget budget;
        QVERIFY(budget.spend(FailureKind::Install).ok());
        QVERIFY(!budget.allowsRetry(FailureKind::Install).ok());
        QVERIFY(budget.allowsRetry(FailureKind::Download).ok());
        QVERIFY(budget.spend(FailureKind::Timeout).ok());
        QCOMPARE(budget.used(FailureKind::Download), 0);
        QCOMPARE(budget.usedTotal(), 2);
    }

    void totalCapsEveryKind()
    {
        RetryLimits limits;
        limits.download = 5;
        limits.timeout = 5;
        limits.total = 3;
        RetryBudget budget(limits);
        QVERIFY(budget.spend(FailureKind::Download).ok());
        QVERIFY(budget.spend(FailureKind::Download).ok());
        QCOMPARE(budget.remaining(FailureKind::Timeout), 1);
        QVERIFY(budget.spend(FailureKind::Timeout).ok());
        const fleet::Status refused = budget.spend(FailureKind::Download);
        QVERIFY(!refused.ok());
        QVERIFY2(
            refused.message().contains(QLatin1String("the 3 retries this rollout allows in all")),
            qUtf8Printable(refused.message()));
        QCOMPARE(budget.remaining(FailureKind::Download), 0);
    }

    void limitsValidate_data()
    {
        QTest::addColumn<RetryLimits>("limits");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("defaults") << RetryLimits{} << "";
        QTest::newRow("all zero") << RetryLimits{0, 0, 0, 0, 0} << "";
        QTest::newRow("AWS maximum") << RetryLimits{10, 10, 10, 10, 10} << "";
        QTest::newRow("negative download")
            << RetryLimits{-1, 1, 0, 2, 10} << "download retry limit must be 0..10, not -1";
        QTest::newRow("total over 10") << RetryLimits{3, 1, 0, 2, 11} << "total retry limit";
    }
    void limitsValidate()
    {
        QFETCH(RetryLimits, limits);
        QFETCH(QString, error);
        const fleet::Status s = limits.validate();
        QCOMPARE(s.ok(), error.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(s.message().contains(error), qUtf8Printable(s.message()));
    }

    void restoreKeepsCounts()
    {
        auto budget = RetryBudget::restore(RetryLimits{}, {2, 1, 0, 0});
        QVERIFY(budget.ok());
        QCOMPARE(budget->used(FailureKind::Download), 2);
        QCOMPARE(budget->remaining(FailureKind::Download), 1);
        QVERIFY(!budget->allowsRetry(FailureKind::Install).ok());
        QVERIFY(!RetryBudget::restore(RetryLimits{}, {0, -1, 0, 0}).ok());
    }

    void kindNames_data()
    {
        QTest::addColumn<FailureKind>("kind");
        QTest::addColumn<QString>("name");
        QTest::newRow("download") << FailureKind::Download << "download";
        QTest::newRow("install") << FailureKind::Install << "install";
        QTest::newRow("validation") << FailureKind::Validation << "validation";
        QTest::newRow("timeout") << FailureKind::Timeout << "timeout";
        QTest::newRow("rejected") << FailureKind::Rejected << "rejected";
    }
    void kindNames()
    {
        QFETCH(FailureKind, kind);
        QFETCH(QString, name);
        QCOMPARE(RetryBudget::kindName(kind), name);
        const auto parsed = RetryBudget::parseKind(name.toUpper());
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, kind);
    }

    void parseKindRefusesUnknown()
    {
        const auto parsed = RetryBudget::parseKind(QStringLiteral("reboot"));
        QVERIFY(!parsed.ok());
        QVERIFY(parsed.message().contains(QLatin1String("not a kind of failure")));
    }
};

QTEST_GUILESS_MAIN(TestRetryBudget)
#include "tst_retrybudget.moc"
