#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace fleet {

// "Label:   value" lines with the values aligned, for one-object reports (device show,
// db check, db info). A value's further lines are indented under its first.
class FieldList
{
public:
    explicit FieldList(int indent = 0)
        : m_indent(indent)
    {}
    void add(const QString &label, const QString &value);
    QString render() const;

private:
    int m_indent;
    QList<QPair<QString, QString>> m_fields;
};

} // namespace fleet
