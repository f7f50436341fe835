#pragma once

#include "BulkAction.h"
#include "DeviceQueryWorker.h"
#include "inventory/DeviceFilter.h"

#include <QHash>
#include <QList>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QMenu;
class QSplitter;
class QTableView;

namespace fleet {

class DeviceDetailsPane;
class DeviceFilterBar;
class DeviceTableModel;
class FacetValuesLoader;
class SavedFilterBox;
class WorkspaceSession;

// The inventory: filter bar, the device table (all SQL in the model's worker thread) and the
// details of the current device. Owns its actions; the main window puts some into its menus.
class DevicesPage : public QWidget
{
    Q_OBJECT
public:
    explicit DevicesPage(WorkspaceSession &session, QWidget *parent = nullptr);
    ~DevicesPage() override;

    DeviceTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    DeviceFilterBar *filterBar() const { return m_filterBar; }
    SavedFilterBox *savedFilters() const { return m_savedFilters; }
    DeviceDetailsPane *details() const { return m_details; }
    QLabel *countLabel() const { return m_countLabel; }
    QLabel *statusLabel() const { return m_statusLabel; }
    qint64 totalDevices() const { return m_total; }

    QAction *copyAction() const { return m_copyAction; }
    QAction *selectAllAction() const { return m_selectAllAction; }
    QAction *columnsAction() const { return m_columnsAction; }
    QAction *importAction() const { return m_importAction; }
    QAction *exportAction() const { return m_exportAction; }
    QAction *bulkAction(BulkAction::Kind kind) const { return m_bulkActions.value(kind); }

    // What the file dialogs of the actions call; public so scripts and tests can skip them.
    void importFile(const QString &path);
    void exportTo(const QString &path);
    void copySelectionAsCsv();
    void setVisibleColumns(const QList<int> &columns);
    QList<int> visibleColumns() const;
    // Opens the dialog for a bulk action on the selected rows.
    void startBulkAction(BulkAction::Kind kind);
    // Runs a bulk action on the selected rows in the background.
    void runBulkAction(BulkAction::Kind kind, const QString &value, const QString &reason);
    // Re-reads the table, facets and details after something changed the inventory.
    void refresh();
    // Devices changed behind the table (reports arriving over MQTT): the loaded rows are
    // re-read in place, at most a few times a second, keeping selection and scroll position.
    void scheduleLiveRefresh(const QList<qint64> &changedDeviceIds);

signals:
    void totalDevicesChanged(qint64 total);
    // The inventory was changed from this page (bulk action, import, notes, SBOM).
    void inventoryChanged();
    // A background task finished; `message` says what happened.
    void taskFinished(const QString &message);

private:
    void createActions();
    void buildLayout();
    void applyFilter(const DeviceFilter &filter);
    void loadFacets();
    void onFacetValuesLoaded(const QString &facet, const FacetValues &values);
    void updateCountLabel();
    void updateActions();
    void showCurrentDevice();
    void showContextMenu(const QPoint &position);
    void chooseColumns();
    void chooseImportFile();
    void chooseExportFile();
    void importJson(const QString &path);
    void reportTask(const QString &message, bool ok);
    void showError(const QString &message);

    WorkspaceSession &m_session;
    bool m_writable;
    DeviceTableModel *m_model;
    FacetValuesLoader *m_facetLoader;
    DeviceFilterBar *m_filterBar;
    SavedFilterBox *m_savedFilters;
    QLabel *m_countLabel;
    QLabel *m_statusLabel;
    QTableView *m_table;
    DeviceDetailsPane *m_details;
    QSplitter *m_splitter;
    QMenu *m_contextMenu = nullptr;
    QHash<QString, FacetValues> m_facetValues;
    qint64 m_total = -1;
    int m_runningWrites = 0;
    int m_pendingDetailRow = -1; // current row whose page has not arrived yet

    QAction *m_copyAction = nullptr;
    QAction *m_selectAllAction = nullptr;
    QAction *m_columnsAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_exportAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QHash<int, QAction *> m_bulkActions;
    // Live updates are coalesced: one table refresh per interval, facets less often.
    QTimer *m_liveRefreshTimer = nullptr;
    QTimer *m_liveFacetTimer = nullptr;
    bool m_liveDetailsChanged = false;
};

} // namespace fleet
