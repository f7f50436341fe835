#pragma once

#include "CommandGroup.h"
#include "util/Result.h"

#include <QByteArray>

namespace fleet {

class CommandContext;
class FirmwareCatalog;

// `fleetctl firmware import|list|show|set|approve|revoke|verify|keygen|check|assign`: the firmware
// catalog (core/firmware/FirmwareCatalog), its release-signing key and the install policy.
class FirmwareCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("firmware"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int importFile(CommandContext &context);
    int list(CommandContext &context);
    int show(CommandContext &context);
    int set(CommandContext &context);
    int approve(CommandContext &context);
    int revoke(CommandContext &context);
    int verify(CommandContext &context);
    int keygen(CommandContext &context);
    int check(CommandContext &context);
    int assign(CommandContext &context);

    // The release id argument, or a usage error message.
    static Result<qint64> releaseId(const QString &text);

public:
    // The first line of a passphrase file (a trailing newline from `echo` is not part of it).
    // Also read by the rollout commands that sign (test passes, a pilot's approval).
    static Result<QByteArray> readPassphraseFile(const QString &path);
};

} // namespace fleet
