#include "FirmwareCommands.h"

#include "CommandContext.h"
#include "DeviceSelection.h"
#include "FirmwareReleaseFormatter.h"
#include "TextTable.h"
#include "ddi/UpdateServerSettings.h"
#include "firmware/FirmwareCatalog.h"
#include "firmware/InstallPolicy.h"
#include "inventory/DeviceRepository.h"
#include "jobs/ReleaseAssigner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <functional>

namespace fleet {

namespace {

CommandSpec::Argument idArgument()
{
    return {QStringLiteral("ID"),
            QStringLiteral("The release's id (see 'fleetctl firmware "
                           "list')."),
            true, false};
}

QCommandLineOption passphraseFileOption()
{
    return QCommandLineOption(QStringLiteral("passphrase-file"),
                              QStringLiteral("File whose first line is the signing key's "
                                             "passphrase."),
                              QStringLiteral("FILE"));
}

FirmwareCatalog catalogOf(WorkspaceSession &session)
{
    return FirmwareCatalog(session.db(), session.audit(), session.workspace().path());
}

// What every changing command ends with: the release as it is now, as JSON with --json, else
// one line saying what happened.
int reportRelease(CommandContext &c, const Result<Release> &r,
                  const std::function<QString(const Release &)> &line)
{
    if (!r)
        return c.fail(r.error());
    if (c.out().isJson())
        c.out().json(r->toJson());
    c.out().line(line(*r));
    return ExitCodes::value(ExitCode::Ok);
}

} // namespace

QString FirmwareCommands::summary() const
{
    return QStringLiteral("The firmware catalog: import MCUboot images, SWUpdate bundles and "
                          "other files, approve (sign) and revoke releases, check installs.");
}

QList<CommandSpec> FirmwareCommands::commands()
{
    CommandSpec import;
    import.name = QStringLiteral("import");
    import.summary = QStringLiteral("Import a firmware file as a draft release");
    import.description = QStringLiteral(
        "Copies FILE into the workspace's artifact store and records it as a draft release. "
        "MCUboot images and SWUpdate .swu bundles are read and checked (version, image hash, "
        "hardware compatibility); any other file needs --manifest (docs/firmware-catalog.md). "
        "Importing the same bytes again changes nothing and names the existing release.");
    import.arguments = {
        { QStringLiteral("FILE"),
          QStringLiteral("The artifact to import."),
          true,
          false }};
    import.options = {
        QCommandLineOption(QStringLiteral("manifest"),
                           QStringLiteral("JSON manifest: name, version, models, hw_revisions, "
                                          "min_version, release_notes."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("channel"),
                           QStringLiteral("development (default), testing or stable."),
                           QStringLiteral("CHANNEL")),
        QCommandLineOption(QStringLiteral("notes"), QStringLiteral("Release notes."),
                           QStringLiteral("TEXT")),
        QCommandLineOption(QStringLiteral("model"),
                           QStringLiteral("A device model the release is for (repeatable)."),
                           QStringLiteral("MODEL")),
        QCommandLineOption(QStringLiteral("hw-revision"),
                           QStringLiteral("A hardware revision it is for (repeatable)."),
                           QStringLiteral("REV"))};
    import.examples = {QStringLiteral("firmware import zephyr.signed.bin --model NW-S200"),
                       QStringLiteral("firmware import gw-2.1.0.swu --channel testing"),
                       QStringLiteral("firmware import fpga.bit --manifest fpga.json")};
    import.run = [this](CommandContext & c) { return importFile(c);
};

CommandSpec list;
list.name = QStringLiteral("list");
list.summary = QStringLiteral("List the releases, newest version first per name");
list.run = [this](CommandContext &c) {
    return this->list(c);
};

CommandSpec show;
show.name = QStringLiteral("show");
show.summary = QStringLiteral("Show one release with what its file says");
show.arguments = {idArgument()};
show.run = [this](CommandContext &c) {
    return this->show(c);
};

CommandSpec set;
set.name = QStringLiteral("set");
set.summary = QStringLiteral("Change a release's channel, notes or known-good mark");
set.arguments = {idArgument()};
set.options = {
    QCommandLineOption(QStringLiteral("channel"), QStringLiteral("development, testing or stable."),
                       QStringLiteral("CHANNEL")),
    QCommandLineOption(QStringLiteral("notes"), QStringLiteral("Release notes."),
                       QStringLiteral("TEXT")),
    QCommandLineOption(QStringLiteral("known-good"),
                       QStringLiteral("yes or no: proven in the field (approved releases)."),
                       QStringLiteral("YES|NO")),
    QCommandLineOption(QStringLiteral("reason"), QStringLiteral("Why, for the audit trail."),
                       QStringLiteral("TEXT"))};
set.examples = {QStringLiteral("firmware set 4 --channel stable --known-good yes --reason "
                               "\"two weeks on line 3\"")};
set.run = [this](CommandContext &c) {
    return this->set(c);
};

CommandSpec approve;
approve.name = QStringLiteral("approve");
approve.summary = QStringLiteral("Approve a draft: sign it with the release-signing key");
approve.description = QStringLiteral(
    "Re-hashes the stored file, then signs its SHA-256 and size with the workspace's "
    "Ed25519 release-signing key (see 'firmware keygen'). Only approved releases are "
    "served to devices.");
approve.arguments = {idArgument()};
approve.options = {passphraseFileOption()};
approve.examples = {QStringLiteral("firmware approve 4 --passphrase-file ~/.fleetdesk-pass")};
approve.run = [this](CommandContext &c) {
    return this->approve(c);
};

CommandSpec revoke;
revoke.name = QStringLiteral("revoke");
revoke.summary = QStringLiteral("Revoke a release so that it is never installed again");
revoke.arguments = {idArgument()};
revoke.options = {QCommandLineOption(QStringLiteral("reason"),
                                     QStringLiteral("Why, for the audit trail (required)."),
                                     QStringLiteral("TEXT"))};
revoke.examples = {QStringLiteral("firmware revoke 4 --reason \"boot loop on rev B\"")};
revoke.run = [this](CommandContext &c) {
    return this->revoke(c);
};

CommandSpec verify;
verify.name = QStringLiteral("verify");
verify.summary = QStringLiteral("Check a release's stored file and signature");
verify.description = QStringLiteral(
    "Re-hashes the stored file and, for an approved release, verifies its signature: the "
    "same check the update server makes before serving it. Exit code 1 when it fails.");
verify.arguments = {idArgument()};
verify.run = [this](CommandContext &c) {
    return this->verify(c);
};

CommandSpec keygen;
keygen.name = QStringLiteral("keygen");
keygen.summary = QStringLiteral("Create (or import) the release-signing key");
keygen.description = QStringLiteral(
    "Creates an Ed25519 release-signing key, saved encrypted with the passphrase next to "
    "the workspace (WORKSPACE.signing-key.pem, mode 0600); the public key goes into the "
    "workspace. With --import, takes an existing PEM key instead. Replacing an existing key "
    "needs --replace; releases it signed stay verifiable.");
keygen.options = {passphraseFileOption(),
                  QCommandLineOption(QStringLiteral("import"),
                                     QStringLiteral("An existing Ed25519 private key (PEM)."),
                                     QStringLiteral("PEM")),
                  QCommandLineOption(QStringLiteral("import-passphrase-file"),
                                     QStringLiteral("Passphrase of the --import key, if it is "
                                                    "encrypted."),
                                     QStringLiteral("FILE")),
                  QCommandLineOption(QStringLiteral("replace"),
                                     QStringLiteral("Replace the workspace's current key."))};
keygen.examples = {QStringLiteral("firmware keygen --passphrase-file ~/.fleetdesk-pass")};
keygen.run = [this](CommandContext &c) {
    return this->keygen(c);
};

CommandSpec check;
check.name = QStringLiteral("check");
check.summary = QStringLiteral("May this release go to this device? (the install policy)");
check.description = QStringLiteral(
    "Applies the install policy: an approved release, for the device's model and hardware "
    "revision, over at least its minimum version, and never older than what the device runs "
    "unless asked for as a rollback with a reason. Exit code 0 when allowed, 1 when "
    "refused. Changes nothing.");
check.options = {
    QCommandLineOption(QStringLiteral("device"), QStringLiteral("The device's uid."),
                       QStringLiteral("UID")),
    QCommandLineOption(QStringLiteral("release"), QStringLiteral("The release's id."),
                       QStringLiteral("ID")),
    QCommandLineOption(QStringLiteral("rollback"),
                       QStringLiteral("Evaluate as an explicit rollback (needs --reason).")),
    QCommandLineOption(QStringLiteral("reason"), QStringLiteral("Why the rollback."),
                       QStringLiteral("TEXT"))};
check.examples = {QStringLiteral("firmware check --device gw-0042 --release 4")};
check.run = [this](CommandContext &c) {
    return this->check(c);
};

CommandSpec assign;
assign.name = QStringLiteral("assign");
assign.summary = QStringLiteral("Install a release on devices through the update server");
assign.description = QStringLiteral(
    "Creates one job per device that installs the release: for a DDI device (one with a "
    "token, see 'fleetctl device token') it is a DDI action its client fetches on its next "
    "poll of the update server ('fleetctl serve --ddi-port'); for an MQTT device it is an "
    "update job whose artifact is a signed link to the update server, valid for that device "
    "while the job is unfinished. Every device must pass the "
    "install policy (see 'firmware check') and have no unfinished update; otherwise nothing "
    "is assigned and every refusal is listed, unless --skip-refused assigns the others. A "
    "release older than what a device runs needs --rollback and --reason. Audited "
    "(firmware.assign, firmware.rollback). Follow the jobs with 'fleetctl job list'.");
assign.arguments = {idArgument()};
assign.options = DeviceSelection::options();
assign.options << QList<QCommandLineOption>{
    QCommandLineOption(QStringLiteral("rollback"),
                       QStringLiteral("Install an older release on purpose (needs --reason).")),
    QCommandLineOption(QStringLiteral("reason"), QStringLiteral("Why (audited)."),
                       QStringLiteral("TEXT")),
    QCommandLineOption(QStringLiteral("skip-refused"),
                       QStringLiteral("Assign to the devices that may take the release and list "
                                      "the others.")),
    QCommandLineOption(QStringLiteral("deadline"),
                       QStringLiteral("The jobs time out after this ISO 8601 time (with a zone)."),
                       QStringLiteral("TIME")),
    QCommandLineOption(QStringLiteral("artifact-base-url"),
                       QStringLiteral("The update server as MQTT devices reach it "
                                      "(https://HOST:PORT); default: the public URL of the "
                                      "update server settings."),
                       QStringLiteral("URL"))};
assign.examples = {QStringLiteral("firmware assign 4 --device gw-0042"),
                   QStringLiteral("firmware assign 4 --filter \"Line 1\" --skip-refused"),
                   QStringLiteral("firmware assign 3 --device gw-0042 --rollback --reason "
                                  "\"2.5.0 loses the fieldbus\"")};
assign.run = [this](CommandContext &c) {
    return this->assign(c);
};

return {import, list, show, set, approve, revoke, verify, keygen, check, assign};
} // namespace fleet

Result<qint64> FirmwareCommands::releaseId(const QString &text)
{
    bool ok = false;
    const qint64 id = text.trimmed().toLongLong(&ok);
    if (!ok || id <= 0)
        return Error::invalid(
            QStringLiteral("'%1' is not a release id (a positive whole number)").arg(text));
    return id;
}

Result<QByteArray> FirmwareCommands::readPassphraseFile(const QString &path)
{
    if (path.isEmpty())
        return Error::invalid(QStringLiteral("Give the signing key's passphrase with "
                                             "--passphrase-file FILE"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound(
            QStringLiteral("Cannot read the passphrase file %1: %2").arg(path, file.errorString()));
    QByteArray line = file.readLine(4096);
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}

int FirmwareCommands::importFile(CommandContext &c)
{
    FirmwareCatalog::ImportOptions options;
    if (c.isSet(QStringLiteral("channel"))) {
        options.channel = releaseChannelFromName(c.value(QStringLiteral("channel")));
        if (!options.channel)
            return c.usageError(QStringLiteral("Unknown channel '%1'; expected one of: %2")
                                    .arg(c.value(QStringLiteral("channel")),
                                         releaseChannelNames().join(QStringLiteral(", "))));
    }
    if (c.isSet(QStringLiteral("manifest"))) {
        auto manifest = FirmwareManifest::readFile(c.value(QStringLiteral("manifest")));
        if (!manifest)
            return c.fail(manifest.error());
        options.manifest = *manifest;
    }
    options.notes = c.value(QStringLiteral("notes"));
    options.models = c.values(QStringLiteral("model"));
    options.hwRevisions = c.values(QStringLiteral("hw-revision"));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    auto catalog = catalogOf(**session);
    auto imported = catalog.importFile(c.argument(0), options);
    if (!imported)
        return c.fail(imported.error());
    const Release &r = imported->release;
    if (c.out().isJson()) {
        QJsonObject doc = r.toJson();
        doc.insert(QStringLiteral("already_imported"), imported->alreadyImported);
        c.out().json(doc);
    }
    if (imported->alreadyImported)
        c.out().line(QStringLiteral("Already in the catalog as release %1 (%2 %3); nothing "
                                    "changed.")
                         .arg(r.id)
                         .arg(r.name, r.version.toString()));
    else
        c.out().line(QStringLiteral("Imported release %1: %2 %3 (%4, %5 bytes, sha256 %6), a "
                                    "draft in %7.")
                         .arg(r.id)
                         .arg(r.name, r.version.toString(), artifactKindName(r.kind))
                         .arg(r.size)
                         .arg(r.sha256, releaseChannelName(r.channel)));
    return ExitCodes::value(ExitCode::Ok);
}

int FirmwareCommands::list(CommandContext &c)
{
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    auto releases = catalogOf(**session).list();
    if (!releases)
        return c.fail(releases.error());
    if (c.out().isJson()) {
        QJsonArray array;
        for (const Release &r : *releases)
            array.append(r.toJson());
        QJsonObject doc;
        doc.insert(QStringLiteral("releases"), array);
        c.out().json(doc);
        return ExitCodes::value(ExitCode::Ok);
    }
    if (releases->isEmpty()) {
        c.out().line(QStringLiteral("No releases yet. Import one with 'fleetctl firmware import "
                                    "FILE'."));
        return ExitCodes::value(ExitCode::Ok);
    }
    TextTable table({QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("Version"),
                     QStringLiteral("Kind"), QStringLiteral("Channel"), QStringLiteral("State"),
                     QStringLiteral("Good"), QStringLiteral("Models"), QStringLiteral("Size")});
    table.setRightAligned(0);
    table.setRightAligned(8);
    table.setMaxWidth(7, 30);
    for (const Release &r : *releases)
        table.addRow({QString::number(r.id), r.name, r.version.toString(), artifactKindName(r.kind),
                      releaseChannelName(r.channel), releaseStateName(r.state),
                      r.knownGood ? QStringLiteral("yes") : QString(),
                      FirmwareReleaseFormatter::list(r.models), QString::number(r.size)});
    c.out().text(table.render());
    return ExitCodes::value(ExitCode::Ok);
}

int FirmwareCommands::show(CommandContext &c)
{
    auto id = releaseId(c.argument(0));
    if (!id)
        return c.usageError(id.message());
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    auto r = catalogOf(**session).release(*id);
    if (!r)
        return c.fail(r.error());
    if (c.out().isJson())
        c.out().json(r->toJson());
    else
        c.out().text(FirmwareReleaseFormatter::details(*r));
    return ExitCodes::value(ExitCode::Ok);
}

int FirmwareCommands::set(CommandContext &c)
{
    auto id = releaseId(c.argument(0));
    if (!id)
        return c.usageError(id.message());
    std::optional<ReleaseChannel> channel;
    if (c.isSet(QStringLiteral("channel"))) {
        channel = releaseChannelFromName(c.value(QStringLiteral("channel")));
        if (!channel)
            return c.usageError(QStringLiteral("Unknown channel '%1'; expected one of: %2")
                                    .arg(c.value(QStringLiteral("channel")),
                                         releaseChannelNames().join(QStringLiteral(", "))));
    }
    std::optional<bool> knownGood;
    if (c.isSet(QStringLiteral("known-good"))) {
        const QString v = c.value(QStringLiteral("known-good")).toLower();
        if (v != QLatin1String("yes") && v != QLatin1String("no"))
            return c.usageError(QStringLiteral("--known-good takes yes or no"));
        knownGood = v == QLatin1String("yes");
    }
    if (!channel && !knownGood && !c.isSet(QStringLiteral("notes")))
        return c.usageError(QStringLiteral("Nothing to change: give --channel, --notes or "
                                           "--known-good"));
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    auto catalog = catalogOf(**session);
    if (channel)
        if (Status s = catalog.setChannel(*id, *channel); !s)
            return c.fail(s.error());
    if (c.isSet(QStringLiteral("notes")))
        if (Status s = catalog.setNotes(*id, c.value(QStringLiteral("notes"))); !s)
            return c.fail(s.error());
    if (knownGood)
        if (Status s = catalog.setKnownGood(*id, *knownGood, c.value(QStringLiteral("reason"))); !s)
            return c.fail(s.error());
    return reportRelease(c, catalog.release(*id), [](const Release &r) {
        return QStringLiteral("Release %1: %2, %3, known good: %4.")
            .arg(r.id)
            .arg(releaseChannelName(r.channel), releaseStateName(r.state),
                 r.knownGood ? QStringLiteral("yes") : QStringLiteral("no"));
    });
}

int FirmwareCommands::approve(CommandContext &c)
{
    auto id = releaseId(c.argument(0));
    if (!id)
        return c.usageError(id.message());
    auto passphrase = readPassphraseFile(c.value(QStringLiteral("passphrase-file")));
    if (!passphrase) {
        if (passphrase.error().kind == Error::Kind::Invalid)
            return c.usageError(passphrase.message());
        return c.fail(passphrase.error());
    }
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    return reportRelease(c, catalogOf(**session).approve(*id, *passphrase), [](const Release &r) {
        return QStringLiteral("Approved release %1 (%2 %3), signed with key %4.")
            .arg(r.id)
            .arg(r.name, r.version.toString(), r.signingKeyFingerprint);
    });
}

int FirmwareCommands::revoke(CommandContext &c)
{
    auto id = releaseId(c.argument(0));
    if (!id)
        return c.usageError(id.message());
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    auto catalog = catalogOf(**session);
    if (Status s = catalog.revoke(*id, c.value(QStringLiteral("reason"))); !s)
        return c.fail(s.error());
    return reportRelease(c, catalog.release(*id), [](const Release &r) {
        return QStringLiteral("Revoked release %1 (%2 %3).")
            .arg(r.id)
            .arg(r.name, r.version.toString());
    });
}

int FirmwareCommands::verify(CommandContext &c)
{
    auto id = releaseId(c.argument(0));
    if (!id)
        return c.usageError(id.message());
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    auto catalog = catalogOf(**session);
    auto r = catalog.release(*id);
    if (!r)
        return c.fail(r.error());
    QString verdict;
    if (r->state == ReleaseState::Approved) {
        auto verified = catalog.verifyBeforeServe(*id);
        if (!verified)
            return c.fail(verified.error());
        verdict = QStringLiteral("the stored file matches its SHA-256 and its signature by key "
                                 "%1 verifies: it may be served")
                      .arg(r->signingKeyFingerprint);
    } else {
        if (Status s = catalog.verifyStoredFile(*r); !s)
            return c.fail(s.error());
        verdict = QStringLiteral("the stored file matches its SHA-256; the release is %1, so it "
                                 "is not served")
                      .arg(releaseStateName(r->state));
    }
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("id"), r->id);
        doc.insert(QStringLiteral("state"), releaseStateName(r->state));
        doc.insert(QStringLiteral("file_ok"), true);
        doc.insert(QStringLiteral("signature_ok"), r->state == ReleaseState::Approved);
        doc.insert(QStringLiteral("servable"), r->state == ReleaseState::Approved);
        doc.insert(QStringLiteral("message"), verdict);
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("Release %1: %2.").arg(r->id).arg(verdict));
    return ExitCodes::value(ExitCode::Ok);
}

int FirmwareCommands::keygen(CommandContext &c)
{
    auto passphrase = readPassphraseFile(c.value(QStringLiteral("passphrase-file")));
    if (!passphrase) {
        if (passphrase.error().kind == Error::Kind::Invalid)
            return c.usageError(passphrase.message());
        return c.fail(passphrase.error());
    }
    QByteArray pem;
    QByteArray importPassphrase;
    if (c.isSet(QStringLiteral("import"))) {
        QFile f(c.value(QStringLiteral("import")));
        if (!f.open(QIODevice::ReadOnly))
            return c.fail(Error::notFound(
                QStringLiteral("Cannot read the key %1: %2").arg(f.fileName(), f.errorString())));
        pem = f.read(64 * 1024);
        if (c.isSet(QStringLiteral("import-passphrase-file"))) {
            auto p = readPassphraseFile(c.value(QStringLiteral("import-passphrase-file")));
            if (!p)
                return c.fail(p.error());
            importPassphrase = *p;
        }
    }
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    auto catalog = catalogOf(**session);
    const bool replace = c.isSet(QStringLiteral("replace"));
    auto key = pem.isEmpty()
                   ? catalog.signingKeys().create(*passphrase, replace)
                   : catalog.signingKeys().importPem(pem, importPassphrase, *passphrase, replace);
    if (!key)
        return c.fail(key.error());
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("fingerprint"), key->fingerprint);
        doc.insert(QStringLiteral("public_key_pem"), QString::fromLatin1(key->publicKeyPem));
        doc.insert(QStringLiteral("private_key_file"), catalog.signingKeys().keyPath());
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("%1 release-signing key %2.\nPrivate key (encrypted): %3\nPublic "
                                "key:\n%4")
                     .arg(pem.isEmpty() ? QStringLiteral("Created") : QStringLiteral("Imported"),
                          key->fingerprint, catalog.signingKeys().keyPath(),
                          QString::fromLatin1(key->publicKeyPem).trimmed()));
    return ExitCodes::value(ExitCode::Ok);
}

int FirmwareCommands::check(CommandContext &c)
{
    if (!c.isSet(QStringLiteral("device")) || !c.isSet(QStringLiteral("release")))
        return c.usageError(QStringLiteral("Give the device (--device UID) and the release "
                                           "(--release ID)"));
    auto id = releaseId(c.value(QStringLiteral("release")));
    if (!id)
        return c.usageError(id.message());
    const bool rollback = c.isSet(QStringLiteral("rollback"));
    auto session = c.openSession(CommandContext::Access::ReadOnly);
    if (!session)
        return c.fail(session.error());
    auto r = catalogOf(**session).release(*id);
    if (!r)
        return c.fail(r.error());
    DeviceRepository devices((*session)->db());
    auto device = devices.loadByUid(c.value(QStringLiteral("device")));
    if (!device)
        return c.fail(device.error());
    const DeviceFirmwareFacts facts{device->uid, device->model, device->hwRevision,
                                    device->fwVersion};
    const InstallVerdict v = InstallPolicy::evaluate(
        facts, *r, rollback ? InstallPolicy::Intent::Rollback : InstallPolicy::Intent::Update,
        c.value(QStringLiteral("reason")));
    if (c.out().isJson()) {
        QJsonObject doc;
        doc.insert(QStringLiteral("device"), facts.uid);
        doc.insert(QStringLiteral("release"), r->id);
        doc.insert(QStringLiteral("current_version"), facts.currentVersion);
        doc.insert(QStringLiteral("release_version"), r->version.toString());
        doc.insert(QStringLiteral("allowed"), v.allowed);
        doc.insert(QStringLiteral("downgrade"), v.isDowngrade);
        doc.insert(QStringLiteral("rollback"), v.isRollback);
        doc.insert(QStringLiteral("reasons"), QJsonArray::fromStringList(v.reasons));
        doc.insert(QStringLiteral("notes"), QJsonArray::fromStringList(v.notes));
        c.out().json(doc);
    }
    c.out().line(QStringLiteral("%1 -> release %2 (%3 %4): %5")
                     .arg(facts.uid)
                     .arg(r->id)
                     .arg(r->name, r->version.toString(), v.summary()));
    return ExitCodes::value(v.allowed ? ExitCode::Ok : ExitCode::Failed);
}

int FirmwareCommands::assign(CommandContext &c)
{
    auto id = releaseId(c.argument(0));
    if (!id)
        return c.usageError(id.message());
    if (!DeviceSelection::isGiven(c))
        return c.usageError(QStringLiteral("Name the devices: --device UID (repeatable) and/or "
                                           "--filter NAME."));
    const bool rollback = c.isSet(QStringLiteral("rollback"));
    if (rollback && c.value(QStringLiteral("reason")).trimmed().isEmpty())
        return c.usageError(QStringLiteral("--rollback needs --reason: it is audited."));
    QDateTime deadline;
    if (c.isSet(QStringLiteral("deadline"))) {
        deadline = QDateTime::fromString(c.value(QStringLiteral("deadline")), Qt::ISODate);
        if (!deadline.isValid() || deadline.timeSpec() == Qt::LocalTime)
            return c.usageError(QStringLiteral("--deadline takes an ISO 8601 time with a zone, "
                                               "e.g. 2026-12-01T06:00:00Z."));
    }
    auto session = c.openSession(CommandContext::Access::ReadWrite);
    if (!session)
        return c.fail(session.error());
    WorkspaceSession &ws = *session.value();
    auto ids = DeviceSelection::resolve(c, ws);
    if (!ids)
        return c.fail(ids.error());
    AssignmentRequest request;
    request.releaseId = *id;
    request.deviceIds = ids.value();
    request.intent = rollback ? InstallPolicy::Intent::Rollback : InstallPolicy::Intent::Update;
    request.reason = c.value(QStringLiteral("reason"));
    request.origin = QStringLiteral("fleetctl");
    request.deadline = deadline;
    request.skipRefused = c.isSet(QStringLiteral("skip-refused"));
    auto server = UpdateServerSettingsStore(ws.db(), ws.audit()).load();
    if (!server)
        return c.fail(server.error());
    request.tenant = server->tenant;
    const QString base = c.isSet(QStringLiteral("artifact-base-url"))
                             ? c.value(QStringLiteral("artifact-base-url"))
                             : server->publicUrl;
    if (!base.isEmpty()) {
        const QUrl url(base, QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) ||
            url.host().isEmpty() || url.hasQuery())
            return c.usageError(QStringLiteral("--artifact-base-url takes https://HOST[:PORT] "
                                               "(it is '%1')")
                                    .arg(base));
        request.artifactBaseUrl = url;
    }
    ReleaseAssigner assigner(ws.db(), ws.audit());
    auto outcome = assigner.assign(request);
    if (!outcome)
        return c.fail(outcome.error());
    if (c.out().isJson()) {
        QJsonArray assigned;
        for (const Job &job : outcome->assigned)
            assigned.append(QJsonObject{{QStringLiteral("device"), job.deviceUid},
                                        {QStringLiteral("job_id"), job.jobId},
                                        {QStringLiteral("action_id"), job.row},
                                        {QStringLiteral("kind"), job.kind},
                                        {QStringLiteral("transport"), job.transport},
                                        {QStringLiteral("target_version"), job.targetVersion}});
        QJsonArray refused;
        for (const AssignmentRefusal &r : outcome->refused)
            refused.append(
                QJsonObject{{QStringLiteral("device"), r.deviceUid},
                            {QStringLiteral("reasons"), QJsonArray::fromStringList(r.reasons)}});
        c.out().json(QJsonObject{{QStringLiteral("release"), *id},
                                 {QStringLiteral("assigned"), assigned},
                                 {QStringLiteral("refused"), refused}});
    } else {
        if (!outcome->assigned.isEmpty()) {
            TextTable table({QStringLiteral("DEVICE"), QStringLiteral("JOB"),
                             QStringLiteral("ACTION"), QStringLiteral("KIND"),
                             QStringLiteral("VERSION")});
            for (const Job &job : outcome->assigned)
                table.addRow({job.deviceUid, job.jobId, QString::number(job.row), job.kind,
                              job.targetVersion});
            c.out().text(table.render());
        }
        for (const AssignmentRefusal &r : outcome->refused)
            c.out().line(QStringLiteral("not assigned to %1: %2")
                             .arg(r.deviceUid, r.reasons.join(QStringLiteral("; "))));
        c.out().line(QStringLiteral("%1 assigned, %2 refused.")
                         .arg(outcome->assigned.size())
                         .arg(outcome->refused.size()));
    }
    return ExitCodes::value(outcome->assigned.isEmpty() ? ExitCode::Failed : ExitCode::Ok);
}

} // namespace fleet
