#pragma once

#include "CommandGroup.h"

namespace fleet {

class CommandContext;

// The DDI credentials of the built-in update server (core/ddi/DdiTokenService):
//   `fleetctl device token UID [--revoke --reason R]`   a device's TargetToken
//   `fleetctl gateway token NAME [--revoke --reason R]` a gateway's GatewayToken
//   `fleetctl gateway list`                             every credential, by fingerprint
// The token is printed once, when it is issued; the workspace keeps only its hash.
class DdiTokenCommands
{
public:
    static CommandSpec deviceToken();
    static int runDeviceToken(CommandContext &context);
};

// `fleetctl gateway token|list`.
class GatewayCommands final : public CommandGroup
{
public:
    QString name() const override { return QStringLiteral("gateway"); }
    QString summary() const override;
    QList<CommandSpec> commands() override;

private:
    static int token(CommandContext &context);
    static int list(CommandContext &context);
};

} // namespace fleet
