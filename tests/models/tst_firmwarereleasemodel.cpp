#include "DeviceFixtures.h"
#include "FirmwareFixtures.h"
#include "FirmwareReleaseModel.h"
#include "FirmwareVersionCounts.h"
#include "firmware/FirmwareCatalog.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMap>
#include <QTest>
#include <limits>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::McubootImageBuilder;
using fleet::test::TestWorkspace;

class TestFirmwareReleaseModel : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_ws = std::make_unique<TestWorkspace>();
        m_catalog =
            std::make_unique<FirmwareCatalog>(m_ws->db(), m_ws->session().audit(), m_ws->path());
    }

    void cleanup()
    {
        m_catalog.reset();
        m_ws.reset();
    }

    void emptyCatalogHasNoRows()
    {
        FirmwareReleaseModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto list = m_catalog->list();
        QVERIFY2(list.ok(), qPrintable(list.message()));
        model.setReleases(*list);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(FirmwareReleaseModel::ColumnCount));
    }

    void sortsNewestVersionFirst()
    {
        // Imported out of order, and 1.10.0 > 1.9.0 (by SemVer, not as text).
        importImage(QStringLiteral("a.bin"), 1, 9, 0);
        importImage(QStringLiteral("b.bin"), 1, 10, 0);
        importImage(QStringLiteral("c.bin"), 1, 2, 3);
        importSwu(QStringLiteral("gw.swu"), "2.1.0");
        FirmwareReleaseModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto list = m_catalog->list();
        QVERIFY2(list.ok(), qPrintable(list.message()));
        model.setReleases(*list);
        QCOMPARE(model.rowCount(), 4);
        QStringList versions;
        for (int row = 0; row < model.rowCount(); ++row)
            versions << cell(model, row, FirmwareReleaseModel::Version);
        QCOMPARE(versions, (QStringList{QStringLiteral("2.1.0"), QStringLiteral("1.10.0"),
                                        QStringLiteral("1.9.0"), QStringLiteral("1.2.3")}));
        QCOMPARE(cell(model, 0, FirmwareReleaseModel::Kind), QStringLiteral("swu"));
        QCOMPARE(model.rowOfId(model.releaseAt(2).id), 2);
        QCOMPARE(model.rowOfId(9999), -1);
        QCOMPARE(model.index(1, 0).data(FirmwareReleaseModel::ReleaseIdRole).toLongLong(),
                 model.releaseAt(1).id);
    }

    void showsTheReleaseFields_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("expected");
        QTest::newRow("name") << int(FirmwareReleaseModel::Name) << QStringLiteral("sensor");
        QTest::newRow("version") << int(FirmwareReleaseModel::Version) << QStringLiteral("3.0.1");
        QTest::newRow("kind") << int(FirmwareReleaseModel::Kind) << QStringLiteral("mcuboot");
        QTest::newRow("channel") << int(FirmwareReleaseModel::Channel) << QStringLiteral("testing");
        QTest::newRow("state") << int(FirmwareReleaseModel::State) << QStringLiteral("revoked");
        QTest::newRow("known good") << int(FirmwareReleaseModel::KnownGood) << QString();
        QTest::newRow("models") << int(FirmwareReleaseModel::Models)
                                << QStringLiteral("NW-S200, NW-S210");
        QTest::newRow("created") << int(FirmwareReleaseModel::Created)
                                 << QStringLiteral("2026-03-02 09:00");
    }

    void showsTheReleaseFields()
    {
        QFETCH(int, column);
        QFETCH(QString, expected);
        FirmwareManifest manifest;
        manifest.name = QStringLiteral("sensor");
        manifest.models = {QStringLiteral("NW-S200"), QStringLiteral("NW-S210")};
        const qint64 id = importImage(QStringLiteral("sensor.bin"), 3, 0, 1, manifest);
        QVERIFY(m_catalog->setChannel(id, ReleaseChannel::Testing).ok());
        QVERIFY(m_catalog->revoke(id, QStringLiteral("Bricks C1 boards")).ok());
        FirmwareReleaseModel model;
        model.setReleases(*m_catalog->list());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(cell(model, 0, column), expected);
        QCOMPARE(model.index(0, FirmwareReleaseModel::State).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Revoked: Bricks C1 boards"));
    }

    void sizeIsReadableAndExactInTheTooltip()
    {
        const qint64 id = importImage(QStringLiteral("big.bin"), 1, 0, 0);
        FirmwareReleaseModel model;
        model.setReleases(*m_catalog->list());
        const Release r = model.releaseAt(0);
        QCOMPARE(r.id, id);
        QCOMPARE(r.size, QFileInfo(m_ws->dir() + QStringLiteral("/big.bin")).size());
        QVERIFY(cell(model, 0, FirmwareReleaseModel::Size).endsWith(QStringLiteral("KiB")));
        QCOMPARE(model.index(0, FirmwareReleaseModel::Size).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("%1 bytes").arg(QLocale().toString(r.size)));
    }

    void countsDevicesByVersion_data()
    {
        QTest::addColumn<QStringList>("models");
        QTest::newRow("all") << QStringList();
        QTest::newRow("one model") << QStringList{QStringLiteral("GW-4000")};
        QTest::newRow("two models")
            << QStringList{QStringLiteral("GW-4000"), QStringLiteral("SN-200")};
        QTest::newRow("unknown model") << QStringList{QStringLiteral("NO-SUCH")};
    }

    void countsDevicesByVersion()
    {
        QFETCH(QStringList, models);
        constexpr int kDevices = 23;
        DeviceFixtures::seed(m_ws->db(), kDevices);
        auto counts = FirmwareVersionCounts::query(m_ws->db(), models);
        QVERIFY2(counts.ok(), qPrintable(counts.message()));
        // The expectation comes from the fixture's own rules, not from SQL.
        QMap<QString, qint64> expected;
        for (int i = 1; i <= kDevices; ++i) {
            const Device d = DeviceFixtures::device(i);
            if (models.isEmpty() || models.contains(d.model))
                ++expected[d.fwVersion];
        }
        QMap<QString, qint64> actual;
        qint64 previous = std::numeric_limits<qint64>::max();
        for (const auto &entry : *counts) {
            actual.insert(entry.version, entry.devices);
            QVERIFY2(entry.devices <= previous, "most devices first");
            previous = entry.devices;
        }
        QCOMPARE(actual, expected);
    }

private:
    QString cell(const FirmwareReleaseModel &model, int row, int column) const
    {
        return model.index(row, column).data().toString();
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_ws->dir() + QLatin1Char('/') + name;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            return {};
        return path;
    }

    qint64 importImage(const QString &name, int major, int minor, int revision,
                       std::optional<FirmwareManifest> manifest = std::nullopt)
    {
        McubootImageBuilder b;
        b.major = quint8(major);
        b.minor = quint8(minor);
        b.revision = quint16(revision);
        b.payload = QByteArray(4000 + major * 100 + minor, char('A' + minor % 26));
        FirmwareCatalog::ImportOptions options;
        options.manifest = manifest;
        auto imported = m_catalog->importFile(write(name, b.bytes()), options);
        if (!imported) {
            qWarning("%s", qPrintable(imported.message()));
            return 0;
        }
        return imported->release.id;
    }

    qint64 importSwu(const QString &name, const QByteArray &version)
    {
        auto imported = m_catalog->importFile(write(name, fleet::test::sampleSwu(version)), {});
        return imported ? imported->release.id : 0;
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<FirmwareCatalog> m_catalog;
};

QTEST_MAIN(TestFirmwareReleaseModel)
#include "tst_firmwarereleasemodel.moc"
