#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <optional>

namespace fleet {

// What the device table shows: facet selections (any of the values within a facet, all facets
// together) and free text. Also the content of a saved filter, i.e. a dynamic group.
struct DeviceFilter
{
    QStringList models;
    QStringList firmware;
    QStringList sites;
    QStringList groups;
    QStringList states;
    QStringList tags;
    std::optional<bool> online;
    QString text;

    bool isEmpty() const;
    bool operator==(const DeviceFilter &) const = default;

    QJsonObject toJson() const;
    static DeviceFilter fromJson(const QJsonObject &o);
    // One line for people: "model = GW-4000, online, text 'press'".
    QString describe() const;
};

// A WHERE clause with its parameters, to append to "FROM devices d ...".
struct SqlCondition
{
    QString where; // empty when the filter is empty; otherwise starts with "WHERE "
    QVariantList binds;
};

// Turns a DeviceFilter into SQL that SQLite answers from its indexes and the FTS5 table.
class DeviceFilterSql
{
public:
    static SqlCondition build(const DeviceFilter &filter);
    // The FTS5 MATCH expression for free text: each whitespace-separated word a prefix phrase
    // of its letter/digit parts ("10.20.0" matches 10.20.0.x), all words required. Empty when
    // the text has no searchable word. Never contains FTS5 syntax from the text.
    static QString matchExpression(const QString &text);
};

} // namespace fleet
