// The window's update-server settings: checked like `fleetctl serve`'s options, stored as JSON
// in workspace_settings, and every change audited with the settings before and after.
#include "TestWorkspace.h"
#include "ddi/UpdateServerSettings.h"

#include <QJsonDocument>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

class TestUpdateServerSettings : public QObject
{
    Q_OBJECT

private slots:
    void defaultsWhenNothingIsStored()
    {
        TestWorkspace ws;
        UpdateServerSettingsStore store(ws.db(), ws.session().audit());
        auto loaded = store.load();
        QVERIFY2(loaded, qPrintable(loaded.message()));
        QCOMPARE(loaded->enabled, false);
        QCOMPARE(loaded->port, 8443);
        QCOMPARE(loaded->plainHttp, false);
        QCOMPARE(loaded->pollIntervalSeconds, 300);
        QCOMPARE(loaded->tenant, QStringLiteral("default"));
        QVERIFY(loaded->listenAddress.isEmpty());
        QVERIFY(loaded->publicUrl.isEmpty());
    }

    void validation_data()
    {
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("address");
        QTest::addColumn<bool>("plain");
        QTest::addColumn<QString>("publicUrl");
        QTest::addColumn<int>("poll");
        QTest::addColumn<QString>("tenant");
        QTest::addColumn<QString>("problem"); // empty: valid

        const QString none;
        const QString dflt = QStringLiteral("default");
        QTest::newRow("defaults") << 8443 << none << false << none << 300 << dflt << none;
        QTest::newRow("any free port") << 0 << none << false << none << 300 << dflt << none;
        QTest::newRow("port too large")
            << 65536 << none << false << none << 300 << dflt << QStringLiteral("port");
        QTest::newRow("negative port")
            << -1 << none << false << none << 300 << dflt << QStringLiteral("port");
        QTest::newRow("ipv4 address")
            << 8443 << QStringLiteral("127.0.0.1") << false << none << 300 << dflt << none;
        QTest::newRow("ipv6 address")
            << 8443 << QStringLiteral("::1") << false << none << 300 << dflt << none;
        QTest::newRow("host name is not an address")
            << 8443 << QStringLiteral("gw.example.com") << false << none << 300 << dflt
            << QStringLiteral("listen address");
        QTest::newRow("https public url")
            << 8443 << none << false << QStringLiteral("https://updates.example.com:8443") << 300
            << dflt << none;
        QTest::newRow("public url with trailing slash")
            << 8443 << none << false << QStringLiteral("https://updates.example.com/") << 300
            << dflt << none;
        QTest::newRow("http public url for https server")
            << 8443 << none << false << QStringLiteral("http://updates.example.com") << 300 << dflt
            << QStringLiteral("https://HOST");
        QTest::newRow("http public url for plain server")
            << 8080 << none << true << QStringLiteral("http://10.0.0.5:8080") << 300 << dflt
            << none;
        QTest::newRow("public url with a path")
            << 8443 << none << false << QStringLiteral("https://updates.example.com/ddi") << 300
            << dflt << QStringLiteral("without a path");
        QTest::newRow("public url with a query")
            << 8443 << none << false << QStringLiteral("https://updates.example.com/?a=b") << 300
            << dflt << QStringLiteral("public URL");
        QTest::newRow("https public host not a certificate name")
            << 8443 << none << false << QStringLiteral("https://bad_host.example.com") << 300
            << dflt << QStringLiteral("server certificate");
        QTest::newRow("plain public host needs no certificate name")
            << 8080 << none << true << QStringLiteral("http://bad_host.example.com") << 300 << dflt
            << none;
        QTest::newRow("poll zero")
            << 8443 << none << false << none << 0 << dflt << QStringLiteral("poll interval");
        QTest::newRow("poll a day")
            << 8443 << none << false << none << 86400 << dflt << QStringLiteral("poll interval");
        QTest::newRow("poll longest") << 8443 << none << false << none << 86399 << dflt << none;
        QTest::newRow("empty tenant")
            << 8443 << none << false << none << 300 << none << QStringLiteral("tenant");
        QTest::newRow("tenant with slash") << 8443 << none << false << none << 300
                                           << QStringLiteral("a/b") << QStringLiteral("tenant");
        QTest::newRow("tenant plant_a-2")
            << 8443 << none << false << none << 300 << QStringLiteral("plant_a-2") << none;
    }

    void validation()
    {
        QFETCH(int, port);
        QFETCH(QString, address);
        QFETCH(bool, plain);
        QFETCH(QString, publicUrl);
        QFETCH(int, poll);
        QFETCH(QString, tenant);
        QFETCH(QString, problem);

        UpdateServerSettings s;
        s.port = port;
        s.listenAddress = address;
        s.plainHttp = plain;
        s.publicUrl = publicUrl;
        s.pollIntervalSeconds = poll;
        s.tenant = tenant;
        const Status status = s.validate();
        if (problem.isEmpty()) {
            QVERIFY2(status, qPrintable(status.message()));
            auto options = s.serverOptions();
            QVERIFY(options);
            QCOMPARE(options->port, quint16(port));
            QCOMPARE(options->plainHttp, plain);
            QCOMPARE(qint64(options->service.pollInterval.count()), qint64(poll));
            QCOMPARE(options->service.tenant, tenant);
            if (!publicUrl.isEmpty())
                QVERIFY(!options->service.publicBase.toString().endsWith(QLatin1Char('/')));
        } else {
            QVERIFY(!status);
            QVERIFY2(status.message().contains(problem, Qt::CaseInsensitive),
                     qPrintable(status.message()));
        }

        // The store refuses what does not validate, and stores nothing.
        TestWorkspace ws;
        UpdateServerSettingsStore store(ws.db(), ws.session().audit());
        const qint64 entries = ws.auditCount();
        QCOMPARE(bool(store.save(s)), problem.isEmpty());
        if (!problem.isEmpty())
            QCOMPARE(ws.auditCount(), entries);
    }

    void certificateNamesNameThePublicHost()
    {
        UpdateServerSettings s;
        QVERIFY(s.certificateNames()->isEmpty());
        s.publicUrl = QStringLiteral("https://Updates.Example.com:9443");
        QCOMPARE(s.certificateNames()->dnsNames,
                 QStringList{QStringLiteral("updates.example.com")});
        QVERIFY(s.certificateNames()->addresses.isEmpty());
        s.publicUrl = QStringLiteral("https://10.1.2.3:8443");
        QVERIFY(s.certificateNames()->dnsNames.isEmpty());
        QCOMPARE(s.certificateNames()->addresses,
                 QList<QHostAddress>{QHostAddress(QStringLiteral("10.1.2.3"))});
        s.publicUrl = QStringLiteral("https://[fd00::5]:8443");
        QCOMPARE(s.certificateNames()->addresses,
                 QList<QHostAddress>{QHostAddress(QStringLiteral("fd00::5"))});
    }

    void roundTrip()
    {
        TestWorkspace ws;
        UpdateServerSettings s;
        s.enabled = true;
        s.port = 9443;
        s.listenAddress = QStringLiteral("127.0.0.1");
        s.publicUrl = QStringLiteral("https://updates.example.com:9443");
        s.pollIntervalSeconds = 60;
        s.tenant = QStringLiteral("plant-a");
        {
            UpdateServerSettingsStore store(ws.db(), ws.session().audit());
            QVERIFY(store.save(s).ok());
        }
        ws.reopen();
        UpdateServerSettingsStore store(ws.db(), ws.session().audit());
        auto loaded = store.load();
        QVERIFY2(loaded, qPrintable(loaded.message()));
        QCOMPARE(loaded->toJson(), s.toJson());
        QVERIFY(loaded.value() == s);
        const QString stored =
            fleet::test::scalarOf(ws.db(), QStringLiteral("SELECT value FROM workspace_settings "
                                                          "WHERE key = 'update_server'"))
                .toString();
        QCOMPARE(QJsonDocument::fromJson(stored.toUtf8()).object().value(QStringLiteral("port")),
                 QJsonValue(9443));
    }

    void changesAreAudited()
    {
        TestWorkspace ws;
        UpdateServerSettingsStore store(ws.db(), ws.session().audit());
        UpdateServerSettings s;
        s.port = 9443;
        QVERIFY(store.save(s).ok());
        QVERIFY(store.save(s).ok()); // no change: no entry
        s.plainHttp = true;
        s.enabled = true;
        QVERIFY(store.save(s).ok());

        const QStringList actions = fleet::test::column(
            ws.db(), QStringLiteral("SELECT action || ' ' || object_id FROM audit_log WHERE "
                                    "action LIKE 'update-server.%' ORDER BY seq"));
        QCOMPARE(actions, (QStringList{QStringLiteral("update-server.settings update_server"),
                                       QStringLiteral("update-server.settings update_server")}));
        const QStringList before = fleet::test::column(
            ws.db(), QStringLiteral("SELECT before_json FROM audit_log WHERE action = "
                                    "'update-server.settings' ORDER BY seq"));
        const QStringList after = fleet::test::column(
            ws.db(), QStringLiteral("SELECT after_json FROM audit_log WHERE action = "
                                    "'update-server.settings' ORDER BY seq"));
        const QJsonObject firstBefore = QJsonDocument::fromJson(before.value(0).toUtf8()).object();
        const QJsonObject lastBefore = QJsonDocument::fromJson(before.value(1).toUtf8()).object();
        const QJsonObject lastAfter = QJsonDocument::fromJson(after.value(1).toUtf8()).object();
        QCOMPARE(firstBefore.value(QStringLiteral("port")), QJsonValue(8443));
        QCOMPARE(lastBefore.value(QStringLiteral("port")), QJsonValue(9443));
        QCOMPARE(lastBefore.value(QStringLiteral("plain_http")), QJsonValue(false));
        QCOMPARE(lastAfter.value(QStringLiteral("plain_http")), QJsonValue(true));
        QCOMPARE(lastAfter.value(QStringLiteral("enabled")), QJsonValue(true));
    }

    void unreadableStoredSettingsAreReported_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::addColumn<QString>("problem");
        QTest::newRow("not json") << QStringLiteral("{port") << QStringLiteral("cannot be read");
        QTest::newRow("array") << QStringLiteral("[1]") << QStringLiteral("not a JSON object");
        QTest::newRow("port as text")
            << QStringLiteral("{\"port\":\"8443\"}") << QStringLiteral("'port'");
        QTest::newRow("enabled as number")
            << QStringLiteral("{\"enabled\":1}") << QStringLiteral("'enabled'");
        QTest::newRow("fractional poll")
            << QStringLiteral("{\"poll_interval_s\":1.5}") << QStringLiteral("poll_interval_s");
    }

    void unreadableStoredSettingsAreReported()
    {
        QFETCH(QString, stored);
        QFETCH(QString, problem);
        TestWorkspace ws;
        QVERIFY(ws.db()
                    .execute(QStringLiteral("INSERT INTO workspace_settings (key, value) VALUES "
                                            "('update_server', ?)"),
                             {stored})
                    .ok());
        UpdateServerSettingsStore store(ws.db(), ws.session().audit());
        auto loaded = store.load();
        QVERIFY(!loaded);
        QVERIFY2(loaded.message().contains(problem), qPrintable(loaded.message()));
        // Saving good settings over them works, and is audited.
        QVERIFY(store.save(UpdateServerSettings{}).ok());
        QVERIFY(store.load().ok());
        QCOMPARE(fleet::test::scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM audit_log "
                                                               "WHERE action = "
                                                               "'update-server.settings'"))
                     .toInt(),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestUpdateServerSettings)
#include "tst_updateserversettings.moc"
