#include "ddi/DdiConfigData.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace fleet;
using Mode = DdiConfigData::Mode;

Q_DECLARE_METATYPE(fleet::DdiConfigData::Mode)

class TestDdiConfigData : public QObject
{
    Q_OBJECT

private slots:
    void parsesBody_data();
    void parsesBody();
    void rejectsBadBody_data();
    void rejectsBadBody();
    void boundsEntries();
};

void TestDdiConfigData::parsesBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<int>("entries");
    QTest::addColumn<int>("unknown");
    // hawkBit's documented example.
    QTest::newRow("merge")
        << QByteArray(
               "{\"mode\":\"merge\",\"data\":{\"VIN\":\"JH4TB2H26CC000000\",\"hwRevision\":\"2\"}}")
        << Mode::Merge << 2 << 0;
    QTest::newRow("default mode") << QByteArray("{\"data\":{\"hwRevision\":\"2\"}}") << Mode::Merge
                                  << 1 << 0;
    QTest::newRow("replace") << QByteArray("{\"mode\":\"replace\",\"data\":{}}") << Mode::Replace
                             << 0 << 0;
    QTest::newRow("remove") << QByteArray("{\"mode\":\"remove\",\"data\":{\"a\":\"\"}}")
                            << Mode::Remove << 1 << 0;
    // SWUpdate still sends the old id/time/status envelope around "data".
    QTest::newRow("swupdate envelope")
        << QByteArray("{\"id\":\"\",\"time\":\"20261124T142536\",\"status\":{\"result\":{"
                      "\"finished\":\"success\"},\"execution\":\"closed\",\"details\":[]},"
                      "\"data\":{\"hwRevision\":\"1.0\",\"board\":\"fleetboard\"}}")
        << Mode::Merge << 2 << 3;
}

void TestDdiConfigData::parsesBody()
{
    QFETCH(QByteArray, body);
    const auto config = DdiConfigData::parse(body);
    QVERIFY2(config.ok(), qPrintable(config.message()));
    QTEST(config->mode, "mode");
    QTEST(int(config->data.size()), "entries");
    QTEST(config->unknownFieldCount, "unknown");
}

void TestDdiConfigData::rejectsBadBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("no data") << QByteArray("{\"mode\":\"merge\"}") << QStringLiteral("\"data\"");
    QTest::newRow("data array") << QByteArray("{\"data\":[]}") << QStringLiteral("\"data\"");
    QTest::newRow("bad mode") << QByteArray("{\"mode\":\"append\",\"data\":{}}")
                              << QStringLiteral("\"mode\" is \"append\"");
    QTest::newRow("number value") << QByteArray("{\"data\":{\"hwRevision\":2}}")
                                  << QStringLiteral("\"data.hwRevision\" is a number");
    QTest::newRow("empty key") << QByteArray("{\"data\":{\"\":\"x\"}}")
                               << QStringLiteral("empty or longer");
    QTest::newRow("not json") << QByteArray("data=1") << QStringLiteral("configData: ");
}

void TestDdiConfigData::rejectsBadBody()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, messagePart);
    const auto config = DdiConfigData::parse(body);
    QVERIFY(!config.ok());
    QCOMPARE(config.error().kind, Error::Kind::Invalid);
    QVERIFY2(config.message().contains(messagePart), qPrintable(config.message()));
}

void TestDdiConfigData::boundsEntries()
{
    QJsonObject data;
    for (int i = 0; i < DdiConfigData::maxEntries; ++i)
        data.insert(QStringLiteral("k%1").arg(i), QStringLiteral("v"));
    const auto body = [](const QJsonObject &d) {
        return QJsonDocument(QJsonObject{{QStringLiteral("data"), d}}).toJson();
    };
    QVERIFY(DdiConfigData::parse(body(data)).ok());
    data.insert(QStringLiteral("one-more"), QStringLiteral("v"));
    const auto tooMany = DdiConfigData::parse(body(data));
    QVERIFY(!tooMany.ok());
    QVERIFY2(tooMany.message().contains(QStringLiteral("too many entries")),
             qPrintable(tooMany.message()));

    const QJsonObject longValue{
        {QStringLiteral("k"), QString(DdiConfigData::maxValueLength + 1, QLatin1Char('x'))}};
    const auto tooLong = DdiConfigData::parse(body(longValue));
    QVERIFY(!tooLong.ok());
    QVERIFY2(tooLong.message().contains(QStringLiteral("\"data.k\" is too long")),
             qPrintable(tooLong.message()));
}

QTEST_GUILESS_MAIN(TestDdiConfigData)
#include "tst_ddiconfigdata.moc"
