#include "ddi/DdiFeedback.h"

#include <QTest>

using namespace fleet;
using Execution = DdiFeedback::Execution;
using Finished = DdiFeedback::Finished;

Q_DECLARE_METATYPE(fleet::DdiFeedback::Execution)
Q_DECLARE_METATYPE(fleet::DdiFeedback::Finished)

class TestDdiFeedback : public QObject
{
    Q_OBJECT

private slots:
    void parsesSwupdateBodies_data();
    void parsesSwupdateBodies();
    void parsesObservedBodies_data();
    void parsesObservedBodies();
    void everyExecutionValue_data();
    void everyExecutionValue();
    void rejectsBadBody_data();
    void rejectsBadBody();
    void countsUnknownFields();
    void boundsDetails();
};

namespace {

QByteArray swupdateBody(const char *execution, const char *finished, const char *details,
                        int cnt = 0, int of = 1)
{
    return QByteArrayLiteral("{\"id\":\"42\",\"time\":\"20261124T142536\",\"status\":{"
                             "\"execution\":\"") +
           execution + "\",\"result\":{\"finished\":\"" + finished +
           "\",\"progress\":{\"cnt\":" + QByteArray::number(cnt) +
           ",\"of\":" + QByteArray::number(of) + "}},\"details\":[" + details + "]}}";
}

} // namespace

void TestDdiFeedback::parsesSwupdateBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Execution>("execution");
    QTest::addColumn<Finished>("finished");
    QTest::addColumn<QStringList>("details");
    QTest::addColumn<bool>("endsAction");

    // The sequence SWUpdate 2022.12 sent in the reference's observation.
    QTest::newRow("installing") << swupdateBody("proceeding", "none",
                                                "\"Installing Update Chunk Artifacts.\"")
                                << Execution::Proceeding << Finished::None
                                << QStringList{QStringLiteral("Installing Update Chunk Artifacts.")}
                                << false;
    QTest::newRow("log lines")
        << swupdateBody("proceeding", "none",
                        "\"[network_initializer] : Main loop daemon\",\"Installation in progress\"")
        << Execution::Proceeding << Finished::None
        << QStringList{QStringLiteral("[network_initializer] : Main loop daemon"),
                       QStringLiteral("Installation in progress")}
        << false;
    QTest::newRow("all chunks installed")
        << swupdateBody("proceeding", "none", "\"All Chunks Installed.\"", 1, 1)
        << Execution::Proceeding << Finished::None
        << QStringList{QStringLiteral("All Chunks Installed.")} << false;
    QTest::newRow("closed success")
        << swupdateBody("closed", "success", "\"Update successful\"", 1, 1) << Execution::Closed
        << Finished::Success << QStringList{QStringLiteral("Update successful")} << true;
    QTest::newRow("closed failure")
        << swupdateBody("closed", "failure", "\"No suitable .swu image found\"")
        << Execution::Closed << Finished::Failure
        << QStringList{QStringLiteral("No suitable .swu image found")} << true;
    QTest::newRow("cancel confirmed")
        << swupdateBody("canceled", "success", "") << Execution::Canceled << Finished::Success
        << QStringList{} << true;
}

void TestDdiFeedback::parsesObservedBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Execution>("execution");
    QTest::addColumn<Finished>("finished");
    QTest::addColumn<qint64>("cnt");
    QTest::addColumn<qint64>("of");
    // Byte for byte what SWUpdate 2022.12 sent to a test server (docs/swupdate-observed.md):
    // a numeric id, a time without zone, cnt above of with log lines, closed+success to cancel.
    QTest::newRow("installing")
        << QByteArray(R"({"id": 7, "time": "20261124T222415", "status": {"result": {"progress": )"
                      R"({"cnt": 0, "of": 1}, "finished": "none"}, "execution": "proceeding", )"
                      R"("details": ["Installing Update Chunk Artifacts."]}})")
        << Execution::Proceeding << Finished::None << qint64(0) << qint64(1);
    QTest::newRow("log lines, cnt above of")
        << QByteArray(R"({"id": 7, "time": "20261124T222416", "status": {"result": {"progress": )"
                      R"({"cnt": 1, "of": 0}, "finished": "none"}, "execution": "proceeding", )"
                      R"("details": ["Channel s effective URL", "Installed Chunk."]}})")
        << Execution::Proceeding << Finished::None << qint64(1) << qint64(0);
    QTest::newRow("update installed")
        << QByteArray(R"({"id": 7, "time": "20261124T222433", "status": {"result": {"progress": )"
                      R"({"cnt": 0, "of": 0}, "finished": "success"}, "execution": "closed", )"
                      R"("details": ["Update Installed."]}})")
        << Execution::Closed << Finished::Success << qint64(0) << qint64(0);
    QTest::newRow("cancellation acknowledged")
        << QByteArray(R"({"id": 7, "time": "20261124T222509", "status": {"result": )"
                      R"({"finished": "success"}, "execution": "closed", "details": )"
                      R"(["cancellation acknowledged."]}})")
        << Execution::Closed << Finished::Success << qint64(0) << qint64(0);
}

void TestDdiFeedback::parsesObservedBodies()
{
    QFETCH(QByteArray, body);
    const auto feedback = DdiFeedback::parse(body);
    QVERIFY2(feedback.ok(), qPrintable(feedback.message()));
    QTEST(feedback->execution, "execution");
    QTEST(feedback->finished, "finished");
    QTEST(feedback->progressCount, "cnt");
    QTEST(feedback->progressOf, "of");
    QCOMPARE(feedback->actionId, 7);
    QCOMPARE(feedback->unknownFieldCount, 0);
}

void TestDdiFeedback::parsesSwupdateBodies()
{
    QFETCH(QByteArray, body);
    const auto feedback = DdiFeedback::parse(body);
    QVERIFY2(feedback.ok(), qPrintable(feedback.message()));
    QTEST(feedback->execution, "execution");
    QTEST(feedback->finished, "finished");
    QTEST(feedback->details, "details");
    QTEST(feedback->endsAction(), "endsAction");
    QCOMPARE(feedback->actionId, 42);
    QCOMPARE(feedback->time, QDateTime(QDate(2026, 11, 24), QTime(14, 25, 36), Qt::UTC));
    QVERIFY(feedback->hasProgress);
    QCOMPARE(feedback->unknownFieldCount, 0);
}

void TestDdiFeedback::everyExecutionValue_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<Execution>("execution");
    QTest::newRow("proceeding") << QStringLiteral("proceeding") << Execution::Proceeding;
    QTest::newRow("scheduled") << QStringLiteral("scheduled") << Execution::Scheduled;
    QTest::newRow("rejected") << QStringLiteral("rejected") << Execution::Rejected;
    QTest::newRow("canceled") << QStringLiteral("canceled") << Execution::Canceled;
    QTest::newRow("closed") << QStringLiteral("closed") << Execution::Closed;
    QTest::newRow("resumed") << QStringLiteral("resumed") << Execution::Resumed;
    QTest::newRow("downloaded") << QStringLiteral("downloaded") << Execution::Downloaded;
    QTest::newRow("download") << QStringLiteral("download") << Execution::Download;
}

void TestDdiFeedback::everyExecutionValue()
{
    QFETCH(QString, name);
    QFETCH(Execution, execution);
    // The minimal body hawkBit accepts: no id, time, progress or details; id as a number.
    const QByteArray body = "{\"id\":7,\"status\":{\"execution\":\"" + name.toUtf8() +
                            "\",\"result\":{\"finished\":\"none\"}}}";
    const auto feedback = DdiFeedback::parse(body);
    QVERIFY2(feedback.ok(), qPrintable(feedback.message()));
    QCOMPARE(feedback->execution, execution);
    QCOMPARE(DdiFeedback::executionName(execution), name);
    QCOMPARE(feedback->actionId, 7);
    QVERIFY(!feedback->time.isValid());
    QVERIFY(!feedback->hasProgress);
}

void TestDdiFeedback::rejectsBadBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("not json") << QByteArray("{\"status\":") << QString();
    QTest::newRow("array") << QByteArray("[]") << QString();
    QTest::newRow("no status") << QByteArray("{\"id\":\"1\"}") << QStringLiteral("\"status\"");
    QTest::newRow("unknown execution")
        << QByteArray("{\"status\":{\"execution\":\"done\",\"result\":{\"finished\":\"none\"}}}")
        << QStringLiteral("\"status.execution\" is \"done\"");
    QTest::newRow("no result") << QByteArray("{\"status\":{\"execution\":\"closed\"}}")
                               << QStringLiteral("\"status.result\"");
    QTest::newRow("bad finished")
        << QByteArray("{\"status\":{\"execution\":\"closed\",\"result\":{\"finished\":\"ok\"}}}")
        << QStringLiteral("\"status.result.finished\"");
    QTest::newRow("negative cnt") << swupdateBody("proceeding", "none", "", -1, 2)
                                  << QStringLiteral("status.result.progress.cnt");
    QTest::newRow("progress without of")
        << QByteArray("{\"status\":{\"execution\":\"closed\",\"result\":{\"finished\":\"none\","
                      "\"progress\":{\"cnt\":1}}}}")
        << QStringLiteral("status.result.progress.of");
    QTest::newRow("detail not a string") << swupdateBody("proceeding", "none", "\"a\",5")
                                         << QStringLiteral("\"status.details[1]\" is a number");
    QTest::newRow("details not an array")
        << QByteArray("{\"status\":{\"execution\":\"closed\",\"result\":{\"finished\":\"none\"},"
                      "\"details\":\"x\"}}")
        << QStringLiteral("status.details");
    QTest::newRow("id not digits")
        << QByteArray("{\"id\":\"4x\",\"status\":{\"execution\":\"closed\",\"result\":{"
                      "\"finished\":\"none\"}}}")
        << QStringLiteral("\"id\"");
    QTest::newRow("id negative")
        << QByteArray("{\"id\":-4,\"status\":{\"execution\":\"closed\",\"result\":{"
                      "\"finished\":\"none\"}}}")
        << QStringLiteral("\"id\"");
    QTest::newRow("bad time")
        << QByteArray("{\"time\":\"2026-11-24\",\"status\":{\"execution\":\"closed\",\"result\":{"
                      "\"finished\":\"none\"}}}")
        << QStringLiteral("\"time\"");
    QTest::newRow("too large") << QByteArray(DdiFeedback::maxBodyBytes + 1, ' ') << QString();
}

void TestDdiFeedback::rejectsBadBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, messagePart);
    const auto feedback = DdiFeedback::parse(body);
    QVERIFY(!feedback.ok());
    QCOMPARE(feedback.error().kind, Error::Kind::Invalid);
    QVERIFY(feedback.message().startsWith(QStringLiteral("feedback: ")));
    QVERIFY2(feedback.message().contains(messagePart), qPrintable(feedback.message()));
}

void TestDdiFeedback::countsUnknownFields()
{
    const auto feedback = DdiFeedback::parse(
        "{\"id\":\"1\",\"extra\":1,\"status\":{\"execution\":\"closed\",\"code\":200,\"more\":[],"
        "\"result\":{\"finished\":\"success\",\"why\":\"x\",\"progress\":{\"cnt\":1,\"of\":1,"
        "\"unit\":\"b\"}}}}");
    QVERIFY2(feedback.ok(), qPrintable(feedback.message()));
    QCOMPARE(feedback->unknownFieldCount, 4);
    QCOMPARE(feedback->finished, Finished::Success);
}

void TestDdiFeedback::boundsDetails()
{
    QByteArray many;
    for (int i = 0; i < DdiFeedback::maxDetails; ++i)
        many += (i ? ",\"" : "\"") + QByteArray::number(i) + "\"";
    const auto atLimit = DdiFeedback::parse(swupdateBody("proceeding", "none", many.constData()));
    QVERIFY2(atLimit.ok(), qPrintable(atLimit.message()));
    QCOMPARE(atLimit->details.size(), DdiFeedback::maxDetails);
    const auto tooMany =
        DdiFeedback::parse(swupdateBody("proceeding", "none", (many + ",\"x\"").constData()));
    QVERIFY(!tooMany.ok());
    QVERIFY2(tooMany.message().contains(QStringLiteral("too many entries")),
             qPrintable(tooMany.message()));

    const QByteArray longest = '"' + QByteArray(DdiFeedback::maxDetailLength, 'x') + '"';
    QVERIFY(DdiFeedback::parse(swupdateBody("proceeding", "none", longest.constData())).ok());
    const QByteArray tooLong = '"' + QByteArray(DdiFeedback::maxDetailLength + 1, 'x') + '"';
    const auto rejected =
        DdiFeedback::parse(swupdateBody("proceeding", "none", tooLong.constData()));
    QVERIFY(!rejected.ok());
    QVERIFY2(rejected.message().contains(QStringLiteral("\"status.details[0]\" is too long")),
             qPrintable(rejected.message()));
}

QTEST_GUILESS_MAIN(TestDdiFeedback)
#include "tst_ddifeedback.moc"
