// SecretStore: the memory store answers asynchronously and says when no keychain exists; the
// keychain store, on a machine without a Secret Service (CI, headless servers), says so with
// the message the user sees and writes nothing anywhere (no insecure fallback).
#include "settings/KeychainSecretStore.h"
#include "settings/MemorySecretStore.h"

#include <QDir>
#include <QDirIterator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fleet;

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    void keyNamesWorkspaceAndProfile()
    {
        QCOMPARE(SecretStore::brokerPasswordKey(QStringLiteral("ab12"), QStringLiteral("Plant A")),
                 QStringLiteral("fleetdesk/ab12/broker/Plant A"));
    }

    void memoryStoreRoundTrip()
    {
        MemorySecretStore store;
        const QString key = QStringLiteral("fleetdesk/x/broker/A");
        QCOMPARE(store.readAndWait(key, 5000).kind, SecretOutcome::Kind::NotFound);
        QVERIFY(store.writeAndWait(key, QStringLiteral("pw"), 5000).ok());
        const SecretOutcome read = store.readAndWait(key, 5000);
        QVERIFY(read.ok());
        QCOMPARE(read.secret, QStringLiteral("pw"));
        QVERIFY(store.removeAndWait(key, 5000).ok());
        QCOMPARE(store.readAndWait(key, 5000).kind, SecretOutcome::Kind::NotFound);
    }

    void memoryStoreAnswersLater()
    {
        MemorySecretStore store;
        bool answered = false;
        QObject context;
        store.write(QStringLiteral("k"), QStringLiteral("v"), &context,
                    [&](const SecretOutcome &) { answered = true; });
        QVERIFY(!answered); // never inside the call: callers must not rely on it
        QTRY_VERIFY_WITH_TIMEOUT(answered, 5000);
    }

    void unavailableMemoryStoreSaysSo()
    {
        MemorySecretStore store;
        store.setAvailable(false);
        const SecretOutcome written =
            store.writeAndWait(QStringLiteral("k"), QStringLiteral("v"), 5000);
        QCOMPARE(written.kind, SecretOutcome::Kind::Unavailable);
        QCOMPARE(written.message, SecretStore::noKeychainMessage());
        QVERIFY(store.contents().isEmpty());
    }

    void keychainWithoutSecretServiceRefusesAndWritesNothing()
    {
        // No session bus at all: what CI and a headless server look like.
        QTemporaryDir home;
        QVERIFY(home.isValid());
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/fleetdesk-test-bus");
        qputenv("HOME", home.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toUtf8());
        KeychainSecretStore store(QStringLiteral("FleetdeskTest"));
        const SecretOutcome written = store.writeAndWait(QStringLiteral("fleetdesk/test/broker/A"),
                                                         QStringLiteral("must-not-leak"), 20000);
        QVERIFY2(written.kind == SecretOutcome::Kind::Unavailable, qPrintable(written.message));
        QVERIFY2(written.message.startsWith(SecretStore::noKeychainMessage()),
                 qPrintable(written.message));
        // QtKeychain's insecure fallback would have written an ini file under the config dir.
        QDirIterator files(home.path(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains("must-not-leak"), qPrintable(file.fileName()));
        }
        const SecretOutcome read =
            store.readAndWait(QStringLiteral("fleetdesk/test/broker/A"), 20000);
        QCOMPARE(read.kind, SecretOutcome::Kind::Unavailable);
        QVERIFY2(read.message.startsWith(SecretStore::noKeychainToReadMessage()),
                 qPrintable(read.message));
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
