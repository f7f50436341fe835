// InstallPolicy: targeting (model, hardware revision), minimum version, release state, and the
// anti-downgrade rule with its explicit, reasoned rollback.

#include "firmware/InstallPolicy.h"

#include <QTest>

using fleet::DeviceFirmwareFacts;
using fleet::InstallPolicy;
using fleet::Release;
using fleet::ReleaseState;
using fleet::SemanticVersion;

namespace {
Release release(const QString &version, ReleaseState state = ReleaseState::Approved)
{
    Release r;
    r.id = 1;
    r.name = QStringLiteral("gw-fw");
    r.version = SemanticVersion::parse(version).value();
    r.state = state;
    r.models = {QStringLiteral("GW-4000")};
    r.hwRevisions = {QStringLiteral("B"), QStringLiteral("C")};
    r.minVersion = SemanticVersion::parse(QStringLiteral("1.5.0")).value();
    r.revokedReason = QStringLiteral("bricks rev B");
    return r;
}
} // namespace

class TestFirmwareInstallPolicy : public QObject
{
    Q_OBJECT

private slots:
    void verdicts_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("hw");
        QTest::addColumn<QString>("current");
        QTest::addColumn<QString>("releaseVersion");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("rollback");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<QString>("mentions");
        const int approved = int(ReleaseState::Approved);
        QTest::newRow("upgrade") << "GW-4000"
                                 << "B"
                                 << "2.0.0"
                                 << "2.1.0" << approved << false << "" << true << "";
        QTest::newRow("model case-insensitive") << "gw-4000"
                                                << "c"
                                                << "2.0.0"
                                                << "2.1.0" << approved << false << "" << true << "";
        QTest::newRow("same version")
            << "GW-4000"
            << "B"
            << "2.1.0"
            << "2.1.0" << approved << false << "" << true << "already runs";
        QTest::newRow("pre-release to release") << "GW-4000"
                                                << "B"
                                                << "2.1.0-rc.2"
                                                << "2.1.0" << approved << false << "" << true << "";
        QTest::newRow("wrong model")
            << "SENSOR-9"
            << "B"
            << "2.0.0"
            << "2.1.0" << approved << false << "" << false << "is a SENSOR-9";
        QTest::newRow("wrong hw") << "GW-4000"
                                  << "A"
                                  << "2.0.0"
                                  << "2.1.0" << approved << false << "" << false
                                  << "hardware revision A";
        QTest::newRow("unknown hw")
            << "GW-4000"
            << ""
            << "2.0.0"
            << "2.1.0" << approved << false << "" << false << "not reported its hardware revision";
        QTest::newRow("below min version")
            << "GW-4000"
            << "B"
            << "1.4.9"
            << "2.1.0" << approved << false << "" << false << "1.5.0 or later";
        QTest::newRow("unknown current with min")
            << "GW-4000"
            << "B"
            << ""
            << "2.1.0" << approved << false << "" << false << "not reported a firmware version";
        QTest::newRow("unparseable current")
            << "GW-4000"
            << "B"
            << "build-77"
            << "2.1.0" << approved << false << "" << false << "not a semantic version";
        QTest::newRow("downgrade refused")
            << "GW-4000"
            << "B"
            << "2.2.0"
            << "2.1.0" << approved << false << "" << false << "downgrades are refused";
        QTest::newRow("release below pre-release")
            << "GW-4000"
            << "B"
            << "2.1.1-rc.1"
            << "2.1.0" << approved << false << "" << false << "downgrades are refused";
        QTest::newRow("rollback without reason")
            << "GW-4000"
            << "B"
            << "2.2.0"
            << "2.1.0" << approved << true << " " << false << "needs a reason";
        QTest::newRow("rollback with reason")
            << "GW-4000"
            << "B"
            << "2.2.0"
            << "2.1.0" << approved << true << "2.2.0 drops MQTT" << true << "not marked known-good";
        QTest::newRow("draft") << "GW-4000"
                               << "B"
                               << "2.0.0"
                               << "2.1.0" << int(ReleaseState::Draft) << false << "" << false
                               << "draft";
        QTest::newRow("revoked") << "GW-4000"
                                 << "B"
                                 << "2.0.0"
                                 << "2.1.0" << int(ReleaseState::Revoked) << false << "" << false
                                 << "revoked (bricks rev B)";
    }
    void verdicts()
    {
        QFETCH(QString, model);
        QFETCH(QString, hw);
        QFETCH(QString, current);
        QFETCH(QString, releaseVersion);
        QFETCH(int, state);
        QFETCH(bool, rollback);
        QFETCH(QString, reason);
        QFETCH(bool, allowed);
        QFETCH(QString, mentions);
        const DeviceFirmwareFacts device{QStringLiteral("gw-1"), model, hw, current};
        const auto v = InstallPolicy::evaluate(
            device, release(releaseVersion, ReleaseState(state)),
            rollback ? InstallPolicy::Intent::Rollback : InstallPolicy::Intent::Update, reason);
        QCOMPARE(v.allowed, allowed);
        QVERIFY2(v.summary().contains(mentions), qUtf8Printable(v.summary()));
        QCOMPARE(v.reasons.isEmpty(), allowed);
        QCOMPARE(v.isRollback, allowed && rollback && v.isDowngrade);
    }

    void everyReasonIsListed()
    {
        Release r = release(QStringLiteral("1.0.0"), ReleaseState::Draft);
        const auto v = InstallPolicy::evaluate({QStringLiteral("x"), QStringLiteral("OTHER"),
                                                QStringLiteral("Z"), QStringLiteral("1.4.0")},
                                               r);
        QVERIFY(!v.allowed);
        QCOMPARE(v.reasons.size(), 5); // draft, model, hw, min version, downgrade
    }

    void rollbackIsRecordedWithItsReason()
    {
        const DeviceFirmwareFacts device{QStringLiteral("gw-1"), QStringLiteral("GW-4000"),
                                         QStringLiteral("B"), QStringLiteral("2.2.0")};
        const Release r = release(QStringLiteral("2.1.0"));
        const QString reason = QStringLiteral(" 2.2.0 drops MQTT ");
        const auto v = InstallPolicy::evaluate(device, r, InstallPolicy::Intent::Rollback, reason);
        QVERIFY(v.allowed && v.isRollback);
        const fleet::AuditRecord record = InstallPolicy::rollbackRecord(device, r, reason);
        QCOMPARE(record.action, QStringLiteral("firmware.rollback"));
        QCOMPARE(record.objectType, QStringLiteral("device"));
        QCOMPARE(record.objectId, QStringLiteral("gw-1"));
        QCOMPARE(record.reason, QStringLiteral("2.2.0 drops MQTT"));
        QCOMPARE(record.before.value(QStringLiteral("fw_version")).toString(),
                 QStringLiteral("2.2.0"));
        QCOMPARE(record.after.value(QStringLiteral("version")).toString(), QStringLiteral("2.1.0"));
    }

    void releaseWithoutModelsIsRefused()
    {
        Release r = release(QStringLiteral("2.0.0"));
        r.models.clear();
        const auto v = InstallPolicy::evaluate({QStringLiteral("x"), QStringLiteral("GW-4000"),
                                                QStringLiteral("B"), QStringLiteral("1.9.0")},
                                               r);
        QVERIFY(!v.allowed);
        QVERIFY(v.summary().contains(QLatin1String("names no target models")));
    }
};

QTEST_GUILESS_MAIN(TestFirmwareInstallPolicy)
#include "tst_firmware_installpolicy.moc"
