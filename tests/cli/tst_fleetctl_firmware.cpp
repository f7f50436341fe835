// fleetctl firmware: import (MCUboot, .swu, manifest files), keygen, approve, verify (and a
// file swapped on disk), revoke, and the install policy verdict of `check`, run as a script
// would run them.

#include "FirmwareFixtures.h"
#include "FleetctlRunner.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using fleet::test::CliResult;
using fleet::test::FleetctlRunner;

class TestFleetctlFirmware : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FleetctlRunner m_cli;
    QString m_workspace;
    QString m_passFile;
    QString m_device;        // an NW-EG4100 of the demo fleet
    QString m_deviceVersion; // what it runs
    qint64 m_newer = 0;      // an MCUboot release newer than the device's version
    qint64 m_older = 0;      // one older

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString p = path(name);
        if (!FleetctlRunner::writeFile(p, bytes))
            qFatal("cannot write %s", qPrintable(p));
        return p;
    }
    static QByteArray image(quint8 major, quint8 minor, quint16 revision)
    {
        fleet::test::McubootImageBuilder b;
        b.major = major;
        b.minor = minor;
        b.revision = revision;
        b.tlvs = {{0x24, QByteArray(64, 'E')}};
        return b.bytes();
    }
    CliResult json(QStringList args)
    {
        args.prepend(QStringLiteral("--json"));
        return m_cli.run(args);
    }
    qint64 importImage(const QString &name, const QByteArray &bytes)
    {
        const CliResult r =
            json({QStringLiteral("firmware"), QStringLiteral("import"), write(name, bytes),
                  QStringLiteral("--model"), QStringLiteral("NW-EG4100")});
        if (r.exitCode != 0)
            qWarning("%s", r.describe().constData());
        return r.json().value(QStringLiteral("id")).toInteger(-1);
    }
    int auditCount(const QString &action)
    {
        QByteArray out;
        FleetctlRunner::sqlite(
            m_workspace,
            QStringLiteral("SELECT count(*) FROM audit_log WHERE action = '%1';").arg(action),
            &out);
        return out.trimmed().toInt();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_workspace = path(QStringLiteral("fw.fleetdesk"));
        m_cli.setWorkspace(m_workspace);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("workspace"), QStringLiteral("init"),
                                        QStringLiteral("--demo"), QStringLiteral("--devices"),
                                        QStringLiteral("30")}),
                             0);
        const CliResult devices = json(
            {QStringLiteral("inventory"), QStringLiteral("list"), QStringLiteral("--model"),
             QStringLiteral("NW-EG4100"), QStringLiteral("--columns"),
             QStringLiteral("uid,fw_version"), QStringLiteral("--limit"), QStringLiteral("1")});
        FLEETCTL_EXPECT_EXIT(devices, 0);
        const QJsonObject d =
            devices.json().value(QStringLiteral("devices")).toArray().at(0).toObject();
        m_device = d.value(QStringLiteral("uid")).toString();
        m_deviceVersion = d.value(QStringLiteral("fw_version")).toString();
        QVERIFY2(!m_device.isEmpty(), devices.describe().constData());
        m_passFile = write(QStringLiteral("pass"), "a long passphrase\n");
    }

    void helpListsSubcommands()
    {
        const CliResult r = m_cli.run({QStringLiteral("firmware"), QStringLiteral("--help")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        for (const char *sub :
             {"import", "list", "show", "approve", "revoke", "verify", "keygen", "check"})
            QVERIFY2(r.outText().contains(QLatin1String(sub)), sub);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("import"),
                                        QStringLiteral("--help")}),
                             0);
    }

    void importsReleases()
    {
        m_newer = importImage(QStringLiteral("eg-99.0.0.bin"), image(99, 0, 0));
        m_older = importImage(QStringLiteral("eg-0.1.0.bin"), image(0, 1, 0));
        QVERIFY(m_newer > 0 && m_older > 0);

        const CliResult again = json({QStringLiteral("firmware"), QStringLiteral("import"),
                                      write(QStringLiteral("copy.bin"), image(99, 0, 0))});
        FLEETCTL_EXPECT_EXIT(again, 0);
        QVERIFY(again.json().value(QStringLiteral("already_imported")).toBool());
        QCOMPARE(again.json().value(QStringLiteral("id")).toInteger(), m_newer);

        const CliResult swu =
            json({QStringLiteral("firmware"), QStringLiteral("import"),
                  write(QStringLiteral("gw.swu"), fleet::test::sampleSwu("2.1.0")),
                  QStringLiteral("--channel"), QStringLiteral("testing")});
        FLEETCTL_EXPECT_EXIT(swu, 0);
        QCOMPARE(swu.json().value(QStringLiteral("kind")).toString(), QStringLiteral("swu"));
        QCOMPARE(swu.json().value(QStringLiteral("channel")).toString(), QStringLiteral("testing"));
        QCOMPARE(swu.json().value(QStringLiteral("hw_revisions")).toArray().size(), 2);

        const QString blob = write(QStringLiteral("fpga.bit"), QByteArray(500, 'F'));
        const CliResult refused =
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("import"), blob});
        FLEETCTL_EXPECT_EXIT(refused, 6);
        QVERIFY(refused.errText().contains(QLatin1String("manifest")));
        const QString manifest = write(
            QStringLiteral("fpga.json"),
            R"({"name":"fpga","version":"0.3.0","models":["NW-EG4100"],"min_version":"0.1.0"})");
        const CliResult withManifest = json({QStringLiteral("firmware"), QStringLiteral("import"),
                                             blob, QStringLiteral("--manifest"), manifest});
        FLEETCTL_EXPECT_EXIT(withManifest, 0);
        QCOMPARE(withManifest.json().value(QStringLiteral("min_version")).toString(),
                 QStringLiteral("0.1.0"));

        QByteArray corrupt = image(1, 0, 0);
        corrupt[50] = char(corrupt[50] ^ 0x10);
        const CliResult bad = m_cli.run({QStringLiteral("firmware"), QStringLiteral("import"),
                                         write(QStringLiteral("bad.bin"), corrupt)});
        FLEETCTL_EXPECT_EXIT(bad, 6);
        QVERIFY(bad.errText().contains(QLatin1String("does not match")));
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("import"),
                                        path(QStringLiteral("missing.bin"))}),
                             3);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("import"), blob,
                                        QStringLiteral("--channel"), QStringLiteral("beta")}),
                             2);
        QCOMPARE(auditCount(QStringLiteral("firmware.import")), 4);

        const CliResult list = json({QStringLiteral("firmware"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(list, 0);
        QCOMPARE(list.json().value(QStringLiteral("releases")).toArray().size(), 4);
        const CliResult text = m_cli.run({QStringLiteral("firmware"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(text, 0);
        QVERIFY(text.outText().contains(QLatin1String("99.0.0")));
    }

    void keygenAndApprove()
    {
        const QString id = QString::number(m_newer);
        // No key yet.
        const CliResult noKey = m_cli.run({QStringLiteral("firmware"), QStringLiteral("approve"),
                                           id, QStringLiteral("--passphrase-file"), m_passFile});
        QVERIFY2(noKey.exitCode != 0 && noKey.errText().contains(QLatin1String("keygen")),
                 noKey.describe().constData());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("keygen")}), 2);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("keygen"),
                       QStringLiteral("--passphrase-file"), write(QStringLiteral("short"), "abc")}),
            6);
        const CliResult key = json({QStringLiteral("firmware"), QStringLiteral("keygen"),
                                    QStringLiteral("--passphrase-file"), m_passFile});
        FLEETCTL_EXPECT_EXIT(key, 0);
        const QString fingerprint = key.json().value(QStringLiteral("fingerprint")).toString();
        QCOMPARE(fingerprint.size(), 32);
        const QString keyFile = m_workspace + QStringLiteral(".signing-key.pem");
        QCOMPARE(key.json().value(QStringLiteral("private_key_file")).toString(), keyFile);
        QVERIFY(FleetctlRunner::readFile(keyFile).contains("BEGIN ENCRYPTED PRIVATE KEY"));
        QCOMPARE(int(QFileInfo(keyFile).permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)),
                 0);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("keygen"),
                                        QStringLiteral("--passphrase-file"), m_passFile}),
                             6);

        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("approve"), id}),
                             2);
        const CliResult wrong = m_cli.run({QStringLiteral("firmware"), QStringLiteral("approve"),
                                           id, QStringLiteral("--passphrase-file"),
                                           write(QStringLiteral("wrong"), "not the passphrase")});
        QVERIFY2(wrong.finished && wrong.exitCode != 0, wrong.describe().constData());
        for (qint64 release : {m_newer, m_older}) {
            const CliResult ok =
                json({QStringLiteral("firmware"), QStringLiteral("approve"),
                      QString::number(release), QStringLiteral("--passphrase-file"), m_passFile});
            FLEETCTL_EXPECT_EXIT(ok, 0);
            QCOMPARE(ok.json().value(QStringLiteral("state")).toString(),
                     QStringLiteral("approved"));
            QCOMPARE(ok.json().value(QStringLiteral("signing_key_fingerprint")).toString(),
                     fingerprint);
        }
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("approve"), id,
                                        QStringLiteral("--passphrase-file"), m_passFile}),
                             6);
        QCOMPARE(auditCount(QStringLiteral("firmware.approve")), 2);

        const CliResult show = json({QStringLiteral("firmware"), QStringLiteral("show"), id});
        FLEETCTL_EXPECT_EXIT(show, 0);
        QCOMPARE(show.json().value(QStringLiteral("version")).toString(), QStringLiteral("99.0.0"));
        QVERIFY(!show.json().value(QStringLiteral("signature")).toString().isEmpty());
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("show"), QStringLiteral("999")}),
            3);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("show"), QStringLiteral("abc")}),
            2);
    }

    void checkAppliesInstallPolicy()
    {
        const CliResult up =
            json({QStringLiteral("firmware"), QStringLiteral("check"), QStringLiteral("--device"),
                  m_device, QStringLiteral("--release"), QString::number(m_newer)});
        FLEETCTL_EXPECT_EXIT(up, 0);
        QVERIFY(up.json().value(QStringLiteral("allowed")).toBool());
        QCOMPARE(up.json().value(QStringLiteral("current_version")).toString(), m_deviceVersion);

        const CliResult down =
            json({QStringLiteral("firmware"), QStringLiteral("check"), QStringLiteral("--device"),
                  m_device, QStringLiteral("--release"), QString::number(m_older)});
        FLEETCTL_EXPECT_EXIT(down, 1);
        QVERIFY(!down.json().value(QStringLiteral("allowed")).toBool());
        QVERIFY(down.json().value(QStringLiteral("downgrade")).toBool());

        const CliResult rollback =
            json({QStringLiteral("firmware"), QStringLiteral("check"), QStringLiteral("--device"),
                  m_device, QStringLiteral("--release"), QString::number(m_older),
                  QStringLiteral("--rollback"), QStringLiteral("--reason"),
                  QStringLiteral("99 breaks the PLC link")});
        FLEETCTL_EXPECT_EXIT(rollback, 0);
        QVERIFY(rollback.json().value(QStringLiteral("rollback")).toBool());

        // A draft (the .swu) and another model are refused, in plain words.
        const CliResult draft = m_cli.run({QStringLiteral("firmware"), QStringLiteral("check"),
                                           QStringLiteral("--device"), m_device,
                                           QStringLiteral("--release"), QStringLiteral("3")});
        FLEETCTL_EXPECT_EXIT(draft, 1);
        QVERIFY2(draft.outText().contains(QLatin1String("draft")), draft.describe().constData());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("check"),
                                        QStringLiteral("--device"), QStringLiteral("nobody"),
                                        QStringLiteral("--release"), QString::number(m_newer)}),
                             3);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("check"),
                                        QStringLiteral("--device"), m_device}),
                             2);
    }

    void assignNeedsTokenAndFollowsPolicy()
    {
        const QString release = QString::number(m_newer);
        // An MQTT device is not served by the update server: nothing is assigned.
        QCOMPARE(FleetctlRunner::sqlite(
                     m_workspace,
                     QStringLiteral("UPDATE devices SET connection = 'mqtt' WHERE uid = '%1';")
                         .arg(m_device)),
                 0);
        const CliResult mqtt = m_cli.run({QStringLiteral("firmware"), QStringLiteral("assign"),
                                          release, QStringLiteral("--device"), m_device});
        FLEETCTL_EXPECT_EXIT(mqtt, 6);
        QVERIFY2(mqtt.errText().contains(QLatin1String("--artifact-base-url")),
                 mqtt.describe().constData());
        QCOMPARE(auditCount(QStringLiteral("firmware.assign")), 0);
        // With the server's URL it becomes an MQTT update job with a signed download link.
        const CliResult linked =
            json({QStringLiteral("firmware"), QStringLiteral("assign"), release,
                  QStringLiteral("--device"), m_device, QStringLiteral("--artifact-base-url"),
                  QStringLiteral("https://updates.plant:8443")});
        FLEETCTL_EXPECT_EXIT(linked, 0);
        const QJsonObject mqttJob =
            linked.json().value(QStringLiteral("assigned")).toArray().first().toObject();
        QCOMPARE(mqttJob.value(QStringLiteral("transport")).toString(), QStringLiteral("mqtt"));
        const CliResult shown = json({QStringLiteral("job"), QStringLiteral("show"),
                                      mqttJob.value(QStringLiteral("job_id")).toString()});
        FLEETCTL_EXPECT_EXIT(shown, 0);
        QVERIFY2(
            shown.outText().contains(
                QStringLiteral("https://updates.plant:8443/default/artifacts/%1/").arg(release)),
            shown.describe().constData());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("job"), QStringLiteral("cancel"),
                                        mqttJob.value(QStringLiteral("job_id")).toString(),
                                        QStringLiteral("--reason"), QStringLiteral("test")}),
                             0);

        const CliResult token = json({QStringLiteral("device"), QStringLiteral("token"), m_device});
        FLEETCTL_EXPECT_EXIT(token, 0);
        const QString secret = token.json().value(QStringLiteral("token")).toString();
        QCOMPARE(secret.size(), 32);
        QVERIFY(!token.json().value(QStringLiteral("replaced")).toBool());
        // Only a fingerprint of it is kept anywhere.
        QByteArray dump;
        FleetctlRunner::sqlite(m_workspace, QStringLiteral(".dump"), &dump);
        QVERIFY(!dump.contains(secret.toLatin1()));
        const CliResult listed = json({QStringLiteral("gateway"), QStringLiteral("list")});
        FLEETCTL_EXPECT_EXIT(listed, 0);
        QCOMPARE(listed.jsonArray().first().toObject().value(QStringLiteral("fingerprint")),
                 token.json().value(QStringLiteral("fingerprint")));

        const CliResult assigned = json({QStringLiteral("firmware"), QStringLiteral("assign"),
                                         release, QStringLiteral("--device"), m_device});
        FLEETCTL_EXPECT_EXIT(assigned, 0);
        const QJsonObject job =
            assigned.json().value(QStringLiteral("assigned")).toArray().first().toObject();
        QCOMPARE(job.value(QStringLiteral("transport")).toString(), QStringLiteral("ddi"));
        QCOMPARE(job.value(QStringLiteral("target_version")).toString(), QStringLiteral("99.0.0"));
        QCOMPARE(auditCount(QStringLiteral("firmware.assign")), 2);

        // One install at a time; an older release only as an explicit rollback.
        const CliResult twice = m_cli.run({QStringLiteral("firmware"), QStringLiteral("assign"),
                                           release, QStringLiteral("--device"), m_device});
        FLEETCTL_EXPECT_EXIT(twice, 6);
        QVERIFY2(twice.errText().contains(QLatin1String("unfinished")),
                 twice.describe().constData());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("job"), QStringLiteral("cancel"),
                                        job.value(QStringLiteral("job_id")).toString(),
                                        QStringLiteral("--reason"), QStringLiteral("test")}),
                             0);
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("assign"),
                       QString::number(m_older), QStringLiteral("--device"), m_device}),
            6);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("assign"),
                                        QString::number(m_older), QStringLiteral("--device"),
                                        m_device, QStringLiteral("--rollback")}),
                             2);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("assign"),
                                        QString::number(m_older), QStringLiteral("--device"),
                                        m_device, QStringLiteral("--rollback"),
                                        QStringLiteral("--reason"), QStringLiteral("field issue")}),
                             0);
        QCOMPARE(auditCount(QStringLiteral("firmware.rollback")), 1);

        const CliResult rotated =
            json({QStringLiteral("device"), QStringLiteral("token"), m_device});
        QVERIFY(rotated.json().value(QStringLiteral("replaced")).toBool());
        QVERIFY(rotated.json().value(QStringLiteral("token")).toString() != secret);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("token"), m_device,
                                        QStringLiteral("--revoke")}),
                             2);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("device"), QStringLiteral("token"), m_device,
                                        QStringLiteral("--revoke"), QStringLiteral("--reason"),
                                        QStringLiteral("replaced")}),
                             0);
        QCOMPARE(auditCount(QStringLiteral("ddi.token.revoke")), 1);
        QCOMPARE(auditCount(QStringLiteral("ddi.token.rotate")), 1);
    }

    void setChannelAndKnownGood()
    {
        const CliResult r = json(
            {QStringLiteral("firmware"), QStringLiteral("set"), QString::number(m_newer),
             QStringLiteral("--channel"), QStringLiteral("stable"), QStringLiteral("--known-good"),
             QStringLiteral("yes"), QStringLiteral("--reason"), QStringLiteral("field proven")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(r.json().value(QStringLiteral("channel")).toString(), QStringLiteral("stable"));
        QVERIFY(r.json().value(QStringLiteral("known_good")).toBool());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("set"),
                                        QString::number(m_newer)}),
                             2);
        // Known-good is for approved releases only.
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("set"), QStringLiteral("3"),
                       QStringLiteral("--known-good"), QStringLiteral("yes")}),
            6);
        QCOMPARE(auditCount(QStringLiteral("firmware.set-known-good")), 1);
        QCOMPARE(auditCount(QStringLiteral("firmware.set-channel")), 1);
    }

    void verifyRefusesSwappedFile()
    {
        const QString id = QString::number(m_older);
        const CliResult ok = m_cli.run({QStringLiteral("firmware"), QStringLiteral("verify"), id});
        FLEETCTL_EXPECT_EXIT(ok, 0);
        QVERIFY(ok.outText().contains(QLatin1String("may be served")));
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("verify"), QStringLiteral("3")}),
            0);

        const CliResult show = json({QStringLiteral("firmware"), QStringLiteral("show"), id});
        const QString stored = m_workspace + QStringLiteral(".artifacts/") +
                               show.json().value(QStringLiteral("sha256")).toString();
        QVERIFY(QFile::exists(stored));
        QFile::setPermissions(stored, QFile::ReadOwner | QFile::WriteOwner);
        QByteArray bytes = FleetctlRunner::readFile(stored);
        bytes[60] = char(bytes[60] ^ 0x01);
        QVERIFY(FleetctlRunner::writeFile(stored, bytes));
        const CliResult swapped =
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("verify"), id});
        FLEETCTL_EXPECT_EXIT(swapped, 1);
        QVERIFY2(swapped.errText().contains(QLatin1String("will not be served")),
                 swapped.describe().constData());
    }

    void revokeNeedsReason()
    {
        const QString id = QString::number(m_newer);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("revoke"), id}),
                             6);
        const CliResult r = json({QStringLiteral("firmware"), QStringLiteral("revoke"), id,
                                  QStringLiteral("--reason"), QStringLiteral("boot loop")});
        FLEETCTL_EXPECT_EXIT(r, 0);
        QCOMPARE(r.json().value(QStringLiteral("state")).toString(), QStringLiteral("revoked"));
        const CliResult check =
            json({QStringLiteral("firmware"), QStringLiteral("check"), QStringLiteral("--device"),
                  m_device, QStringLiteral("--release"), id});
        FLEETCTL_EXPECT_EXIT(check, 1);
        QVERIFY(check.json()
                    .value(QStringLiteral("reasons"))
                    .toArray()
                    .at(0)
                    .toString()
                    .contains(QLatin1String("revoked (boot loop)")));
        // The file is intact, but a revoked release is not served.
        const CliResult verify = json({QStringLiteral("firmware"), QStringLiteral("verify"), id});
        FLEETCTL_EXPECT_EXIT(verify, 0);
        QVERIFY(verify.json().value(QStringLiteral("file_ok")).toBool());
        QVERIFY(!verify.json().value(QStringLiteral("servable")).toBool());
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("audit"), QStringLiteral("verify")}), 0);
    }

    // The signature is plain Ed25519 over the documented statement: OpenSSL's own command line
    // verifies it, and a key made by OpenSSL can be imported and signs releases.
    void interoperatesWithOpenssl()
    {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("the openssl command line tool is not installed");
        auto run = [&](const QStringList &args, QByteArray *out = nullptr) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(openssl, args);
            if (!p.waitForStarted(10000) || !p.waitForFinished(30000)) {
                p.kill();
                p.waitForFinished(5000);
                return -1;
            }
            if (out)
                *out = p.readAll();
            return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        };
        const QString key = path(QStringLiteral("ossl.pem"));
        const QString pub = path(QStringLiteral("ossl.pub.pem"));
        QCOMPARE(run({QStringLiteral("genpkey"), QStringLiteral("-algorithm"),
                      QStringLiteral("ed25519"), QStringLiteral("-out"), key}),
                 0);
        QCOMPARE(run({QStringLiteral("pkey"), QStringLiteral("-in"), key, QStringLiteral("-pubout"),
                      QStringLiteral("-out"), pub}),
                 0);
        FLEETCTL_EXPECT_EXIT(m_cli.run({QStringLiteral("firmware"), QStringLiteral("keygen"),
                                        QStringLiteral("--import"), key,
                                        QStringLiteral("--passphrase-file"), m_passFile}),
                             6); // a key exists: replacing it is deliberate
        const CliResult imported = json(
            {QStringLiteral("firmware"), QStringLiteral("keygen"), QStringLiteral("--import"), key,
             QStringLiteral("--passphrase-file"), m_passFile, QStringLiteral("--replace")});
        FLEETCTL_EXPECT_EXIT(imported, 0);
        QCOMPARE(imported.json().value(QStringLiteral("public_key_pem")).toString().toLatin1(),
                 FleetctlRunner::readFile(pub));

        // Release 4 (the manifest file) is still a draft: approve it with the imported key.
        const CliResult approved =
            json({QStringLiteral("firmware"), QStringLiteral("approve"), QStringLiteral("4"),
                  QStringLiteral("--passphrase-file"), m_passFile});
        FLEETCTL_EXPECT_EXIT(approved, 0);
        const QJsonObject r = approved.json();
        const QByteArray statement =
            "fleetdesk-artifact-v1\nsha256:" +
            r.value(QStringLiteral("sha256")).toString().toLatin1() +
            "\nsize:" + QByteArray::number(r.value(QStringLiteral("size")).toInteger()) + "\n";
        const QString statementFile = write(QStringLiteral("statement"), statement);
        const QString signatureFile = write(
            QStringLiteral("signature"),
            QByteArray::fromBase64(r.value(QStringLiteral("signature")).toString().toLatin1()));
        QByteArray out;
        QCOMPARE(
            run({QStringLiteral("pkeyutl"), QStringLiteral("-verify"), QStringLiteral("-pubin"),
                 QStringLiteral("-inkey"), pub, QStringLiteral("-rawin"), QStringLiteral("-in"),
                 statementFile, QStringLiteral("-sigfile"), signatureFile},
                &out),
            0);
        QVERIFY2(out.contains("Signature Verified Successfully"), out.constData());
        // One byte different and OpenSSL refuses it too: the test can fail.
        write(QStringLiteral("statement"), QByteArray(statement).replace("size:", "size:1"));
        QVERIFY(run({QStringLiteral("pkeyutl"), QStringLiteral("-verify"), QStringLiteral("-pubin"),
                     QStringLiteral("-inkey"), pub, QStringLiteral("-rawin"), QStringLiteral("-in"),
                     statementFile, QStringLiteral("-sigfile"), signatureFile}) != 0);
        // And Fleetdesk itself verifies it as the server will before serving it.
        FLEETCTL_EXPECT_EXIT(
            m_cli.run({QStringLiteral("firmware"), QStringLiteral("verify"), QStringLiteral("4")}),
            0);
    }
};

QTEST_GUILESS_MAIN(TestFleetctlFirmware)
#include "tst_fleetctl_firmware.moc"
