#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <vector>

namespace fleet {

// One value of a libconfig document: a group { name = value; ... }, a list ( values ), an
// array [ scalars ] or a scalar. Members of a group carry their setting name.
struct LibconfigValue
{
    enum class Type { Group, List, Array, String, Integer, Float, Boolean };

    Type type = Type::Group;
    QString name; // the setting's name inside its group; empty for list and array elements
    QString string;
    qint64 integer = 0;
    double real = 0;
    bool boolean = false;
    std::vector<LibconfigValue> children;

    bool isGroup() const { return type == Type::Group; }
    bool isScalar() const
    {
        return type != Type::Group && type != Type::List && type != Type::Array;
    }
    // The group member named `key`, or nullptr (also when this is not a group).
    const LibconfigValue *member(const QString &key) const;
    // A scalar as text ("1.0", "42", "true"); empty for groups, lists and arrays.
    QString scalarText() const;
    // The scalars of an array or list (or a single scalar) as text.
    QStringList scalarTexts() const;
};

// The part of libconfig's syntax (hyperrealm.com/libconfig) that SWUpdate's sw-description uses:
// settings "name = value" or "name : value" ended by ';' or ',' (optional), groups {}, lists (),
// arrays [], strings with escapes (adjacent strings concatenate), integers (decimal, hex, an 'L'
// suffix), floats, booleans, and #, // and /* */ comments. @include is refused: SWUpdate does
// not allow it either. Input is bounded (nesting depth, size); errors name the line.
class LibconfigReader
{
public:
    static constexpr int MaxDepth = 64;
    static constexpr qsizetype MaxInput = 4 * 1024 * 1024;

    // The root group of the document.
    static Result<LibconfigValue> parse(const QByteArray &utf8);
};

} // namespace fleet
