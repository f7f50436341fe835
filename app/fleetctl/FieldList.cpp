#include "FieldList.h"

namespace fleet {

void FieldList::add(const QString &label, const QString &value)
{
    m_fields.append({label, value});
}

QString FieldList::render() const
{
    qsizetype width = 0;
    for (const auto &f : m_fields)
        width = qMax(width, f.first.size() + 1);
    const QString indent(m_indent, QLatin1Char(' '));
    const QString continuation(m_indent + width + 2, QLatin1Char(' '));
    QString out;
    for (const auto &f : m_fields) {
        QString value = f.second;
        value.replace(QLatin1Char('\n'), QLatin1Char('\n') + continuation);
        QString line = indent + (f.first + QLatin1Char(':')).leftJustified(width) +
                       QStringLiteral("  ") + value;
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        out += line + QLatin1Char('\n');
    }
    return out;
}

} // namespace fleet
