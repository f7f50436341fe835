#include "ExitCode.h"

namespace fleet {

ExitCode ExitCodes::forErrorKind(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::Failed:
        return ExitCode::Failed;
    case Error::Kind::Invalid:
        return ExitCode::InvalidInput;
    case Error::Kind::NotFound:
        return ExitCode::NotFound;
    case Error::Kind::Incompatible:
    case Error::Kind::Damaged:
        return ExitCode::WorkspaceUnusable;
    case Error::Kind::Tampered:
        return ExitCode::AuditBroken;
    }
    return ExitCode::Failed;
}

QString ExitCodes::kindName(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::Failed:
        return QStringLiteral("failed");
    case Error::Kind::Invalid:
        return QStringLiteral("invalid");
    case Error::Kind::NotFound:
        return QStringLiteral("not-found");
    case Error::Kind::Incompatible:
        return QStringLiteral("incompatible");
    case Error::Kind::Damaged:
        return QStringLiteral("damaged");
    case Error::Kind::Tampered:
        return QStringLiteral("tampered");
    }
    return QStringLiteral("failed");
}

QString ExitCodes::helpSection()
{
    return QStringLiteral(
        "Exit codes:\n"
        "  0  success\n"
        "  1  the operation failed (I/O or database error)\n"
        "  2  usage error: unknown command or option, missing or malformed argument\n"
        "  3  not found: no such workspace, device, group, saved filter or file\n"
        "  4  workspace unusable: damaged, not a workspace, or from a newer Fleetdesk\n"
        "  5  the audit trail is broken or was tampered with\n"
        "  6  invalid input: a rejected value, a missing reason, an import file with errors\n");
}

} // namespace fleet
