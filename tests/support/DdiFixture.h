#pragma once

// A workspace ready for the DDI update server: a GW-4000 device on hardware revision "B" running
// 2.4.1 with a DDI token, an approved release 2.5.0 for it in the catalog, and helpers to assign
// it. Shared by the DdiService, ReleaseAssigner and update-server tests.

#include "FirmwareFixtures.h"
#include "TestWorkspace.h"
#include "ddi/DdiTokenService.h"
#include "firmware/FirmwareCatalog.h"
#include "inventory/InventoryService.h"
#include "jobs/ReleaseAssigner.h"

#include <QDir>
#include <QTest>

namespace fleet::test {

class DdiFixture
{
public:
    static constexpr const char *passphrase = "correct horse battery";

    DdiFixture() { addDevice(QStringLiteral("gw-7")); }

    TestWorkspace ws;

    // A DDI device (model GW-4000, revision B, firmware 2.4.1) and its token.
    QString addDevice(const QString &uid, const QString &fwVersion = QStringLiteral("2.4.1"))
    {
        Device d = TestWorkspace::makeDevice(uid);
        d.fwVersion = fwVersion;
        InventoryService inventory(ws.db(), ws.session().audit());
        if (!inventory.saveDevice(d).ok())
            qFatal("cannot add %s", qPrintable(uid));
        DdiTokenService tokens(ws.db(), ws.session().audit());
        auto issued = tokens.issueDeviceToken(uid);
        if (!issued)
            qFatal("cannot issue a token: %s", qPrintable(issued.message()));
        m_tokens.insert(uid, issued->token);
        return issued->token;
    }
    QString token(const QString &uid) const { return m_tokens.value(uid); }
    qint64 deviceId(const QString &uid)
    {
        return scalarOf(ws.db(), QStringLiteral("SELECT id FROM devices WHERE uid = '%1'").arg(uid))
            .toLongLong();
    }

    // Imports an MCUboot image of that version for GW-4000 and approves it; returns its id.
    qint64 addRelease(quint8 major, quint8 minor, quint16 revision, char fill = 'P',
                      int payloadBytes = 4096)
    {
        McubootImageBuilder b;
        b.major = major;
        b.minor = minor;
        b.revision = revision;
        b.payload = QByteArray(payloadBytes, fill);
        b.tlvs = {{0x24, QByteArray(64, 'E')}};
        const QString path = QDir(ws.dir()).filePath(
            QStringLiteral("gw-%1.%2.%3-%4.bin").arg(major).arg(minor).arg(revision).arg(fill));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(b.bytes()) != b.bytes().size())
            qFatal("cannot write %s", qPrintable(path));
        f.close();
        FirmwareCatalog catalog(ws.db(), ws.session().audit(), ws.path());
        FirmwareCatalog::ImportOptions options;
        options.models = {QStringLiteral("GW-4000")};
        auto imported = catalog.importFile(path, options);
        if (!imported)
            qFatal("cannot import: %s", qPrintable(imported.message()));
        if (!m_haveKey) {
            if (auto key = catalog.signingKeys().create(passphrase); !key)
                qFatal("cannot create a key: %s", qPrintable(key.message()));
            m_haveKey = true;
        }
        auto approved = catalog.approve(imported->release.id, QByteArray(passphrase));
        if (!approved)
            qFatal("cannot approve: %s", qPrintable(approved.message()));
        return approved->id;
    }

    Result<AssignmentOutcome> assign(qint64 releaseId, const QStringList &uids,
                                     InstallPolicy::Intent intent = InstallPolicy::Intent::Update,
                                     const QString &reason = {})
    {
        AssignmentRequest request;
        request.releaseId = releaseId;
        for (const QString &uid : uids)
            request.deviceIds << deviceId(uid);
        request.intent = intent;
        request.reason = reason;
        request.origin = QStringLiteral("test");
        ReleaseAssigner assigner(ws.db(), ws.session().audit());
        return assigner.assign(request);
    }

private:
    QHash<QString, QString> m_tokens;
    bool m_haveKey = false;
};

} // namespace fleet::test
