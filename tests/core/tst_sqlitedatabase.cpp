#include "TestWorkspace.h"
#include "storage/SqliteDatabase.h"
#include "storage/SqliteStatement.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace fleet;
using namespace fleet::test;

class TestSqliteDatabase : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    std::unique_ptr<SqliteDatabase> create(const char *name)
    {
        auto db = SqliteDatabase::open(path(name), SqliteDatabase::Access::ReadWriteCreate);
        if (!db)
            qFatal("%s", qUtf8Printable(db.message()));
        return std::move(db.value());
    }

private slots:
    void openModes_data();
    void openModes();
    void createThenReopen();
    void readOnlyRefusesWrites();
    void execRunsSeveralStatements();
    void execReportsSqlError();
    void prepareErrorNamesTheStatement();
    void scalarWithAndWithoutRow();
    void bindVariant_data();
    void bindVariant();
    void bindTypedOverloads();
    void unicodeAndBlobRoundTrip();
    void statementReuseAfterExec();
    void constraintViolationIsAnError();
    void stepErrorIsReportedByNext();
    void moveKeepsStatementAndError();
    void lastInsertRowIdAndChanges();
    void transactionRollsBackUnlessCommitted();
    void transactionCommitTwice();
    void nestedBeginFails();
    void immediateTransactionLocksOutOtherWriters();
};

void TestSqliteDatabase::openModes_data()
{
    QTest::addColumn<int>("access");
    QTest::addColumn<bool>("exists");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<int>("kind");
    using A = SqliteDatabase::Access;
    const int notFound = int(Error::Kind::NotFound);
    QTest::newRow("create, missing") << int(A::ReadWriteCreate) << false << true << 0;
    QTest::newRow("create, existing") << int(A::ReadWriteCreate) << true << true << 0;
    QTest::newRow("read-write, missing") << int(A::ReadWrite) << false << false << notFound;
    QTest::newRow("read-write, existing") << int(A::ReadWrite) << true << true << 0;
    QTest::newRow("read-only, missing") << int(A::ReadOnly) << false << false << notFound;
    QTest::newRow("read-only, existing") << int(A::ReadOnly) << true << true << 0;
}

void TestSqliteDatabase::openModes()
{
    QFETCH(int, access);
    QFETCH(bool, exists);
    QFETCH(bool, ok);
    QFETCH(int, kind);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("x.db"));
    if (exists) {
        auto db = SqliteDatabase::open(file, SqliteDatabase::Access::ReadWriteCreate);
        QVERIFY(db.ok());
        QVERIFY(db.value()->exec(QStringLiteral("CREATE TABLE t (x)")).ok());
    }
    auto db = SqliteDatabase::open(file, SqliteDatabase::Access(access));
    QCOMPARE(db.ok(), ok);
    if (!ok) {
        QCOMPARE(int(db.error().kind), kind);
        QVERIFY2(db.message().contains(file), qUtf8Printable(db.message()));
        QVERIFY(!QFile::exists(file));
        return;
    }
    QCOMPARE(db.value()->path(), file);
    QCOMPARE(db.value()->isReadOnly(), access == int(SqliteDatabase::Access::ReadOnly));
    QVERIFY(db.value()->handle() != nullptr);
}

void TestSqliteDatabase::createThenReopen()
{
    {
        auto db = create("reopen.db");
        QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x); INSERT INTO t VALUES (42)")).ok());
    }
    auto db = SqliteDatabase::open(path("reopen.db"), SqliteDatabase::Access::ReadWrite);
    QVERIFY(db.ok());
    QCOMPARE(scalarOf(*db.value(), QStringLiteral("SELECT x FROM t")).toInt(), 42);
}

void TestSqliteDatabase::readOnlyRefusesWrites()
{
    {
        auto db = create("ro.db");
        QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x); INSERT INTO t VALUES (1)")).ok());
    }
    auto db = SqliteDatabase::open(path("ro.db"), SqliteDatabase::Access::ReadOnly);
    QVERIFY(db.ok());
    Status s = db.value()->exec(QStringLiteral("INSERT INTO t VALUES (2)"));
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("readonly")), qUtf8Printable(s.message()));
    QCOMPARE(scalarOf(*db.value(), QStringLiteral("SELECT count(*) FROM t")).toInt(), 1);
}

void TestSqliteDatabase::execRunsSeveralStatements()
{
    auto db = create("multi.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE a (x); CREATE TABLE b (y); "
                                    "INSERT INTO a VALUES (1); INSERT INTO b VALUES (2), (3);"))
                .ok());
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT (SELECT sum(x) FROM a) + (SELECT sum(y) FROM "
                                          "b)"))
                 .toInt(),
             6);
}

void TestSqliteDatabase::execReportsSqlError()
{
    auto db = create("execerr.db");
    Status s = db->exec(QStringLiteral("CREATE TABLE t (x); SELECT * FROM nowhere"));
    QVERIFY(!s.ok());
    QCOMPARE(s.error().kind, Error::Kind::Failed);
    QVERIFY2(s.message().contains(QLatin1String("no such table: nowhere")),
             qUtf8Printable(s.message()));
}

void TestSqliteDatabase::prepareErrorNamesTheStatement()
{
    auto db = create("preperr.db");
    auto s = db->prepare(QStringLiteral("SELEC 1"));
    QVERIFY(!s.ok());
    QVERIFY2(s.message().contains(QLatin1String("syntax error")), qUtf8Printable(s.message()));
    QVERIFY2(s.message().contains(QLatin1String("SELEC 1")), qUtf8Printable(s.message()));
}

void TestSqliteDatabase::scalarWithAndWithoutRow()
{
    auto db = create("scalar.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (k TEXT, v INTEGER); "
                                    "INSERT INTO t VALUES ('a', 1), ('b', 2)"))
                .ok());
    auto one = db->scalar(QStringLiteral("SELECT v FROM t WHERE k = ?"), {QStringLiteral("b")});
    QVERIFY(one.ok());
    QCOMPARE(one.value().toLongLong(), 2);
    auto none = db->scalar(QStringLiteral("SELECT v FROM t WHERE k = ?"), {QStringLiteral("z")});
    QVERIFY(none.ok());
    QVERIFY(!none.value().isValid());
    auto bad = db->scalar(QStringLiteral("SELECT nope FROM t"));
    QVERIFY(!bad.ok());
}

void TestSqliteDatabase::bindVariant_data()
{
    QTest::addColumn<QVariant>("value");
    QTest::addColumn<QString>("sqlType");
    QTest::addColumn<QString>("asText");
    QTest::newRow("invalid") << QVariant() << QStringLiteral("null") << QString();
    QTest::newRow("typed null") << QVariant::fromValue(nullptr) << QStringLiteral("null")
                                << QString();
    QTest::newRow("bool true") << QVariant(true) << QStringLiteral("integer")
                               << QStringLiteral("1");
    QTest::newRow("bool false") << QVariant(false) << QStringLiteral("integer")
                                << QStringLiteral("0");
    QTest::newRow("int") << QVariant(-7) << QStringLiteral("integer") << QStringLiteral("-7");
    QTest::newRow("uint") << QVariant(7u) << QStringLiteral("integer") << QStringLiteral("7");
    QTest::newRow("int64") << QVariant(qint64(1) << 40) << QStringLiteral("integer")
                           << QStringLiteral("1099511627776");
    QTest::newRow("double") << QVariant(2.5) << QStringLiteral("real") << QStringLiteral("2.5");
    QTest::newRow("string") << QVariant(QStringLiteral("héllo")) << QStringLiteral("text")
                            << QStringLiteral("héllo");
    QTest::newRow("null string") << QVariant(QString()) << QStringLiteral("text")
                                 << QStringLiteral("");
    QTest::newRow("bytes") << QVariant(QByteArray("\x01\x00\x02", 3)) << QStringLiteral("blob")
                           << QString();
}

void TestSqliteDatabase::bindVariant()
{
    QFETCH(QVariant, value);
    QFETCH(QString, sqlType);
    QFETCH(QString, asText);
    auto db = create("bind.db");
    auto s = db->prepare(QStringLiteral("SELECT typeof(?1), CAST(?1 AS TEXT), ?1"));
    QVERIFY(s.ok());
    s->bindVariant(1, value);
    auto row = s->step();
    QVERIFY(row.ok() && row.value());
    QCOMPARE(s->text(0), sqlType);
    if (sqlType == QLatin1String("blob")) {
        QCOMPARE(s->blob(2), value.toByteArray());
        QCOMPARE(s->value(2), value);
    } else if (sqlType == QLatin1String("null")) {
        QVERIFY(s->isNull(2));
        QVERIFY(!s->value(2).isValid());
    } else {
        QCOMPARE(s->text(1), asText);
        QVERIFY(!s->isNull(2));
    }
}

void TestSqliteDatabase::bindTypedOverloads()
{
    auto db = create("typed.db");
    auto s = db->prepare(QStringLiteral("SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4), "
                                        "typeof(?5), typeof(?6), ?1, ?2, ?3, ?4, ?5"));
    QVERIFY(s.ok());
    s->bind(1, qint64(9000000000));
    s->bind(2, 3);
    s->bind(3, true);
    s->bind(4, 0.25);
    s->bind(5, QStringLiteral("x"));
    s->bindNull(6);
    QVERIFY(s->step().value());
    QCOMPARE(s->text(0), QStringLiteral("integer"));
    QCOMPARE(s->text(1), QStringLiteral("integer"));
    QCOMPARE(s->text(2), QStringLiteral("integer"));
    QCOMPARE(s->text(3), QStringLiteral("real"));
    QCOMPARE(s->text(4), QStringLiteral("text"));
    QCOMPARE(s->text(5), QStringLiteral("null"));
    QCOMPARE(s->int64(6), qint64(9000000000));
    QCOMPARE(s->value(6), QVariant(qint64(9000000000)));
    QCOMPARE(s->int64(7), qint64(3));
    QCOMPARE(s->int64(8), qint64(1));
    QCOMPARE(s->real(9), 0.25);
    QCOMPARE(s->value(9), QVariant(0.25));
    QCOMPARE(s->value(10), QVariant(QStringLiteral("x")));
    QCOMPARE(s->columnCount(), 11);
}

void TestSqliteDatabase::unicodeAndBlobRoundTrip()
{
    auto db = create("unicode.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (s TEXT, b BLOB)")).ok());
    const QString text = QStringLiteral("Grüße 東京 🚀 \"quoted\" 'single' \n tab\t");
    const QByteArray blob("\x00\xff\x00 binary", 10);
    auto ins = db->prepare(QStringLiteral("INSERT INTO t VALUES (?, ?)"));
    QVERIFY(ins.ok());
    ins->bind(1, text);
    ins->bindBlob(2, blob);
    QVERIFY(ins->exec().ok());
    auto ins2 = db->prepare(QStringLiteral("INSERT INTO t VALUES (?, NULL)"));
    QVERIFY(ins2.ok());
    ins2->bindUtf8(1, text.toUtf8());
    QVERIFY(ins2->exec().ok());
    auto sel = db->prepare(QStringLiteral("SELECT s, b, length(s) FROM t ORDER BY rowid"));
    QVERIFY(sel.ok());
    QVERIFY(sel->next());
    QCOMPARE(sel->text(0), text);
    QCOMPARE(sel->blob(1), blob);
    QCOMPARE(sel->columnName(2), QStringLiteral("length(s)"));
    QVERIFY(sel->next());
    QCOMPARE(sel->text(0), text);
    QVERIFY(sel->isNull(1));
    QCOMPARE(sel->text(1), QString());
    QCOMPARE(sel->blob(1), QByteArray());
    QVERIFY(!sel->next());
    QVERIFY(sel->lastStepError().isEmpty());
}

void TestSqliteDatabase::statementReuseAfterExec()
{
    auto db = create("reuse.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x INTEGER)")).ok());
    auto ins = db->prepare(QStringLiteral("INSERT INTO t VALUES (?)"));
    QVERIFY(ins.ok());
    for (int i = 1; i <= 5; ++i) {
        ins->bind(1, i);
        QVERIFY(ins->exec().ok());
    }
    // exec() cleared the bindings: a run without binding inserts NULL.
    QVERIFY(ins->exec().ok());
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT sum(x) FROM t")).toInt(), 15);
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM t WHERE x IS NULL")).toInt(), 1);
    auto sel = db->prepare(QStringLiteral("SELECT x FROM t WHERE x > ? ORDER BY x"));
    QVERIFY(sel.ok());
    sel->bind(1, 3);
    QVERIFY(sel->next());
    QCOMPARE(sel->int64(0), qint64(4));
    sel->reset();
    sel->bind(1, 4);
    QVERIFY(sel->next());
    QCOMPARE(sel->int64(0), qint64(5));
    QVERIFY(!sel->next());
}

void TestSqliteDatabase::constraintViolationIsAnError()
{
    auto db = create("constraint.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x INTEGER UNIQUE NOT NULL)")).ok());
    QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (?)"), {1}).ok());
    Status dup = db->execute(QStringLiteral("INSERT INTO t VALUES (?)"), {1});
    QVERIFY(!dup.ok());
    QVERIFY2(dup.message().contains(QLatin1String("UNIQUE constraint failed")),
             qUtf8Printable(dup.message()));
    Status null = db->execute(QStringLiteral("INSERT INTO t VALUES (?)"), {QVariant()});
    QVERIFY(!null.ok());
    QVERIFY2(null.message().contains(QLatin1String("NOT NULL")), qUtf8Printable(null.message()));
    // The connection is still usable after the failed statements.
    QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (?)"), {2}).ok());
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM t")).toInt(), 2);
}

void TestSqliteDatabase::stepErrorIsReportedByNext()
{
    auto db = create("steperr.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (j TEXT); INSERT INTO t VALUES ('{}'), "
                                    "('not json')"))
                .ok());
    auto s = db->prepare(QStringLiteral("SELECT json(j) FROM t ORDER BY rowid"));
    QVERIFY(s.ok());
    QVERIFY(s->next());
    QVERIFY(s->lastStepError().isEmpty());
    QVERIFY(!s->next());
    QVERIFY2(s->lastStepError().contains(QLatin1String("malformed JSON")),
             qUtf8Printable(s->lastStepError()));
    // reset() starts over: the old error no longer describes the statement.
    s->reset();
    QVERIFY(s->lastStepError().isEmpty());
    QVERIFY(s->next());
    auto step = db->prepare(QStringLiteral("SELECT json('[')"));
    QVERIFY(step.ok());
    auto r = step->step();
    QVERIFY(!r.ok());
    QVERIFY2(r.message().contains(QLatin1String("malformed JSON")), qUtf8Printable(r.message()));
}

void TestSqliteDatabase::moveKeepsStatementAndError()
{
    auto db = create("move.db");
    auto prepared = db->prepare(QStringLiteral("SELECT json('[')"));
    QVERIFY(prepared.ok());
    SqliteStatement a = std::move(prepared.value());
    QVERIFY(a.isValid());
    QVERIFY(!a.next());
    const QString error = a.lastStepError();
    QVERIFY(!error.isEmpty());

    SqliteStatement b(std::move(a));
    QVERIFY(!a.isValid()); // NOLINT(bugprone-use-after-move): checking the moved-from state
    QVERIFY(b.isValid());
    QCOMPARE(b.lastStepError(), error);

    auto other = db->prepare(QStringLiteral("SELECT 1"));
    QVERIFY(other.ok());
    SqliteStatement c = std::move(other.value());
    c = std::move(b);
    QVERIFY(c.isValid());
    QCOMPARE(c.lastStepError(), error);

    SqliteStatement empty;
    QVERIFY(!empty.isValid());
    c = std::move(empty);
    QVERIFY(!c.isValid());
    QVERIFY(c.lastStepError().isEmpty());
}

void TestSqliteDatabase::lastInsertRowIdAndChanges()
{
    auto db = create("rowid.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, x)")).ok());
    QVERIFY(db->execute(QStringLiteral("INSERT INTO t (x) VALUES (?)"), {1}).ok());
    QCOMPARE(db->lastInsertRowId(), qint64(1));
    QVERIFY(db->execute(QStringLiteral("INSERT INTO t (id, x) VALUES (?, ?)"), {10, 2}).ok());
    QCOMPARE(db->lastInsertRowId(), qint64(10));
    QVERIFY(db->execute(QStringLiteral("UPDATE t SET x = x + 1")).ok());
    QCOMPARE(db->changes(), 2);
    QVERIFY(db->execute(QStringLiteral("DELETE FROM t WHERE id = ?"), {99}).ok());
    QCOMPARE(db->changes(), 0);
    QVERIFY(db->exec(QStringLiteral("SELECT * FROM nowhere"))
                .error()
                .message.contains(QLatin1String("nowhere")));
    QVERIFY(db->lastErrorMessage().contains(QLatin1String("nowhere")));
}

void TestSqliteDatabase::transactionRollsBackUnlessCommitted()
{
    auto db = create("tx.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x)")).ok());
    {
        SqliteTransaction tx(*db);
        QVERIFY(tx.beginStatus().ok());
        QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (1)")).ok());
    }
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM t")).toInt(), 0);
    {
        SqliteTransaction tx(*db, SqliteTransaction::Mode::Deferred);
        QVERIFY(tx.beginStatus().ok());
        QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (2)")).ok());
        tx.rollback();
        QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (3)")).ok()); // autocommit
    }
    QCOMPARE(column(*db, QStringLiteral("SELECT x FROM t")), QStringList{QStringLiteral("3")});
    {
        SqliteTransaction tx(*db);
        QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (4)")).ok());
        QVERIFY(tx.commit().ok());
    }
    QCOMPARE(column(*db, QStringLiteral("SELECT x FROM t ORDER BY x")),
             QStringList({QStringLiteral("3"), QStringLiteral("4")}));
    QVERIFY(sqlite3_get_autocommit(db->handle()) != 0);
}

void TestSqliteDatabase::transactionCommitTwice()
{
    auto db = create("twice.db");
    SqliteTransaction tx(*db);
    QVERIFY(tx.commit().ok());
    Status again = tx.commit();
    QVERIFY(!again.ok());
    QVERIFY2(again.message().contains(QLatin1String("already ended")),
             qUtf8Printable(again.message()));
}

void TestSqliteDatabase::nestedBeginFails()
{
    auto db = create("nested.db");
    QVERIFY(db->exec(QStringLiteral("CREATE TABLE t (x)")).ok());
    SqliteTransaction outer(*db);
    QVERIFY(outer.beginStatus().ok());
    QVERIFY(db->execute(QStringLiteral("INSERT INTO t VALUES (1)")).ok());
    {
        SqliteTransaction inner(*db);
        QVERIFY(!inner.beginStatus().ok());
        QVERIFY2(inner.beginStatus().message().contains(QLatin1String("within a transaction")),
                 qUtf8Printable(inner.beginStatus().message()));
        Status c = inner.commit();
        QVERIFY(!c.ok());
        QCOMPARE(c.message(), inner.beginStatus().message());
    }
    // The failed inner transaction neither committed nor rolled back the outer one.
    QVERIFY(sqlite3_get_autocommit(db->handle()) == 0);
    QVERIFY(outer.commit().ok());
    QCOMPARE(scalarOf(*db, QStringLiteral("SELECT count(*) FROM t")).toInt(), 1);
}

void TestSqliteDatabase::immediateTransactionLocksOutOtherWriters()
{
    {
        auto db = create("locks.db");
        QVERIFY(db->exec(QStringLiteral("PRAGMA journal_mode=WAL; CREATE TABLE t (x)")).ok());
    }
    auto a = SqliteDatabase::open(path("locks.db"), SqliteDatabase::Access::ReadWrite);
    auto b = SqliteDatabase::open(path("locks.db"), SqliteDatabase::Access::ReadWrite);
    QVERIFY(a.ok() && b.ok());
    sqlite3_busy_timeout(b.value()->handle(), 0); // fail at once instead of waiting 10 s
    SqliteTransaction tx(*a.value());
    QVERIFY(tx.beginStatus().ok());
    {
        SqliteTransaction other(*b.value());
        QVERIFY(!other.beginStatus().ok());
        QVERIFY2(other.beginStatus().message().contains(QLatin1String("locked")),
                 qUtf8Printable(other.beginStatus().message()));
    }
    // Readers are not blocked in WAL mode.
    QCOMPARE(scalarOf(*b.value(), QStringLiteral("SELECT count(*) FROM t")).toInt(), 0);
    QVERIFY(a.value()->execute(QStringLiteral("INSERT INTO t VALUES (1)")).ok());
    QVERIFY(tx.commit().ok());
    QCOMPARE(scalarOf(*b.value(), QStringLiteral("SELECT count(*) FROM t")).toInt(), 1);
}

QTEST_GUILESS_MAIN(TestSqliteDatabase)
#include "tst_sqlitedatabase.moc"
