#pragma once

#include "io/CsvImporter.h"

#include <QDialog>
#include <QFutureWatcher>
#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimer;

namespace fleet {

class WorkspaceSession;

// Imports devices from a CSV file: a preview of the first rows with a field mapping above each
// column, "Check" (a dry run that lists every bad line in plain words) and "Import" (in a
// background task with its own connection, with progress and cancel). The importer is
// all-or-nothing: a file with any bad line imports nothing, and the dialog lists why.
class CsvImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CsvImportDialog(WorkspaceSession &session, QWidget *parent = nullptr);
    ~CsvImportDialog() override;

    // Reads the header and first rows and guesses the mapping.
    void setFile(const QString &path);
    QString filePath() const { return m_path; }
    CsvColumnMapping mapping() const;
    // Sets the field of CSV column `column` ("" ignores the column).
    void setFieldForColumn(int column, const QString &field);
    void check();
    void startImport();
    void cancelImport();
    bool isRunning() const { return m_watcher.isRunning(); }

signals:
    // A run finished: `committed` when devices were written.
    void finished(bool committed);
    void imported(qint64 created, qint64 updated);

private:
    struct Outcome
    {
        QString error;
        CsvImportReport report;
        bool dryRun = false;
    };
    struct Progress
    {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic<bool> cancel{false};
    };

    void chooseFile();
    void run(bool dryRun);
    void onFinished();
    void showReport(const Outcome &outcome);
    void updateButtons();
    QComboBox *makeMappingCombo(int column, const QString &field);

    WorkspaceSession &m_session;
    QString m_path;
    QLabel *m_fileLabel;
    QTableWidget *m_preview;
    QLineEdit *m_reason;
    QLabel *m_result;
    QListWidget *m_errors;
    QProgressBar *m_progressBar;
    QPushButton *m_check;
    QPushButton *m_import;
    QPushButton *m_cancel;
    QTimer *m_progressTimer;
    std::shared_ptr<Progress> m_progress;
    QFutureWatcher<Outcome> m_watcher;
    int m_columns = 0;
};

} // namespace fleet
