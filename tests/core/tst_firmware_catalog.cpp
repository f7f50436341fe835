// FirmwareCatalog and SigningKeyStore on a real workspace: import into the artifact store
// (deduplicated, atomic, read-only), every decision audited, approval signs with the
// passphrase-protected key, and verifyBeforeServe() refuses a file swapped on disk, a record
// edited in the database, drafts and revoked releases.

#include "FirmwareFixtures.h"
#include "TestWorkspace.h"
#include "crypto/ArtifactSignature.h"
#include "firmware/FirmwareCatalog.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

using fleet::FirmwareCatalog;
using fleet::Release;
using fleet::ReleaseChannel;
using fleet::ReleaseState;
using fleet::test::column;
using fleet::test::McubootImageBuilder;
using fleet::test::scalarOf;
using fleet::test::TestWorkspace;

namespace {
const QByteArray kPassphrase = "correct horse battery";
}

class TestFirmwareCatalog : public QObject
{
    Q_OBJECT

    static QString write(const TestWorkspace &ws, const QString &name, const QByteArray &bytes)
    {
        const QString path = QDir(ws.dir()).filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }
    static QByteArray image(quint8 major, quint8 minor, quint16 revision, char fill = 'P')
    {
        McubootImageBuilder b;
        b.major = major;
        b.minor = minor;
        b.revision = revision;
        b.payload = QByteArray(4096, fill);
        b.tlvs = {{0x24, QByteArray(64, 'E')}};
        return b.bytes();
    }
    static FirmwareCatalog catalog(TestWorkspace &ws)
    {
        return FirmwareCatalog(ws.db(), ws.session().audit(), ws.path());
    }
    static FirmwareCatalog::ImportOptions forModel(const QString &model)
    {
        FirmwareCatalog::ImportOptions o;
        o.models = {model};
        return o;
    }

private slots:
    void importsIntoArtifactStore()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        const QByteArray bytes = image(1, 2, 3);
        const QString src = write(ws, QStringLiteral("sensor-1.2.3.bin"), bytes);
        auto options = forModel(QStringLiteral("NW-S200"));
        options.channel = ReleaseChannel::Testing;
        options.notes = QStringLiteral("first");
        auto imported = cat.importFile(src, options);
        QVERIFY2(imported.ok(), qUtf8Printable(imported.message()));
        const Release &r = imported->release;
        QVERIFY(!imported->alreadyImported);
        QCOMPARE(r.name, QStringLiteral("sensor-1.2.3"));
        QCOMPARE(r.version.toString(), QStringLiteral("1.2.3"));
        QCOMPARE(r.kind, fleet::ArtifactKind::Mcuboot);
        QCOMPARE(r.sha256, QString::fromLatin1(fleet::test::fileSha256(src)));
        QCOMPARE(r.size, qint64(bytes.size()));
        QCOMPARE(r.channel, ReleaseChannel::Testing);
        QCOMPARE(r.state, ReleaseState::Draft);
        QCOMPARE(r.models, QStringList{QStringLiteral("NW-S200")});

        const QString stored = ws.path() + QStringLiteral(".artifacts/") + r.sha256;
        QCOMPARE(cat.artifacts().pathFor(r.sha256), stored);
        QCOMPARE(fleet::test::fileBytes(stored), bytes);
        // Read-only by its mode bits (the "User" flags come from access(), which lets root write).
        QCOMPARE(int(QFileInfo(stored).permissions() &
                     (QFile::WriteOwner | QFile::WriteGroup | QFile::WriteOther)),
                 0);
        // Nothing half-written is left behind.
        QCOMPARE(
            QDir(ws.path() + QStringLiteral(".artifacts")).entryList(QDir::Files | QDir::Hidden),
            QStringList{r.sha256});

        auto loaded = cat.release(r.id);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->notes, QStringLiteral("first"));
        QCOMPARE(loaded->details.value(QStringLiteral("hash_algorithm")).toString(),
                 QStringLiteral("SHA256"));
        QCOMPARE(column(ws.db(), QStringLiteral("SELECT action || ':' || object_id FROM audit_log "
                                                "WHERE object_type = 'release'")),
                 QStringList{QStringLiteral("firmware.import:%1").arg(r.id)});

        // The same bytes again, under another name: the existing release, nothing written.
        const qint64 entries = ws.auditCount();
        auto again = cat.importFile(write(ws, QStringLiteral("copy.bin"), bytes), {});
        QVERIFY2(again.ok(), qUtf8Printable(again.message()));
        QVERIFY(again->alreadyImported);
        QCOMPARE(again->release.id, r.id);
        QCOMPARE(ws.auditCount(), entries);
    }

    void refusesBadFilesWithoutTrace()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        QByteArray corrupt = image(1, 0, 0);
        corrupt[100] = char(corrupt[100] ^ 1);
        auto r = cat.importFile(write(ws, QStringLiteral("corrupt.bin"), corrupt), {});
        QVERIFY(!r.ok());
        QVERIFY2(r.message().contains(QLatin1String("does not match")),
                 qUtf8Printable(r.message()));
        auto other = cat.importFile(write(ws, QStringLiteral("blob.bin"), "hello"), {});
        QVERIFY(!other.ok());
        QVERIFY(other.message().contains(QLatin1String("manifest")));
        auto empty = cat.importFile(write(ws, QStringLiteral("empty.bin"), {}), {});
        QVERIFY(!empty.ok());
        auto missing = cat.importFile(QDir(ws.dir()).filePath(QStringLiteral("none")), {});
        QCOMPARE(missing.error().kind, fleet::Error::Kind::NotFound);
        QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT count(*) FROM releases")).toInt(), 0);
        QVERIFY(QDir(ws.path() + QStringLiteral(".artifacts"))
                    .entryList(QDir::Files | QDir::Hidden)
                    .isEmpty());
    }

    void listsInVersionOrder()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        const QList<QByteArray> swus = {
            fleet::test::sampleSwu("1.9.0"), fleet::test::sampleSwu("1.10.0"),
            fleet::test::sampleSwu("2.0.0-rc.1"), fleet::test::sampleSwu("2.0.0")};
        int n = 0;
        FirmwareCatalog::ImportOptions sameName;
        sameName.manifest = fleet::FirmwareManifest::parse(R"({"name": "gw-rootfs"})").value();
        for (const QByteArray &b : swus)
            QVERIFY(
                cat.importFile(write(ws, QStringLiteral("gw-%1.swu").arg(n++), b), sameName).ok());
        QVERIFY(cat.importFile(
                       write(ws, QStringLiteral("other.swu"), fleet::test::sampleSwu("9.0.0")), {})
                    .ok());
        auto list = cat.list();
        QVERIFY(list.ok());
        QStringList versions;
        for (const Release &r : *list)
            if (r.name == QLatin1String("gw-rootfs"))
                versions << r.version.toString();
        QCOMPARE(list->size(), 5);
        QCOMPARE(versions, QStringList({QStringLiteral("2.0.0"), QStringLiteral("2.0.0-rc.1"),
                                        QStringLiteral("1.10.0"), QStringLiteral("1.9.0")}));
    }

    void signingKeyLifecycle()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        auto &keys = cat.signingKeys();
        QVERIFY(!keys.create("short").ok());
        QVERIFY(!QFile::exists(keys.keyPath()));
        auto first = keys.create(kPassphrase);
        QVERIFY2(first.ok(), qUtf8Printable(first.message()));
        QCOMPARE(keys.keyPath(), ws.path() + QStringLiteral(".signing-key.pem"));
        const QFile::Permissions perms = QFileInfo(keys.keyPath()).permissions();
        QVERIFY(perms.testFlag(QFile::ReadOwner) && perms.testFlag(QFile::WriteOwner));
        QCOMPARE(int(perms & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                              QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)),
                 0);
        const QByteArray pem = fleet::test::fileBytes(keys.keyPath());
        QVERIFY(pem.contains("BEGIN ENCRYPTED PRIVATE KEY"));
        QCOMPARE(first->fingerprint.size(), 32);
        QVERIFY(!keys.unlock("wrong passphrase").ok());
        auto unlocked = keys.unlock(kPassphrase);
        QVERIFY2(unlocked.ok(), qUtf8Printable(unlocked.message()));
        QCOMPARE(unlocked->publicKey().fingerprint(), first->fingerprint);

        auto refused = keys.create(kPassphrase);
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(first->fingerprint));
        QCOMPARE(fleet::test::fileBytes(keys.keyPath()), pem);

        auto second = keys.create(kPassphrase, true);
        QVERIFY2(second.ok(), qUtf8Printable(second.message()));
        auto all = keys.keys();
        QCOMPARE(all->size(), 2);
        QVERIFY(!all->at(0).active);
        QVERIFY(all->at(1).active);
        QVERIFY(keys.publicKey(first->fingerprint).ok());
        QCOMPARE(column(ws.db(), QStringLiteral("SELECT action FROM audit_log WHERE object_type = "
                                                "'signing-key' ORDER BY seq")),
                 QStringList({QStringLiteral("firmware.signing-key.create"),
                              QStringLiteral("firmware.signing-key.create")}));

        // An exported key comes back in under a new passphrase.
        auto exported = unlocked->toPem("export-pass");
        QVERIFY(exported.ok());
        auto imported = keys.importPem(*exported, "export-pass", "another passphrase", true);
        QVERIFY2(imported.ok(), qUtf8Printable(imported.message()));
        QCOMPARE(imported->fingerprint, first->fingerprint);
        QVERIFY(keys.unlock("another passphrase").ok());
        QCOMPARE(keys.keys()->size(), 2);
    }

    void approveVerifyRevoke()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        const QByteArray bytes = image(2, 0, 0);
        auto draft = cat.importFile(write(ws, QStringLiteral("a.bin"), bytes), {});
        QVERIFY(draft.ok());
        const qint64 id = draft->release.id;
        QVERIFY(!cat.approve(id, kPassphrase).ok()); // no key yet
        QVERIFY(cat.signingKeys().create(kPassphrase).ok());
        auto noModels = cat.approve(id, kPassphrase);
        QVERIFY(!noModels.ok());
        QVERIFY(noModels.message().contains(QLatin1String("names no target models")));
        QVERIFY(!cat.verifyBeforeServe(id).ok()); // a draft is never served
        QVERIFY(!cat.setKnownGood(id, true).ok());

        auto withModel = cat.importFile(write(ws, QStringLiteral("b.bin"), image(2, 1, 0)),
                                        forModel(QStringLiteral("NW-S200")));
        QVERIFY(withModel.ok());
        const qint64 good = withModel->release.id;
        ws.clock().advanceMs(60000);
        auto approved = cat.approve(good, kPassphrase);
        QVERIFY2(approved.ok(), qUtf8Printable(approved.message()));
        QCOMPARE(approved->state, ReleaseState::Approved);
        QCOMPARE(approved->approvedMs.value(), ws.clock().nowMs());
        auto pub = cat.signingKeys().publicKey(approved->signingKeyFingerprint);
        QVERIFY(pub.ok());
        QVERIFY(fleet::ArtifactSignature::verify(*pub, approved->sha256, approved->size,
                                                 approved->signature)
                    .ok());
        QVERIFY(!cat.approve(good, kPassphrase).ok());

        auto served = cat.verifyBeforeServe(good);
        QVERIFY2(served.ok(), qUtf8Printable(served.message()));
        QCOMPARE(served->file->pos(), qint64(0));
        QCOMPARE(served->file->readAll(), image(2, 1, 0));

        QVERIFY(cat.setChannel(good, ReleaseChannel::Stable).ok());
        QVERIFY(cat.setNotes(good, QStringLiteral("field tested")).ok());
        QVERIFY(cat.setKnownGood(good, true, QStringLiteral("two weeks on line 3")).ok());
        auto after = cat.release(good);
        QCOMPARE(after->channel, ReleaseChannel::Stable);
        QVERIFY(after->knownGood);
        QCOMPARE(column(ws.db(),
                        QStringLiteral("SELECT action FROM audit_log WHERE object_type = "
                                       "'release' AND object_id = ? ORDER BY seq"),
                        {QString::number(good)}),
                 QStringList({QStringLiteral("firmware.import"), QStringLiteral("firmware.approve"),
                              QStringLiteral("firmware.set-channel"),
                              QStringLiteral("firmware.set-notes"),
                              QStringLiteral("firmware.set-known-good")}));

        QVERIFY(!cat.revoke(good, QStringLiteral("  ")).ok());
        QVERIFY(cat.revoke(good, QStringLiteral("boot loop on rev B")).ok());
        auto revoked = cat.release(good);
        QCOMPARE(revoked->state, ReleaseState::Revoked);
        QCOMPARE(revoked->revokedReason, QStringLiteral("boot loop on rev B"));
        auto refused = cat.verifyBeforeServe(good);
        QVERIFY(!refused.ok());
        QVERIFY(refused.message().contains(QLatin1String("revoked")));
        QVERIFY(!cat.approve(good, kPassphrase).ok());
        QVERIFY(!cat.revoke(good, QStringLiteral("again")).ok());
        QCOMPARE(scalarOf(ws.db(), QStringLiteral("SELECT reason FROM audit_log WHERE action = "
                                                  "'firmware.revoke'"))
                     .toString(),
                 QStringLiteral("boot loop on rev B"));
    }

    void swappedFileIsNeverServedOrSigned()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        QVERIFY(cat.signingKeys().create(kPassphrase).ok());
        auto a = cat.importFile(write(ws, QStringLiteral("a.bin"), image(3, 0, 0)),
                                forModel(QStringLiteral("M")));
        auto b = cat.importFile(write(ws, QStringLiteral("b.bin"), image(3, 0, 1)),
                                forModel(QStringLiteral("M")));
        QVERIFY(a.ok() && b.ok());
        QVERIFY(cat.approve(a->release.id, kPassphrase).ok());

        auto swap = [&](const Release &r) {
            const QString path = cat.artifacts().pathFor(r.sha256);
            QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(200);
            f.write("EVIL");
        };
        swap(a->release);
        auto served = cat.verifyBeforeServe(a->release.id);
        QVERIFY(!served.ok());
        QVERIFY2(served.message().contains(QLatin1String("will not be served")),
                 qUtf8Printable(served.message()));
        swap(b->release);
        auto signedSwap = cat.approve(b->release.id, kPassphrase);
        QVERIFY(!signedSwap.ok());
        QVERIFY(signedSwap.message().contains(QLatin1String("changed after import")));
        QVERIFY(!cat.verifyStoredFile(b->release).ok());

        // Re-importing the original bytes repairs the stored copy.
        auto repaired = cat.importFile(write(ws, QStringLiteral("a2.bin"), image(3, 0, 0)), {});
        QVERIFY(repaired.ok());
        QVERIFY(repaired->alreadyImported);
        QVERIFY2(cat.verifyBeforeServe(a->release.id).ok(),
                 qUtf8Printable(cat.verifyBeforeServe(a->release.id).message()));
    }

    void editedRecordFailsTheSignature()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        QVERIFY(cat.signingKeys().create(kPassphrase).ok());
        auto a = cat.importFile(write(ws, QStringLiteral("a.bin"), image(4, 0, 0)),
                                forModel(QStringLiteral("M")));
        auto b = cat.importFile(write(ws, QStringLiteral("b.bin"), image(4, 0, 1, 'Q')),
                                forModel(QStringLiteral("M")));
        QVERIFY(cat.approve(a->release.id, kPassphrase).ok());
        // Someone edits the approved record behind Fleetdesk's back: its size, then its
        // signature is swapped for the other release's valid one.
        QVERIFY(ws.db()
                    .execute(QStringLiteral("UPDATE releases SET size = size + 1 WHERE id = ?"),
                             {a->release.id})
                    .ok());
        auto served = cat.verifyBeforeServe(a->release.id);
        QVERIFY(!served.ok());
        QVERIFY2(served.message().contains(QLatin1String("signature")),
                 qUtf8Printable(served.message()));
        QVERIFY(ws.db()
                    .execute(QStringLiteral("UPDATE releases SET size = size - 1 WHERE id = ?"),
                             {a->release.id})
                    .ok());
        QVERIFY(cat.verifyBeforeServe(a->release.id).ok());
        QVERIFY(cat.approve(b->release.id, kPassphrase).ok());
        QVERIFY(ws.db()
                    .execute(QStringLiteral("UPDATE releases SET signature = (SELECT signature "
                                            "FROM releases WHERE id = ?) WHERE id = ?"),
                             {b->release.id, a->release.id})
                    .ok());
        QVERIFY(!cat.verifyBeforeServe(a->release.id).ok());
    }

    void signaturesSurviveKeyReplacement()
    {
        TestWorkspace ws;
        auto cat = catalog(ws);
        QVERIFY(cat.signingKeys().create(kPassphrase).ok());
        auto a = cat.importFile(write(ws, QStringLiteral("a.bin"), image(5, 0, 0)),
                                forModel(QStringLiteral("M")));
        QVERIFY(cat.approve(a->release.id, kPassphrase).ok());
        QVERIFY(cat.signingKeys().create(kPassphrase, true).ok());
        QVERIFY(cat.verifyBeforeServe(a->release.id).ok());
    }
};

QTEST_GUILESS_MAIN(TestFirmwareCatalog)
#include "tst_firmware_catalog.moc"
