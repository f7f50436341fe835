#include "ddi/DdiPath.h"
#include "ddi/DdiResources.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace fleet;
using namespace std::chrono_literals;

class TestDdiResources : public QObject
{
    Q_OBJECT

private slots:
    void formatsSleep_data();
    void formatsSleep();
    void idlePollHasNoLinks();
    void pollLinksEverything();
    void cacheHintFollowsTheDeployment();
    void deploymentBaseMatchesHawkbitShape();
    void httpOnlyUsesHttpLinkNames();
    void cancelAction();
    void hrefsParseBack();
    void rejectsBadInput();
    void usesOnlyHawkbitFieldNames();

private:
    static DdiDeployment deployment();
    static DdiResources resources(const QUrl &https, const QUrl &http = {});
};

DdiDeployment TestDdiResources::deployment()
{
    DdiArtifact artifact;
    artifact.fileName = QStringLiteral("update.swu");
    artifact.sha1 = QString(40, QLatin1Char('a'));
    artifact.md5 = QString(32, QLatin1Char('b'));
    artifact.sha256 = QString(64, QLatin1Char('c'));
    artifact.size = 4096;
    DdiChunk chunk;
    chunk.moduleId = 5;
    chunk.part = QStringLiteral("os");
    chunk.version = QStringLiteral("2.0.0");
    chunk.name = QStringLiteral("fw");
    chunk.artifacts = {artifact};
    DdiDeployment result;
    result.actionId = 42;
    result.download = DdiDeployment::Handling::Forced;
    result.update = DdiDeployment::Handling::Attempt;
    result.chunks = {chunk};
    return result;
}

DdiResources TestDdiResources::resources(const QUrl &https, const QUrl &http)
{
    auto made = DdiResources::make(QStringLiteral("default"), QStringLiteral("dev1"), https, http);
    if (!made)
        qFatal("DdiResources::make failed: %s", qPrintable(made.message()));
    return made.value();
}

void TestDdiResources::formatsSleep_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("1 s") << qint64(1) << QStringLiteral("00:00:01");
    QTest::newRow("5 min") << qint64(300) << QStringLiteral("00:05:00");
    QTest::newRow("mixed") << qint64(3600 + 23 * 60 + 45) << QStringLiteral("01:23:45");
    QTest::newRow("max") << qint64(24 * 3600 - 1) << QStringLiteral("23:59:59");
    QTest::newRow("zero") << qint64(0) << QString();
    QTest::newRow("negative") << qint64(-5) << QString();
    QTest::newRow("a day") << qint64(24 * 3600) << QString();
}

void TestDdiResources::formatsSleep()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    const auto formatted = DdiResources::formatSleep(std::chrono::seconds(seconds));
    if (text.isEmpty()) {
        QVERIFY(!formatted.ok());
        QVERIFY2(formatted.message().contains(QStringLiteral("poll interval")),
                 qPrintable(formatted.message()));
    } else {
        QVERIFY2(formatted.ok(), qPrintable(formatted.message()));
        QCOMPARE(formatted.value(), text);
    }
}

void TestDdiResources::idlePollHasNoLinks()
{
    const auto base = resources(QUrl(QStringLiteral("https://fleet.example:8443/")))
                          .controllerBase(300s, DdiPollLinks{});
    QVERIFY2(base.ok(), qPrintable(base.message()));
    const auto expected = QJsonDocument::fromJson(R"({"config":{"polling":{"sleep":"00:05:00"}}})");
    QCOMPARE(QJsonDocument(base.value()), expected);
}

void TestDdiResources::pollLinksEverything()
{
    const DdiResources ddi = resources(QUrl(QStringLiteral("https://fleet.example:8443")));
    DdiPollLinks links;
    links.deployment = deployment();
    links.cancelActionId = 41;
    links.wantConfigData = true;
    const auto base = ddi.controllerBase(30s, links);
    QVERIFY2(base.ok(), qPrintable(base.message()));
    const QString hint = DdiResources::cacheHint(ddi.deploymentBase(deployment()).value());
    QCOMPARE(hint.size(), 12);
    const QString controller =
        QStringLiteral("https://fleet.example:8443/default/controller/v1/dev1");
    const QJsonObject expected{
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("polling"),
                      QJsonObject{{QStringLiteral("sleep"), QStringLiteral("00:00:30")}}}}},
        {QStringLiteral("_links"),
         QJsonObject{
             {QStringLiteral("deploymentBase"),
              QJsonObject{{QStringLiteral("href"),
                           controller + QStringLiteral("/deploymentBase/42?c=") + hint}}},
             {QStringLiteral("cancelAction"),
              QJsonObject{
                  {QStringLiteral("href"), controller + QStringLiteral("/cancelAction/41")}}},
             {QStringLiteral("configData"),
              QJsonObject{{QStringLiteral("href"), controller + QStringLiteral("/configData")}}},
         }},
    };
    QCOMPARE(QJsonDocument(base.value()), QJsonDocument(expected));
}

void TestDdiResources::cacheHintFollowsTheDeployment()
{
    const DdiResources ddi = resources(QUrl(QStringLiteral("https://fleet.example")));
    DdiDeployment changed = deployment();
    const QString before = DdiResources::cacheHint(ddi.deploymentBase(changed).value());
    QCOMPARE(DdiResources::cacheHint(ddi.deploymentBase(deployment()).value()), before);
    changed.maintenanceWindowAvailable = true;
    const QString opened = DdiResources::cacheHint(ddi.deploymentBase(changed).value());
    QVERIFY(opened != before);
    changed.chunks[0].artifacts[0].size = 4097;
    QVERIFY(DdiResources::cacheHint(ddi.deploymentBase(changed).value()) != opened);
}

void TestDdiResources::deploymentBaseMatchesHawkbitShape()
{
    DdiDeployment input = deployment();
    input.maintenanceWindowAvailable = false;
    const auto body = resources(QUrl(QStringLiteral("https://fleet.example")),
                                QUrl(QStringLiteral("http://10.0.0.1:8080")))
                          .deploymentBase(input);
    QVERIFY2(body.ok(), qPrintable(body.message()));
    // Field names exactly as in hawkBit's DDI documentation (the reference hawkbit-ddi.md quotes
    // them).
    // "@S"/"@H" stand for the https/http controller URLs (moc must not see "//" in a raw
    // string).
    QByteArray expected = R"({
      "id": "42",
      "deployment": {
        "download": "forced",
        "update": "attempt",
        "maintenanceWindow": "unavailable",
        "chunks": [{
          "part": "os", "version": "2.0.0", "name": "fw",
          "artifacts": [{
            "filename": "update.swu",
            "hashes": {"sha1": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                       "md5": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                       "sha256": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"},
            "size": 4096,
            "_links": {
              "download": {"href": "@S/softwaremodules/5/artifacts/update.swu"},
              "md5sum": {"href": "@S/softwaremodules/5/artifacts/update.swu.MD5SUM"},
              "download-http": {"href": "@H/softwaremodules/5/artifacts/update.swu"},
              "md5sum-http": {"href": "@H/softwaremodules/5/artifacts/update.swu.MD5SUM"}
            }
          }]
        }]
      }
    })";
    expected
        .replace("@S", "https:"
                       "//fleet.example/default/controller/v1/dev1")
        .replace("@H", "http:"
                       "//10.0.0.1:8080/default/controller/v1/dev1");
    QJsonParseError error;
    const QJsonDocument expectedDocument = QJsonDocument::fromJson(expected, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(QJsonDocument(body.value()), expectedDocument);
}

void TestDdiResources::httpOnlyUsesHttpLinkNames()
{
    const auto body = resources(QUrl(), QUrl(QStringLiteral("http://127.0.0.1:8080")))
                          .deploymentBase(deployment());
    QVERIFY2(body.ok(), qPrintable(body.message()));
    const QJsonObject links = body->value(QStringLiteral("deployment"))
                                  .toObject()
                                  .value(QStringLiteral("chunks"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("artifacts"))
                                  .toArray()
                                  .at(0)
                                  .toObject()
                                  .value(QStringLiteral("_links"))
                                  .toObject();
    QCOMPARE(links.keys(),
             (QStringList{QStringLiteral("download-http"), QStringLiteral("md5sum-http")}));
    QVERIFY(!body->value(QStringLiteral("deployment"))
                 .toObject()
                 .contains(QStringLiteral("maintenanceWindow")));
}

void TestDdiResources::cancelAction()
{
    const auto body = resources(QUrl(QStringLiteral("https://fleet.example"))).cancelAction(41, 41);
    QVERIFY2(body.ok(), qPrintable(body.message()));
    QCOMPARE(QJsonDocument(body.value()),
             QJsonDocument::fromJson(R"({"id":"41","cancelAction":{"stopId":"41"}})"));
    QVERIFY(!resources(QUrl(QStringLiteral("https://fleet.example"))).cancelAction(0, 1).ok());
}

void TestDdiResources::hrefsParseBack()
{
    // Every href this server hands out must be a path its own DdiPath accepts.
    auto made = DdiResources::make(QStringLiteral("default"), QStringLiteral("00:1b:44:11:3a:b7"),
                                   QUrl(QStringLiteral("https://fleet.example")));
    QVERIFY2(made.ok(), qPrintable(made.message()));
    DdiDeployment input = deployment();
    input.chunks[0].artifacts[0].fileName = QStringLiteral("my update #1 \u00e9.swu");
    DdiPollLinks links;
    links.deployment = input;
    links.cancelActionId = 3;
    links.wantConfigData = true;
    const QJsonObject poll = made->controllerBase(60s, links).value();
    const QJsonObject artifactLinks = made->deploymentBase(input)
                                          .value()
                                          .value(QStringLiteral("deployment"))
                                          .toObject()
                                          .value(QStringLiteral("chunks"))
                                          .toArray()
                                          .at(0)
                                          .toObject()
                                          .value(QStringLiteral("artifacts"))
                                          .toArray()
                                          .at(0)
                                          .toObject()
                                          .value(QStringLiteral("_links"))
                                          .toObject();
    QList<QJsonValue> all;
    for (const QJsonValue &value : poll.value(QStringLiteral("_links")).toObject())
        all.append(value);
    for (const QJsonValue &value : artifactLinks)
        all.append(value);
    QCOMPARE(all.size(), 5);
    for (const QJsonValue &value : all) {
        const QUrl href(value.toObject().value(QStringLiteral("href")).toString());
        QByteArray target = href.path(QUrl::FullyEncoded).toLatin1();
        if (href.hasQuery())
            target += '?' + href.query(QUrl::FullyEncoded).toLatin1();
        const auto path = DdiPath::parse(target);
        QVERIFY2(path.ok(),
                 qPrintable(QString::fromLatin1(target) + QStringLiteral(": ") + path.message()));
        QCOMPARE(path->controllerId(), QStringLiteral("00:1b:44:11:3a:b7"));
        if (path->resource() == DdiPath::Resource::Artifact ||
            path->resource() == DdiPath::Resource::ArtifactMd5Sum)
            QCOMPARE(path->fileName(), input.chunks[0].artifacts[0].fileName);
    }
}

void TestDdiResources::rejectsBadInput()
{
    QVERIFY(!DdiResources::make(QStringLiteral("default"), QStringLiteral("dev1"), QUrl()).ok());
    QVERIFY(!DdiResources::make(QStringLiteral("default"), QStringLiteral("dev1"),
                                QUrl(QStringLiteral("http://plain.example")))
                 .ok()); // an http URL given as the https base
    QVERIFY(!DdiResources::make(QStringLiteral("default"), QStringLiteral("../x"),
                                QUrl(QStringLiteral("https://fleet.example")))
                 .ok());
    QVERIFY(!DdiResources::make(QStringLiteral("default"), QStringLiteral("dev1"),
                                QUrl(QStringLiteral("https://fleet.example/?a=1")))
                 .ok());

    const DdiResources ddi = resources(QUrl(QStringLiteral("https://fleet.example")));
    DdiDeployment bad = deployment();
    bad.chunks[0].artifacts[0].sha256 = QStringLiteral("CAFE");
    const auto badHash = ddi.deploymentBase(bad);
    QVERIFY(!badHash.ok());
    QVERIFY2(badHash.message().contains(QStringLiteral("sha256")), qPrintable(badHash.message()));
    bad = deployment();
    bad.chunks[0].artifacts[0].fileName = QStringLiteral("a/b");
    QVERIFY(!ddi.deploymentBase(bad).ok());
    bad = deployment();
    bad.chunks.clear();
    QVERIFY(!ddi.deploymentBase(bad).ok());
    DdiPollLinks links;
    links.deployment = bad;
    QVERIFY(!ddi.controllerBase(60s, links).ok());
    QVERIFY(!ddi.controllerBase(0s, DdiPollLinks{}).ok());
}

namespace {

void collectKeys(const QJsonValue &value, QSet<QString> *keys)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            keys->insert(it.key());
            collectKeys(it.value(), keys);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collectKeys(item, keys);
    }
}

} // namespace

void TestDdiResources::usesOnlyHawkbitFieldNames()
{
    // Every name the reference (hawkbit-ddi.md, from hawkBit's DDI documentation) lists for
    // the three answers; a typo in a builder ("fileName", "md5-http") fails here.
    const QSet<QString> hawkbitNames{
        QStringLiteral("config"),
        QStringLiteral("polling"),
        QStringLiteral("sleep"),
        QStringLiteral("_links"),
        QStringLiteral("href"),
        QStringLiteral("deploymentBase"),
        QStringLiteral("configData"),
        QStringLiteral("cancelAction"),
        QStringLiteral("id"),
        QStringLiteral("deployment"),
        QStringLiteral("download"),
        QStringLiteral("update"),
        QStringLiteral("maintenanceWindow"),
        QStringLiteral("chunks"),
        QStringLiteral("part"),
        QStringLiteral("version"),
        QStringLiteral("name"),
        QStringLiteral("artifacts"),
        QStringLiteral("filename"),
        QStringLiteral("hashes"),
        QStringLiteral("sha1"),
        QStringLiteral("md5"),
        QStringLiteral("sha256"),
        QStringLiteral("size"),
        QStringLiteral("download-http"),
        QStringLiteral("md5sum"),
        QStringLiteral("md5sum-http"),
        QStringLiteral("stopId"),
    };
    const DdiResources ddi = resources(QUrl(QStringLiteral("https://fleet.example")),
                                       QUrl(QStringLiteral("http://fleet.example")));
    DdiDeployment input = deployment();
    input.maintenanceWindowAvailable = true;
    DdiPollLinks links;
    links.deployment = input;
    links.cancelActionId = 1;
    links.wantConfigData = true;
    QSet<QString> used;
    collectKeys(ddi.controllerBase(10s, links).value(), &used);
    collectKeys(ddi.deploymentBase(input).value(), &used);
    collectKeys(ddi.cancelAction(1, 1).value(), &used);
    const QSet<QString> unknown = used - hawkbitNames;
    QVERIFY2(unknown.isEmpty(), qPrintable(QStringList(unknown.values()).join(QLatin1Char(','))));
    QCOMPARE(used, hawkbitNames);
}

QTEST_GUILESS_MAIN(TestDdiResources)
#include "tst_ddiresources.moc"
