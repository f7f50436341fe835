#pragma once

#include "util/Result.h"

#include <QCommandLineOption>
#include <QList>

namespace fleet {

class CommandContext;
class DdiServer;
class WorkspaceSession;

// The options of `fleetctl serve` that run the built-in update server (hawkBit DDI over
// HTTPS): --ddi-port, --ddi-address, --ddi-plain-http, --ddi-public-url, --poll-interval and
// --tenant. HTTPS uses the workspace's server certificate (`fleetctl server certificate`),
// created from the local CA on first use.
class UpdateServerOptions
{
public:
    static QList<QCommandLineOption> options();
    static bool isRequested(const CommandContext &context);
    // Checks the options; a usage problem is an Error::invalid whose message says which.
    static Status validate(const CommandContext &context);
    // Starts `server` as the options say (the session provides the TLS identity).
    static Status start(const CommandContext &context, WorkspaceSession &session,
                        DdiServer &server);
};

} // namespace fleet
