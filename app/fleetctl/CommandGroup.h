#pragma once

#include "CommandSpec.h"

#include <QList>
#include <QString>

namespace fleet {

// A first command word and the subcommands under it ("audit" -> list, verify, export). A group
// with one unnamed command is a command by itself ("backup DEST").
class CommandGroup
{
public:
    virtual ~CommandGroup() = default;
    virtual QString name() const = 0;
    virtual QString summary() const = 0;
    virtual QList<CommandSpec> commands() = 0;
};

} // namespace fleet
