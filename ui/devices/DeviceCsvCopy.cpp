#include "DeviceCsvCopy.h"

#include "DeviceTableModel.h"
#include "inventory/DeviceColumns.h"
#include "io/CsvWriter.h"

#include <QCoreApplication>

namespace fleet {

namespace {
constexpr int kChunkRows = 5000;

QString csvLine(const QStringList &cells)
{
    QStringList escaped;
    escaped.reserve(cells.size());
    for (const QString &cell : cells)
        escaped << CsvWriter::escape(cell);
    return escaped.join(QLatin1Char(',')) + QLatin1Char('\n');
}
} // namespace

Result<QString> DeviceCsvCopy::build(SqliteDatabase &db, const DeviceSelection &selection,
                                     const QList<int> &columns)
{
    if (selection.rowCount() > kMaxRows)
        return Error::invalid(QCoreApplication::translate(
                                  "fleet::DeviceCsvCopy",
                                  "%1 rows are selected; copying is limited to %2. Use File → "
                                  "Export devices… for more.")
                                  .arg(selection.rowCount())
                                  .arg(kMaxRows));
    QStringList header;
    for (int column : columns)
        header << DeviceColumns::title(column);
    QString text = csvLine(header);
    for (const auto &[first, last] : selection.rowRanges) {
        for (qint64 offset = first; offset <= last; offset += kChunkRows) {
            const int limit = int(std::min<qint64>(kChunkRows, last - offset + 1));
            auto rows = selection.query.page(db, offset, limit);
            if (!rows)
                return rows.error();
            for (const QVector<QVariant> &row : rows.value()) {
                QStringList cells;
                for (int column : columns)
                    cells << DeviceTableModel::displayText(column, row.value(column));
                text += csvLine(cells);
            }
        }
    }
    return text;
}

} // namespace fleet
