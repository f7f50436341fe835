// BrokerProfileStore: profiles round-trip through broker_profiles, at most one is active, every
// change is audited, and a password never reaches the workspace file.
#include "TestWorkspace.h"
#include "settings/BrokerProfileStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

// validate() checks that the TLS files can be read, so they are real (empty) files.
QString touch(const QTemporaryDir &dir, const QString &name)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot create %s", qPrintable(file.fileName()));
    return file.fileName();
}

MqttBrokerProfile tlsProfile()
{
    static QTemporaryDir files;
    MqttBrokerProfile p;
    p.host = QStringLiteral("broker.plant-a.local");
    p.port = 8884;
    p.tls = true;
    p.caFile = touch(files, QStringLiteral("ca.pem"));
    p.clientCertFile = touch(files, QStringLiteral("client.pem"));
    p.clientKeyFile = touch(files, QStringLiteral("client.key"));
    p.verifyHostname = false;
    p.username = QStringLiteral("fleetdesk");
    p.password = QStringLiteral("Sup3r-Secret-Broker-Pass");
    p.clientId = QStringLiteral("fleetdesk-plant-a");
    p.keepAliveSeconds = 30;
    p.inflightWindow = 64;
    p.protocol = MqttBrokerProfile::ProtocolVersion::V311Only;
    return p;
}

} // namespace

class TestBrokerProfileStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTripKeepsEverySettingButThePassword()
    {
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        const MqttBrokerProfile original = tlsProfile();
        auto created = store.create(QStringLiteral("Plant A"), original);
        QVERIFY2(created.ok(), qPrintable(created.message()));

        auto found = store.find(QStringLiteral("Plant A"));
        QVERIFY2(found.ok(), qPrintable(found.message()));
        const MqttBrokerProfile &p = found->profile;
        QCOMPARE(p.host, original.host);
        QCOMPARE(p.port, original.port);
        QCOMPARE(p.tls, true);
        QCOMPARE(p.caFile, original.caFile);
        QCOMPARE(p.clientCertFile, original.clientCertFile);
        QCOMPARE(p.clientKeyFile, original.clientKeyFile);
        QCOMPARE(p.verifyHostname, false);
        QCOMPARE(p.username, original.username);
        QCOMPARE(p.clientId, original.clientId);
        QCOMPARE(p.keepAliveSeconds, 30);
        QCOMPARE(p.inflightWindow, 64);
        QCOMPARE(p.protocol, MqttBrokerProfile::ProtocolVersion::V311Only);
        QVERIFY(p.password.isEmpty());
        QCOMPARE(found->active, false);
    }

    void passwordNeverReachesTheFile()
    {
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        MqttBrokerProfile profile = tlsProfile();
        QVERIFY(store.create(QStringLiteral("Plant A"), profile).ok());
        profile.port = 8885;
        QVERIFY(store.update(QStringLiteral("Plant A"), profile).ok());
        QVERIFY(store.activate(QStringLiteral("Plant A")).ok());
        ws.close(); // checkpoints the WAL into the main file

        const QByteArray secret = profile.password.toUtf8();
        for (const QString &suffix :
             {QString(), QStringLiteral("-wal"), QStringLiteral(".audit-head")}) {
            QFile file(ws.path() + suffix);
            if (!file.exists())
                continue;
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(secret), qPrintable(file.fileName()));
            QVERIFY2(!bytes.contains(secret.toBase64()), qPrintable(file.fileName()));
        }
        // The settings themselves did reach it (the check above would pass on an empty file).
        QFile main(ws.path());
        QVERIFY(main.open(QIODevice::ReadOnly));
        QVERIFY(main.readAll().contains("fleetdesk-plant-a"));
    }

    void atMostOneProfileIsActive()
    {
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        MqttBrokerProfile plain =
            MqttBrokerProfile::fromUrl(QStringLiteral("mqtt://a.local")).value();
        QVERIFY(store.create(QStringLiteral("A"), plain).ok());
        QVERIFY(store.create(QStringLiteral("B"), plain).ok());
        QVERIFY(!store.active().value().has_value());

        QVERIFY(store.activate(QStringLiteral("A")).ok());
        QCOMPARE(store.active().value()->name, QStringLiteral("A"));
        QVERIFY(store.activate(QStringLiteral("B")).ok());
        QCOMPARE(store.active().value()->name, QStringLiteral("B"));
        QCOMPARE(
            fleet::test::scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM broker_profiles "
                                                          "WHERE active = 1"))
                .toInt(),
            1);
        QVERIFY(store.activate(QString()).ok());
        QVERIFY(!store.active().value().has_value());

        const Status unknown = store.activate(QStringLiteral("C"));
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().kind, Error::Kind::NotFound);
    }

    void changesAreAudited()
    {
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        MqttBrokerProfile profile = tlsProfile();
        QVERIFY(store.create(QStringLiteral("Plant A"), profile).ok());
        profile.keepAliveSeconds = 45;
        QVERIFY(store.update(QStringLiteral("Plant A"), profile).ok());
        QVERIFY(store.update(QStringLiteral("Plant A"), profile).ok()); // no change: no entry
        QVERIFY(store.activate(QStringLiteral("Plant A")).ok());
        QVERIFY(store.remove(QStringLiteral("Plant A")).ok());

        const QStringList actions = fleet::test::column(
            ws.db(), QStringLiteral("SELECT action FROM audit_log WHERE object_type = "
                                    "'broker-profile' ORDER BY seq"));
        QCOMPARE(actions, (QStringList{QStringLiteral("broker.profile.create"),
                                       QStringLiteral("broker.profile.update"),
                                       QStringLiteral("broker.profile.activate"),
                                       QStringLiteral("broker.profile.delete")}));
        const QStringList updates = fleet::test::column(
            ws.db(), QStringLiteral("SELECT before_json || after_json FROM audit_log WHERE "
                                    "action = 'broker.profile.update'"));
        QVERIFY(updates.value(0).contains(QStringLiteral("\"keepAliveSeconds\":45")));
        QVERIFY(!updates.value(0).contains(profile.password));
        QVERIFY(store.list().value().isEmpty());
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty name") << QString() << QStringLiteral("h") << QStringLiteral("name");
        QTest::newRow("padded name")
            << QStringLiteral(" A") << QStringLiteral("h") << QStringLiteral("spaces");
        QTest::newRow("no host") << QStringLiteral("A") << QString() << QStringLiteral("host");
    }

    void refusesBadInput()
    {
        QFETCH(QString, name);
        QFETCH(QString, host);
        QFETCH(QString, expected);
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        MqttBrokerProfile profile;
        profile.host = host;
        auto created = store.create(name, profile);
        QVERIFY(!created.ok());
        QCOMPARE(created.error().kind, Error::Kind::Invalid);
        QVERIFY2(created.message().contains(expected, Qt::CaseInsensitive),
                 qPrintable(created.message()));
        QVERIFY(store.list().value().isEmpty());
    }

    void duplicateNameIsRefused()
    {
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        const MqttBrokerProfile p = MqttBrokerProfile::fromUrl(QStringLiteral("mqtt://a")).value();
        QVERIFY(store.create(QStringLiteral("A"), p).ok());
        auto again = store.create(QStringLiteral("A"), p);
        QVERIFY(!again.ok());
        QVERIFY(again.message().contains(QStringLiteral("exists already")));
    }

    void workspaceIdIsStable()
    {
        TestWorkspace ws;
        BrokerProfileStore store(ws.db(), ws.session().audit());
        auto id = store.workspaceId();
        QVERIFY2(id.ok(), qPrintable(id.message()));
        QCOMPARE(id->size(), 32);
        ws.reopen();
        BrokerProfileStore reopened(ws.db(), ws.session().audit());
        QCOMPARE(reopened.workspaceId().value(), id.value());
    }
};

QTEST_GUILESS_MAIN(TestBrokerProfileStore)
#include "tst_brokerprofilestore.moc"
