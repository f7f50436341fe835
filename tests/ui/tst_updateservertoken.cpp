// The device pane's "DDI token…": confirm, issue on a worker, show the token once (read-only,
// with Copy and the note that only its hash is kept); the token authenticates the device, a
// second one replaces it (the old stops working), and the device becomes a DDI device.
#include "TestWorkspace.h"
#include "ddi/DdiCredentialStore.h"
#include "devices/DdiTokenDialog.h"
#include "devices/DdiTokenIssuer.h"
#include "devices/DeviceDetailsPane.h"
#include "inventory/InventoryService.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace fleet;
using fleet::test::TestWorkspace;

namespace {

constexpr int kWait = 20000;

bool authenticates(SqliteDatabase &db, const QString &token, qint64 deviceId)
{
    auto identity = DdiCredentialStore(db).authenticate(DdiIdentity::Kind::Target, token);
    return identity && identity.value() && identity.value()->deviceId == deviceId;
}

} // namespace

class TestUpdateServerToken : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void issuesShowsOnceAndRotates()
    {
        TestWorkspace ws;
        const QList<qint64> ids = ws.addDevices(1);
        const QString uid = QStringLiteral("dev-0001");
        DeviceDetailsPane pane(ws.session());
        pane.resize(700, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.showDevice(ids.first());
        QVERIFY(pane.ddiTokenButton()->isVisible());
        QVERIFY(pane.ddiTokenButton()->isEnabled());

        // Cancelling changes nothing.
        QTest::mouseClick(pane.ddiTokenButton(), Qt::LeftButton);
        auto *box = pane.findChild<QMessageBox *>(QStringLiteral("ddiTokenConfirmation"));
        QVERIFY(box);
        QCOMPARE(box->text(), QStringLiteral("Create a DDI token for %1?").arg(uid));
        const qint64 entries = ws.auditCount();
        box->reject();
        QTRY_VERIFY_WITH_TIMEOUT(
            !pane.findChild<QMessageBox *>(QStringLiteral("ddiTokenConfirmation")), kWait);
        QCOMPARE(ws.auditCount(), entries);

        QSignalSpy changed(&pane, &DeviceDetailsPane::deviceChanged);
        QMessageBox *confirm = pane.ddiTokenIssuer()->ask(uid);
        auto *create = confirm->findChild<QPushButton *>(QStringLiteral("confirmTokenButton"));
        QVERIFY(create);
        QCOMPARE(create->text(), QStringLiteral("Create token"));
        QTest::mouseClick(create, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(pane.ddiTokenIssuer()->tokenDialog(), kWait);
        DdiTokenDialog *dialog = pane.ddiTokenIssuer()->tokenDialog();
        const QString token = dialog->tokenField()->text();
        QCOMPARE(token.size(), DdiCredentialStore::tokenLength);
        QVERIFY(dialog->tokenField()->isReadOnly());
        auto *note = dialog->findChild<QLabel *>(QStringLiteral("tokenNote"));
        QVERIFY(note && note->text().contains(QLatin1String("keeps only its hash")));
        QVERIFY(authenticates(ws.db(), token, ids.first()));
        QCOMPARE(fleet::test::scalarOf(
                     ws.db(), QStringLiteral("SELECT connection FROM devices WHERE uid = ?"), {uid})
                     .toString(),
                 QStringLiteral("ddi"));
        QCOMPARE(ws.auditCount(), entries + 1);
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kWait); // the table refreshes the device
        // The token is stored only as its hash.
        QCOMPARE(fleet::test::column(ws.db(),
                                     QStringLiteral("SELECT token_sha256 FROM ddi_credentials")),
                 QStringList{DdiCredentialStore::hashToken(token)});

        if (const QString dir = qEnvironmentVariable("FLEETDESK_SCREENSHOT_DIR"); !dir.isEmpty())
            QVERIFY(dialog->grab().save(QDir(dir).filePath(QStringLiteral("ddi-token.png"))));
        QTest::mouseClick(dialog->copyButton(), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), token);
        QCOMPARE(dialog->copyButton()->text(), QStringLiteral("Copied"));
        dialog->close();

        // A second token replaces the first, which stops working at once.
        confirm = pane.ddiTokenIssuer()->ask(uid);
        QCOMPARE(confirm->text(), QStringLiteral("Replace the DDI token of %1?").arg(uid));
        QVERIFY(confirm->informativeText().contains(QLatin1String("stops working")));
        QTest::mouseClick(confirm->findChild<QPushButton *>(QStringLiteral("confirmTokenButton")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(pane.ddiTokenIssuer()->tokenDialog() &&
                                     pane.ddiTokenIssuer()->tokenDialog()->tokenField()->text() !=
                                         token,
                                 kWait);
        const QString rotated = pane.ddiTokenIssuer()->tokenDialog()->tokenField()->text();
        QVERIFY(authenticates(ws.db(), rotated, ids.first()));
        QVERIFY(!authenticates(ws.db(), token, ids.first()));
    }

    void unknownDeviceSaysWhy()
    {
        TestWorkspace ws;
        ws.addDevices(1);
        QWidget window;
        DdiTokenIssuer issuer(ws.session(), &window);
        QSignalSpy failed(&issuer, &DdiTokenIssuer::failed);
        issuer.issue(QStringLiteral("no-such-device"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWait);
        QVERIFY2(failed.first().first().toString().startsWith(
                     QLatin1String("No DDI token was created for no-such-device: ")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(!issuer.tokenDialog());
    }
};

QTEST_MAIN(TestUpdateServerToken)
#include "tst_updateservertoken.moc"
