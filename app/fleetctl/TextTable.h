#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace fleet {

// A plain-text table for terminals: a header row, a dashed rule and left-aligned columns two
// spaces apart (numbers right-aligned). Cells are kept on one line and long ones shortened, so
// one device is always one line and `grep` keeps working on the output.
class TextTable
{
public:
    explicit TextTable(QStringList headers);
    // Right-aligns a column (counts, sequence numbers).
    void setRightAligned(int column, bool right = true);
    void setMaxWidth(int column, int width);
    void addRow(QStringList cells);
    qsizetype rowCount() const { return m_rows.size(); }
    // The table's lines, each indented by `indent` spaces.
    QString render(int indent = 0) const;

    // One line: line breaks and tabs become spaces; longer than `width` ends in "...".
    static QString singleLine(const QString &text, int width = -1);

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
    QList<bool> m_right;
    QList<int> m_maxWidth;
};

} // namespace fleet
