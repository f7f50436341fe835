#include "../models/DeviceFixtures.h"
#include "FirmwareFixtures.h"
#include "FirmwareReleaseModel.h"
#include "charts/HorizontalBarChart.h"
#include "crypto/Ed25519PrivateKey.h"
#include "firmware/DeviceVersionPanel.h"
#include "firmware/FirmwarePage.h"
#include "firmware/ImportManifestDialog.h"
#include "firmware/PassphraseDialog.h"
#include "firmware/ReleaseDetailsPane.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QUrl>

using namespace fleet;
using fleet::test::DeviceFixtures;
using fleet::test::McubootImageBuilder;
using fleet::test::TestWorkspace;

namespace {
constexpr int kWait = 15000;
const QByteArray kPassphrase = "correct horse battery";

QByteArray image(int major, int minor, int revision, int payloadSize = 2000)
{
    McubootImageBuilder b;
    b.major = quint8(major);
    b.minor = quint8(minor);
    b.revision = quint16(revision);
    b.payload = QByteArray(payloadSize, char('a' + (major + minor + revision) % 26));
    return b.bytes();
}

FirmwareManifest manifest(const QString &name, const QString &version, const QStringList &models)
{
    FirmwareManifest m;
    m.name = name;
    m.models = models;
    if (!version.isEmpty()) {
        m.versionText = version;
        m.version = *SemanticVersion::parse(version);
    }
    return m;
}
} // namespace

class TestFirmwarePage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FleetdeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_firmwarepage"));
    }

    void init()
    {
        m_ws = std::make_unique<TestWorkspace>();
        DeviceFixtures::seed(m_ws->db(), 30);
        m_page = std::make_unique<FirmwarePage>(m_ws->session());
        QSignalSpy loaded(m_page.get(), &FirmwarePage::releasesLoaded);
        m_page->resize(1280, 800);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, kWait);
    }

    void cleanup()
    {
        m_page.reset();
        m_ws.reset();
    }

    void importedFileAppearsInTheTable_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("withManifest");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("kind");
        QTest::newRow("mcuboot") << QStringLiteral("sensor.bin") << image(1, 4, 2) << false
                                 << QStringLiteral("1.4.2") << QStringLiteral("mcuboot");
        QTest::newRow("swu") << QStringLiteral("gateway.swu") << fleet::test::sampleSwu("2.1.0")
                             << false << QStringLiteral("2.1.0") << QStringLiteral("swu");
        QTest::newRow("plain file with manifest")
            << QStringLiteral("fpga.bit") << QByteArray(3000, 'F') << true
            << QStringLiteral("0.9.0") << QStringLiteral("file");
    }

    void importedFileAppearsInTheTable()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, bytes);
        QFETCH(bool, withManifest);
        QFETCH(QString, version);
        QFETCH(QString, kind);
        const qint64 auditBefore = m_ws->auditCount();
        std::optional<FirmwareManifest> m;
        if (withManifest)
            m = manifest(QStringLiteral("fpga"), version, {QStringLiteral("GW-4000")});
        const auto [ok, message] = run([&] { m_page->importFile(write(fileName, bytes), m); });
        QVERIFY2(ok, qPrintable(message));
        QVERIFY2(message.startsWith(QStringLiteral("Imported %1 as ").arg(fileName)),
                 qPrintable(message));
        QCOMPARE(model()->rowCount(), 1);
        QCOMPARE(cell(0, FirmwareReleaseModel::Version), version);
        QCOMPARE(cell(0, FirmwareReleaseModel::Kind), kind);
        QCOMPARE(cell(0, FirmwareReleaseModel::State), QStringLiteral("draft"));
        QCOMPARE(m_page->messageLabel()->text(), message);
        QVERIFY(m_page->messageLabel()->isVisible());
        // The new release is selected and described.
        QCOMPARE(m_page->selectedRelease()->version.toString(), version);
        QCOMPARE(
            m_page->details()->fieldText(QStringLiteral("detailSha256")).remove(QLatin1Char('\n')),
            QString::fromLatin1(
                QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(m_ws->auditCount(), auditBefore + 1);
    }

    void badFileIsExplainedInPlainWords_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        McubootImageBuilder truncated;
        QTest::newRow("truncated mcuboot")
            << QStringLiteral("cut.bin") << truncated.bytes().left(40)
            << QStringLiteral("cut.bin: ");
        QTest::newRow("plain file without manifest")
            << QStringLiteral("app.bin") << QByteArray(500, 'x')
            << QStringLiteral("app.bin: 'app.bin' is neither an MCUboot image nor an SWUpdate "
                              "bundle");
        QTest::newRow("empty") << QStringLiteral("empty.bin") << QByteArray()
                               << QStringLiteral("empty.bin: 'empty.bin' is empty");
    }

    void badFileIsExplainedInPlainWords()
    {
        QFETCH(QString, fileName);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const qint64 auditBefore = m_ws->auditCount();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^%1: ").arg(
                                               QRegularExpression::escape(fileName))));
        const auto [ok, message] =
            run([&] { m_page->importFile(write(fileName, bytes), std::nullopt); });
        QVERIFY(!ok);
        QCOMPARE(m_page->failedOperations(), 1);
        QVERIFY2(message.startsWith(expected), qPrintable(message));
        QVERIFY2(message.size() > expected.size() + 5 || expected.endsWith(QLatin1String("empty")),
                 qPrintable(message));
        QCOMPARE(m_page->messageLabel()->text(), message);
        QVERIFY(m_page->messageLabel()->isVisible());
        QCOMPARE(model()->rowCount(), 0);
        QCOMPARE(m_ws->auditCount(), auditBefore);
    }

    void missingFileIsExplained()
    {
        const auto [ok, message] = run(
            [&] { m_page->importFile(m_ws->dir() + QStringLiteral("/gone.bin"), std::nullopt); });
        QVERIFY(!ok);
        QVERIFY2(message.startsWith(QStringLiteral("gone.bin: No file")), qPrintable(message));
    }

    void droppedFilesAreImported()
    {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(write(QStringLiteral("one.bin"), image(3, 0, 0))),
                      QUrl::fromLocalFile(
                          write(QStringLiteral("two.swu"), fleet::test::sampleSwu("3.1.0")))});
        const QPoint at = m_page->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_page.get(), &enter);
        QVERIFY(enter.isAccepted());
        QSignalSpy finished(m_page.get(), &FirmwarePage::operationFinished);
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_page.get(), &drop);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        QVERIFY(finished.at(0).at(0).toBool() && finished.at(1).at(0).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 2, kWait);
        QCOMPARE(cell(0, FirmwareReleaseModel::Version), QStringLiteral("3.1.0"));
        QCOMPARE(cell(1, FirmwareReleaseModel::Version), QStringLiteral("3.0.0"));
        QCOMPARE(m_page->messageLabel()->text().count(QStringLiteral("Imported ")), 2);

        // Something that is not a local file is not taken.
        QMimeData text;
        text.setText(QStringLiteral("firmware"));
        QDragEnterEvent refused(at, Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        refused.setAccepted(false);
        QCoreApplication::sendEvent(m_page.get(), &refused);
        QVERIFY(!refused.isAccepted());
    }

    void plainFileAsksForItsNameAndVersion()
    {
        const QString path = write(QStringLiteral("fpga.bit"), QByteArray(2048, 'B'));
        m_page->importFiles({path});
        auto *dialog = m_page->findChild<ImportManifestDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), kWait);
        QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("fpga"));
        auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // no version yet
        dialog->versionEdit()->setText(QStringLiteral("1.x"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("manifestProblem"))
                    ->text()
                    .contains(QStringLiteral("version")));
        dialog->versionEdit()->setText(QStringLiteral("3.1.0"));
        dialog->modelsEdit()->setText(QStringLiteral("GW-4000, SN-200"));
        QVERIFY(ok->isEnabled());
        QSignalSpy finished(m_page.get(), &FirmwarePage::operationFinished);
        QSignalSpy loaded(m_page.get(), &FirmwarePage::releasesLoaded);
        QTest::mouseClick(ok, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, kWait);
        QCOMPARE(model()->rowCount(), 1);
        QCOMPARE(cell(0, FirmwareReleaseModel::Name), QStringLiteral("fpga"));
        QCOMPARE(cell(0, FirmwareReleaseModel::Kind), QStringLiteral("file"));
        QCOMPARE(cell(0, FirmwareReleaseModel::Models), QStringLiteral("GW-4000, SN-200"));
    }

    void cancellingTheQuestionImportsNothing()
    {
        m_page->importFiles({write(QStringLiteral("blob.dat"), QByteArray(100, 'z')),
                             write(QStringLiteral("next.bin"), image(4, 0, 0))});
        auto *dialog = m_page->findChild<ImportManifestDialog *>();
        QVERIFY(dialog);
        QVERIFY(!button("importButton")->isEnabled()); // one question at a time
        QSignalSpy finished(m_page.get(), &FirmwarePage::operationFinished);
        dialog->reject();
        // The queue goes on with the next file; both outcomes stay in the message area.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(model()->rowCount(), 1, kWait);
        const QStringList lines = m_page->messageLabel()->text().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0),
                 QStringLiteral("blob.dat: not imported (no name and version given)."));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("Imported next.bin as ")),
                 qPrintable(lines.at(1)));
        QCOMPARE(m_page->failedOperations(), 1);
        QCOMPARE(cell(0, FirmwareReleaseModel::Version), QStringLiteral("4.0.0"));
        QVERIFY(button("importButton")->isEnabled());
    }

    void approvingFirstOffersToCreateTheKey()
    {
        const qint64 id = importWithModels(QStringLiteral("gw.bin"), image(2, 6, 0));
        m_page->selectRelease(id);
        QVERIFY(button("approveButton")->isEnabled());
        QVERIFY(button("createKeyButton")->isEnabled());
        QTest::mouseClick(button("approveButton"), Qt::LeftButton);
        auto *box = m_page->findChild<QMessageBox *>(QStringLiteral("noSigningKeyMessage"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral("no release-signing key")));
        QAbstractButton *create = nullptr;
        for (QAbstractButton *b : box->buttons())
            if (b->text() == QStringLiteral("Create signing key…"))
                create = b;
        QVERIFY(create);
        QTest::mouseClick(create, Qt::LeftButton);

        auto *keyDialog = m_page->findChild<PassphraseDialog *>(QStringLiteral("createKeyDialog"));
        QVERIFY(keyDialog);
        QCOMPARE(keyDialog->passphraseEdit()->echoMode(), QLineEdit::Password);
        auto *keyOk = keyDialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        keyDialog->passphraseEdit()->setText(QString::fromUtf8(kPassphrase));
        keyDialog->confirmEdit()->setText(QStringLiteral("a typo in it"));
        QVERIFY(!keyOk->isEnabled());
        keyDialog->confirmEdit()->setText(QString::fromUtf8(kPassphrase));
        QVERIFY(keyOk->isEnabled());
        {
            QSignalSpy finished(m_page.get(), &FirmwarePage::operationFinished);
            QTest::mouseClick(keyOk, Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
            QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        }
        // The workspace has its key now: a second one would only be made by replacing it.
        QTRY_VERIFY_WITH_TIMEOUT(!button("createKeyButton")->isEnabled(), kWait);
        QVERIFY(button("createKeyButton")
                    ->toolTip()
                    .contains(scalar(
                        QStringLiteral("SELECT fingerprint FROM signing_keys WHERE active = 1"))));

        // A wrong passphrase is refused in words; the release stays a draft.
        auto wrong = run([&] { m_page->approve(id, "not the passphrase"); });
        QVERIFY(!wrong.first);
        QVERIFY2(wrong.second.startsWith(QStringLiteral("Not approved: ")),
                 qPrintable(wrong.second));
        QCOMPARE(cell(model()->rowOfId(id), FirmwareReleaseModel::State), QStringLiteral("draft"));

        // Through the button: the passphrase dialog, with a hidden field.
        m_page->selectRelease(id);
        QTest::mouseClick(button("approveButton"), Qt::LeftButton);
        auto *dialog = m_page->findChild<PassphraseDialog *>(QStringLiteral("passphraseDialog"));
        QVERIFY(dialog);
        QCOMPARE(dialog->passphraseEdit()->echoMode(), QLineEdit::Password);
        QVERIFY(!dialog->confirmEdit()->isVisible());
        dialog->passphraseEdit()->setText(QString::fromUtf8(kPassphrase));
        const auto approved = run([&] {
            QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
        });
        QVERIFY2(approved.first, qPrintable(approved.second));
        const int row = model()->rowOfId(id);
        QCOMPARE(cell(row, FirmwareReleaseModel::State), QStringLiteral("approved"));
        QCOMPARE(m_page->selectedRelease()->id, id);
        QVERIFY(!m_page->details()->fieldText(QStringLiteral("detailSignature")).isEmpty());
        QVERIFY(m_page->details()->fieldText(QStringLiteral("detailSignature")) !=
                QStringLiteral("not signed"));
        QVERIFY(!button("approveButton")->isEnabled());
        QVERIFY(button("knownGoodButton")->isEnabled());
        QCOMPARE(QStringLiteral("1"),
                 scalar(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = "
                                       "'firmware.approve'")));
    }

    void importedKeySignsReleases()
    {
        QVERIFY(button("importKeyButton")->isEnabled());
        auto key = fleet::Ed25519PrivateKey::generate();
        QVERIFY(key.ok());
        const QByteArray encrypted = key->toPem("file passphrase").value();
        // A wrong passphrase for the file is refused in words; nothing is imported.
        auto wrong = run([&] { m_page->importSigningKey(encrypted, "not it", kPassphrase); });
        QVERIFY(!wrong.first);
        QVERIFY2(wrong.second.startsWith(QStringLiteral("Signing key not imported: ")),
                 qPrintable(wrong.second));
        QVERIFY(button("importKeyButton")->isEnabled());
        auto imported =
            run([&] { m_page->importSigningKey(encrypted, "file passphrase", kPassphrase); });
        QVERIFY2(imported.first, qPrintable(imported.second));
        QTRY_VERIFY_WITH_TIMEOUT(!button("importKeyButton")->isEnabled(), kWait);
        QVERIFY(!button("createKeyButton")->isEnabled());
        // The imported key approves with the new passphrase.
        const qint64 id = importWithModels(QStringLiteral("gw-key.bin"), image(2, 6, 1));
        auto approved = run([&] { m_page->approve(id, kPassphrase); });
        QVERIFY2(approved.first, qPrintable(approved.second));
        QCOMPARE(QStringLiteral("1"),
                 scalar(QStringLiteral("SELECT count(*) FROM signing_keys WHERE active = 1")));
    }

    void channelKnownGoodAndRevocation()
    {
        const qint64 id = importWithModels(QStringLiteral("gw.bin"), image(2, 6, 1));
        auto channel = run([&] { m_page->setChannel(id, ReleaseChannel::Stable); });
        QVERIFY2(channel.first, qPrintable(channel.second));
        QCOMPARE(cell(model()->rowOfId(id), FirmwareReleaseModel::Channel),
                 QStringLiteral("stable"));

        // Only an approved release can be known good: the catalog's reason is shown.
        auto knownGood = run([&] { m_page->setKnownGood(id, true); });
        QVERIFY(!knownGood.first);
        QVERIFY2(knownGood.second.contains(QStringLiteral("Only an approved release")),
                 qPrintable(knownGood.second));

        auto noReason = run([&] { m_page->revoke(id, QString()); });
        QVERIFY(!noReason.first);
        QVERIFY2(noReason.second.startsWith(QStringLiteral("Not revoked: ")),
                 qPrintable(noReason.second));
        auto revoked = run([&] { m_page->revoke(id, QStringLiteral("Bricks C1 boards")); });
        QVERIFY2(revoked.first, qPrintable(revoked.second));
        QCOMPARE(cell(model()->rowOfId(id), FirmwareReleaseModel::State),
                 QStringLiteral("revoked"));
        m_page->selectRelease(id);
        QVERIFY(m_page->details()
                    ->fieldText(QStringLiteral("detailRevoked"))
                    .endsWith(QStringLiteral("Bricks C1 boards")));
        QVERIFY(!button("revokeButton")->isEnabled());
    }

    void releasesAreSortedNewestVersionFirst()
    {
        for (const auto &[name, bytes] :
             QList<QPair<QString, QByteArray>>{{QStringLiteral("a.bin"), image(1, 9, 0)},
                                               {QStringLiteral("b.bin"), image(1, 10, 0)},
                                               {QStringLiteral("c.bin"), image(1, 2, 0)}}) {
            auto r = run([&] { m_page->importFile(write(name, bytes), std::nullopt); });
            QVERIFY2(r.first, qPrintable(r.second));
        }
        QCOMPARE(cell(0, FirmwareReleaseModel::Version), QStringLiteral("1.10.0"));
        QCOMPARE(cell(1, FirmwareReleaseModel::Version), QStringLiteral("1.9.0"));
        QCOMPARE(cell(2, FirmwareReleaseModel::Version), QStringLiteral("1.2.0"));
        QCOMPARE(m_page->findChild<QLabel *>(QStringLiteral("releaseCountLabel"))->text(),
                 QStringLiteral("3 release(s)"));
    }

    void chartCountsMatchTheDevicesTable_data()
    {
        QTest::addColumn<QStringList>("models");
        QTest::newRow("no release selected: all devices") << QStringList();
        QTest::newRow("release for one model") << QStringList{QStringLiteral("GW-4000")};
        QTest::newRow("release for two models")
            << QStringList{QStringLiteral("GW-4000"), QStringLiteral("PLC-9")};
    }

    void chartCountsMatchTheDevicesTable()
    {
        QFETCH(QStringList, models);
        // More variety than the fixture's two versions.
        QVERIFY(m_ws->db()
                    .execute(QStringLiteral("UPDATE devices SET fw_version = '2.6.0' WHERE id % 7 "
                                            "= 0"))
                    .ok());
        QVERIFY(m_ws->db()
                    .execute(QStringLiteral("UPDATE devices SET fw_version = '1.9.0' WHERE id % 11 "
                                            "= 0"))
                    .ok());
        QString highlight;
        QSignalSpy counted(m_page.get(), &FirmwarePage::countsLoaded);
        if (!models.isEmpty()) {
            const qint64 id = importWithModels(QStringLiteral("gw-fw-2.6.0.bin"), image(2, 6, 0),
                                               models, QStringLiteral("gateway-fw"));
            m_page->selectRelease(id);
            highlight = QStringLiteral("2.6.0");
        } else {
            QMetaObject::invokeMethod(m_page.get(), [this] { m_page->refresh(); });
        }
        QTRY_VERIFY_WITH_TIMEOUT(counted.count() >= 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(chartMatchesSql(models), kWait);

        HorizontalBarChart *chart = m_page->versionPanel()->chart();
        if (highlight.isEmpty()) {
            QCOMPARE(chart->highlighted(), -1);
        } else {
            QVERIFY(chart->highlighted() >= 0);
            QCOMPARE(chart->labels().at(chart->highlighted()), highlight);
            QVERIFY(m_page->findChild<QLabel *>(QStringLiteral("versionCountsCaption"))
                        ->text()
                        .contains(QStringLiteral("version 2.6.0 is highlighted")));
        }
        saveScreenshotIf(models.size() == 1);
    }

private:
    // Runs `start` (which begins one operation) and waits for its outcome and the reload.
    template<typename Start> QPair<bool, QString> run(Start start)
    {
        QSignalSpy finished(m_page.get(), &FirmwarePage::operationFinished);
        QSignalSpy loaded(m_page.get(), &FirmwarePage::releasesLoaded);
        start();
        if (!finished.wait(kWait) && finished.isEmpty())
            return {false, QStringLiteral("(no outcome)")};
        const bool ok = finished.at(0).at(0).toBool();
        const QString message = finished.at(0).at(1).toString();
        if (loaded.isEmpty())
            loaded.wait(kWait);
        return {ok, message};
    }

    qint64 importWithModels(const QString &name, const QByteArray &bytes,
                            const QStringList &models = {QStringLiteral("GW-4000")},
                            const QString &releaseName = {})
    {
        const auto r = run([&] {
            m_page->importFile(write(name, bytes), manifest(releaseName, QString(), models));
        });
        if (!r.first) {
            qWarning("%s", qPrintable(r.second));
            return 0;
        }
        return m_page->selectedRelease() ? m_page->selectedRelease()->id : 0;
    }

    // The chart and the table say what SQL says, version by version.
    bool chartMatchesSql(const QStringList &models)
    {
        QString where;
        if (!models.isEmpty())
            where =
                QStringLiteral(" WHERE model IN ('%1')").arg(models.join(QStringLiteral("','")));
        const QStringList versions = fleet::test::column(
            m_ws->db(), QStringLiteral("SELECT DISTINCT fw_version FROM devices") + where);
        HorizontalBarChart *chart = m_page->versionPanel()->chart();
        QTableWidget *table = m_page->versionPanel()->table();
        if (chart->labels().size() != versions.size() || table->rowCount() != versions.size())
            return false;
        for (const QString &version : versions) {
            const qint64 expected =
                scalar(QStringLiteral("SELECT count(*) FROM devices WHERE fw_version = '%1'%2")
                           .arg(version, models.isEmpty()
                                             ? QString()
                                             : QStringLiteral(" AND model IN ('%1')")
                                                   .arg(models.join(QStringLiteral("','")))))
                    .toLongLong();
            const qsizetype bar = chart->labels().indexOf(version);
            if (bar < 0 || chart->values().at(bar) != expected)
                return false;
            bool inTable = false;
            for (int row = 0; row < table->rowCount(); ++row)
                if (table->item(row, 0)->text() == version)
                    inTable = table->item(row, 1)->data(Qt::UserRole).toLongLong() == expected;
            if (!inTable)
                return false;
        }
        return true;
    }

    QString scalar(const QString &sql) { return fleet::test::scalarOf(m_ws->db(), sql).toString(); }

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_ws->dir() + QLatin1Char('/') + name;
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            qWarning("cannot write %s", qPrintable(path));
        return path;
    }

    FirmwareReleaseModel *model() const { return m_page->model(); }
    QString cell(int row, int column) const
    {
        return model()->index(row, column).data().toString();
    }
    QPushButton *button(const char *name) const
    {
        return m_page->findChild<QPushButton *>(QLatin1String(name));
    }

    // FLEETDESK_SCREENSHOT_DIR set: a catalog with a few releases, for the docs.
    void saveScreenshotIf(bool wanted)
    {
        const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR");
        if (dir.isEmpty() || !wanted)
            return;
        const qint64 selected = m_page->selectedRelease()->id;
        importWithModels(QStringLiteral("sensor-1.4.2.bin"), image(1, 4, 2),
                         {QStringLiteral("SN-200")}, QStringLiteral("sensor-fw"));
        run([&] {
            m_page->importFile(
                write(QStringLiteral("gateway-rootfs-2.5.0.swu"), fleet::test::sampleSwu("2.5.0")),
                manifest(QStringLiteral("gateway-rootfs"), QString(), {QStringLiteral("GW-4000")}));
        });
        importWithModels(QStringLiteral("plc-2.4.1.bin"), image(2, 4, 1),
                         {QStringLiteral("PLC-9"), QStringLiteral("GW-4000")},
                         QStringLiteral("plc-runtime"));
        importWithModels(QStringLiteral("gw-fw-2.7.0.bin"), image(2, 7, 0),
                         {QStringLiteral("GW-4000")}, QStringLiteral("gateway-fw"));
        run([&] { m_page->createSigningKey(kPassphrase); });
        run([&] { m_page->approve(selected, kPassphrase); });
        run([&] { m_page->setChannel(selected, ReleaseChannel::Stable); });
        run([&] { m_page->setKnownGood(selected, true); });
        QSignalSpy counted(m_page.get(), &FirmwarePage::countsLoaded);
        m_page->selectRelease(selected);
        QTRY_VERIFY_WITH_TIMEOUT(counted.count() >= 1, kWait);
        // The chart lays its axes out in posted events: let them run before the picture.
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QVERIFY(m_page->grab().save(QDir(dir).filePath(QStringLiteral("firmware-view.png"))));
    }

    std::unique_ptr<TestWorkspace> m_ws;
    std::unique_ptr<FirmwarePage> m_page;
};

QTEST_MAIN(TestFirmwarePage)
#include "tst_firmwarepage.moc"
