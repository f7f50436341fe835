#pragma once

#include <QIODevice>
#include <QStringList>

namespace fleet {

// Writes RFC 4180 CSV rows (UTF-8, CRLF line ends). Cells a spreadsheet would run as a formula
// (starting with = + - @ or a tab/CR) are prefixed with a single quote: an exported inventory
// opened in a spreadsheet cannot execute anything a device reported about itself.
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice &out)
        : m_out(out)
    {}
    void writeRow(const QStringList &cells);
    static QString escape(const QString &cell);
    // False once a write to the device failed (disk full, closed pipe): exporters check it
    // rather than report a file as written that is not.
    bool ok() const { return !m_failed; }

private:
    QIODevice &m_out;
    bool m_failed = false;
};

} // namespace fleet
