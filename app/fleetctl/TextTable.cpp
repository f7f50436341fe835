#include "TextTable.h"

#include <algorithm>

namespace fleet {

namespace {
constexpr int kDefaultMaxWidth = 48;
}

TextTable::TextTable(QStringList headers)
    : m_headers(std::move(headers))
    , m_right(m_headers.size(), false)
    , m_maxWidth(m_headers.size(), kDefaultMaxWidth)
{}

void TextTable::setRightAligned(int column, bool right)
{
    if (column >= 0 && column < m_right.size())
        m_right[column] = right;
}

void TextTable::setMaxWidth(int column, int width)
{
    if (column >= 0 && column < m_maxWidth.size())
        m_maxWidth[column] = width;
}

void TextTable::addRow(QStringList cells)
{
    cells.resize(m_headers.size());
    for (int c = 0; c < cells.size(); ++c)
        cells[c] = singleLine(cells[c], m_maxWidth[c]);
    m_rows.append(std::move(cells));
}

QString TextTable::singleLine(const QString &text, int width)
{
    QString s = text;
    for (QChar &ch : s)
        if (ch == QLatin1Char('\n') || ch == QLatin1Char('\r') || ch == QLatin1Char('\t'))
            ch = QLatin1Char(' ');
    if (width > 3 && s.size() > width)
        s = s.left(width - 3) + QStringLiteral("...");
    return s;
}

QString TextTable::render(int indent) const
{
    const QString pad(indent, QLatin1Char(' '));
    const qsizetype columns = m_headers.size();
    QList<qsizetype> widths(columns, 0);
    for (qsizetype c = 0; c < columns; ++c) {
        widths[c] = m_headers[c].size();
        for (const QStringList &row : m_rows)
            widths[c] = std::max(widths[c], row[c].size());
    }
    auto renderRow = [&](const QStringList &cells) {
        QString line = pad;
        for (qsizetype c = 0; c < columns; ++c) {
            if (c > 0)
                line += QStringLiteral("  ");
            const bool last = c == columns - 1;
            if (m_right[c])
                line += cells[c].rightJustified(widths[c]);
            else if (last)
                line += cells[c]; // no padding at the end of the line
            else
                line += cells[c].leftJustified(widths[c]);
        }
        while (line.endsWith(QLatin1Char(' ')))
            line.chop(1);
        return line + QLatin1Char('\n');
    };
    QString out = renderRow(m_headers);
    QStringList rule;
    for (qsizetype c = 0; c < columns; ++c)
        rule << QString(widths[c], QLatin1Char('-'));
    out += renderRow(rule);
    for (const QStringList &row : m_rows)
        out += renderRow(row);
    return out;
}

} // namespace fleet
