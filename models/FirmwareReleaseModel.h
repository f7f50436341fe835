#pragma once

#include "firmware/Release.h"

#include <QAbstractTableModel>
#include <QList>

namespace fleet {

// The firmware catalog's releases as a table, newest version first (the release added last
// first among equal versions). The catalog is small (hundreds of releases, not millions), so the
// model holds every row; the page loads them off the GUI thread and hands them over whole.
class FirmwareReleaseModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        Version,
        Kind,
        Channel,
        State,
        KnownGood,
        Models,
        Size,
        Created,
        ColumnCount
    };
    enum Role {
        ReleaseIdRole = Qt::UserRole + 1,
    };

    explicit FirmwareReleaseModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Replaces every row (sorted here, whatever order `releases` comes in).
    void setReleases(QList<Release> releases);
    const Release &releaseAt(int row) const { return m_releases.at(row); }
    // The row of the release with that id, or -1.
    int rowOfId(qint64 id) const;

    // "12.3 KiB": sizes as operators read them.
    static QString formatSize(qint64 bytes);
    static QString formatTime(qint64 ms);

private:
    QVariant display(const Release &r, int column) const;
    QList<Release> m_releases;
};

} // namespace fleet
