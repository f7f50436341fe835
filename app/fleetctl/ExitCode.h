#pragma once

#include "util/Result.h"

#include <QString>

namespace fleet {

// fleetctl's exit codes. Scripts branch on them, so they are part of the interface: never
// renumber one, only add new ones. Listed in `fleetctl --help`.
enum class ExitCode {
    Ok = 0,
    Failed = 1,            // the operation did not succeed (I/O, database error)
    Usage = 2,             // unknown command or option, missing or malformed argument
    NotFound = 3,          // no such workspace, device, group, saved filter or file
    WorkspaceUnusable = 4, // damaged, not a workspace, or written by a newer Fleetdesk
    AuditBroken = 5,       // the audit chain does not verify
    InvalidInput = 6,      // rejected input: validation error, missing reason, bad import file
};

class ExitCodes
{
public:
    static ExitCode forErrorKind(Error::Kind kind);
    static int value(ExitCode code) { return static_cast<int>(code); }
    // Stable lower-case name of an error kind for --json output ("not-found", ...).
    static QString kindName(Error::Kind kind);
    // The "Exit codes:" section of the top-level help.
    static QString helpSection();
};

} // namespace fleet
