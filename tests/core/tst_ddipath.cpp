#include "ddi/DdiPath.h"

#include <QTest>

using namespace fleet;
using Resource = DdiPath::Resource;

Q_DECLARE_METATYPE(fleet::DdiPath::Resource)

class TestDdiPath : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryResource_data();
    void parsesEveryResource();
    void rejectsHostilePath_data();
    void rejectsHostilePath();
    void decodesPercentEscapes();
    void boundsTheLength();
};

void TestDdiPath::parsesEveryResource_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<Resource>("resource");
    QTest::addColumn<QString>("controllerId");
    QTest::addColumn<qint64>("actionId");
    QTest::addColumn<qint64>("moduleId");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("cacheHint");

    const QString dev = QStringLiteral("dev1");
    QTest::newRow("poll") << QByteArray("/default/controller/v1/dev1") << Resource::Base << dev
                          << qint64(0) << qint64(0) << QString() << QString();
    QTest::newRow("deploymentBase")
        << QByteArray("/default/controller/v1/dev1/deploymentBase/42") << Resource::DeploymentBase
        << dev << qint64(42) << qint64(0) << QString() << QString();
    QTest::newRow("deploymentBase ?c=")
        << QByteArray("/default/controller/v1/dev1/deploymentBase/42?c=-2129030598")
        << Resource::DeploymentBase << dev << qint64(42) << qint64(0) << QString()
        << QStringLiteral("-2129030598");
    QTest::newRow("deployment feedback")
        << QByteArray("/default/controller/v1/dev1/deploymentBase/7/feedback")
        << Resource::DeploymentFeedback << dev << qint64(7) << qint64(0) << QString() << QString();
    QTest::newRow("cancelAction") << QByteArray("/default/controller/v1/dev1/cancelAction/9")
                                  << Resource::CancelAction << dev << qint64(9) << qint64(0)
                                  << QString() << QString();
    QTest::newRow("cancel feedback")
        << QByteArray("/default/controller/v1/dev1/cancelAction/9/feedback")
        << Resource::CancelFeedback << dev << qint64(9) << qint64(0) << QString() << QString();
    QTest::newRow("configData") << QByteArray("/default/controller/v1/dev1/configData")
                                << Resource::ConfigData << dev << qint64(0) << qint64(0)
                                << QString() << QString();
    QTest::newRow("installedBase")
        << QByteArray("/default/controller/v1/dev1/installedBase/3") << Resource::InstalledBase
        << dev << qint64(3) << qint64(0) << QString() << QString();
    QTest::newRow("artifact")
        << QByteArray("/default/controller/v1/dev1/softwaremodules/5/artifacts/update.swu")
        << Resource::Artifact << dev << qint64(0) << qint64(5) << QStringLiteral("update.swu")
        << QString();
    QTest::newRow("artifact md5")
        << QByteArray("/default/controller/v1/dev1/softwaremodules/5/artifacts/update.swu.MD5SUM")
        << Resource::ArtifactMd5Sum << dev << qint64(0) << qint64(5) << QStringLiteral("update.swu")
        << QString();
    QTest::newRow("file named .MD5SUM is an artifact")
        << QByteArray("/default/controller/v1/dev1/softwaremodules/5/artifacts/.MD5SUM")
        << Resource::Artifact << dev << qint64(0) << qint64(5) << QStringLiteral(".MD5SUM")
        << QString();
    QTest::newRow("mac-style controller id")
        << QByteArray("/t_1/controller/v1/00:1b:44:11:3a:b7") << Resource::Base
        << QStringLiteral("00:1b:44:11:3a:b7") << qint64(0) << qint64(0) << QString() << QString();
    QTest::newRow("largest action id")
        << QByteArray("/default/controller/v1/dev1/deploymentBase/999999999999999999")
        << Resource::DeploymentBase << dev << qint64(999999999999999999LL) << qint64(0) << QString()
        << QString();
}

void TestDdiPath::parsesEveryResource()
{
    QFETCH(QByteArray, target);
    const auto path = DdiPath::parse(target);
    QVERIFY2(path.ok(), qPrintable(path.message()));
    QTEST(path->resource(), "resource");
    QTEST(path->controllerId(), "controllerId");
    QTEST(path->actionId(), "actionId");
    QTEST(path->moduleId(), "moduleId");
    QTEST(path->fileName(), "fileName");
    QTEST(path->cacheHint(), "cacheHint");
}

void TestDdiPath::rejectsHostilePath_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QString>("messagePart");
    const QByteArray base("/default/controller/v1/dev1");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("must start with");
    QTest::newRow("relative") << QByteArray("default/controller/v1/dev1")
                              << QStringLiteral("must start with");
    QTest::newRow("not ddi") << QByteArray("/default/rest/v1/dev1")
                             << QStringLiteral("not a DDI resource");
    QTest::newRow("no controller")
        << QByteArray("/default/controller/v1") << QStringLiteral("not a DDI resource");
    QTest::newRow("trailing slash") << base + "/" << QStringLiteral("trailing slash");
    QTest::newRow("double slash") << QByteArray("/default/controller//v1/dev1")
                                  << QStringLiteral("double slash");
    QTest::newRow("dot dot") << base + "/../dev2" << QStringLiteral("relative segments");
    QTest::newRow("encoded dot dot")
        << base + "/softwaremodules/5/artifacts/%2e%2E" << QStringLiteral("relative segments");
    QTest::newRow("dot controller")
        << QByteArray("/default/controller/v1/.") << QStringLiteral("relative segments");
    QTest::newRow("encoded slash") << base + "/softwaremodules/5/artifacts/..%2Fetc%2Fpasswd"
                                   << QStringLiteral("encoded slash");
    QTest::newRow("encoded backslash")
        << base + "/softwaremodules/5/artifacts/a%5Cb" << QStringLiteral("encoded slash");
    QTest::newRow("encoded nul") << base + "/softwaremodules/5/artifacts/a%00b"
                                 << QStringLiteral("control character");
    QTest::newRow("bad escape") << base + "/softwaremodules/5/artifacts/a%zzb"
                                << QStringLiteral("malformed percent escape");
    QTest::newRow("truncated escape")
        << base + "/softwaremodules/5/artifacts/a%4" << QStringLiteral("malformed percent escape");
    QTest::newRow("invalid utf-8")
        << base + "/softwaremodules/5/artifacts/%ff%fe" << QStringLiteral("not valid UTF-8");
    QTest::newRow("controller id charset") << QByteArray("/default/controller/v1/dev%201")
                                           << QStringLiteral("controller id \"dev 1\"");
    QTest::newRow("controller id too long")
        << QByteArray("/default/controller/v1/") + QByteArray(129, 'a')
        << QStringLiteral("controller id");
    QTest::newRow("tenant charset")
        << QByteArray("/de.fault/controller/v1/dev1") << QStringLiteral("tenant \"de.fault\"");
    QTest::newRow("action id letters")
        << base + "/deploymentBase/4a" << QStringLiteral("action id \"4a\"");
    QTest::newRow("action id negative")
        << base + "/deploymentBase/-4" << QStringLiteral("action id \"-4\"");
    QTest::newRow("action id zero")
        << base + "/deploymentBase/0" << QStringLiteral("positive decimal");
    QTest::newRow("action id leading zero")
        << base + "/cancelAction/012" << QStringLiteral("positive decimal");
    QTest::newRow("action id overflow")
        << base + "/deploymentBase/9999999999999999999" << QStringLiteral("positive decimal");
    QTest::newRow("action id missing")
        << base + "/deploymentBase" << QStringLiteral("needs an action id");
    QTest::newRow("module id letters")
        << base + "/softwaremodules/x/artifacts/a.swu" << QStringLiteral("software module id");
    QTest::newRow("artifact path short")
        << base + "/softwaremodules/5/a.swu" << QStringLiteral("softwaremodules/{moduleId}");
    QTest::newRow("unknown resource") << base + "/shell" << QStringLiteral("unknown DDI resource");
    QTest::newRow("feedback typo")
        << base + "/deploymentBase/4/feedbacks" << QStringLiteral("unknown DDI resource");
    QTest::newRow("query on poll") << base + "?c=1" << QStringLiteral("takes no query");
    QTest::newRow("other query") << base + "/deploymentBase/4?x=1"
                                 << QStringLiteral("only the query \"c\"");
    QTest::newRow("two queries") << base + "/deploymentBase/4?c=1&d=2"
                                 << QStringLiteral("query \"c\" is not");
    QTest::newRow("empty c") << base + "/deploymentBase/4?c="
                             << QStringLiteral("query \"c\" is not");
    QTest::newRow("fragment") << base + "#x" << QStringLiteral("fragment");
}

void TestDdiPath::rejectsHostilePath()
{
    QFETCH(QByteArray, target);
    QFETCH(QString, messagePart);
    const auto path = DdiPath::parse(target);
    QVERIFY(!path.ok());
    QCOMPARE(path.error().kind, Error::Kind::Invalid);
    QVERIFY2(path.message().contains(messagePart), qPrintable(path.message()));
}

void TestDdiPath::decodesPercentEscapes()
{
    const auto path = DdiPath::parse(
        "/default/controller/v1/dev%2D1/softwaremodules/5/artifacts/my%20update%C3%A9.swu.MD5SUM");
    QVERIFY2(path.ok(), qPrintable(path.message()));
    QCOMPARE(path->controllerId(), QStringLiteral("dev-1"));
    QCOMPARE(path->fileName(), QStringLiteral("my update\u00e9.swu"));
    QCOMPARE(path->resource(), Resource::ArtifactMd5Sum);
}

void TestDdiPath::boundsTheLength()
{
    const QByteArray prefix("/default/controller/v1/dev1/softwaremodules/5/artifacts/");
    const QByteArray atLimit = prefix + QByteArray(DdiPath::maxTargetBytes - prefix.size(), 'a');
    const auto tooLongName = DdiPath::parse(atLimit);
    QVERIFY(!tooLongName.ok()); // within the target limit but beyond the file name limit
    QVERIFY2(tooLongName.message().contains(QStringLiteral("file name")),
             qPrintable(tooLongName.message()));
    const auto tooLong = DdiPath::parse(atLimit + "a");
    QVERIFY(!tooLong.ok());
    QVERIFY2(tooLong.message().contains(QStringLiteral("too long")), qPrintable(tooLong.message()));
    QVERIFY(DdiPath::parse(prefix + QByteArray(DdiPath::maxFileNameLength, 'a')).ok());
}

QTEST_GUILESS_MAIN(TestDdiPath)
#include "tst_ddipath.moc"
