#include "TestWorkspace.h"
#include "audit/AuditHeadAnchor.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <vector>

using namespace fleet;
using namespace fleet::test;

namespace {

QString hashOf(char c)
{
    return QString(64, QLatin1Char(c));
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestAuditHeadAnchor : public QObject
{
    Q_OBJECT

private slots:
    void pathForWorkspace();
    void missingFileIsNoHead();
    void advanceAndRead();
    void onlyEverAdvances();
    void malformed_data();
    void malformed();
    void malformedHeadIsNotOverwritten();
    void unwritableLocation();
    void leavesNoTemporaryFiles();
    void concurrentAdvancesKeepTheLongest();
    void workspaceChangeKeepsMalformedHead();
};

void TestAuditHeadAnchor::pathForWorkspace()
{
    QCOMPARE(AuditHeadAnchor::pathForWorkspace(QStringLiteral("/data/plant.fleetdesk")),
             QStringLiteral("/data/plant.fleetdesk.audit-head"));
    AuditHeadAnchor a(QStringLiteral("/x/y.audit-head"));
    QCOMPARE(a.filePath(), QStringLiteral("/x/y.audit-head"));
}

void TestAuditHeadAnchor::missingFileIsNoHead()
{
    QTemporaryDir dir;
    auto head = AuditHeadAnchor(dir.filePath(QStringLiteral("none.audit-head"))).read();
    QVERIFY(head.ok());
    QVERIFY(!head.value().has_value());
}

void TestAuditHeadAnchor::advanceAndRead()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.audit-head"));
    AuditHeadAnchor anchor(path);
    QVERIFY(anchor.advance({7, hashOf('a')}).ok());
    auto head = anchor.read();
    QVERIFY(head.ok() && head.value());
    QCOMPARE(head.value()->count, qint64(7));
    QCOMPARE(head.value()->hash, hashOf('a'));
    // Small, plain and line-terminated: readable by people and scripts.
    QCOMPARE(readFile(path),
             QByteArray("{\"count\":7,\"hash\":\"") + hashOf('a').toLatin1() + "\"}\n");
    // A head written by hand (or another tool) in any JSON layout reads the same.
    QVERIFY(
        writeFile(path, "{\n  \"hash\": \"" + hashOf('b').toLatin1() + "\",\n  \"count\": 9\n}"));
    head = anchor.read();
    QVERIFY(head.ok() && head.value());
    QCOMPARE(head.value()->count, qint64(9));
}

void TestAuditHeadAnchor::onlyEverAdvances()
{
    QTemporaryDir dir;
    AuditHeadAnchor anchor(dir.filePath(QStringLiteral("w.audit-head")));
    QVERIFY(anchor.advance({5, hashOf('5')}).ok());
    QVERIFY(anchor.advance({3, hashOf('3')}).ok());
    QCOMPARE(anchor.read().value()->count, qint64(5));
    QCOMPARE(anchor.read().value()->hash, hashOf('5'));
    QVERIFY(anchor.advance({5, hashOf('6')}).ok());
    QCOMPARE(anchor.read().value()->hash, hashOf('5'));
    QVERIFY(anchor.advance({6, hashOf('6')}).ok());
    QCOMPARE(anchor.read().value()->count, qint64(6));
    QCOMPARE(anchor.read().value()->hash, hashOf('6'));
}

void TestAuditHeadAnchor::malformed_data()
{
    QTest::addColumn<QByteArray>("content");
    const QByteArray h = hashOf('c').toLatin1();
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("garbage") << QByteArray("not json at all");
    QTest::newRow("array") << QByteArray("[1, 2]");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("no hash") << QByteArray("{\"count\": 3}");
    QTest::newRow("no count") << QByteArray("{\"hash\": \"" + h + "\"}");
    QTest::newRow("short hash") << QByteArray("{\"count\": 3, \"hash\": \"abc\"}");
    QTest::newRow("long hash") << QByteArray("{\"count\": 3, \"hash\": \"" + h + "0\"}");
    QTest::newRow("hash not hex") << QByteArray("{\"count\": 3, \"hash\": \"" +
                                                QByteArray(64, 'z') + "\"}");
    QTest::newRow("negative count") << QByteArray("{\"count\": -1, \"hash\": \"" + h + "\"}");
    QTest::newRow("fractional count") << QByteArray("{\"count\": 2.5, \"hash\": \"" + h + "\"}");
    QTest::newRow("count as text") << QByteArray("{\"count\": \"3\", \"hash\": \"" + h + "\"}");
    QTest::newRow("truncated") << QByteArray("{\"count\": 3, \"hash\": \"" + h.left(20));
}

void TestAuditHeadAnchor::malformed()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.audit-head"));
    QVERIFY(writeFile(path, content));
    auto head = AuditHeadAnchor(path).read();
    QVERIFY(!head.ok());
    QCOMPARE(head.error().kind, Error::Kind::Tampered);
    QVERIFY2(head.message().contains(QLatin1String("malformed")), qUtf8Printable(head.message()));
    QVERIFY(head.message().contains(path));
}

void TestAuditHeadAnchor::malformedHeadIsNotOverwritten()
{
    // A malformed head is evidence (of tampering or damage): the next change must not quietly
    // replace it with a fresh one, or verification would pass again.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.audit-head"));
    const QByteArray garbage("{\"count\": 12, \"hash\": \"edited by hand\"}");
    QVERIFY(writeFile(path, garbage));
    Status s = AuditHeadAnchor(path).advance({13, hashOf('d')});
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::Tampered);
    QCOMPARE(readFile(path), garbage);
}

void TestAuditHeadAnchor::unwritableLocation()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("no/such/folder/w.audit-head"));
    Status s = AuditHeadAnchor(path).advance({1, hashOf('e')});
    QVERIFY(!s.ok());
    QVERIFY(s.message().contains(path));
}

void TestAuditHeadAnchor::leavesNoTemporaryFiles()
{
    QTemporaryDir dir;
    AuditHeadAnchor anchor(dir.filePath(QStringLiteral("w.audit-head")));
    for (int i = 1; i <= 5; ++i)
        QVERIFY(anchor.advance({i, hashOf('f')}).ok());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
             QStringList{QStringLiteral("w.audit-head")});
}

void TestAuditHeadAnchor::concurrentAdvancesKeepTheLongest()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("w.audit-head"));
    std::vector<std::unique_ptr<QThread>> threads;
    QAtomicInt failures = 0;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back(QThread::create([&, t] {
            AuditHeadAnchor anchor(path);
            for (int i = 0; i < 25; ++i) {
                const qint64 count = i * 4 + t + 1; // every thread writes its own counts
                if (!anchor
                         .advance(
                             {count, QString::number(count).rightJustified(64, QLatin1Char('0'))})
                         .ok())
                    failures.fetchAndAddOrdered(1);
            }
        }));
    }
    for (auto &t : threads)
        t->start();
    for (auto &t : threads)
        t->wait();
    QCOMPARE(failures.loadAcquire(), 0);
    auto head = AuditHeadAnchor(path).read();
    QVERIFY(head.ok() && head.value());
    QCOMPARE(head.value()->count, qint64(100));
    QCOMPARE(head.value()->hash, QStringLiteral("100").rightJustified(64, QLatin1Char('0')));
}

void TestAuditHeadAnchor::workspaceChangeKeepsMalformedHead()
{
    TestWorkspace ws;
    ws.addDevices(2);
    const QString path = ws.session().workspace().auditHeadPath();
    const QByteArray garbage("truncated by an attacker");
    QVERIFY(writeFile(path, garbage));
    // The change itself is durable and still goes through (the database is the record)...
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("audit: .*malformed")));
    QVERIFY(ws.session().inventory().addTag({1}, QStringLiteral("x")).ok());
    QCOMPARE(ws.auditCount(), 3);
    // ...but the evidence stays for the verifier to report.
    QCOMPARE(readFile(path), garbage);
}

QTEST_GUILESS_MAIN(TestAuditHeadAnchor)
#include "tst_auditheadanchor.moc"
