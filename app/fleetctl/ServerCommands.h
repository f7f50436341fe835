#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// `fleetctl server certificate show|export-ca|import|renew`: the update server's TLS identity
// (core/tls/ServerTlsIdentity) in the folder next to the workspace. fleetctl's command lines
// have two command words, so the action is the first argument of `server certificate`.
class ServerCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("server"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    int certificate(CommandContext &context);
    int show(CommandContext &context);
    int exportCa(CommandContext &context);
    int importCertificate(CommandContext &context);
    int renew(CommandContext &context);
};

} // namespace fleet
