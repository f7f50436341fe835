#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace fleet::bench {

// The synthetic inventory the benchmarks load: N devices over 40 sites, 12 models, 30 firmware
// versions, deterministic for a seed. Rows are kept as the strings a CSV file would hold, so
// the reference loop and the application's importer insert exactly the same values.
class InventoryDataset
{
public:
    struct Row
    {
        QByteArray uid, name, serial, vendor, model, hwRevision, fwVersion, mac, ip, hostname,
            connection, site, timeZone, state, lastSeenIso, health;
        qint64 lastSeenMs = 0;
        bool online = false;
    };

    static InventoryDataset generate(int devices, quint32 seed);
    const std::vector<Row> &rows() const { return m_rows; }
    // Writes the rows as CSV with a header the importer maps without help.
    bool writeCsv(const QString &path) const;
    // A model name and a word that exist in the data, for filter and search timings.
    QString sampleModel() const { return m_sampleModel; }
    QString sampleSearch() const { return m_sampleSearch; }

private:
    std::vector<Row> m_rows;
    QString m_sampleModel;
    QString m_sampleSearch;
};

} // namespace fleet::bench
